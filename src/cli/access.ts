// `azure-dev-auth whoami` and `azure-dev-auth roles`: the identity the active chain source yields, and what it may do.
// The active source is the chain's (same rules and options as `chain`), or the one --source names.
import { accessOutcome } from '../core/access/entry';
import { ACCESS_LOAD_DEADLINE_MS } from '../core/access/load';
import { describePath, scopeContains } from '../core/access/model';
import type { AccessReport, AppliedAssignment, ScopeNode } from '../core/access/types';
import { ALL_CREDENTIALS, type ChainReport, type CredentialName, type KeywordArguments } from '../core/chain/types';
import { displayName, formatExpiry, verdictHeadline } from '../core/presentation/chainRows';
import type { ChainOptions } from './main';
import { fitToWidth, inert, inertStrings, wrapBashCommand } from './terminalText';
import { columns, paragraph } from './helpText';
import * as l10n from '@vscode/l10n';

export class AccessUsageError extends Error {}

/** The options whoami and roles share, at the same column as each command's own. */
function commonHelp(): string {
  return `${columns([
    ['--json', l10n.t('print the report as JSON')],
    ['--source NAME', l10n.t("use this source instead of the chain's active one (e.g. {0})", 'AzureCliCredential')],
    ['--code FILE[:LINE]', l10n.t('the identity that the {0} or\n{1} FILE builds gets (the call at or after\nLINE, else the first), as {2} models it; named above the answer', 'DefaultAzureCredential(...)', 'ChainedTokenCredential(...)', '`chain --code`')],
    ['--cloud NAME|JSON', l10n.t('{0}, or custom endpoints as JSON:\n{1}; default: {2} of this shell,\nelse the cloud az is set to, else {3} (never {4} or a\nworkspace\'s .env: those do not choose where your tokens go)',
      'AzureCloud, AzureChinaCloud, AzureUSGovernment', '{"authorityHost", "resourceManager", "resourceManagerAudience", "graph",\n"graphAudience", "portal"}',
      '$AZURE_DEV_AUTH_CLOUD', 'AzureCloud', '--dotenv')],
    ['--timeout SECONDS', l10n.t('give up after this long (default {0}); {1} cancels at once', ACCESS_LOAD_DEADLINE_MS / 1000, 'Ctrl+C')],
    ['--utc', l10n.t("times in UTC (default: this machine's time zone)")],
  ], 22)}
${paragraph(l10n.t('and every option of {0} ({1}), which\ndecide the source.', '`azure-dev-auth chain`', '--python, --dotenv, --exclude, --allow-host, …'), '  ')}
${paragraph(l10n.t('Exit status: 0 answered (with {0}: the answer is yes), 1 no token, the load failed (or the answer\nis no or depends), 2 usage or input error, 130 cancelled.', '--can'))}
`;
}

export function accessHelp(command: 'whoami' | 'roles'): string {
  if (command === 'whoami') {
    return `${paragraph(`azure-dev-auth whoami: ${l10n.t('the identity your Python code signs in as (name, UPN or app id,\nobject id, tenant, source, token expiry)')}`)}

${l10n.t('Usage:')} azure-dev-auth whoami [options]
${commonHelp()}`;
  }
  return `${paragraph(`azure-dev-auth roles: ${l10n.t('groups, role assignments (direct, through groups, inherited), eligible\nroles, deny assignments and insights of the identity your Python code signs in as')}`)}

${l10n.t('Usage:')} azure-dev-auth roles [options]
${columns([
    ['--subscription ID', l10n.t("only this subscription (repeatable; default: every one in the token's tenant)")],
    ['--scope SCOPE', l10n.t('only assignments that apply at, above or below this scope')],
    ['--principal WHO', l10n.t('the access of this user, group, service principal or managed identity\n(object id, user principal name, application id or exact display name)\ninstead of your own, read with your sign-in')],
    ['--can ACTION', l10n.t('answer whether the identity (or {0}) may do {1} on {2},\nwhich may also name a resource, resource group or subscription:\nyes, no or depends on a condition (exit 0 only for yes, 1 otherwise)', '--principal', 'ACTION', '--scope')],
    ['--workspace DIR', l10n.t('where .env and code name resources for the insights (default: this folder)')],
  ], 22)}
${commonHelp()}`;
}

interface AccessOptions {
  json: boolean;
  source: CredentialName | undefined;
  cloud: string | undefined;
  subscriptions: string[];
  scope: string | undefined;
  principal: string | undefined;
  can: string | undefined;
  workspace: string;
  timeoutSeconds: number | undefined;
}

export interface AccessDeps {
  parseChainArgs(args: readonly string[]): ChainOptions;
  chainReportFor(options: ChainOptions, signal: AbortSignal): Promise<{ report: ChainReport; env: Record<string, string>; keywordArguments: KeywordArguments }>;
}

function splitArgs(command: 'whoami' | 'roles', args: readonly string[]): { access: AccessOptions; chainArgs: string[] } {
  const access: AccessOptions = { json: false, source: undefined, cloud: undefined, subscriptions: [], scope: undefined, principal: undefined, can: undefined, workspace: process.cwd(), timeoutSeconds: undefined };
  const chainArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) throw new AccessUsageError(l10n.t('{0} needs a value.', flag));
      return next;
    };
    switch (flag) {
      case '--json': access.json = true; chainArgs.push('--json'); break;
      case '--source': {
        const name = value();
        const found = ALL_CREDENTIALS.find((c) => c.toLowerCase() === name.toLowerCase());
        if (!found) throw new AccessUsageError(l10n.t('{0}: not a credential class name. Use one of: {1}.', `--source ${name}`, ALL_CREDENTIALS.join(', ')));
        access.source = found;
        break;
      }
      case '--cloud': access.cloud = value(); break;
      case '--timeout': {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new AccessUsageError(l10n.t('{0}: expected seconds between 1 and 3600.', '--timeout'));
        access.timeoutSeconds = seconds;
        break;
      }
      case '--subscription':
      case '--scope':
      case '--principal':
      case '--can':
      case '--workspace':
        if (command !== 'roles') throw new AccessUsageError(l10n.t('{0} is an option of {1}, not of {2}.', flag, 'roles', command));
        if (flag === '--subscription') {
          const id = value().trim();
          if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AccessUsageError(l10n.t('{0}: expected a subscription id (a GUID).', `--subscription ${id}`));
          access.subscriptions.push(id);
        } else if (flag === '--scope') {
          const scope = value().trim();
          if (!scope) throw new AccessUsageError(l10n.t('{0}: expected a scope such as {1}.', '--scope', '/subscriptions/<id>/resourceGroups/<name>'));
          access.scope = scope;
        } else if (flag === '--can') {
          const action = value().trim();
          if (!/^[A-Za-z0-9.]+\/[A-Za-z0-9./*_-]+$/.test(action)) throw new AccessUsageError(l10n.t('{0}: expected an operation such as {1}.', `--can ${action}`, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'));
          access.can = action;
        } else if (flag === '--principal') {
          const principal = value().trim();
          if (!principal) throw new AccessUsageError(l10n.t('{0}: expected an object id, user principal name, application id or display name.', '--principal'));
          access.principal = principal;
        } else access.workspace = value();
        break;
      default:
        chainArgs.push(raw);
    }
  }
  if (access.can && !access.scope) throw new AccessUsageError(l10n.t('{0} needs {1}: the scope id, or the name of a resource, resource group or subscription.', '--can', '--scope'));
  // Without --can a scope filters the tree by its id.
  if (!access.can && access.scope && !access.scope.startsWith('/')) throw new AccessUsageError(l10n.t('{0}: expected a scope such as {1}.', `--scope ${access.scope}`, '/subscriptions/<id>/resourceGroups/<name>'));
  return { access, chainArgs };
}

export function formatCan(report: AccessReport): string {
  const can = report.can;
  if (!can) return '';
  if (!can.ok) return `${inert(can.message)}\n`;
  const { answer, crossCheck } = can;
  const out = [answer.sentence];
  for (const a of answer.grantedBy) {
    const at = l10n.t('{0} at {1} · {2}', a.role.roleName, a.scope, describePath(a.via));
    out.push(`  ${answer.verdict === 'depends' ? l10n.t('only with its condition: {0}', at) : l10n.t('granted by: {0}', at)}`);
  }
  for (const c of answer.conditions) out.push(`  ${l10n.t('condition: {0}', c)}`);
  if (answer.deniedBy) out.push(`  ${l10n.t('denied by: {0} at {1}', answer.deniedBy.name, answer.deniedBy.scope)}`);
  if (answer.suggestion) out.push('', l10n.t('To grant it: {0}', answer.suggestion.roleName), answer.suggestion.command);
  if (crossCheck) out.push('', 'problem' in crossCheck ? l10n.t("ARM's effective permissions: {0}", crossCheck.problem) : crossCheck.note);
  // Names come from the tenant: each printed line is made inert (the command's own line breaks are its continuations).
  return `${out.flatMap((line) => line.split('\n')).map((line) => inert(line)).join('\n')}\n`;
}

function who(report: AccessReport): string {
  const id = report.identity;
  return id.upn ?? id.appId ?? id.objectId;
}

function kindText(kind: AccessReport['identity']['kind']): string {
  return kind === 'user' ? l10n.t('user') : kind === 'group' ? l10n.t('group') : kind === 'managedIdentity' ? l10n.t('managed identity') : l10n.t('service principal');
}

export function formatWhoami(report: AccessReport): string {
  const id = report.identity;
  const viewer = report.viewer;
  // The labels line up in every language: each is as wide as the widest, plus a space.
  const labels = {
    kind: l10n.t('kind:'), objectId: l10n.t('object id:'), appId: l10n.t('app id:'), tenant: l10n.t('tenant:'),
    readAs: l10n.t('read as:'), source: l10n.t('source:'), cloud: l10n.t('cloud:'),
  };
  const width = Math.max(...Object.values(labels).map((label) => [...label].length)) + 1;
  const field = (label: string, value: string): string => `  ${label}${' '.repeat(Math.max(1, width - [...label].length))}${value}`;
  const viewerName = viewer ? `${viewer.displayName ?? viewer.upn ?? viewer.appId ?? viewer.objectId}${viewer.upn ?? viewer.appId ? ` (${viewer.upn ?? viewer.appId})` : ''}` : '';
  const name = `${id.displayName ?? who(report)}${id.displayName ? ` (${who(report)})` : ''}`;
  const lines = [
    viewer ? l10n.t('Access of {0}', name) : name,
    field(labels.kind, kindText(id.kind)),
    field(labels.objectId, id.objectId),
    ...(id.appId ? [field(labels.appId, id.appId)] : []),
    field(labels.tenant, id.tenantName ? `${id.tenantName} (${id.tenantId})` : id.tenantId),
    ...(viewer
      ? [field(labels.readAs, l10n.t('{0} through {1}', viewerName, displayName(viewer.source)))]
      : [field(labels.source, displayName(id.source))]),
    field(labels.cloud, `${report.cloud}${report.cloudFrom ? ` (${report.cloudFrom})` : ''}`),
    ...(viewer ? [] : [`  ${l10n.t('token until {0}', id.expiresOn ? formatExpiry(id.expiresOn) : l10n.t('unknown'))}`]),
  ];
  for (const p of report.problems) lines.push(`  ! ${p.message} ${p.fix}`);
  return `${lines.join('\n')}\n`;
}

function assignmentLine(a: AppliedAssignment, at: string): string {
  const inherited = a.scope.toLowerCase() !== at.toLowerCase() ? ` · ${l10n.t('inherited from {0}', a.scope)}` : '';
  const condition = a.condition ? ` · ${l10n.t('condition')}` : '';
  return `${a.role.roleName} · ${describePath(a.via)}${inherited}${condition}`;
}

function scopeLine(node: ScopeNode): string {
  switch (node.kind) {
    case 'resource': return `${node.name} (${node.resourceType ?? l10n.t('resource')})`;
    case 'resourceGroup': return l10n.t('resource group {0}', node.name);
    case 'managementGroup': return l10n.t('management group {0}', node.name);
    default: return node.scope;
  }
}

function nodeLines(node: ScopeNode, depth: number, filter: string | undefined, out: string[]): void {
  const relevant = !filter || scopeContains(filter, node.scope) || scopeContains(node.scope, filter);
  if (relevant) {
    out.push(`${'  '.repeat(depth)}${scopeLine(node)}`);
    if (node.assignments.length === 0) out.push(`${'  '.repeat(depth + 1)}${l10n.t('(no role here)')}`);
    for (const a of node.assignments) out.push(`${'  '.repeat(depth + 1)}${assignmentLine(a, node.scope)}`);
  }
  for (const child of node.children) nodeLines(child, relevant ? depth + 1 : depth, filter, out);
}

/** Fix commands broken between words with bash line continuations for the terminal's width, by the insight they fix. */
const fixCommands = new WeakMap<object, string>();

export function formatRoles(report: AccessReport, scope: string | undefined): string {
  const out: string[] = [formatWhoami(report).trimEnd(), ''];
  const g = report.groups;
  out.push(g.problem ? l10n.t('Groups ({0}): {1}', g.count, g.problem.message) : l10n.t('Groups ({0})', g.count));
  for (const group of g.items) out.push(`  ${group.displayName ?? group.id}${group.path.length > 1 ? `  ${l10n.t('(via {0})', group.path.join(' → '))}` : ''}`);
  for (const sub of report.subscriptions) {
    out.push('', l10n.t('Subscription {0} ({1})', sub.displayName, sub.subscriptionId));
    for (const p of sub.problems) out.push(`  ! ${p.message} ${p.fix}`);
    for (const node of sub.scopes) nodeLines(node, 1, scope, out);
    if (sub.eligible.length) {
      out.push(`  ${l10n.t('Eligible (PIM): activate in PIM')}`);
      for (const e of sub.eligible) {
        const at = l10n.t('{0} at {1} · {2}', e.roleName, e.scope, describePath(e.via));
        out.push(`    ${at}${e.endDateTime ? ` · ${l10n.t('until {0}', formatExpiry(e.endDateTime))}` : ''}`);
      }
    }
    if (sub.deny.length) {
      out.push(`  ${l10n.t('Deny assignments')}`);
      for (const d of sub.deny) out.push(`    ${l10n.t('{0} at {1} · applies {2}', d.name, d.scope, d.appliesThrough)}`);
    }
  }
  if (report.insights.length) {
    out.push('', l10n.t('Insights'));
    for (const i of report.insights) {
      // A fix that is a command is pasted: on lines of its own (see fixCommands), never after the title where it is cut.
      const command = i.suggestion?.startsWith('az ') ? fixCommands.get(i) ?? i.suggestion : undefined;
      out.push(`  • ${i.title}${i.suggestion && !command ? ` → ${i.suggestion}` : ''}`, `    ${i.detail}`);
      if (command) {
        out.push(`    ${l10n.t('Fix (bash):')}`);
        for (const line of command.split('\n')) out.push(`      ${line}`);
      }
      if (i.adminRequest) {
        out.push(`    ${i.adminRequest.includes('MY_PUBLIC_IP')
          ? l10n.t("Administrator request (bash; replace {0} with this machine's public address):", 'MY_PUBLIC_IP')
          : l10n.t('Administrator request (bash):')}`);
        for (const line of i.adminRequest.split('\n')) out.push(`      ${line}`);
      }
    }
  }
  for (const p of report.problems) out.push('', `! ${p.message} ${p.fix}`);
  // ARM refuses assignedTo() (az's --include-groups) for a group: its own assignments are what az lists for it.
  // On a line of its own, so that it fits 120 columns and is never wrapped (it is meant to be pasted).
  out.push('', l10n.t('Equivalent:'), `  az role assignment list --assignee ${report.identity.objectId} --all${report.identity.kind === 'group' ? '' : ' --include-groups'} --include-inherited`);
  return `${out.join('\n')}\n`;
}

/**
 * The one line above the answer when `--code` chose the chain: which call of which file was modelled. Its text comes
 * from a repository's file, so it is made inert.
 */
export function codeHeader(code: NonNullable<ChainReport['code']>): string {
  const unknown = code.notKnown.length ? ` ${l10n.t('(not known from the source: {0})', code.notKnown.join(', '))}` : '';
  return inert(`${l10n.t('Code: {0}', code.where)} · ${code.call}${unknown}`, 400);
}

/**
 * The tool's timeout for the token the access load asks for: the one the chain ran with (`--process-timeout`, else
 * the code's `process_timeout`), else the chosen member's own `process_timeout=` in a ChainedTokenCredential.
 */
export function processTimeoutFor(chain: ChainReport, keywordArguments: KeywordArguments, source: CredentialName): number | undefined {
  if (keywordArguments.processTimeoutSeconds !== undefined) return keywordArguments.processTimeoutSeconds;
  if (chain.code?.credential !== 'ChainedTokenCredential') return undefined;
  const member = chain.code.members.find((m) => m.kind === 'credential' && m.credential === source);
  return member?.kind === 'credential' ? member.processTimeoutSeconds : undefined;
}

export async function runAccess(command: 'whoami' | 'roles', args: readonly string[], signal: AbortSignal, deps: AccessDeps): Promise<number> {
  const { access, chainArgs } = splitArgs(command, args);
  const chainOptions = deps.parseChainArgs(chainArgs.filter((a) => a !== '--json'));
  const { report: chain, env, keywordArguments } = await deps.chainReportFor(chainOptions, signal);
  // With --code, what is printed says first which call chose the identity; --json carries that call as `code`.
  const header = chain.code && !access.json ? `${codeHeader(chain.code)}\n` : '';
  const withCode = <T extends object>(value: T): T | (T & { code: ChainReport['code'] }) => (chain.code ? { ...value, code: chain.code } : value);
  let source = access.source;
  if (!source) {
    if (chain.verdict.outcome !== 'token' || !chain.verdict.credential) {
      const headline = inert(verdictHeadline(chain.verdict, chain.sources));
      process.stderr.write(`${header}azure-dev-auth: ${chain.code && chain.code.credential !== 'DefaultAzureCredential'
        ? l10n.t('The {0} gets no token here: {1}', chain.code.where, headline)
        : l10n.t('DefaultAzureCredential gets no token here: {0}', headline)}\n`);
      return 1;
    }
    source = chain.verdict.credential;
  }
  // The same entry point as the Access view: the same inputs, the same redaction. The cloud comes from --cloud or this
  // shell's environment, never from --dotenv; the proxy and certificate authorities from this shell's environment.
  const outcome = await accessOutcome({
    source, env, processEnv: process.env, processTimeoutSeconds: processTimeoutFor(chain, keywordArguments, source) ?? 10, allowedHosts: chainOptions.allowHosts,
    cloudSetting: access.cloud, cloudGivenBy: 'flag', subscriptions: access.subscriptions,
    workspaceFolder: command === 'roles' ? access.workspace : undefined, identityOnly: command === 'whoami', signal,
    ...(access.principal !== undefined ? { principal: access.principal } : {}),
    ...(access.can && access.scope ? { can: { action: access.can, scope: access.scope } } : {}),
    deadlineMs: (access.timeoutSeconds ?? ACCESS_LOAD_DEADLINE_MS / 1000) * 1000,
    onProgress: (message) => { if (!access.json) process.stderr.write(`${inert(message)}\n`); },
  });
  const notes = outcome.ok ? outcome.report.notes ?? [] : outcome.notes ?? [];
  for (const note of notes) process.stderr.write(`${l10n.t('Note: {0}', inert(note))}\n`);
  if (outcome.ok) {
    // Every name in the text comes from the tenant: made inert (no terminal escapes, no forged lines, elided).
    if (access.can) {
      const can = outcome.report.can;
      process.stdout.write(access.json ? `${JSON.stringify(can ? withCode(can) : can, null, 2)}\n` : `${header}${formatCan(outcome.report)}`);
      return outcome.report.can?.ok && outcome.report.can.answer.verdict === 'yes' ? 0 : 1;
    }
    // A terminal's width, 120 columns when the output is not a terminal: long lines break at spaces.
    const columns = process.stdout.columns || 120;
    const elided = inertStrings(outcome.report, Math.max(40, columns - 20));
    // Administrator requests are pasted: never elided nor wrapped, one inert line per command.
    const verbatim = new Set<string>();
    const shown = {
      ...elided,
      insights: elided.insights.map((cut, n) => {
        const original = outcome.report.insights[n];
        let insight = cut;
        // A fix that is a command, and an administrator request: pasted, so never elided nor wrapped; each command
        // broken between its words with bash line continuations (pasted, it is the same command).
        const fix = original?.suggestion?.startsWith('az ') ? wrapBashCommand(inert(original.suggestion), columns - 6) : undefined;
        if (fix) insight = { ...insight, suggestion: inert(original!.suggestion!) };
        const request = original?.adminRequest;
        if (request) {
          const lines = request.split('\n').flatMap((line) => wrapBashCommand(inert(line), columns - 6));
          for (const line of lines) verbatim.add(`      ${line}`);
          insight = { ...insight, adminRequest: lines.join('\n') };
        }
        if (fix) {
          for (const line of fix) verbatim.add(`      ${line}`);
          fixCommands.set(insight, fix.join('\n'));
        }
        return insight;
      }),
    };
    process.stdout.write(access.json ? `${JSON.stringify(withCode(outcome.report), null, 2)}\n` : fitToWidth(`${header}${command === 'whoami' ? formatWhoami(shown) : formatRoles(shown, access.scope)}`, columns, (line) => verbatim.has(line) || line.startsWith('  az ')));
    return 0;
  }
  if (outcome.failure.kind === 'cloudSetting') throw new AccessUsageError(outcome.failure.message);
  const { problem } = outcome.failure;
  if (access.json) process.stdout.write(`${JSON.stringify(withCode({ problem }), null, 2)}\n`);
  else process.stdout.write(header);
  process.stderr.write(fitToWidth(`azure-dev-auth: ${displayName(source)}: ${inert(problem.message)}\n  ${inert(problem.fix)}\n`, process.stderr.columns || 120));
  return 1;
}
