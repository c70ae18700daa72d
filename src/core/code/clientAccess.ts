// What the identity the Access view shows may do with the resource an SDK client of the code talks to: the endpoint
// (a literal, or the run's environment with .env) names a host, the host a resource of the Access report through the
// current cloud's suffixes, and the "Can … Do …?" answer (can.ts) says yes, no or depends for the service's read and
// write data actions, with the narrowest built-in role that would grant what is missing. Pure: the extension shows
// it as a hover and a diagnostic; the Markdown is built here so that its escaping is tested without VS Code.
import { answerCan } from '../access/can';
import type { CloudEndpoints } from '../access/clouds';
import { DATA_SERVICES } from '../access/permissions';
import type { AccessReport, CanVerdict, Insight, RoleInfo, ScopeNode } from '../access/types';
import { resourceReferences } from '../access/workspaceResources';
import type { AssignRoleArgs } from './assignRoleArgs';
import { keyVaultRoleFor } from './errorExplanation';
import { codeBlock } from '../presentation/accessRows';
import { endpointText, type ClientCall, type ClientService, type EndpointSource } from './clientCalls';
import * as l10n from '@vscode/l10n';

interface ServiceFacts {
  readonly label: string;
  readonly resourceType: string;
  /** The data actions "read" and "write" stand for (Azure OpenAI: using a deployment; it has no write). */
  readonly read: string | null;
  readonly write: string | null;
  /** Which word the summary uses for reading ("read yes", "use no"); worded in the user's language there. */
  readonly readWord: 'read' | 'use';
  /** Azure roles reach the data (not Cosmos DB's, which has its own SQL role assignments). */
  readonly armDataRoles: boolean;
}

const OPENAI_USE = 'Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action';

function factsOf(service: ClientService): ServiceFacts {
  if (service === 'openAI') {
    return { label: l10n.t('Azure OpenAI resource'), resourceType: 'Microsoft.CognitiveServices/accounts', read: OPENAI_USE, write: null, readWord: 'use', armDataRoles: true };
  }
  const data = DATA_SERVICES.find((s) => s.key === service)!;
  return { label: data.label, resourceType: data.resourceType, read: data.read[0] ?? null, write: data.write[0] ?? null, readWord: 'read', armDataRoles: data.armDataRoles };
}

/** One of the client's operations, answered: yes, no or depends, in a sentence. */
export interface DataAnswer {
  readonly verdict: CanVerdict;
  readonly sentence: string;
  /** "depends" on where (some databases or containers), not on a condition. */
  readonly partial?: boolean;
}

/** The role the Assign Role… action opens the wizard with. */
export interface ClientRoleSuggestion {
  readonly roleName: string;
  readonly scope: string;
}

/** What the hover says about one client construction. */
export type ClientAccess =
  | { readonly kind: 'connectionString'; readonly client: string }
  /** The source does not say (a variable, an f-string, no endpoint argument). */
  | { readonly kind: 'unknownEndpoint'; readonly client: string; readonly text: string | null; readonly why: string | null }
  | { readonly kind: 'unsetVariable'; readonly client: string; readonly variable: string }
  /** The endpoint is not one of this service's hosts in the cloud the Access view uses. */
  | { readonly kind: 'otherHost'; readonly client: string; readonly endpoint: string; readonly cloud: string }
  | { readonly kind: 'noReport'; readonly client: string; readonly host: string; readonly name: string; readonly label: string }
  | { readonly kind: 'notFound'; readonly client: string; readonly host: string; readonly name: string; readonly label: string; readonly who: string }
  /** A key vault with access policies, or Cosmos DB's own roles: Azure roles do not decide. */
  | { readonly kind: 'notByRoles'; readonly client: string; readonly host: string; readonly name: string; readonly label: string; readonly scope: string; readonly why: string; readonly fix: string | null }
  | {
    readonly kind: 'answered'; readonly client: string; readonly host: string; readonly name: string; readonly label: string; readonly scope: string;
    readonly who: string; readonly readWord: 'read' | 'use';
    readonly endpoint: EndpointSource;
    readonly read: DataAnswer; readonly write: DataAnswer | null;
    /** An Azure role, assigned through the role wizard. */
    readonly suggestion: ClientRoleSuggestion | null;
    /** Cosmos DB: the account's own data role, assigned by an `az cosmosdb` command (bash) the wizard cannot run. */
    readonly command: { readonly roleName: string; readonly command: string } | null;
  };

export interface ClientAccessContext {
  /** The Access view's report and cloud; undefined before it has loaded. */
  readonly access: { readonly report: AccessReport; readonly cloud: CloudEndpoints } | undefined;
  /** The tenant's role definitions (the roles a suggestion is chosen from); undefined when not at hand. */
  readonly definitions: readonly RoleInfo[] | undefined;
  /** The run's environment: the process's with the workspace's .env over it. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The host an endpoint names: a URL's, or a bare host (`sb-app.servicebus.windows.net`). */
function hostOf(endpoint: string): string | undefined {
  const text = endpoint.trim();
  try {
    return new URL(text.includes('://') ? text : `https://${text}`).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

function openAiName(host: string, cloud: CloudEndpoints): string | undefined {
  const suffix = cloud.name === 'AzureChinaCloud' ? 'openai.azure.cn' : cloud.name === 'AzureUSGovernment' ? 'openai.azure.us' : 'openai.azure.com';
  const match = new RegExp(`^([a-z0-9][a-z0-9-]{0,62})\\.${suffix.replace(/\./g, '\\.')}$`).exec(host);
  return match?.[1];
}

function* nodesOf(list: readonly ScopeNode[]): Generator<ScopeNode> {
  for (const n of list) {
    yield n;
    yield* nodesOf(n.children);
  }
}

/** The resource's id in the report: its scope tree, its resource list, or an insight about it. */
function resourceId(report: AccessReport, type: string, name: string): string | undefined {
  const suffix = `/providers/${type}/${name}`.toLowerCase();
  for (const s of report.subscriptions) {
    for (const n of nodesOf(s.scopes)) if (n.kind === 'resource' && n.scope.toLowerCase().endsWith(suffix)) return n.scope;
    for (const r of s.resources ?? []) if (r.id.toLowerCase().endsWith(suffix)) return r.id;
  }
  return report.insights.find((i) => i.scope?.toLowerCase().endsWith(suffix))?.scope ?? undefined;
}

const insightAt = (report: AccessReport, scope: string, kind: Insight['kind']) => report.insights.find((i) => i.kind === kind && i.scope?.toLowerCase() === scope.toLowerCase());

function whoOf(report: AccessReport): string {
  return report.identity.displayName ?? report.identity.upn ?? report.identity.appId ?? report.identity.objectId;
}

/** What the shown identity may do with the resource of `call`'s endpoint. */
export function clientAccess(call: ClientCall, ctx: ClientAccessContext): ClientAccess {
  const client = call.client;
  if (call.construction === 'connectionString') return { kind: 'connectionString', client };
  const endpoint = call.endpoint;
  if (!endpoint || endpoint.kind === 'unknown') return { kind: 'unknownEndpoint', client, text: endpoint?.text ?? null, why: endpoint?.why ?? null };
  const text = endpointText(endpoint, ctx.env);
  if (text === undefined) return { kind: 'unsetVariable', client, variable: endpoint.kind === 'environment' ? endpoint.variable : '' };
  const facts = factsOf(call.service);
  const host = hostOf(text);
  const cloud = ctx.access?.cloud;
  // A value from the environment is not repeated (it could be anything, a secret too): its variable is named instead.
  const shown = endpoint.kind === 'environment' ? l10n.t('The value of {0}', endpoint.variable) : text;
  if (!host) return { kind: 'otherHost', client, endpoint: shown, cloud: cloud?.name ?? l10n.t('the current cloud') };
  let name: string | undefined;
  if (cloud) {
    name = call.service === 'openAI' ? openAiName(host, cloud) : resourceReferences([host], cloud).find((r) => r.service === call.service && r.host === host)?.name;
    if (!name) return { kind: 'otherHost', client, endpoint: shown, cloud: cloud.name };
  }
  if (!ctx.access || !name) return { kind: 'noReport', client, host, name: name ?? host.split('.')[0] ?? host, label: facts.label };
  const { report } = ctx.access;
  const who = whoOf(report);
  const scope = resourceId(report, facts.resourceType, name);
  const base = { client, host, name, label: facts.label };
  if (!scope) return { kind: 'notFound', ...base, who };
  const policy = call.service === 'keyVault' ? insightAt(report, scope, 'access-policy-vault') : undefined;
  if (policy) return { kind: 'notByRoles', ...base, scope, why: `${policy.title}. ${policy.detail}`, fix: policy.suggestion };
  const cosmos = call.service === 'cosmosDb' ? report.cosmos?.find((c) => c.account.toLowerCase() === scope.toLowerCase()) : undefined;
  if (cosmos?.read && cosmos.write) {
    return {
      kind: 'answered', ...base, scope, who, readWord: facts.readWord, endpoint, read: cosmos.read, write: cosmos.write, suggestion: null,
      command: cosmos.fix,
    };
  }
  if (!facts.armDataRoles) {
    const insight = insightAt(report, scope, 'control-plane-only');
    // Cosmos DB is the one such service: its sentence is whole, not a label made plural and capitalised by code.
    const why = call.service === 'cosmosDb'
      ? (cosmos?.problem
        ? l10n.t('Cosmos DB accounts grant their data through their own SQL role assignments, not Azure roles, and those of this account could not be read: {0}', cosmos.problem)
        : l10n.t('Cosmos DB accounts grant their data through their own SQL role assignments, not Azure roles.'))
      : l10n.t('{0}s grant their data through their own SQL role assignments, not Azure roles.', `${facts.label[0]!.toUpperCase()}${facts.label.slice(1)}`);
    return { kind: 'notByRoles', ...base, scope, why, fix: insight?.suggestion ?? null };
  }
  // Whether an action is a data action, and the role that would grant it, come from the tenant's role definitions:
  // without them no answer is given rather than a wrong one.
  if (!ctx.definitions) return { kind: 'noReport', client, host, name, label: facts.label };
  const read = answerCan(report, facts.read!, scope, ctx.definitions);
  const write = facts.write ? answerCan(report, facts.write, scope, ctx.definitions) : null;
  const missing = write && write.verdict !== 'yes' ? write : read.verdict !== 'yes' ? read : null;
  // Key Vault's built-in data roles all grant with wildcards, so the narrowest-role ranking lands on a preview
  // service role; the product's Key Vault mapping (the one the error explanations use) names the usual role.
  const roleName = missing && (call.service === 'keyVault' ? keyVaultRoleFor(missing.action) : missing.suggestion?.roleName);
  return { kind: 'answered', ...base, scope, who, readWord: facts.readWord, endpoint, read, write, suggestion: roleName ? { roleName, scope } : null, command: null };
}

/** The identity cannot reach the data at all: no read, no write (the diagnostic's warning). */
export function clientUnreachable(access: ClientAccess): boolean {
  return access.kind === 'answered' && access.read.verdict === 'no' && (access.write === null || access.write.verdict === 'no');
}

/** Some data operation the client offers is refused (the diagnostic's information): a write without a role. */
export function clientLimited(access: ClientAccess): boolean {
  return access.kind === 'answered' && !clientUnreachable(access) && (access.read.verdict !== 'yes' || (access.write !== null && access.write.verdict !== 'yes'));
}

const verdictWord = (answer: DataAnswer): string =>
  (answer.verdict === 'depends' ? (answer.partial ? l10n.t('in some databases') : l10n.t('depends on a condition')) : answer.verdict === 'yes' ? l10n.t('yes') : l10n.t('no'));

/** "read yes, write no — add Storage Blob Data Contributor" (plain text). */
export function clientAccessSummary(access: Extract<ClientAccess, { kind: 'answered' }>): string {
  const read = access.readWord === 'use' ? l10n.t('use {0}', verdictWord(access.read)) : l10n.t('read {0}', verdictWord(access.read));
  const parts = access.write ? l10n.t('{0}, write {1}', read, verdictWord(access.write)) : read;
  const roleName = access.suggestion?.roleName ?? access.command?.roleName;
  return roleName ? l10n.t('{0} — add {1}', parts, roleName) : parts;
}

/** A diagnostic's message for a client the identity cannot fully use; undefined when it can. */
export function clientDiagnosticMessage(access: ClientAccess): string | undefined {
  if (access.kind !== 'answered' || !(clientUnreachable(access) || clientLimited(access))) return undefined;
  return clientUnreachable(access)
    ? l10n.t('{0} holds no data role that reaches {1} {2}: {3}.', access.who, access.label, access.name, clientAccessSummary(access))
    : l10n.t('{0} cannot do everything this client offers on {1} {2}: {3}.', access.who, access.label, access.name, clientAccessSummary(access));
}

/** Text from the code, Azure or the tenant, inert in Markdown: no control characters, every ASCII punctuation escaped. */
export function inertMarkdown(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}


/** The hover's Markdown: every name from outside escaped; the one link is `command` with JSON arguments. */
export function clientHoverMarkdown(access: ClientAccess, command: string, copyCosmosCommand?: string): string {
  const t = inertMarkdown;
  const heading = `**Azure Dev Auth** · \`${access.client.replace(/[^A-Za-z0-9_]/g, '')}\``;
  switch (access.kind) {
    case 'connectionString':
      return l10n.t('{0}\n\nBuilt from a connection string: it authenticates with the key or SAS token in it, not with DefaultAzureCredential, so roles do not apply.', heading);
    case 'unknownEndpoint':
      return l10n.t('{0}\n\nThe endpoint is unknown until the code runs{1}{2}. Write it as a literal, read it with os.environ from .env, or assign either once to a name, to see what the identity may do there.', heading, access.text ? ` (${t(access.text)})` : '', access.why ? `: ${t(access.why)}` : '');
    case 'unsetVariable':
      return l10n.t('{0}\n\nThe environment variable {1} is not set (not in .env nor in VS Code\'s environment): the endpoint is unknown.', heading, t(access.variable));
    case 'otherHost':
      return l10n.t('{0}\n\n{1} is not an endpoint of this service in {2}.', heading, t(access.endpoint), t(access.cloud));
    case 'noReport':
      return l10n.t('{0}\n\n{1} {2}: the Access view has not loaded (or its role definitions are more than an hour old); open or refresh it to see what the identity may do here.', heading, t(access.label), t(access.name));
    case 'notFound':
      return l10n.t('{0}\n\n{1} {2} ({3}) is not among the resources the Access view lists for {4}: it may be in another tenant or subscription, or the view was loaded before the code named it (Refresh Access).', heading, t(access.label), t(access.name), t(access.host), t(access.who));
    case 'notByRoles':
      return `${l10n.t('{0}\n\n{1} {2}: {3}', heading, t(access.label), t(access.name), t(access.why))}${access.fix ? `\n\n${l10n.t('Fix: {0}', t(access.fix))}` : ''}`;
    case 'answered': {
      const via = access.endpoint.kind === 'unknown' ? undefined : access.endpoint.via;
      const from = access.endpoint.kind === 'environment'
        ? (via ? l10n.t('from {0} through {1}', t(access.endpoint.variable), t(via)) : l10n.t('from {0}', t(access.endpoint.variable)))
        : via ? l10n.t('through {0}', t(via)) : undefined;
      const source = from ? ` (${from})` : '';
      const lines = [
        heading,
        l10n.t('{0} on {1} **{2}**{3}: **{4}**', t(access.who), t(access.label), t(access.name), source, t(clientAccessSummary(access))),
        t(access.read.sentence),
        ...(access.write ? [t(access.write.sentence)] : []),
      ];
      if (access.suggestion) {
        const args: AssignRoleArgs = { roleName: access.suggestion.roleName, scope: access.suggestion.scope };
        lines.push(`[${l10n.t('Assign Role…')}](command:${command}?${encodeURIComponent(JSON.stringify([args]))})`);
      }
      if (access.command) {
        // Cosmos DB's own role assignment: the wizard assigns Azure roles only, so the command is shown to be run
        // by someone who may write the account's role assignments (Contributor on it may).
        lines.push(l10n.t('{0} is a Cosmos DB role, assigned with this command by anyone who may write the account\'s role assignments:', t(access.command.roleName)));
        // Before the command, which is one long line: the link shows without scrolling. It names the account alone;
        // the command copied is the one the Access report holds for it.
        if (copyCosmosCommand) lines.push(`[${l10n.t('Copy Command')}](command:${copyCosmosCommand}?${encodeURIComponent(JSON.stringify([{ account: access.scope }]))})`);
        lines.push(codeBlock(access.command.command, 'bash'));
      }
      return lines.join('\n\n');
    }
  }
}
