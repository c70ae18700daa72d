// Types only from `vscode`: the credential runs in unit tests with a fake sign-in; accessController.ts makes the real one.
import type * as vscode from 'vscode';
// Its messages are the extension's words, looked up in the catalog the host set (core's, see src/core/catalog.ts).
import * as l10n from '@vscode/l10n';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/** VS Code's own Microsoft sign-in, as much of `vscode.authentication` as the Access view needs (tests pass a fake). */
export interface MicrosoftAuthentication {
  getAccounts(): Thenable<readonly vscode.AuthenticationSessionAccountInformation[]>;
  /** Never a modal: without consent yet, VS Code shows a badge on its Accounts menu and this gives undefined. */
  getSession(scopes: readonly string[], account: vscode.AuthenticationSessionAccountInformation): Thenable<{ readonly accessToken: string } | undefined>;
}

export const MICROSOFT_PROVIDER = 'microsoft';

/** The `exp` claim of a JWT, in epoch milliseconds; the token itself is not kept. */
function expiresOnOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp: unknown = Reflect.get(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object, 'exp');
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The account the chain's VisualStudioCodeCredential signs in as (the Azure Resources sign-in), through VS Code's
 * Microsoft authentication provider: the same user, in the same tenant (`VSCODE_TENANT:`), so the Access view shows
 * that source's roles as it does az's. Silent: a missing account or consent is an error that says what to do.
 */
export class VsCodeAccountCredential implements TokenCredential {
  constructor(private readonly auth: MicrosoftAuthentication, private readonly upn: string, private readonly tenantId: string | null) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (options?.abortSignal?.aborted) throw new Error('The token request was cancelled.');
    const accounts = await this.auth.getAccounts();
    const account = accounts.find((a) => a.label.toLowerCase() === this.upn.toLowerCase());
    if (!account) {
      throw new Error(l10n.t('VS Code is not signed in to Microsoft as {0}, the account your code uses through VisualStudioCodeCredential. Sign in with that account from the Accounts menu (or "Azure: Sign In"), then refresh the Access view.', this.upn));
    }
    const requested = [scopes].flat();
    const session = await this.auth.getSession(this.tenantId ? [...requested, `VSCODE_TENANT:${this.tenantId}`] : requested, account);
    if (!session) {
      throw new Error(l10n.t('VS Code has not let Azure Dev Auth use {0}\'s sign-in yet. Allow it from the Accounts menu ("Sign in with Microsoft to use Azure Dev Auth"), then refresh the Access view.', this.upn));
    }
    return { token: session.accessToken, expiresOnTimestamp: expiresOnOf(session.accessToken) ?? Date.now() + 5 * 60_000 };
  }
}
