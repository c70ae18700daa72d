// A ChainedTokenCredential of explicit credentials, modelled in its own order. Its members are standalone
// credentials: outside DefaultAzureCredential (no `within_dac`), a developer tool's error other than "not installed"
// or "not signed in" raises ClientAuthenticationError and ends the chain, and so does a shared-cache refresh error.
// ChainedTokenCredential does set `within_credential_chain`, so managed identity's IMDS probe behaves as in
// DefaultAzureCredential. Members the source cannot tell (a variable, `*args`, a class not modelled) are unknown.
import * as l10n from '@vscode/l10n';
import type { CredentialCall } from '../code/credentialCalls';
import type { ChainBehaviour } from './versions';
import { isCredentialName, type CredentialName } from './types';

export type ChainedMember =
  /**
   * `ignoredKeywords`: the keyword arguments written in the member's call, which the model does not apply yet.
   * `unknownValues`: keywords it would apply (a tool's tenant_id, process_timeout) whose value the source does not
   * tell (a name, a call), and `**kwargs`; the member is checked as if called without them too, for another reason.
   */
  | {
    readonly kind: 'credential'; readonly credential: CredentialName; readonly ignoredKeywords: readonly string[];
    readonly unknownValues?: readonly string[];
    /**
     * `tenant_id=` as a literal the library accepts (AzureCliCredential, AzureDeveloperCliCredential,
     * AzurePowerShellCredential): az runs with `--tenant`, azd with `--tenant-id`, PowerShell's script with TenantId.
     */
    readonly tenantId?: string;
    /** `process_timeout=` as a positive literal number (the three developer tools): the tool's timeout, in seconds. */
    readonly processTimeoutSeconds?: number;
    /**
     * ManagedIdentityCredential's `client_id=` as a literal: the user-assigned identity it asks for. Without it a
     * standalone ManagedIdentityCredential asks for none (the system-assigned identity): unlike DefaultAzureCredential
     * it does not read AZURE_CLIENT_ID, except in its token-exchange (workload identity) mode.
     */
    readonly clientId?: string;
    /**
     * `process_timeout` is written at all (whatever its value): versions without that keyword raise TypeError when
     * the member is built (azure-identity 1.13.0b2).
     */
    readonly writesProcessTimeout?: boolean;
  }
  /**
   * `text`: the argument as written (bounded by the reader); `why`: what cannot be known about it: a value that is not
   * a credential built in the call, a credential class the model does not cover (`className`), or `*args`.
   */
  | { readonly kind: 'unknown'; readonly text: string; readonly why: UnknownMemberWhy; readonly className?: string };

export type UnknownMemberWhy = 'notBuiltInCall' | 'classNotModelled' | 'argsSpread';

/** The members whose own tenant_id and process_timeout the model applies: they run a developer tool. */
const DEVELOPER_TOOLS = new Set<CredentialName>(['AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential']);

/** The members of a `ChainedTokenCredential(...)` call, in order. */
export function chainedMembersOf(call: CredentialCall): ChainedMember[] {
  const members: ChainedMember[] = call.positional.map((argument): ChainedMember => {
    if ('kind' in argument) return { kind: 'unknown', text: argument.text, why: 'notBuiltInCall' };
    return memberOf(argument);
  });
  if (call.positionalSpread) members.push({ kind: 'unknown', text: '*args', why: 'argsSpread' });
  return members;
}

/**
 * A credential built on its own (`AzureCliCredential(tenant_id=…)` outside any ChainedTokenCredential, or given to a
 * client as `credential=`): modelled as the only member of a chain, with its own keywords, and `lone` in the inputs.
 */
export function loneMemberOf(call: CredentialCall): ChainedMember {
  return memberOf(call);
}

/**
 * The credential constructions the chain view can model, in source order: each `DefaultAzureCredential(...)`, each
 * `ChainedTokenCredential(...)`, and each credential of a class the model covers built on its own. One written as a
 * ChainedTokenCredential's argument is that chain's member, modelled with it, not on its own.
 */
export function modellableCalls(calls: readonly CredentialCall[]): CredentialCall[] {
  const at = (c: CredentialCall): string => `${c.range.startLine}:${c.range.startColumn}`;
  const members = new Set(calls.flatMap((c) => (c.credential === 'ChainedTokenCredential' ? c.positional.filter((a): a is CredentialCall => !('kind' in a)).map(at) : [])));
  return calls.filter((c) => c.credential === 'DefaultAzureCredential' || c.credential === 'ChainedTokenCredential'
    || (isCredentialName(c.credential) && !members.has(at(c))));
}

/** True for a credential the chain models as built on its own (not DefaultAzureCredential or ChainedTokenCredential). */
export function isLoneCall(call: CredentialCall): boolean {
  return call.credential !== 'DefaultAzureCredential' && call.credential !== 'ChainedTokenCredential';
}

function memberOf(argument: CredentialCall): ChainedMember {
  if (isCredentialName(argument.credential)) {
    const tool = DEVELOPER_TOOLS.has(argument.credential);
    const tenant = tool ? argument.keywords.get('tenant_id') : undefined;
    // Only a tenant the library's validate_tenant_id accepts (1.23+ raises ValueError for any other): "" means none.
    const tenantId = tenant?.kind === 'string' && /^[0-9A-Za-z.-]*$/.test(tenant.value) ? tenant.value : undefined;
    const timeout = tool ? argument.keywords.get('process_timeout') : undefined;
    // subprocess's timeout: a positive number of seconds (0 or less would end the tool before it starts).
    const processTimeoutSeconds = timeout?.kind === 'number' && timeout.value > 0 ? timeout.value : undefined;
    const managed = argument.credential === 'ManagedIdentityCredential';
    const client = managed ? argument.keywords.get('client_id') : undefined;
    // A client id as Entra writes one (a GUID); "" is none (the library tests it for truth). Any other text is left
    // unmodelled rather than sent or shown.
    const clientWritten = client?.kind === 'string' && /^[\w.-]{0,128}$/.test(client.value) ? client.value : undefined;
    const clientId = clientWritten || undefined;
    const applied = new Set([
      ...(tenantId !== undefined ? ['tenant_id'] : []), ...(processTimeoutSeconds !== undefined ? ['process_timeout'] : []),
      ...(clientWritten !== undefined ? ['client_id'] : []),
    ]);
    const notApplied = [...argument.keywords.keys()].filter((k) => !applied.has(k));
    // A keyword the model applies, left out only because its value is a name or a call, is unknown, not unmodelled.
    const unknown = (k: string): boolean => argument.keywords.get(k)?.kind === 'unknown'
      && ((tool && (k === 'tenant_id' || k === 'process_timeout')) || (managed && k === 'client_id'));
    const unknownValues = [...notApplied.filter(unknown), ...(argument.keywordSpread ? ['**kwargs'] : [])];
    const ignoredKeywords = notApplied.filter((k) => !unknown(k));
    return {
      kind: 'credential', credential: argument.credential, ignoredKeywords, ...(unknownValues.length ? { unknownValues } : {}),
      ...(tenantId ? { tenantId } : {}),
      ...(processTimeoutSeconds !== undefined ? { processTimeoutSeconds } : {}),
      ...(clientId ? { clientId } : {}),
      ...(tool && argument.keywords.has('process_timeout') ? { writesProcessTimeout: true } : {}),
    };
  }
  return { kind: 'unknown', text: `${argument.calledAs}(…)`, why: 'classNotModelled', className: argument.credential };
}

/** A member as the code writes it, e.g. "AzureCliCredential(tenant_id=…)" or "app.fallback" (plain text, bounded). */
export function memberText(member: ChainedMember): string {
  if (member.kind === 'unknown') return member.text;
  const tenant = member.tenantId ? [`tenant_id="${member.tenantId}"`] : [];
  const timeout = member.processTimeoutSeconds !== undefined ? [`process_timeout=${member.processTimeoutSeconds}`] : [];
  const client = member.clientId ? [`client_id="${member.clientId}"`] : [];
  const others = [...member.ignoredKeywords, ...(member.unknownValues ?? [])].map((k) => (k === '**kwargs' ? k : `${k}=…`));
  return `${member.credential}(${[...tenant, ...timeout, ...client, ...others].join(', ')})`;
}

/** The tenant each member passes (`tenant_id=`), by credential; the first member of a class counts, as in the rows. */
export function memberTenants(members: readonly ChainedMember[]): Partial<Record<CredentialName, string>> {
  const tenants: Partial<Record<CredentialName, string>> = {};
  const seen = new Set<CredentialName>();
  for (const member of members) {
    if (member.kind === 'unknown') break;
    if (seen.has(member.credential)) continue;
    seen.add(member.credential);
    if (member.tenantId) tenants[member.credential] = member.tenantId;
  }
  return tenants;
}

/** The `client_id=` each member passes, by credential (ManagedIdentityCredential); the first member of a class counts. */
export function memberClientIds(members: readonly ChainedMember[]): Partial<Record<CredentialName, string>> {
  const ids: Partial<Record<CredentialName, string>> = {};
  const seen = new Set<CredentialName>();
  for (const member of members) {
    if (member.kind === 'unknown') break;
    if (seen.has(member.credential)) continue;
    seen.add(member.credential);
    if (member.clientId) ids[member.credential] = member.clientId;
  }
  return ids;
}

/** The `process_timeout=` each member passes, by credential; the first member of a class counts, as in the rows. */
export function memberProcessTimeouts(members: readonly ChainedMember[]): Partial<Record<CredentialName, number>> {
  const timeouts: Partial<Record<CredentialName, number>> = {};
  const seen = new Set<CredentialName>();
  for (const member of members) {
    if (member.kind === 'unknown') break;
    if (seen.has(member.credential)) continue;
    seen.add(member.credential);
    if (member.processTimeoutSeconds !== undefined) timeouts[member.credential] = member.processTimeoutSeconds;
  }
  return timeouts;
}

/**
 * The TypeError Python raises while building the members, in a version whose developer-tool credentials take no
 * `process_timeout` (1.13.0b2): arguments are evaluated left to right, so the first such member raises.
 */
export function memberConstructorError(members: readonly ChainedMember[], versionHasProcessTimeout: boolean): { readonly credential: CredentialName; readonly exceptionType: 'TypeError'; readonly message: string } | undefined {
  if (versionHasProcessTimeout) return undefined;
  for (const member of members) {
    if (member.kind === 'unknown') return undefined;
    if (member.writesProcessTimeout) {
      return { credential: member.credential, exceptionType: 'TypeError', message: `${member.credential}.__init__() got an unexpected keyword argument 'process_timeout'` };
    }
  }
  return undefined;
}

/** What Verify with Python needs to build the members as the code does: the modelled ones, in order, with their keywords. */
export function verifyMembers(members: readonly ChainedMember[]): {
  chained: CredentialName[]; chainedTenants: Partial<Record<CredentialName, string>>;
  chainedProcessTimeouts: Partial<Record<CredentialName, number>>; chainedWritesProcessTimeout: CredentialName[];
  chainedClientIds: Partial<Record<CredentialName, string>>;
} {
  const { order } = modelledPrefix(members);
  const writes = members.flatMap((m) => (m.kind === 'credential' && m.writesProcessTimeout && order.includes(m.credential) ? [m.credential] : []));
  return {
    chained: order, chainedTenants: memberTenants(members), chainedProcessTimeouts: memberProcessTimeouts(members),
    chainedWritesProcessTimeout: [...new Set(writes)], chainedClientIds: memberClientIds(members),
  };
}

/** The rules of a version applied to standalone credentials in the given order. */
export function standaloneBehaviour(behaviour: ChainBehaviour, order: readonly CredentialName[]): ChainBehaviour {
  return {
    ...behaviour,
    order: [...order],
    defaultExcluded: [],
    devToolErrorsContinue: false,
    sharedCacheRefreshErrorsContinue: false,
  };
}

/**
 * One remark per member whose keyword arguments the model does not apply (it models the call without them): those
 * it does not model, and those whose value the source does not tell.
 */
export function ignoredKeywordNotes(members: readonly ChainedMember[], lone = false): string[] {
  return members.flatMap((member, index) => {
    if (member.kind !== 'credential') return [];
    const notes: string[] = [];
    if (member.ignoredKeywords.length) {
      notes.push(lone
        ? l10n.t('{0}: its keyword arguments {1} are not modelled; it is checked as if called without them.', member.credential, member.ignoredKeywords.join(', '))
        : l10n.t("ChainedTokenCredential's member {0} ({1}): its keyword arguments {2} are not modelled; it is checked as if called without them.",
          index + 1, member.credential, member.ignoredKeywords.join(', ')));
    }
    if (member.unknownValues?.length) {
      notes.push(lone
        ? l10n.t('{0}: the source does not tell the value of {1}; it is checked as if called without it.', member.credential, member.unknownValues.join(', '))
        : l10n.t("ChainedTokenCredential's member {0} ({1}): the source does not tell the value of {2}; it is checked as if called without it.",
          index + 1, member.credential, member.unknownValues.join(', ')));
    }
    return notes;
  });
}

/** The known members up to the first unknown one: beyond it, whether Python gets there is not known. */
export function modelledPrefix(members: readonly ChainedMember[]): { readonly order: CredentialName[]; readonly firstUnknown: Extract<ChainedMember, { kind: 'unknown' }> | undefined; readonly firstUnknownIndex: number } {
  const order: CredentialName[] = [];
  for (const [index, member] of members.entries()) {
    if (member.kind === 'unknown') return { order, firstUnknown: member, firstUnknownIndex: index };
    if (!order.includes(member.credential)) order.push(member.credential);
  }
  return { order, firstUnknown: undefined, firstUnknownIndex: -1 };
}

/** The note on the first member the model cannot know: the members after it are not modelled. One sentence per reason. */
export function unknownMemberNote(member: Extract<ChainedMember, { kind: 'unknown' }>, index: number): string {
  const position = index + 1;
  switch (member.why) {
    case 'notBuiltInCall':
      return l10n.t("ChainedTokenCredential's member {0} ({1}) is not a credential built in the call, so what it is is known only when the code runs; the members after it are not modelled.", position, member.text);
    case 'classNotModelled':
      return l10n.t("ChainedTokenCredential's member {0} ({1}) is a {2}, which the chain model does not cover yet; the members after it are not modelled.", position, member.text, member.className ?? '');
    case 'argsSpread':
      return l10n.t("ChainedTokenCredential's member {0} ({1}) adds members known only when the code runs; the members after it are not modelled.", position, member.text);
  }
}

/** The verdict when Python gets as far as that member: whether it gives a token is not known without running the code. */
export function unknownMemberVerdict(member: Extract<ChainedMember, { kind: 'unknown' }>, index: number): string {
  const position = index + 1;
  switch (member.why) {
    case 'notBuiltInCall':
      return l10n.t("ChainedTokenCredential's member {0} ({1}) is not a credential built in the call, so what it is is known only when the code runs: whether it gives a token is not known without running the code.", position, member.text);
    case 'classNotModelled':
      return l10n.t("ChainedTokenCredential's member {0} ({1}) is a {2}, which the chain model does not cover yet: whether it gives a token is not known without running the code.", position, member.text, member.className ?? '');
    case 'argsSpread':
      return l10n.t("ChainedTokenCredential's member {0} ({1}) adds members known only when the code runs: whether it gives a token is not known without running the code.", position, member.text);
  }
}
