// Child-process script for access-vscode-account.test.ts: the Access view's load for the VisualStudioCodeCredential
// source, through VsCodeAccountCredential over a stand-in for VS Code's Microsoft sign-in whose sessions are real
// sandbox tokens (a password sign-in with the VS Code Azure client id), next to the same user's load through az.
// Its own process: the sandbox's CA is trusted from the start (NODE_EXTRA_CA_CERTS) and az runs from PATH/HOME.
import { accessOutcome } from '../../../src/core/access/entry';
import { AZURE_VSCODE_CLIENT_ID } from '../../../src/core/chain/sources/visualStudioCode';
import { signInWithPassword } from '../../../src/sandbox/tools/common';
import { VsCodeAccountCredential, type MicrosoftAuthentication } from '../../../src/extension/vscodeAccount';

const input = JSON.parse(process.argv[2] ?? '{}') as { cloud: Record<string, string>; upn: string; password: string; tenant: string };
const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

/** VS Code's Microsoft provider as the extension sees it: signed in as `signedInAs`, consent given or not. */
function microsoft(signedInAs: string | null, consent: boolean, asked: string[][]): MicrosoftAuthentication {
  return {
    getAccounts: async () => (signedInAs ? [{ id: 'account-1', label: signedInAs }] : []),
    getSession: async (scopes) => {
      asked.push([...scopes]);
      if (!consent) return undefined;
      const tenant = scopes.find((s) => s.startsWith('VSCODE_TENANT:'))?.slice('VSCODE_TENANT:'.length) ?? 'organizations';
      const resourceScopes = scopes.filter((s) => !s.startsWith('VSCODE_'));
      const token = await signInWithPassword(AZURE_VSCODE_CLIENT_ID, tenant, input.upn, input.password, resourceScopes.join(' '));
      return { accessToken: token.access_token };
    },
  };
}

function load(source: 'VisualStudioCodeCredential' | 'AzureCliCredential', auth?: MicrosoftAuthentication) {
  return accessOutcome({
    source, env, processEnv: process.env, processTimeoutSeconds: 30, allowedHosts: [], cloudSetting: input.cloud as never, cloudGivenBy: 'flag',
    subscriptions: [], workspaceFolder: undefined, signal: new AbortController().signal,
    ...(auth ? { vsCodeAccount: new VsCodeAccountCredential(auth, input.upn, input.tenant) } : {}),
  });
}

type Outcome = Awaited<ReturnType<typeof load>>;
function summary(outcome: Outcome) {
  if (!outcome.ok) return { ok: false, message: outcome.failure.kind === 'problem' ? outcome.failure.problem.message : JSON.stringify(outcome.failure) };
  const roles = outcome.report.subscriptions.flatMap((s) => s.scopes.flatMap(function names(n): string[] {
    return [...n.assignments.map((a) => `${a.role.roleName}@${a.scope.toLowerCase()}`), ...n.children.flatMap(names)];
  })).sort();
  return { ok: true, who: outcome.report.identity, roles };
}

async function main(): Promise<void> {
  const asked: string[][] = [];
  const out = {
    vscode: summary(await load('VisualStudioCodeCredential', microsoft(input.upn, true, asked))),
    az: summary(await load('AzureCliCredential')),
    withoutEditor: summary(await load('VisualStudioCodeCredential')),
    otherAccount: summary(await load('VisualStudioCodeCredential', microsoft('mallory@contoso.example', true, []))),
    noConsent: summary(await load('VisualStudioCodeCredential', microsoft(input.upn, false, []))),
    asked,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
