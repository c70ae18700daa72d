// `azure-dev-auth whoami` and `azure-dev-auth roles`: the identity the active chain source yields, and what it may do.
// The active source is the chain's (same rules and options as `chain`), or the one --source names.
import { accessOutcome } from '../core/access/entry';
import { ACCESS_LOAD_DEADLINE_MS } from '../core/access/load';
import { describePath, scopeContains } from '../core/access/model';
import type { AccessReport, AppliedAssignment, ScopeNode } from '../core/access/types';
import { ALL_CREDENTIALS, type ChainReport, type CredentialName } from '../core/chain/types';
import { displayName, formatExpiry, verdictHeadline } from '../core/presentation/chainRows';
import type { ChainOptions } from './main';
import { fitToWidth, inert, inertStrings, wrapBashCommand } from './terminalText';

export class AccessUsageError extends Error {}

const COMMON = `  --json              print the report as JSON
  --source NAME       use this source instead of the chain's active one (e.g. AzureCliCredential)
  --cloud NAME|JSON   AzureCloud, AzureChinaCloud, AzureUSGovernment, or custom endpoints as JSON:
                      {"authorityHost", "resourceManager", "resourceManagerAudience", "graph",
                      "graphAudience", "portal"}; default: $AZURE_DEV_AUTH_CLOUD of this shell,
                      else the cloud az is set to, else AzureCloud (never --dotenv or a
                      workspace's .env: those do not choose where your tokens go)
  --timeout SECONDS   give up after this long (default ${ACCESS_LOAD_DEADLINE_MS / 1000}); Ctrl+C cancels at once
  --utc               times in UTC (default: this machine's time zone)
  and every option of \`azure-dev-auth chain\` (--python, --dotenv, --exclude, --allow-host, …), which
  decide the source.
Exit status: 0 answered (with --can: the answer is yes), 1 no token, the load failed (or the answer
is no or depends), 2 usage or input error, 130 cancelled.
`;

export function accessHelp(command: 'whoami' | 'roles'): string {
  if (command === 'whoami') {
    return `azure-dev-auth whoami: the identity your Python code signs in as (name, UPN or app id,
object id, tenant, source, token expiry)

Usage: azure-dev-auth whoami [options]
${COMMON}`;
  }
  return `azure-dev-auth roles: groups, role assignments (direct, through groups, inherited), eligible
roles, deny assignments and insights of the identity your Python code signs in as

Usage: azure-dev-auth roles [options]
  --subscription ID   only this subscription (repeatable; default: every one in the token's tenant)
  --scope SCOPE       only assignments that apply at, above or below this scope
  --principal WHO     the access of this user, group, service principal or managed identity
                      (object id, user principal name, application id or exact display name)
                      instead of your own, read with your sign-in
  --can ACTION        answer whether the identity (or --principal) may do ACTION on --scope,
                      which may also name a resource, resource group or subscription:
                      yes, no or depends on a condition (exit 0 only for yes, 1 otherwise)
  --workspace DIR     where .env and code name resources for the insights (default: this folder)
${COMMON}`;
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
  chainReportFor(options: ChainOptions, signal: AbortSignal): Promise<{ report: ChainReport; env: Record<string, string> }>;
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
      if (next === undefined) throw new AccessUsageError(`${flag} needs a value.`);
      return next;
    };
    switch (flag) {
      case '--json': access.json = true; chainArgs.push('--json'); break;
      case '--source': {
        const name = value();
        const found = ALL_CREDENTIALS.find((c) => c.toLowerCase() === name.toLowerCase());
        if (!found) throw new AccessUsageError(`--source ${name}: not a credential class name. Use one of: ${ALL_CREDENTIALS.join(', ')}.`);
        access.source = found;
        break;
      }
      case '--cloud': access.cloud = value(); break;
      case '--timeout': {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new AccessUsageError('--timeout: expected seconds between 1 and 3600.');
        access.timeoutSeconds = seconds;
        break;
      }
      case '--subscription':
      case '--scope':
      case '--principal':
      case '--can':
      case '--workspace':
        if (command !== 'roles') throw new AccessUsageError(`${flag} is an option of roles, not of ${command}.`);
        if (flag === '--subscription') {
          const id = value().trim();
          if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AccessUsageError(`--subscription ${id}: expected a subscription id (a GUID).`);
          access.subscriptions.push(id);
        } else if (flag === '--scope') {
          const scope = value().trim();
          if (!scope) throw new AccessUsageError('--scope: expected a scope such as /subscriptions/<id>/resourceGroups/<name>.');
          access.scope = scope;
        } else if (flag === '--can') {
          const action = value().trim();
          if (!/^[A-Za-z0-9.]+\/[A-Za-z0-9./*_-]+$/.test(action)) throw new AccessUsageError(`--can ${action}: expected an operation such as Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write.`);
          access.can = action;
        } else if (flag === '--principal') {
          const principal = value().trim();
          if (!principal) throw new AccessUsageError('--principal: expected an object id, user principal name, application id or display name.');
          access.principal = principal;
        } else access.workspace = value();
        break;
      default:
        chainArgs.push(raw);
    }
  }
  if (access.can && !access.scope) throw new AccessUsageError('--can needs --scope: the scope id, or the name of a resource, resource group or subscription.');
  // Without --can a scope filters the tree by its id.
  if (!access.can && access.scope && !access.scope.startsWith('/')) throw new AccessUsageError(`--scope ${access.scope}: expected a scope such as /subscriptions/<id>/resourceGroups/<name>.`);
  return { access, chainArgs };
}

export function formatCan(report: AccessReport): string {
  const can = report.can;
  if (!can) return '';
  if (!can.ok) return `${inert(can.message)}\n`;
  const { answer, crossCheck } = can;
  const out = [answer.sentence];
  for (const a of answer.grantedBy) out.push(`  ${answer.verdict === 'depends' ? 'only with its condition' : 'granted by'}: ${a.role.roleName} at ${a.scope} · ${describePath(a.via)}`);
  for (const c of answer.conditions) out.push(`  condition: ${c}`);
  if (answer.deniedBy) out.push(`  denied by: ${answer.deniedBy.name} at ${answer.deniedBy.scope}`);
  if (answer.suggestion) out.push('', `To grant it: ${answer.suggestion.roleName}`, answer.suggestion.command);
  if (crossCheck) out.push('', 'problem' in crossCheck ? `ARM's effective permissions: ${crossCheck.problem}` : crossCheck.note);
  // Names come from the tenant: each printed line is made inert (the command's own line breaks are its continuations).
  return `${out.flatMap((line) => line.split('\n')).map((line) => inert(line)).join('\n')}\n`;
}

function who(report: AccessReport): string {
  const id = report.identity;
  return id.upn ?? id.appId ?? id.objectId;
}

function kindText(kind: AccessReport['identity']['kind']): string {
  return kind === 'user' ? 'user' : kind === 'group' ? 'group' : kind === 'managedIdentity' ? 'managed identity' : 'service principal';
}

export function formatWhoami(report: AccessReport): string {
  const id = report.identity;
  const viewer = report.viewer;
  const lines = [
    `${viewer ? 'Access of ' : ''}${id.displayName ?? who(report)}${id.displayName ? ` (${who(report)})` : ''}`,
    `  kind:      ${kindText(id.kind)}`,
    `  object id: ${id.objectId}`,
    ...(id.appId ? [`  app id:    ${id.appId}`] : []),
    `  tenant:    ${id.tenantName ? `${id.tenantName} (${id.tenantId})` : id.tenantId}`,
    ...(viewer
      ? [`  read as:   ${viewer.displayName ?? viewer.upn ?? viewer.appId ?? viewer.objectId}${viewer.upn ?? viewer.appId ? ` (${viewer.upn ?? viewer.appId})` : ''} through ${displayName(viewer.source)}`]
      : [`  source:    ${displayName(id.source)}`]),
    `  cloud:     ${report.cloud}${report.cloudFrom ? ` (${report.cloudFrom})` : ''}`,
    ...(viewer ? [] : [`  token until ${id.expiresOn ? formatExpiry(id.expiresOn) : 'unknown'}`]),
  ];
  for (const p of report.problems) lines.push(`  ! ${p.message} ${p.fix}`);
  return `${lines.join('\n')}\n`;
}

function assignmentLine(a: AppliedAssignment, at: string): string {
  const inherited = a.scope.toLowerCase() !== at.toLowerCase() ? ` · inherited from ${a.scope}` : '';
  const condition = a.condition ? ' · condition' : '';
  return `${a.role.roleName} · ${describePath(a.via)}${inherited}${condition}`;
}

function nodeLines(node: ScopeNode, depth: number, filter: string | undefined, out: string[]): void {
  const relevant = !filter || scopeContains(filter, node.scope) || scopeContains(node.scope, filter);
  if (relevant) {
    out.push(`${'  '.repeat(depth)}${node.kind === 'resource' ? `${node.name} (${node.resourceType ?? 'resource'})` : node.kind === 'resourceGroup' ? `resource group ${node.name}` : node.kind === 'managementGroup' ? `management group ${node.name}` : node.scope}`);
    if (node.assignments.length === 0) out.push(`${'  '.repeat(depth + 1)}(no role here)`);
    for (const a of node.assignments) out.push(`${'  '.repeat(depth + 1)}${assignmentLine(a, node.scope)}`);
  }
  for (const child of node.children) nodeLines(child, relevant ? depth + 1 : depth, filter, out);
}

export function formatRoles(report: AccessReport, scope: string | undefined): string {
  const out: string[] = [formatWhoami(report).trimEnd(), ''];
  const g = report.groups;
  out.push(`Groups (${g.count})${g.problem ? `: ${g.problem.message}` : ''}`);
  for (const group of g.items) out.push(`  ${group.displayName ?? group.id}${group.path.length > 1 ? `  (via ${group.path.join(' → ')})` : ''}`);
  for (const sub of report.subscriptions) {
    out.push('', `Subscription ${sub.displayName} (${sub.subscriptionId})`);
    for (const p of sub.problems) out.push(`  ! ${p.message} ${p.fix}`);
    for (const node of sub.scopes) nodeLines(node, 1, scope, out);
    if (sub.eligible.length) {
      out.push('  Eligible (PIM): activate in PIM');
      for (const e of sub.eligible) out.push(`    ${e.roleName} at ${e.scope} · ${describePath(e.via)}${e.endDateTime ? ` · until ${formatExpiry(e.endDateTime)}` : ''}`);
    }
    if (sub.deny.length) {
      out.push('  Deny assignments');
      for (const d of sub.deny) out.push(`    ${d.name} at ${d.scope} · applies ${d.appliesThrough}`);
    }
  }
  if (report.insights.length) {
    out.push('', 'Insights');
    for (const i of report.insights) {
      out.push(`  • ${i.title}${i.suggestion ? ` → ${i.suggestion}` : ''}`, `    ${i.detail}`);
      if (i.adminRequest) {
        out.push(`    Administrator request (bash${i.adminRequest.includes('MY_PUBLIC_IP') ? '; replace MY_PUBLIC_IP with this machine\'s public address' : ''}):`);
        for (const line of i.adminRequest.split('\n')) out.push(`      ${line}`);
      }
    }
  }
  for (const p of report.problems) out.push('', `! ${p.message} ${p.fix}`);
  // ARM refuses assignedTo() (az's --include-groups) for a group: its own assignments are what az lists for it.
  // On a line of its own, so that it fits 120 columns and is never wrapped (it is meant to be pasted).
  out.push('', 'Equivalent:', `  az role assignment list --assignee ${report.identity.objectId} --all${report.identity.kind === 'group' ? '' : ' --include-groups'} --include-inherited`);
  return `${out.join('\n')}\n`;
}

export async function runAccess(command: 'whoami' | 'roles', args: readonly string[], signal: AbortSignal, deps: AccessDeps): Promise<number> {
  const { access, chainArgs } = splitArgs(command, args);
  const chainOptions = deps.parseChainArgs(chainArgs.filter((a) => a !== '--json'));
  const { report: chain, env } = await deps.chainReportFor(chainOptions, signal);
  let source = access.source;
  if (!source) {
    if (chain.verdict.outcome !== 'token' || !chain.verdict.credential) {
      process.stderr.write(`azure-dev-auth: DefaultAzureCredential gets no token here: ${inert(verdictHeadline(chain.verdict, chain.sources))}\n`);
      return 1;
    }
    source = chain.verdict.credential;
  }
  // The same entry point as the Access view: the same inputs, the same redaction. The cloud comes from --cloud or this
  // shell's environment, never from --dotenv; the proxy and certificate authorities from this shell's environment.
  const outcome = await accessOutcome({
    source, env, processEnv: process.env, processTimeoutSeconds: chainOptions.processTimeout ?? 10, allowedHosts: chainOptions.allowHosts,
    cloudSetting: access.cloud, cloudGivenBy: 'flag', subscriptions: access.subscriptions,
    workspaceFolder: command === 'roles' ? access.workspace : undefined, identityOnly: command === 'whoami', signal,
    ...(access.principal !== undefined ? { principal: access.principal } : {}),
    ...(access.can && access.scope ? { can: { action: access.can, scope: access.scope } } : {}),
    deadlineMs: (access.timeoutSeconds ?? ACCESS_LOAD_DEADLINE_MS / 1000) * 1000,
    onProgress: (message) => { if (!access.json) process.stderr.write(`${inert(message)}\n`); },
  });
  const notes = outcome.ok ? outcome.report.notes ?? [] : outcome.notes ?? [];
  for (const note of notes) process.stderr.write(`Note: ${inert(note)}\n`);
  if (outcome.ok) {
    // Every name in the text comes from the tenant: made inert (no terminal escapes, no forged lines, elided).
    if (access.can) {
      process.stdout.write(access.json ? `${JSON.stringify(outcome.report.can, null, 2)}\n` : formatCan(outcome.report));
      return outcome.report.can?.ok && outcome.report.can.answer.verdict === 'yes' ? 0 : 1;
    }
    // A terminal's width, 120 columns when the output is not a terminal: long lines break at spaces.
    const columns = process.stdout.columns || 120;
    const elided = inertStrings(outcome.report, Math.max(40, columns - 20));
    // Administrator requests are pasted: never elided nor wrapped, one inert line per command.
    const verbatim = new Set<string>();
    const shown = {
      ...elided,
      insights: elided.insights.map((insight, n) => {
        const request = outcome.report.insights[n]?.adminRequest;
        if (!request) return insight;
        // Each command broken between its words with bash line continuations: pasted, it is the same command.
        const lines = request.split('\n').flatMap((line) => wrapBashCommand(inert(line), columns - 6));
        for (const line of lines) verbatim.add(`      ${line}`);
        return { ...insight, adminRequest: lines.join('\n') };
      }),
    };
    process.stdout.write(access.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : fitToWidth(command === 'whoami' ? formatWhoami(shown) : formatRoles(shown, access.scope), columns, (line) => verbatim.has(line) || line.startsWith('  az ')));
    return 0;
  }
  if (outcome.failure.kind === 'cloudSetting') throw new AccessUsageError(outcome.failure.message);
  const { problem } = outcome.failure;
  if (access.json) process.stdout.write(`${JSON.stringify({ problem }, null, 2)}\n`);
  process.stderr.write(fitToWidth(`azure-dev-auth: ${displayName(source)}: ${inert(problem.message)}\n  ${inert(problem.fix)}\n`, process.stderr.columns || 120));
  return 1;
}
