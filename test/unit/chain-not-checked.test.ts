// A source the check held back (a secret on its way to a host nobody allowed, a workspace's program, an interactive
// sign-in, an Azure Arc key file): the report carries what was held back as fields, the row and the verdict each
// say it in one sentence, and the views describe each kind by what it is, not as "a secret to an unverified host".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notCheckedMessage, notCheckedVerdict, type NotCheckedReason } from '../../src/core/chain/notChecked';
import type { CredentialName } from '../../src/core/chain/types';
import { applyVerdict, type SourceRecord } from '../../src/core/chain/verdict';
import { familyFor } from '../../src/core/chain/versions';
import { describeSource, verdictHeadline } from '../../src/core/presentation/chainRows';

/** The chain of `version` where every source before `held` is unavailable and `held` was held back for `reason`. */
function heldBack(version: string, held: CredentialName, reason: NotCheckedReason) {
  const behaviour = familyFor(version);
  const records: SourceRecord[] = behaviour.order.map((credential) => ({
    credential,
    outcome: credential === held ? { kind: 'not-checked', reason } : { kind: 'unavailable', message: `${credential} n/a` },
    elapsedMs: 1,
  }));
  const { sources, verdict } = applyVerdict(behaviour, records);
  const source = sources.find((s) => s.credential === held)!;
  return { source, verdict, row: describeSource(source), headline: verdictHeadline(verdict, sources) };
}

test('a secret to a host nobody allowed: the host and the secret are fields; the row, the verdict and the headline name both', () => {
  const { source, verdict, row, headline } = heldBack('1.23.1', 'WorkloadIdentityCredential', { kind: 'secret', secret: 'federated token', host: 'evil.example' });
  assert.equal(source.status, 'not-checked');
  assert.equal(source.unverifiedHost, 'evil.example');
  assert.equal(source.unverifiedSecret, 'federated token');
  assert.equal(source.notCheckedReason, 'secret');
  assert.equal(source.message, 'would send the federated token to evil.example: not checked. Python would send it when your app runs; check with evil.example only if you trust it.');
  assert.deepEqual(verdict, {
    outcome: 'not-checked', credential: 'WorkloadIdentityCredential',
    message: 'WorkloadIdentityCredential would send the federated token to evil.example: not checked. Python would send it when your app runs; check with evil.example only if you trust it.',
  });
  assert.equal(row.description, 'not checked: would send the federated token to evil.example');
  assert.equal(headline, 'Not checked: Workload Identity would send the federated token to evil.example');
  assert.match(row.tooltip, /Not checked: it would send a secret to an unverified host/);
});

test('each secret is named by what it is, whatever the message says', () => {
  const names = { 'client secret': 'the client secret', 'certificate assertion': 'the certificate assertion', password: 'the password', 'federated token': 'the federated token', 'refresh token': 'the refresh token' } as const;
  for (const [secret, said] of Object.entries(names)) {
    const { source, row } = heldBack('1.26.0b3', 'EnvironmentCredential', { kind: 'secret', secret: secret as keyof typeof names, host: 'login.example' });
    assert.equal(row.description, `not checked: would send ${said} to login.example`);
    // The description no longer reads the message: a source whose message says something else keeps its words.
    assert.equal(describeSource({ ...source, message: 'something else entirely' }).description, row.description);
  }
});

test('an interactive sign-in is described as one, not as a secret sent somewhere', () => {
  const signInAt = 'https://login.microsoftonline.com/organizations';
  const waiting = heldBack('1.23.1', 'InteractiveBrowserCredential', { kind: 'interactive', browser: null, signInAt });
  assert.equal(waiting.source.notCheckedReason, 'interactive');
  assert.equal(waiting.source.unverifiedHost, undefined);
  assert.equal(waiting.source.message, `finds no browser to open, so MSAL prints the sign-in address (${signInAt}) and waits, with no time limit, for someone to open it. Azure Dev Auth does not start interactive sign-ins: what the sign-in would return is not known.`);
  assert.equal(waiting.verdict.message, `InteractiveBrowserCredential finds no browser to open, so MSAL prints the sign-in address (${signInAt}) and waits, with no time limit, for someone to open it. Azure Dev Auth does not start interactive sign-ins: what the sign-in would return is not known.`);
  assert.equal(waiting.row.description, 'not checked: waits for an interactive sign-in');
  assert.equal(waiting.headline, 'Not checked: Interactive Browser waits for an interactive sign-in');
  assert.match(waiting.row.tooltip, /Not checked: it waits for an interactive sign-in/);
  assert.match(waiting.row.tooltip, /does not start interactive sign-ins, so it cannot tell what Python would get/);
  assert.doesNotMatch(waiting.row.tooltip, /secret|unverified host/);
  const opening = heldBack('1.26.0b3', 'InteractiveBrowserCredential', { kind: 'interactive', browser: 'xdg-open', signInAt });
  assert.equal(opening.verdict.message, `InteractiveBrowserCredential opens a browser for sign-in (xdg-open, at ${signInAt}) and waits for someone to sign in. Azure Dev Auth does not start interactive sign-ins: what the sign-in would return is not known.`);
});

test("an Azure Arc key file that newer versions refuse: the version family, the file and the endpoint in one sentence", () => {
  const reason: NotCheckedReason = { kind: 'arcKeyFile', family: '1.13', keyFile: '/etc/shadow', origin: 'http://127.0.0.1:40342', problem: "The file path must have a '.key' extension." };
  const { source, verdict, row, headline } = heldBack('1.13.0b2', 'ManagedIdentityCredential', reason);
  assert.equal(source.message, "azure-identity 1.13 – 1.22 would send /etc/shadow to http://127.0.0.1:40342 (the Azure Arc challenge names it; newer versions refuse: The file path must have a '.key' extension.). Azure Dev Auth did not read or send it: not checked.");
  assert.equal(verdict.message, "ManagedIdentityCredential in azure-identity 1.13 – 1.22 would send /etc/shadow to http://127.0.0.1:40342 (the Azure Arc challenge names it; newer versions refuse: The file path must have a '.key' extension.). Azure Dev Auth did not read or send it: not checked.");
  assert.equal(row.description, 'not checked: would send a key file newer versions refuse');
  assert.equal(headline, 'Not checked: Managed Identity would send a key file that newer versions refuse');
  assert.equal(source.unverifiedHost, undefined, 'no "Check with" makes sending such a file safe');
});

test("a workspace's program: the verdict is one sentence naming the source, the row names the program", () => {
  const reason: NotCheckedReason = { kind: 'program', program: 'az', file: '/w/bin/az', entry: './bin' };
  const { source, verdict, row, headline } = heldBack('1.23.1', 'AzureCliCredential', reason);
  assert.equal(source.unverifiedProgram, '/w/bin/az');
  assert.equal(source.message, notCheckedMessage(reason));
  assert.equal(verdict.message, `AzureCliCredential would run /w/bin/az, found through the PATH entry "./bin" that the workspace's environment (.env) adds. Azure Dev Auth did not run it: not checked. Run it only if you trust this workspace's az.`);
  assert.equal(verdict.message, notCheckedVerdict('AzureCliCredential', reason));
  assert.equal(row.description, "not checked: would run the workspace's /w/bin/az");
  assert.equal(headline, "Not checked: Azure CLI would run the workspace's /w/bin/az");
});
