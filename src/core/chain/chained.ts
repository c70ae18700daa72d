// A ChainedTokenCredential of explicit credentials, modelled in its own order. Its members are standalone
// credentials: outside DefaultAzureCredential (no `within_dac`), a developer tool's error other than "not installed"
// or "not signed in" raises ClientAuthenticationError and ends the chain, and so does a shared-cache refresh error.
// ChainedTokenCredential does set `within_credential_chain`, so managed identity's IMDS probe behaves as in
// DefaultAzureCredential. Members the source cannot tell (a variable, `*args`, a class not modelled) are unknown.
import type { CredentialCall } from '../code/credentialCalls';
import type { ChainBehaviour } from './versions';
import { isCredentialName, type CredentialName } from './types';

export type ChainedMember =
  /** `ignoredKeywords`: the keyword arguments written in the member's call, which the model does not apply yet. */
  | {
    readonly kind: 'credential'; readonly credential: CredentialName; readonly ignoredKeywords: readonly string[];
    /** `tenant_id=` as a literal the library accepts (AzureCliCredential): az runs with `--tenant` for it. */
    readonly tenantId?: string;
  }
  /** `text`: the argument as written (bounded by the reader); `why`: what cannot be known about it. */
  | { readonly kind: 'unknown'; readonly text: string; readonly why: string };

/** The members of a `ChainedTokenCredential(...)` call, in order. */
export function chainedMembersOf(call: CredentialCall): ChainedMember[] {
  const members: ChainedMember[] = call.positional.map((argument): ChainedMember => {
    if ('kind' in argument) return { kind: 'unknown', text: argument.text, why: 'is not a credential built in the call, so what it is is known only when the code runs' };
    if (isCredentialName(argument.credential)) {
      const tenant = argument.credential === 'AzureCliCredential' ? argument.keywords.get('tenant_id') : undefined;
      // Only a tenant the library's validate_tenant_id accepts (1.23+ raises ValueError for any other): "" means none.
      const tenantId = tenant?.kind === 'string' && /^[0-9A-Za-z.-]*$/.test(tenant.value) ? tenant.value : undefined;
      const applied = new Set(tenantId !== undefined ? ['tenant_id'] : []);
      const ignoredKeywords = [...[...argument.keywords.keys()].filter((k) => !applied.has(k)), ...(argument.keywordSpread ? ['**kwargs'] : [])];
      return { kind: 'credential', credential: argument.credential, ignoredKeywords, ...(tenantId ? { tenantId } : {}) };
    }
    return { kind: 'unknown', text: `${argument.calledAs}(…)`, why: `is a ${argument.credential}, which the chain model does not cover yet` };
  });
  if (call.positionalSpread) members.push({ kind: 'unknown', text: '*args', why: 'adds members known only when the code runs' });
  return members;
}

/** A member as the code writes it, e.g. "AzureCliCredential(tenant_id=…)" or "app.fallback" (plain text, bounded). */
export function memberText(member: ChainedMember): string {
  if (member.kind === 'unknown') return member.text;
  const tenant = member.tenantId ? [`tenant_id="${member.tenantId}"`] : [];
  return `${member.credential}(${[...tenant, ...member.ignoredKeywords.map((k) => (k === '**kwargs' ? k : `${k}=…`))].join(', ')})`;
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

/** One remark per member whose keyword arguments the model does not apply (it models the call without them). */
export function ignoredKeywordNotes(members: readonly ChainedMember[]): string[] {
  return members.flatMap((member, index) => (member.kind === 'credential' && member.ignoredKeywords.length
    ? [`ChainedTokenCredential's member ${index + 1} (${member.credential}): its keyword arguments ${member.ignoredKeywords.join(', ')} are not modelled; it is checked as if called without them.`]
    : []));
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
