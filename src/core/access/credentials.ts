// Tokens for the Access view, from the same source the Python app uses: `@azure/identity`'s credential of the same
// kind, configured as the Python source is (tenant, client id, authority, process timeout). A token lives only inside
// the returned TokenCredential (cached until shortly before it expires, so az is not run for every request); what
// leaves this module is its claims. It never enters a report, a snapshot, a log line, a tree item or a webview.
import {
  AzureCliCredential, AzureDeveloperCliCredential, AzurePowerShellCredential, ClientCertificateCredential, ClientSecretCredential,
  ManagedIdentityCredential, UsernamePasswordCredential, WorkloadIdentityCredential, type AccessToken, type GetTokenOptions, type TokenCredential,
} from '@azure/identity';
import { decodeJwt } from 'jose';
import { environmentConfiguration } from '../chain/sources/environment';
import { workloadIdentityConfigured } from '../chain/sources/workloadIdentity';
import { secretMayGoTo } from '../chain/secretHosts';
import type { CredentialName } from '../chain/types';
import type { CloudEndpoints } from './clouds';
import { handOverProblem, type FileKind } from '../files/boundedRead';
import * as l10n from '@vscode/l10n';

export interface SourceCredentialOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cloud: CloudEndpoints;
  /** process_timeout of the Python code (seconds) for az, azd and Azure PowerShell. */
  readonly processTimeoutSeconds: number;
  readonly allowedHosts: readonly string[];
  /** Per token request. */
  readonly timeoutMs?: number;
  /**
   * The VS Code account's tokens, from the editor's own Microsoft authentication (the extension passes it when the
   * active source is VisualStudioCodeCredential): Python reads the same account through the broker, the view cannot.
   */
  readonly vsCodeAccount?: TokenCredential;
}

export type SourceCredential =
  | { readonly ok: true; readonly credential: TokenCredential }
  /** This source cannot give the view a token for ARM or Graph; `fix` names what would. */
  | { readonly ok: false; readonly reason: string; readonly fix: string };

const devToolFix = (): string => l10n.t('Sign in with the Azure CLI ({0}), which the view can use, or let it reach the source your app uses.', '`az login`');

/** Caches each scope's token until five minutes before it expires, and bounds every request by a timeout. */
class CachingCredential implements TokenCredential {
  private readonly cache = new Map<string, AccessToken>();
  constructor(private readonly inner: TokenCredential, private readonly timeoutMs: number) {}

  /** Forgets every kept token: after a claims challenge the next request must ask the tool for a new one. */
  forget(): void {
    this.cache.clear();
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = [scopes].flat().join(' ');
    const cached = this.cache.get(key);
    if (cached && cached.expiresOnTimestamp - 5 * 60_000 > Date.now()) return cached;
    const controller = new AbortController();
    const outer = options?.abortSignal;
    const onAbort = (): void => controller.abort();
    outer?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const token = await Promise.race([
        this.inner.getToken(scopes, { ...options, abortSignal: controller.signal }),
        new Promise<never>((_resolve, reject) => controller.signal.addEventListener('abort', () =>
          // Not translated: classifyAzureError recognises these words (cancel, no token within) and words the problem itself.
          reject(new Error(outer?.aborted ? 'The token request was cancelled.' : `No token within ${Math.round(this.timeoutMs / 1000)} s.`)), { once: true })),
      ]);
      if (token) this.cache.set(key, token);
      return token;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }
}

/** Drops the tokens a source credential keeps, so the next request gets one from the new sign-in. */
export function forgetCachedTokens(credential: TokenCredential): void {
  if (credential instanceof CachingCredential) credential.forget();
}

function authorityOf(env: Readonly<Record<string, string>>, cloud: CloudEndpoints): string {
  const host = env.AZURE_AUTHORITY_HOST || cloud.authorityHost;
  return /^[a-z]+:\/\//i.test(host) ? host.replace(/\/+$/, '') : `https://${host.replace(/\/+$/, '')}`;
}

/** The `@azure/identity` credential that stands for a chain source, or why there is none. */
export async function sourceCredential(source: CredentialName, options: SourceCredentialOptions): Promise<SourceCredential> {
  const { env, cloud } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const processTimeoutInMs = Math.round(options.processTimeoutSeconds * 1000);
  const wrap = (credential: TokenCredential): SourceCredential => ({ ok: true, credential: new CachingCredential(credential, timeoutMs) });
  const authorityHost = authorityOf(env, cloud);
  // @azure/identity reads these files whole: a FIFO or /dev/zero named by a workspace's .env must not reach it.
  const fileGate = async (path: string, kind: FileKind, variable: string): Promise<SourceCredential | undefined> => {
    const problem = await handOverProblem(path, kind);
    return problem ? { ok: false, reason: problem, fix: l10n.t('Point {0} at the real file.', variable) } : undefined;
  };
  const gate = (what: string): SourceCredential | undefined => {
    const host = new URL(authorityHost).hostname;
    return secretMayGoTo(host, options.allowedHosts) ? undefined : {
      ok: false, reason: l10n.t('The {0} would go to {1}, which is neither a Microsoft Entra authority nor allowed.', what, host),
      fix: l10n.t('Allow {0} in the Credential Chain view ("Check with {0}") if you trust it, or correct AZURE_AUTHORITY_HOST.', host),
    };
  };
  switch (source) {
    case 'AzureCliCredential':
      return wrap(new AzureCliCredential({ processTimeoutInMs }));
    case 'AzureDeveloperCliCredential':
      return wrap(new AzureDeveloperCliCredential({ processTimeoutInMs }));
    case 'AzurePowerShellCredential':
      return wrap(new AzurePowerShellCredential({ processTimeoutInMs }));
    case 'EnvironmentCredential': {
      const configuration = environmentConfiguration(env);
      const tenant = env.AZURE_TENANT_ID ?? '';
      const clientId = env.AZURE_CLIENT_ID ?? '';
      if (configuration === 'secret') return gate(l10n.t('client secret')) ?? wrap(new ClientSecretCredential(tenant, clientId, env.AZURE_CLIENT_SECRET ?? '', { authorityHost }));
      if (configuration === 'certificate') {
        return gate(l10n.t('certificate assertion')) ?? await fileGate(env.AZURE_CLIENT_CERTIFICATE_PATH ?? '', 'certificate', 'AZURE_CLIENT_CERTIFICATE_PATH') ?? wrap(new ClientCertificateCredential(tenant, clientId, {
          certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH ?? '', ...(env.AZURE_CLIENT_CERTIFICATE_PASSWORD ? { certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD } : {}),
        }, { authorityHost }));
      }
      if (configuration === 'username-password') {
        return gate(l10n.t('password')) ?? wrap(new UsernamePasswordCredential(tenant || 'organizations', clientId, env.AZURE_USERNAME ?? '', env.AZURE_PASSWORD ?? '', { authorityHost }));
      }
      return { ok: false, reason: l10n.t('EnvironmentCredential is not configured.'), fix: l10n.t('Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET in .env.') };
    }
    case 'WorkloadIdentityCredential':
      if (!workloadIdentityConfigured(env)) return { ok: false, reason: l10n.t('Workload identity is not configured.'), fix: l10n.t('Set AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE.') };
      return gate(l10n.t('federated token')) ?? await fileGate(env.AZURE_FEDERATED_TOKEN_FILE!, 'federatedToken', 'AZURE_FEDERATED_TOKEN_FILE') ?? wrap(new WorkloadIdentityCredential({
        tenantId: env.AZURE_TENANT_ID!, clientId: env.AZURE_CLIENT_ID ?? '', tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE!, authorityHost,
      }));
    case 'ManagedIdentityCredential':
      // @azure/identity reads the managed-identity endpoint from this process's environment, as the app would.
      return wrap(env.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: env.AZURE_CLIENT_ID }) : new ManagedIdentityCredential());
    case 'SharedTokenCacheCredential':
      return { ok: false, reason: l10n.t('The shared token cache holds tokens only for the apps that wrote it; the view cannot redeem them for ARM and Graph.'), fix: devToolFix() };
    case 'VisualStudioCodeCredential':
      if (options.vsCodeAccount) return wrap(options.vsCodeAccount);
      return { ok: false, reason: l10n.t('The VS Code account is reached through the authentication broker, which the view does not use.'), fix: devToolFix() };
    case 'InteractiveBrowserCredential':
    case 'BrokerCredential':
      return { ok: false, reason: l10n.t('This source signs in interactively when your app runs; the view does not open a sign-in for it.'), fix: devToolFix() };
  }
}

/** Who a token is for, and until when: read from its claims, then the token is dropped. */
export interface TokenClaims {
  readonly objectId: string | null;
  readonly tenantId: string | null;
  readonly upn: string | null;
  readonly name: string | null;
  readonly appId: string | null;
  /** 'app' for service principals and managed identities. */
  readonly idtyp: string | null;
  readonly issuedAt: number | null;
  readonly expiresOn: number;
}

/** Acquires a token for `scope` and returns only its claims. */
export async function tokenClaims(credential: TokenCredential, scope: string, abortSignal?: AbortSignal): Promise<TokenClaims> {
  const token = await credential.getToken(scope, abortSignal ? { abortSignal } : undefined);
  if (!token) throw new Error('The source returned no token.');
  let payload: Record<string, unknown> = {};
  try { payload = decodeJwt(token.token) as Record<string, unknown>; } catch { payload = {}; }
  const text = (name: string): string | null => (typeof payload[name] === 'string' && payload[name] ? payload[name] as string : null);
  const num = (name: string): number | null => (typeof payload[name] === 'number' ? payload[name] as number : null);
  return {
    objectId: text('oid'), tenantId: text('tid'), upn: text('upn') ?? text('unique_name') ?? text('preferred_username'), name: text('name'),
    appId: text('appid') ?? text('azp'), idtyp: text('idtyp'), issuedAt: num('iat'), expiresOn: Math.floor(token.expiresOnTimestamp / 1000),
  };
}
