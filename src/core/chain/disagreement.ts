// When the developer tools, the VS Code account and the .env service principal are signed in as different users or
// tenants, which one DefaultAzureCredential uses depends on the chain order of the installed azure-identity. Every
// source is probed whatever the verdict, so the report knows each tool's identity, also of those the chain never
// reaches: this says who wins, who the others are, and what makes the choice explicit. Pure: the version's rules
// come in as its ChainBehaviour.
import type { CredentialName, SourceResult, TokenIdentity, Verdict } from './types';
import type { ChainBehaviour } from './versions';

/** The places a developer signs in to, each of which DefaultAzureCredential may pick up. */
export const SIGNED_IN_PLACES: readonly CredentialName[] = [
  'EnvironmentCredential', 'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential',
];

/** How another source's identity differs from the one Python uses. */
export type IdentityDifference = 'same' | 'user' | 'tenant' | 'userAndTenant';

export interface SignedInSource {
  readonly credential: CredentialName;
  readonly identity: TokenIdentity;
}

export interface OtherSignedInSource extends SignedInSource {
  readonly difference: IdentityDifference;
  /** Python reaches it only when the winner is gone (signed out, excluded): it is after the winner in the chain. */
  readonly afterWinner: boolean;
}

export type DisagreementFix =
  /** AZURE_TOKEN_CREDENTIALS=<class name> in .env: this version then uses the winner alone. */
  | { readonly kind: 'pin'; readonly credential: CredentialName; readonly variable: 'AZURE_TOKEN_CREDENTIALS'; readonly value: string }
  /**
   * AZURE_TENANT_ID=<the winner's tenant> in .env. `readers`: the sources of this chain that take their tenant from
   * it (the others keep the tool's own default tenant).
   */
  | { readonly kind: 'tenant'; readonly variable: 'AZURE_TENANT_ID'; readonly value: string; readonly readers: readonly CredentialName[] }
  /** Sign this source in again, as the user Python uses (the existing sign-in of that source). */
  | { readonly kind: 'signInAgain'; readonly credential: CredentialName };

export interface ToolDisagreement {
  readonly winner: SignedInSource;
  /** Every other signed-in place with a token, in chain order; at least one differs from the winner. */
  readonly others: readonly OtherSignedInSource[];
  /** AZURE_TENANT_ID as the app's environment (.env included) sets it, when it names another tenant than the winner's. */
  readonly configuredTenant?: string;
  readonly fixes: readonly DisagreementFix[];
}

/** What a tenant id may be (as azure-identity validates it); a claim with anything else is never written to .env. */
const TENANT_ID = /^[A-Za-z0-9.-]{1,100}$/;

/** Who the identity is: the user's sign-in name, else the application, else the object (case-insensitive). */
function principalKey(identity: TokenIdentity): string | undefined {
  const key = identity.upn ?? identity.appId ?? identity.objectId;
  return key?.toLowerCase();
}

export function identityDifference(winner: TokenIdentity, other: TokenIdentity): IdentityDifference {
  const a = principalKey(winner);
  const b = principalKey(other);
  const user = a !== undefined && b !== undefined && a !== b;
  const tenant = !!winner.tenantId && !!other.tenantId && winner.tenantId.toLowerCase() !== other.tenantId.toLowerCase();
  return user && tenant ? 'userAndTenant' : user ? 'user' : tenant ? 'tenant' : 'same';
}

/**
 * The sources of this version's chain whose tenant AZURE_TENANT_ID decides: the .env service principal, and the
 * sources DefaultAzureCredential hands it to (shared cache, browser, and the Azure Account era VS Code credential).
 * az, azd and Azure PowerShell keep their own default tenant: DefaultAzureCredential passes them none.
 */
export function tenantVariableReaders(behaviour: ChainBehaviour): CredentialName[] {
  const readers: CredentialName[] = ['EnvironmentCredential', 'SharedTokenCacheCredential', 'InteractiveBrowserCredential'];
  if (behaviour.visualStudioCode === 'azure-account') readers.push('VisualStudioCodeCredential');
  return behaviour.order.filter((c) => readers.includes(c));
}

/** Whether this version accepts AZURE_TOKEN_CREDENTIALS=<this credential's class name>. */
export function acceptsCredentialName(behaviour: ChainBehaviour, credential: CredentialName): boolean {
  const mode = behaviour.tokenCredentials;
  return mode.kind === 'groups-or-name' && mode.names.includes(credential);
}

/**
 * The disagreement of a finished chain, or undefined when Python gets no token, or every signed-in place names the
 * same user in the same tenant and AZURE_TENANT_ID (`configuredTenant`, from the app's environment) names none other.
 */
export function toolDisagreement(
  behaviour: ChainBehaviour, sources: readonly SourceResult[], verdict: Verdict, configuredTenant?: string,
): ToolDisagreement | undefined {
  if (verdict.outcome !== 'token' || !verdict.credential) return undefined;
  const winnerIndex = sources.findIndex((s) => s.credential === verdict.credential);
  const winnerSource = sources[winnerIndex];
  if (!winnerSource?.identity) return undefined;
  const winner: SignedInSource = { credential: winnerSource.credential, identity: winnerSource.identity };
  const others: OtherSignedInSource[] = [];
  sources.forEach((source, index) => {
    if (index === winnerIndex || !SIGNED_IN_PLACES.includes(source.credential)) return;
    if (source.status !== 'succeeded' || !source.identity) return;
    others.push({
      credential: source.credential, identity: source.identity,
      difference: identityDifference(winner.identity, source.identity), afterWinner: index > winnerIndex,
    });
  });
  const differing = others.filter((o) => o.difference !== 'same');
  const configured = configuredTenant?.trim();
  const tenantMismatch = !!configured && !!winner.identity.tenantId && configured.toLowerCase() !== winner.identity.tenantId.toLowerCase();
  if (differing.length === 0 && !tenantMismatch) return undefined;

  const fixes: DisagreementFix[] = [];
  if (acceptsCredentialName(behaviour, winner.credential)) {
    fixes.push({ kind: 'pin', credential: winner.credential, variable: 'AZURE_TOKEN_CREDENTIALS', value: winner.credential });
  }
  const readers = tenantVariableReaders(behaviour);
  const tenantDiffers = differing.some((o) => o.difference === 'tenant' || o.difference === 'userAndTenant');
  // Offered only where it changes something: the environment names another tenant than the one the code's token is
  // from, or a source that reads the variable is one of those in another tenant.
  const readerElsewhere = tenantDiffers
    && differing.some((o) => (o.difference === 'tenant' || o.difference === 'userAndTenant') && readers.includes(o.credential));
  if ((tenantMismatch || readerElsewhere) && winner.identity.tenantId && TENANT_ID.test(winner.identity.tenantId)) {
    fixes.push({ kind: 'tenant', variable: 'AZURE_TENANT_ID', value: winner.identity.tenantId, readers });
  }
  for (const other of differing) fixes.push({ kind: 'signInAgain', credential: other.credential });
  return { winner, others, ...(tenantMismatch ? { configuredTenant: configured } : {}), fixes };
}
