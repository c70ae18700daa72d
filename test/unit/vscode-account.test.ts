// The VS Code account's credential over a stand-in for VS Code's Microsoft sign-in: which account and tenant it
// asks for, the token's expiry from its claims, and what it says when VS Code cannot give the token.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VsCodeAccountCredential, type MicrosoftAuthentication } from '../../src/extension/vscodeAccount';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

function auth(labels: string[], token: string | undefined, calls: { scopes: readonly string[]; account: string }[]): MicrosoftAuthentication {
  return {
    getAccounts: async () => labels.map((label, i) => ({ id: `id-${i}`, label })),
    getSession: async (scopes, account) => { calls.push({ scopes, account: account.id }); return token === undefined ? undefined : { accessToken: token }; },
  };
}

test('asks VS Code for the chain\'s account (any case) in its tenant; the expiry comes from the exp claim', async () => {
  const calls: { scopes: readonly string[]; account: string }[] = [];
  const credential = new VsCodeAccountCredential(auth(['bob@contoso.example', 'Alice@Contoso.example'], jwt({ exp: 2_000_000_000 }), calls), 'alice@contoso.example', 't-1');
  const token = await credential.getToken('https://management.azure.com/.default');
  assert.equal(token.expiresOnTimestamp, 2_000_000_000_000);
  assert.deepEqual(calls, [{ scopes: ['https://management.azure.com/.default', 'VSCODE_TENANT:t-1'], account: 'id-1' }]);
});

test('another account only, or no consent yet: an error that says what to do, never another account\'s token', async () => {
  const calls: { scopes: readonly string[]; account: string }[] = [];
  await assert.rejects(new VsCodeAccountCredential(auth(['bob@contoso.example'], jwt({}), calls), 'alice@contoso.example', null).getToken('s'),
    /not signed in to Microsoft as alice@contoso\.example.*Accounts menu/);
  assert.equal(calls.length, 0);
  await assert.rejects(new VsCodeAccountCredential(auth(['alice@contoso.example'], undefined, calls), 'alice@contoso.example', null).getToken('s'),
    /has not let Azure Dev Auth use alice@contoso\.example's sign-in/);
  assert.deepEqual(calls[0]!.scopes, ['s'], 'no tenant known: no VSCODE_TENANT');
});
