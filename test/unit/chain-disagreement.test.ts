// Tools signed in as different users or tenants: who wins per the installed version's chain order, who the others
// are, and which fixes that version allows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityDifference, tenantVariableReaders, toolDisagreement } from '../../src/core/chain/disagreement';
import type { ChainReport, CredentialName, SourceResult, TokenIdentity } from '../../src/core/chain/types';
import { familyFor } from '../../src/core/chain/versions';
import { disagreementDescription, disagreementLabel, disagreementTooltip, fixChoice } from '../../src/core/presentation/disagreementRow';
import type { ChainSnapshot } from '../../src/core/presentation/snapshot';
import { chainViewRows } from '../../src/core/presentation/snapshotView';
import { formatReport } from '../../src/cli/main';

const T1 = '11111111-1111-1111-1111-111111111111';
const T2 = '22222222-2222-2222-2222-222222222222';
const alice: TokenIdentity = { upn: 'alice@contoso.example', objectId: 'o-a', tenantId: T1 };
const bob: TokenIdentity = { upn: 'bob@contoso.example', objectId: 'o-b', tenantId: T1 };
const aliceElsewhere: TokenIdentity = { upn: 'alice@fabrikam.example', objectId: 'o-a2', tenantId: T2 };

function signedIn(credential: CredentialName, identity: TokenIdentity | null, change: Partial<SourceResult> = {}): SourceResult {
  return {
    credential, status: identity ? 'succeeded' : 'unavailable', reached: true, decisive: false, message: identity ? '' : 'not signed in',
    identity, expiresOn: null, elapsedMs: 1, ...change,
  };
}

/** Sources in `version`'s chain order; the first with a token wins, as the verdict would say. */
function chain(version: string, identities: Partial<Record<CredentialName, TokenIdentity>>) {
  const behaviour = familyFor(version);
  const sources = behaviour.order.map((c) => signedIn(c, identities[c] ?? null));
  const winner = sources.find((s) => s.status === 'succeeded');
  const verdict = winner
    ? { outcome: 'token' as const, credential: winner.credential, message: '' }
    : { outcome: 'failure' as const, credential: null, message: 'all unavailable' };
  return { behaviour, sources, verdict };
}

test('identities differ by user, by tenant, or both; case does not make a user another', () => {
  assert.equal(identityDifference(alice, { ...alice, upn: 'ALICE@contoso.example' }), 'same');
  assert.equal(identityDifference(alice, bob), 'user');
  assert.equal(identityDifference(alice, { ...alice, tenantId: T2 }), 'tenant');
  assert.equal(identityDifference(alice, aliceElsewhere), 'userAndTenant');
  // A service principal is named by its application id.
  assert.equal(identityDifference({ appId: 'app-1', tenantId: T1 }, { appId: 'APP-1', tenantId: T1 }), 'same');
});

test('az as alice and Azure PowerShell as bob in 1.26: az wins (earlier in the chain), pwsh is named, the pin names az', () => {
  const { behaviour, sources, verdict } = chain('1.26.0b3', { AzureCliCredential: alice, AzurePowerShellCredential: bob });
  const d = toolDisagreement(behaviour, sources, verdict);
  assert.ok(d);
  assert.equal(d.winner.credential, 'AzureCliCredential');
  assert.deepEqual(d.others.map((o) => [o.credential, o.difference, o.afterWinner]), [['AzurePowerShellCredential', 'user', true]]);
  assert.deepEqual(d.fixes, [
    { kind: 'pin', credential: 'AzureCliCredential', variable: 'AZURE_TOKEN_CREDENTIALS', value: 'AzureCliCredential' },
    { kind: 'signInAgain', credential: 'AzurePowerShellCredential' },
  ]);
  assert.equal(disagreementLabel(d), 'Tools disagree: Python uses alice (Azure CLI)');
  assert.equal(disagreementDescription(d), 'Azure PowerShell: bob');
});

test('the order decides: the VS Code account comes before az in 1.24+, so it wins there', () => {
  const { behaviour, sources, verdict } = chain('1.25.3', { VisualStudioCodeCredential: bob, AzureCliCredential: alice });
  const d = toolDisagreement(behaviour, sources, verdict)!;
  assert.equal(d.winner.credential, 'VisualStudioCodeCredential');
  assert.deepEqual(d.fixes[0], { kind: 'pin', credential: 'VisualStudioCodeCredential', variable: 'AZURE_TOKEN_CREDENTIALS', value: 'VisualStudioCodeCredential' });
});

test('1.23 and older accept no credential name in AZURE_TOKEN_CREDENTIALS: no pin, only sign in again (and the tooltip says why)', () => {
  for (const version of ['1.13.0b2', '1.23.1']) {
    const { behaviour, sources, verdict } = chain(version, { AzureCliCredential: alice, AzurePowerShellCredential: bob });
    const d = toolDisagreement(behaviour, sources, verdict)!;
    assert.deepEqual(d.fixes.map((f) => f.kind), ['signInAgain'], version);
    assert.match(disagreementTooltip(d, version), /does not accept a source's name/);
  }
});

test('the .env service principal wins over every tool; a tenant fix is offered when a source that reads AZURE_TENANT_ID is in another tenant', () => {
  const sp: TokenIdentity = { appId: 'app-1', objectId: 'o-sp', tenantId: T1 };
  const { behaviour, sources, verdict } = chain('1.23.1', { EnvironmentCredential: sp, AzureCliCredential: aliceElsewhere });
  const d = toolDisagreement(behaviour, sources, verdict)!;
  assert.equal(d.winner.credential, 'EnvironmentCredential');
  // az keeps its own tenant: AZURE_TENANT_ID would not change it, so no tenant fix.
  assert.deepEqual(d.fixes.map((f) => f.kind), ['signInAgain']);

  // The Azure Account era VS Code credential reads AZURE_TENANT_ID, the Azure Resources one does not.
  assert.ok(tenantVariableReaders(familyFor('1.19.0')).includes('VisualStudioCodeCredential'));
  assert.ok(!tenantVariableReaders(familyFor('1.26.0b3')).includes('VisualStudioCodeCredential'));
});

test('AZURE_TENANT_ID naming another tenant than the token is a disagreement of its own; the fix writes the token\'s tenant', () => {
  const { behaviour, sources, verdict } = chain('1.26.0b3', { AzureCliCredential: alice });
  assert.equal(toolDisagreement(behaviour, sources, verdict, T1.toUpperCase()), undefined, 'the same tenant, another spelling');
  const d = toolDisagreement(behaviour, sources, verdict, T2)!;
  assert.equal(d.configuredTenant, T2);
  assert.deepEqual(d.others, []);
  assert.equal(disagreementLabel(d), 'Tenants disagree: Python uses alice (Azure CLI)');
  assert.equal(disagreementDescription(d), 'AZURE_TENANT_ID: another tenant');
  assert.deepEqual(d.fixes.map((f) => f.kind), ['pin', 'tenant']);
  const tenantFix = d.fixes[1]!;
  assert.equal(tenantFix.kind === 'tenant' && tenantFix.value, T1);
  assert.match(fixChoice(tenantFix, d, '1.26.0b3').detail, /instead of 22222222.*az, azd and Azure PowerShell keep their own default tenant/);
});

test('no disagreement: everyone agrees, only one is signed in, or the chain yields no token', () => {
  const agree = chain('1.26.0b3', { AzureCliCredential: alice, AzureDeveloperCliCredential: { ...alice, upn: 'Alice@Contoso.example' } });
  assert.equal(toolDisagreement(agree.behaviour, agree.sources, agree.verdict), undefined);
  const one = chain('1.26.0b3', { AzureCliCredential: alice });
  assert.equal(toolDisagreement(one.behaviour, one.sources, one.verdict), undefined);
  const none = chain('1.26.0b3', {});
  assert.equal(toolDisagreement(none.behaviour, none.sources, none.verdict), undefined);
});

test('a tenant id that is not one (markup, a newline) is never offered for .env', () => {
  const evil: TokenIdentity = { upn: 'alice@contoso.example', tenantId: 'x\nAZURE_CLIENT_SECRET=y' };
  const { behaviour, sources, verdict } = chain('1.26.0b3', { AzureCliCredential: evil });
  const d = toolDisagreement(behaviour, sources, verdict, T2)!;
  assert.ok(d.configuredTenant);
  assert.ok(!d.fixes.some((f) => f.kind === 'tenant'));
});

test('the chain view shows the disagreement as a header row whose click resolves it; names stay text in the tooltip and the quick pick', () => {
  const mallory: TokenIdentity = { upn: '$(zap)[x](command:evil)@contoso.example', tenantId: T1 };
  const { behaviour, sources, verdict } = chain('1.26.0b3', { AzureCliCredential: alice, AzurePowerShellCredential: mallory });
  const disagreement = toolDisagreement(behaviour, sources, verdict)!;
  const report: ChainReport = { azureIdentityVersion: '1.26.0b3', versionSource: 'python', sources, verdict, verification: null, disagreement };
  const snapshot: ChainSnapshot = {
    phase: 'ready',
    scope: { trusted: true, folder: { name: 'api', uri: 'file:///w/api', choice: 'only' }, multiRoot: false },
    check: { report, python: { kind: 'answered', interpreter: { path: '/usr/bin/python3', source: 'setting' }, azureIdentityVersion: '1.26.0b3', brokerInstalled: true }, checkedAt: 0 },
  };
  const rows = chainViewRows(snapshot, { signInSources: new Set(), now: 0 });
  assert.deepEqual(rows.slice(0, 2).map((r) => r.kind), ['python', 'disagreement']);
  const row = rows[1]!.model;
  assert.deepEqual(row.click, { kind: 'resolveDisagreement' });
  assert.match(row.tooltip, /\*\*Azure CLI\*\* comes first with a token/);
  assert.doesNotMatch(row.tooltip, /\[x\]\(command:evil\)/);
  const signIn = disagreement.fixes.find((f) => f.kind === 'signInAgain')!;
  assert.doesNotMatch(fixChoice(signIn, disagreement, '1.26.0b3').detail, /\$\(zap\)/);
});

test('the CLI\'s table says the same after the verdict, with names made inert', () => {
  const mallory: TokenIdentity = { upn: 'bob\u001b[31m@contoso.example', tenantId: T1 };
  const { behaviour, sources, verdict } = chain('1.26.0b3', { AzureCliCredential: alice, AzurePowerShellCredential: mallory });
  const disagreement = toolDisagreement(behaviour, sources, verdict)!;
  const report: ChainReport = { azureIdentityVersion: '1.26.0b3', versionSource: 'flag', sources, verdict, verification: null, disagreement };
  const text = formatReport(report, {});
  assert.match(text, /Tools disagree: Python uses alice \(Azure CLI\)\n {2}Azure PowerShell: bob.*@contoso\.example \(tenant 1111/);
  assert.match(text, /Fix: Pin Azure CLI in \.env \(AZURE_TOKEN_CREDENTIALS=AzureCliCredential\)/);
  assert.ok(!text.includes('\u001b'), 'no terminal escape');
});
