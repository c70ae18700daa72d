// What an Azure error printed by the user's program means here, from what the Credential Chain and the Access view
// know: the chain row or Access insight that accounts for it, and the fix (sign in, the tenant, the data role for
// that resource through the prefilled Assign Role wizard). Pure: the extension shows it (a notification, a reveal);
// every sentence passes through the product's redaction before it leaves.
import type { AccessReport, Insight } from '../access/types';
import { displayName } from '../presentation/chainRows';
import type { ChainReport, CredentialName } from '../chain/types';
import { activeSource } from '../presentation/snapshot';
import { redactSecrets } from '../redact';
import { meaningOf } from '../signin/signInFailures';
import type { AzureErrorMatch } from './azureErrors';
import * as l10n from '@vscode/l10n';

/** Where in the views the answer is. */
export type ExplanationReveal =
  | { readonly view: 'chain'; readonly credential: CredentialName | null }
  | { readonly view: 'access'; readonly insight: Pick<Insight, 'kind' | 'scope'> | null };

/** The fixes an explanation offers, in the order shown. */
export type ExplanationAction =
  | { readonly kind: 'signIn'; readonly credential: CredentialName | null }
  | { readonly kind: 'assignRole'; readonly roleName: string | null; readonly scope: string | null }
  | { readonly kind: 'showChain' }
  | { readonly kind: 'showAccess' }
  | { readonly kind: 'copy'; readonly label: string; readonly text: string };

export interface ErrorExplanation {
  /** One short sentence: what went wrong. */
  readonly title: string;
  /** Why, with what the views know; plain text, redacted. */
  readonly detail: string;
  readonly reveal: ExplanationReveal;
  readonly actions: readonly ExplanationAction[];
}

export interface ExplanationContext {
  /** The chain's current report (undefined before the first check). */
  readonly chain: ChainReport | undefined;
  /** The Access view's report (undefined when it has not loaded). */
  readonly access: AccessReport | undefined;
  /** Secret values of the environment, for the redaction. */
  readonly knownSecrets: readonly string[];
}

const DEVELOPER_TOOLS: ReadonlySet<CredentialName> = new Set(['AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential']);

function activeOf(chain: ChainReport | undefined) {
  return chain ? activeSource(chain) : undefined;
}

function whoOf(ctx: ExplanationContext): string {
  const identity = ctx.access?.identity;
  if (identity) return l10n.t('{0} (through {1})', identity.upn ?? identity.displayName ?? identity.appId ?? identity.objectId, displayName(identity.source));
  const active = activeOf(ctx.chain);
  if (active?.identity) return l10n.t('{0} (through {1})', active.identity.upn ?? active.identity.appId ?? active.identity.objectId ?? l10n.t('the signed-in identity'), displayName(active.credential));
  return l10n.t('the identity DefaultAzureCredential signs in as');
}

const sameName = (scope: string | null, name: string, type: string) =>
  !!scope && scope.toLowerCase().endsWith(`/providers/${type.toLowerCase()}/${name.toLowerCase()}`);

/**
 * The Access insight about the resource an error names. A terminal line seldom names it (storage's message does
 * not): then the one resource of that type the workspace names (its .env, its code), else the only one with an
 * insight at all; with several, none is guessed.
 */
function insightFor(ctx: ExplanationContext, type: string, name: string | undefined, kinds: readonly Insight['kind'][]): Insight | undefined {
  const candidates = (ctx.access?.insights ?? []).filter((i) => kinds.includes(i.kind) && !!i.scope && i.scope.toLowerCase().includes(`/providers/${type.toLowerCase()}/`));
  if (name) return candidates.find((i) => sameName(i.scope, name, type) && i.kind === 'workspace-resource') ?? candidates.find((i) => sameName(i.scope, name, type));
  const only = (insights: readonly Insight[]) => (new Set(insights.map((i) => i.scope!.toLowerCase())).size === 1 ? insights[0] : undefined);
  const named = candidates.filter((i) => i.kind === 'workspace-resource');
  return named.length ? only(named) : only(candidates);
}

/** The Key Vault data role for an operation ("Microsoft.KeyVault/vaults/secrets/getSecret/action", "secrets get"). */
export function keyVaultRoleFor(action: string | undefined): string {
  const a = (action ?? '').toLowerCase();
  // "Microsoft.KeyVault/vaults/secrets/getSecret/action" → "getsecret"; "secrets get" → "get".
  const verb = a.includes('/') ? a.replace(/\/action$/, '').split('/').pop() ?? '' : a.split(' ')[1] ?? '';
  const write = /^(set|delete|purge|recover|backup|restore|import|create|update)/.test(verb);
  if (a.includes('keys')) return write ? 'Key Vault Crypto Officer' : 'Key Vault Crypto User';
  if (a.includes('certificates')) return write ? 'Key Vault Certificates Officer' : 'Key Vault Certificate User';
  return write ? 'Key Vault Secrets Officer' : 'Key Vault Secrets User';
}

function explainUnredacted(match: AzureErrorMatch, ctx: ExplanationContext): ErrorExplanation {
  const who = whoOf(ctx);
  switch (match.kind) {
    case 'chain-failed': {
      const chain = ctx.chain;
      const active = activeOf(chain);
      const detail = !chain
        ? l10n.t('No credential of the chain gave a token when the program ran. The Credential Chain view shows each source and why it was unavailable.')
        : active
          ? l10n.t('When the program ran, no source gave a token. The Credential Chain now finds one: {0}. If you signed in since, run the program again; if not, the program ran with other settings (its own environment, another .env or keyword arguments).', displayName(active.credential))
          : l10n.t('No source gives a token now either: {0}', chain.verdict.message.split('\n')[0] ?? '');
      return {
        title: l10n.t('{0} found no credential that gives a token', match.credential ?? 'DefaultAzureCredential'),
        detail,
        reveal: { view: 'chain', credential: chain?.verdict.credential ?? null },
        actions: [{ kind: 'signIn', credential: null }, { kind: 'showChain' }],
      };
    }
    case 'credential-attempt': {
      const credential = match.credential as CredentialName;
      const row = ctx.chain?.sources.find((s) => s.credential === credential);
      const now = row ? l10n.t(' The Credential Chain says now: {0}', row.message.split('\n')[0] ?? '') : '';
      return {
        title: `${displayName(credential)}: ${match.message ?? l10n.t('unavailable')}`,
        detail: l10n.t('This is what {0} said when the program asked it for a token.{1}', displayName(credential), now),
        reveal: { view: 'chain', credential },
        actions: DEVELOPER_TOOLS.has(credential) ? [{ kind: 'signIn', credential }, { kind: 'showChain' }] : [{ kind: 'showChain' }],
      };
    }
    case 'aadsts': {
      const meaning = meaningOf(match.code ?? '');
      const active = activeOf(ctx.chain);
      return {
        title: meaning ? `${match.code}: ${meaning.title}` : l10n.t('Microsoft Entra ID refused the token ({0})', String(match.code)),
        detail: meaning ? `${meaning.meaning} ${meaning.fix}` : l10n.t('Microsoft Entra ID refused to issue a token for {0}. The code\'s text in the output says why; signing in again with the source the chain uses usually clears an expired or revoked sign-in.', who),
        reveal: { view: 'chain', credential: active?.credential ?? ctx.chain?.verdict.credential ?? null },
        actions: [{ kind: 'signIn', credential: active && DEVELOPER_TOOLS.has(active.credential) ? active.credential : null }, { kind: 'showChain' }],
      };
    }
    case 'storage-permission': {
      const insight = insightFor(ctx, 'Microsoft.Storage/storageAccounts', match.resourceName, ['control-plane-only', 'workspace-resource']);
      const role = insight?.suggestion && !insight.suggestion.startsWith('az ') ? insight.suggestion : 'Storage Blob Data Contributor';
      const name = match.resourceName ?? insight?.scope?.split('/').pop();
      const account = name ? l10n.t('storage account {0}', name) : l10n.t('the storage account');
      return {
        title: l10n.t('{0} holds no data role on {1}', who, account),
        detail: l10n.t('Storage accepted the token but refused the operation (AuthorizationPermissionMismatch): management roles such as Owner or Contributor do not reach the data. {0}Assign {1} (or Storage Blob Data Reader for reads only) on the account; new assignments take a few minutes to apply.', insight ? l10n.t('The Access view agrees: {0}. ', insight.title) : '', role),
        reveal: { view: 'access', insight: insight ?? null },
        actions: [{ kind: 'assignRole', roleName: role, scope: insight?.scope ?? null }, { kind: 'showAccess' }],
      };
    }
    case 'storage-authorization': {
      const account = match.resourceName ? l10n.t('storage account {0}', match.resourceName) : l10n.t('the storage account');
      return {
        title: l10n.t('{0} refused the request before looking at roles', `${account[0]!.toUpperCase()}${account.slice(1)}`),
        detail: l10n.t('AuthorizationFailure means the account\'s own rules refused the request: its firewall or network rules do not admit this machine\'s address, or the request\'s kind of authorization is disabled. A role assignment does not change that: add your address to the account\'s networking rules (or use a private endpoint or VPN).'),
        reveal: { view: 'access', insight: insightFor(ctx, 'Microsoft.Storage/storageAccounts', match.resourceName, ['control-plane-only', 'workspace-resource']) ?? null },
        actions: [{ kind: 'showAccess' }],
      };
    }
    case 'key-vault-forbidden': {
      const insight = insightFor(ctx, 'Microsoft.KeyVault/vaults', match.resourceName, ['control-plane-only', 'workspace-resource']);
      const role = keyVaultRoleFor(match.action);
      // Key Vault names the secret; the role belongs on the vault.
      const scope = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.keyvault\/vaults\/[^/]+/i.exec(match.scope ?? '')?.[0] ?? insight?.scope ?? null;
      const vault = match.resourceName ? l10n.t('key vault {0}', match.resourceName) : l10n.t('the key vault');
      return {
        title: l10n.t('{0} holds no data role on {1}', who, vault),
        detail: l10n.t('The vault uses Azure RBAC and no role of this identity grants {0}. {1}Assign {2} on the vault; new assignments take a few minutes to apply.', match.action ?? l10n.t('the operation'), insight ? l10n.t('The Access view agrees: {0}. ', insight.title) : '', role),
        reveal: { view: 'access', insight: insight ?? null },
        actions: [{ kind: 'assignRole', roleName: role, scope }, { kind: 'showAccess' }],
      };
    }
    case 'key-vault-access-policy': {
      const insight = insightFor(ctx, 'Microsoft.KeyVault/vaults', match.resourceName, ['access-policy-vault']);
      const vault = match.resourceName ? l10n.t('key vault {0}', match.resourceName) : l10n.t('the key vault');
      const fix = insight?.suggestion ?? null;
      return {
        title: l10n.t('No access policy of {0} lets {1} {2}', vault, who, match.action ?? l10n.t('do this')),
        detail: l10n.t('The vault uses access policies, not Azure roles: a role assignment does not help. {0}Add an access policy for this identity (or switch the vault to Azure RBAC).', insight ? `${insight.detail} ` : ''),
        reveal: { view: 'access', insight: insight ?? null },
        actions: [...(fix ? [{ kind: 'copy' as const, label: l10n.t('Copy az Command'), text: fix }] : []), { kind: 'showAccess' }],
      };
    }
    case 'arm-authorization': {
      const where = match.scope ? l10n.t(' over {0}', match.scope) : '';
      return {
        title: l10n.t('{0} may not {1}{2}', who, match.action ?? l10n.t('perform this operation'), where),
        detail: l10n.t('Azure Resource Manager found no role assignment granting {0}{1}. The Access view lists the roles this identity holds and where. If access was granted minutes ago, sign in again for a new token.', match.action ?? l10n.t('the operation'), where),
        reveal: { view: 'access', insight: null },
        actions: [{ kind: 'assignRole', roleName: null, scope: match.scope && /^\/subscriptions\/[^/]+/i.test(match.scope) ? match.scope : null }, { kind: 'showAccess' }],
      };
    }
    case 'wrong-tenant':
    case 'key-vault-issuer': {
      const tokenTenant = ctx.access?.identity.tenantId ?? activeOf(ctx.chain)?.identity?.tenantId;
      const source = ctx.access?.identity.source ?? activeOf(ctx.chain)?.credential;
      const insight = (ctx.access?.insights ?? []).find((i) => i.kind === 'tenant-mismatch' && (!match.tenantId || i.title.toLowerCase().includes(match.tenantId)));
      const what = match.kind === 'wrong-tenant' ? l10n.t('The subscription') : l10n.t('The key vault{0}', match.resourceName ? ` ${match.resourceName}` : '');
      const fix = match.tenantId && source ? tenantCommand(source, match.tenantId) : null;
      return {
        title: match.kind === 'wrong-tenant' ? l10n.t('The token is from another tenant than the subscription\'s') : l10n.t('The token is from another tenant than the vault\'s'),
        detail: l10n.t('{0} belongs to tenant {1}; the token{2}. Sign in to that tenant, or pass it to the credential (tenant_id, or additionally_allowed_tenants).{3}', what, match.tenantId ?? l10n.t('(named in the error)'), tokenTenant ? l10n.t(' is from tenant {0}', tokenTenant) : l10n.t(' came from another tenant'), fix ? ` ${fix}` : ''),
        reveal: insight ? { view: 'access', insight } : { view: 'chain', credential: source ?? null },
        actions: [{ kind: 'signIn', credential: source && DEVELOPER_TOOLS.has(source) ? source : null }, ...(fix ? [{ kind: 'copy' as const, label: l10n.t('Copy Sign-In Command'), text: fix }] : []), { kind: 'showChain' }],
      };
    }
  }
}

/** The command that signs the source in to `tenant`. */
function tenantCommand(source: CredentialName, tenant: string): string | null {
  switch (source) {
    case 'AzureCliCredential': return `az login --tenant ${tenant}`;
    case 'AzureDeveloperCliCredential': return `azd auth login --tenant-id ${tenant}`;
    case 'AzurePowerShellCredential': return `Connect-AzAccount -Tenant ${tenant}`;
    default: return null;
  }
}

/** The explanation of `match`, every text of it redacted and inert (no control characters, no link markup). */
export function explainAzureError(match: AzureErrorMatch, ctx: ExplanationContext): ErrorExplanation {
  const raw = explainUnredacted(match, ctx);
  // Shown in a notification, which turns "[label](command:…)" into a link: the program's words keep no brackets.
  const r = (text: string) => redactSecrets(text, ctx.knownSecrets).replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\[/g, '(').replace(/\]/g, ')');
  return {
    title: r(raw.title),
    detail: r(raw.detail),
    reveal: raw.reveal,
    actions: raw.actions.map((a) => (a.kind === 'copy' ? { ...a, text: r(a.text) } : a)),
  };
}
