// The sign-in page's model, from chain reports of each azure-identity version family: which sources it lists, in
// which order, and what it says about each (active, tried, an earlier source wins, excluded and why, not in this
// version); and the commands and snippets the page shows and runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainReport, CredentialName, SourceResult, SourceStatus } from '../../src/core/chain/types';
import { familyFor, VERSION_FAMILIES } from '../../src/core/chain/versions';
import { defaultCloud, signInPage, type SignInPageInputs, type SignInRow } from '../../src/core/signin/signInPage';
import {
  browserSnippet, choiceProblem, cloudCommands, deviceCodeSnippet, signInCommands, signInSteps, tenantProblem, usernameProblem,
} from '../../src/core/signin/signInPageCommands';

const ALICE = { upn: 'alice@contoso.com', objectId: 'cb2be4d1-2705-475d-83e6-02d82fdd105f', tenantId: '48337339-9daf-40bb-b2c4-6fdbad938cad' };
const CLOUDS = [
  { name: 'AzureCloud' as const, label: 'Azure (public cloud)', authorityHost: 'https://login.microsoftonline.com' },
  { name: 'AzureChinaCloud' as const, label: 'Azure operated by 21Vianet (China)', authorityHost: 'https://login.chinacloudapi.cn' },
  { name: 'AzureUSGovernment' as const, label: 'Azure US Government', authorityHost: 'https://login.microsoftonline.us' },
];

interface Spec {
  readonly decisive?: CredentialName;
  readonly statuses?: Partial<Record<CredentialName, SourceStatus>>;
  readonly messages?: Partial<Record<CredentialName, string>>;
}

/** A report as the engine makes one: the version's order, default exclusions, reached up to the deciding source. */
function report(version: string, spec: Spec = {}): ChainReport {
  const behaviour = familyFor(version);
  const stop = spec.decisive ? behaviour.order.indexOf(spec.decisive) : behaviour.order.length;
  const sources: SourceResult[] = behaviour.order.map((credential, i) => {
    const status = spec.statuses?.[credential] ?? (behaviour.defaultExcluded.includes(credential) ? 'excluded' : 'unavailable');
    const message = spec.messages?.[credential]
      ?? (status === 'excluded' ? `Excluded by default in ${behaviour.label} (${behaviour.excludeKeywords[credential]}=True).`
        : status === 'succeeded' ? '' : `${credential} authentication unavailable.`);
    return {
      credential, status, reached: status !== 'excluded' && i <= stop, decisive: credential === spec.decisive, message,
      identity: status === 'succeeded' ? ALICE : null, expiresOn: null, elapsedMs: 5,
    };
  });
  const decisive = sources.find((s) => s.decisive);
  return {
    azureIdentityVersion: version, versionSource: 'python', sources, verification: null, behaviour: behaviour.label,
    verdict: decisive?.status === 'succeeded'
      ? { outcome: 'token', credential: decisive.credential, message: '' }
      : { outcome: 'failure', credential: decisive?.credential ?? null, message: 'DefaultAzureCredential failed to retrieve a token from the included credentials.' },
  };
}

function inputs(chain: ChainReport | undefined, overrides: Partial<SignInPageInputs> = {}): SignInPageInputs {
  return {
    phase: chain ? 'ready' : 'idle', report: chain, stale: false, checkedAt: chain ? 1_000 : null, failure: null, trusted: true,
    azureIdentityVersion: chain?.azureIdentityVersion ?? null, brokerInstalled: false, interpreter: '/usr/bin/python3',
    tools: { az: true, azd: true, pwsh: true }, azureResourcesInstalled: false, roles: 'unknown', clouds: CLOUDS, azCloud: 'AzureCloud', ...overrides,
  };
}

const byCredential = (rows: readonly SignInRow[]) => new Map(rows.map((r) => [r.credential, r]));
const labels = (rows: readonly SignInRow[]) => rows.map((r) => `${r.position ?? '-'} ${r.credential}`);

test('azure-identity 1.13.0b2 (≤ 1.12 rules): chain order, azd and the broker listed as not in this version', () => {
  const page = signInPage(inputs(report('1.13.0b2', { decisive: 'AzureCliCredential', statuses: { AzureCliCredential: 'succeeded', AzurePowerShellCredential: 'succeeded' } })));
  assert.deepEqual(labels(page.rows), [
    '1 EnvironmentCredential', '3 SharedTokenCacheCredential', '4 VisualStudioCodeCredential', '5 AzureCliCredential', '6 AzurePowerShellCredential',
    '7 InteractiveBrowserCredential', '- AzureDeveloperCliCredential', '- BrokerCredential',
  ]);
  const rows = byCredential(page.rows);
  assert.deepEqual(rows.get('AzureCliCredential')?.reach, { kind: 'active' });
  assert.deepEqual(rows.get('AzureCliCredential')?.signIn, { kind: 'signed-in', who: 'alice@contoso.com', tenantId: ALICE.tenantId });
  assert.deepEqual(rows.get('AzurePowerShellCredential')?.reach, { kind: 'earlier-wins', winner: 'AzureCliCredential', winnerLabel: 'Azure CLI', winnerHasToken: true });
  assert.equal(rows.get('AzurePowerShellCredential')?.signIn.kind, 'signed-in', 'signed in, though not reached');
  assert.deepEqual(rows.get('EnvironmentCredential')?.reach, { kind: 'tried' });
  assert.equal(rows.get('VisualStudioCodeCredential')?.reach.kind, 'excluded');
  assert.match((rows.get('VisualStudioCodeCredential')?.reach as { reason: string }).reason, /exclude_visual_studio_code_credential=True/);
  assert.deepEqual(rows.get('AzureDeveloperCliCredential')?.reach, { kind: 'not-in-version', since: '1.13' });
  assert.deepEqual(rows.get('BrokerCredential')?.reach, { kind: 'not-in-version', since: '1.24' });
  assert.equal(page.vscode.implementation, 'azure-account');
  assert.equal(page.vscode.azureResourcesSince, '1.24');
  assert.deepEqual(page.active, { credential: 'AzureCliCredential', label: 'Azure CLI', who: 'alice@contoso.com', tenantId: ALICE.tenantId, objectId: ALICE.objectId });
  assert.equal(page.headline, 'Python signs in as alice@contoso.com through Azure CLI');
});

test('azure-identity 1.20 (1.13 family): azd joins after Azure PowerShell; nobody signed in: every developer source is tried', () => {
  const page = signInPage(inputs(report('1.20.0')));
  assert.deepEqual(labels(page.rows), [
    '1 EnvironmentCredential', '4 SharedTokenCacheCredential', '5 VisualStudioCodeCredential', '6 AzureCliCredential', '7 AzurePowerShellCredential',
    '8 AzureDeveloperCliCredential', '9 InteractiveBrowserCredential', '- BrokerCredential',
  ]);
  const rows = byCredential(page.rows);
  for (const c of ['AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'] as const) {
    assert.deepEqual(rows.get(c)?.reach, { kind: 'tried' });
    assert.equal(rows.get(c)?.signIn.kind, 'signed-out');
  }
  assert.equal(rows.get('InteractiveBrowserCredential')?.reach.kind, 'excluded');
  assert.equal(page.active, null);
  assert.equal(page.headline, 'The chain fails: no source can provide a token');
});

test('azure-identity 1.23.1: AZURE_TOKEN_CREDENTIALS=prod excludes the developer tools, and says so', () => {
  const prod = 'Excluded by AZURE_TOKEN_CREDENTIALS=prod.';
  const page = signInPage(inputs(report('1.23.1', {
    decisive: 'EnvironmentCredential', statuses: { EnvironmentCredential: 'failed', AzureCliCredential: 'excluded', AzurePowerShellCredential: 'excluded', AzureDeveloperCliCredential: 'excluded', SharedTokenCacheCredential: 'excluded' },
    messages: { EnvironmentCredential: 'ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided.', AzureCliCredential: prod, AzurePowerShellCredential: prod, AzureDeveloperCliCredential: prod, SharedTokenCacheCredential: prod },
  })));
  const rows = byCredential(page.rows);
  assert.deepEqual(rows.get('EnvironmentCredential')?.reach, { kind: 'stops' });
  assert.equal(rows.get('EnvironmentCredential')?.signIn.kind, 'error');
  for (const c of ['AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'] as const) {
    assert.deepEqual(rows.get(c)?.reach, { kind: 'excluded', reason: prod });
    assert.equal(rows.get(c)?.signIn.kind, 'unknown', 'an excluded source is not probed');
  }
  assert.match(page.headline, /^The chain fails at Environment: ClientSecretCredential authentication failed/);
});

test('an earlier source that fails ends the chain before the tools: they are "not reached", without a token', () => {
  const page = signInPage(inputs(report('1.23.1', { decisive: 'ManagedIdentityCredential', statuses: { ManagedIdentityCredential: 'failed', AzureCliCredential: 'succeeded' } })));
  const az = byCredential(page.rows).get('AzureCliCredential')!;
  assert.deepEqual(az.reach, { kind: 'earlier-wins', winner: 'ManagedIdentityCredential', winnerLabel: 'Managed Identity', winnerHasToken: false });
  assert.equal(az.signIn.kind, 'signed-in');
});

test('azure-identity 1.24, 1.25 and 1.26: VS Code is in the chain by default, the broker last, both through azure-identity-broker', () => {
  for (const version of ['1.24.0', '1.25.0', '1.25.3', '1.26.0b3']) {
    const page = signInPage(inputs(report(version, { decisive: 'AzureDeveloperCliCredential', statuses: { AzureDeveloperCliCredential: 'succeeded' } }), { brokerInstalled: true, azureResourcesInstalled: true }));
    assert.deepEqual(labels(page.rows), [
      '1 EnvironmentCredential', '4 SharedTokenCacheCredential', '5 VisualStudioCodeCredential', '6 AzureCliCredential', '7 AzurePowerShellCredential',
      '8 AzureDeveloperCliCredential', '9 InteractiveBrowserCredential', '10 BrokerCredential',
    ], version);
    const rows = byCredential(page.rows);
    assert.deepEqual(rows.get('VisualStudioCodeCredential')?.reach, { kind: 'tried' }, version);
    assert.deepEqual(rows.get('AzureDeveloperCliCredential')?.reach, { kind: 'active' }, version);
    assert.deepEqual(rows.get('BrokerCredential')?.reach, { kind: 'earlier-wins', winner: 'AzureDeveloperCliCredential', winnerLabel: 'Azure Developer CLI', winnerHasToken: true }, version);
    assert.equal(page.vscode.implementation, 'azure-resources', version);
    assert.equal(page.vscode.brokerInstalled, true);
  }
});

test('every version family gets a page: its chain order, every developer source listed once', () => {
  for (const family of VERSION_FAMILIES) {
    const version = family.family === 'legacy' ? '1.12.0' : `${family.family}.${family.family === '1.25.1' ? '' : '0'}`.replace(/\.$/, '');
    const page = signInPage(inputs(report(version)));
    const inChain = page.rows.filter((r) => r.position !== null).map((r) => r.position!);
    assert.deepEqual(inChain, [...inChain].sort((a, b) => a - b), `${family.label}: chain order`);
    assert.equal(new Set(page.rows.map((r) => r.credential)).size, 8, `${family.label}: eight developer sources`);
    assert.equal(page.azureIdentity.rules, family.label);
  }
});

test('before the first check: the newest rules, nothing known; a tool missing from PATH is "not installed"', () => {
  const page = signInPage(inputs(undefined, { tools: { az: false, azd: true, pwsh: true } }));
  assert.equal(page.headline, 'The chain has not been checked yet.');
  assert.ok(page.rows.every((r) => r.reach.kind === 'unknown' || r.reach.kind === 'not-in-version'));
  const az = byCredential(page.rows).get('AzureCliCredential')!;
  assert.equal(az.installed, false);
  assert.deepEqual(az.signIn, { kind: 'not-installed', message: 'az is not on PATH.' });
  assert.equal(byCredential(page.rows).get('VisualStudioCodeCredential')?.tool, null);
  // The chain's own message for a missing tool counts too.
  const missing = signInPage(inputs(report('1.23.1', { messages: { AzureCliCredential: 'Azure CLI not found on path' } }), { tools: { az: false, azd: true, pwsh: true } }));
  assert.deepEqual(byCredential(missing.rows).get('AzureCliCredential')?.signIn, { kind: 'not-installed', message: 'Azure CLI not found on path' });
  const probing = signInPage(inputs(undefined, { phase: 'probing' }));
  assert.match(probing.headline, /^Checking/);
  const failed = signInPage(inputs(report('1.23.1'), { phase: 'failed', stale: true, failure: 'the interpreter /x/python does not exist' }));
  assert.equal(failed.headline, 'The last check failed: the interpreter /x/python does not exist (showing the result of an earlier check).');
  assert.equal(failed.stale, true);
});

test('tenant and user name validation', () => {
  assert.equal(tenantProblem(''), null);
  assert.equal(tenantProblem('48337339-9daf-40bb-b2c4-6fdbad938cad'), null);
  assert.equal(tenantProblem('contososandbox.onmicrosoft.com'), null);
  assert.equal(tenantProblem(' contoso.com '), null);
  assert.ok(tenantProblem('contoso'));
  assert.ok(tenantProblem('contoso.com; rm -rf /'));
  assert.ok(tenantProblem("contoso.com' -Force"));
  assert.ok(tenantProblem('48337339-9daf-40bb-b2c4-6fdbad938ca'), 'a GUID one digit short');
  assert.equal(usernameProblem('carol@contososandbox.onmicrosoft.com'), null);
  assert.ok(usernameProblem('carol'));
  assert.ok(usernameProblem('carol@contoso.com --allow-no-subscriptions'));
});

test('the argument vectors a sign-in runs: tenant, device code, password, cloud', () => {
  const base = { tenant: null, cloud: 'AzureCloud' as const, username: null };
  assert.deepEqual(signInSteps({ ...base, tool: 'az', method: 'browser' }, 'AzureCloud'), [{ program: 'az', args: ['login'], askPassword: false }]);
  assert.deepEqual(signInSteps({ ...base, tool: 'az', method: 'device-code', tenant: 'contoso.com' }, 'AzureCloud'),
    [{ program: 'az', args: ['login', '--tenant', 'contoso.com', '--use-device-code'], askPassword: false }]);
  assert.deepEqual(signInSteps({ ...base, tool: 'az', method: 'password', username: 'carol@contoso.com' }, 'AzureCloud'),
    [{ program: 'az', args: ['login', '--username', 'carol@contoso.com'], askPassword: true }]);
  assert.deepEqual(signInSteps({ ...base, tool: 'az', method: 'browser', cloud: 'AzureChinaCloud' }, 'AzureCloud'), [
    { program: 'az', args: ['cloud', 'set', '--name', 'AzureChinaCloud'], askPassword: false },
    { program: 'az', args: ['login'], askPassword: false },
  ]);
  assert.deepEqual(signInSteps({ ...base, tool: 'az', method: 'browser', cloud: 'AzureChinaCloud' }, 'AzureChinaCloud').length, 1, 'az already on that cloud');
  assert.deepEqual(signInSteps({ ...base, tool: 'azd', method: 'device-code', tenant: 'contoso.com' }, 'AzureCloud'),
    [{ program: 'azd', args: ['auth', 'login', '--tenant-id', 'contoso.com', '--use-device-code'], askPassword: false }]);
  assert.deepEqual(signInSteps({ ...base, tool: 'azd', method: 'browser', cloud: 'AzureUSGovernment' }, 'AzureCloud')[0]?.args, ['config', 'set', 'cloud.name', 'AzureUSGovernment']);
  assert.deepEqual(signInSteps({ ...base, tool: 'pwsh', method: 'device-code', tenant: 'contoso.com', cloud: 'AzureChinaCloud' }, 'AzureCloud'),
    [{ program: 'pwsh', args: ['-NoProfile', '-Command', "Connect-AzAccount -Environment AzureChinaCloud -Tenant 'contoso.com' -UseDeviceAuthentication"], askPassword: false }]);
  assert.equal(choiceProblem({ ...base, tool: 'azd', method: 'password', username: 'a@b.com' }), 'azd does not offer this sign-in method.');
  assert.ok(choiceProblem({ ...base, tool: 'az', method: 'password', username: null }));
  assert.ok(choiceProblem({ ...base, tool: 'az', method: 'browser', tenant: 'not a tenant' }));
});

test('the commands the page shows, in bash and PowerShell; the password is never part of them', () => {
  const az = signInCommands({ tool: 'az', method: 'device-code', tenant: 'contoso.com', cloud: 'AzureCloud', username: null }, 'AzureCloud');
  assert.equal(az.bash, 'az login \\\n  --tenant contoso.com \\\n  --use-device-code');
  assert.equal(az.powershell, 'az login `\n  --tenant contoso.com `\n  --use-device-code');
  const password = signInCommands({ tool: 'az', method: 'password', tenant: null, cloud: 'AzureCloud', username: 'carol@contoso.com' }, 'AzureCloud');
  assert.equal(password.bash, 'az login \\\n  --username carol@contoso.com');
  const pwsh = signInCommands({ tool: 'pwsh', method: 'browser', tenant: null, cloud: 'AzureUSGovernment', username: null }, 'AzureCloud');
  assert.equal(pwsh.powershell, 'Connect-AzAccount -Environment AzureUSGovernment');
  assert.equal(pwsh.bash, "pwsh -NoProfile -Command 'Connect-AzAccount -Environment AzureUSGovernment'");
  const china = cloudCommands(CLOUDS[1]!);
  assert.equal(china.azCloudSet.bash, 'az cloud set \\\n  --name AzureChinaCloud');
  assert.equal(china.dotEnvLine, 'AZURE_AUTHORITY_HOST=https://login.chinacloudapi.cn');
  assert.equal(china.authorityHost.powershell, "$env:AZURE_AUTHORITY_HOST = 'https://login.chinacloudapi.cn'");
  assert.equal(defaultCloud('AzureChinaCloud'), 'AzureChinaCloud');
  assert.equal(defaultCloud('MyAzureStack'), 'AzureCloud');
});

test('the Python snippets switch the browser on, name the tenant and the sovereign authority', () => {
  assert.equal(browserSnippet('AzureCloud', null).split('\n').at(-1), 'credential = DefaultAzureCredential(exclude_interactive_browser_credential=False)');
  const china = browserSnippet('AzureChinaCloud', 'contoso.com');
  assert.match(china, /^from azure\.identity import AzureAuthorityHosts, DefaultAzureCredential$/m);
  assert.match(china, /interactive_browser_tenant_id="contoso\.com", authority=AzureAuthorityHosts\.AZURE_CHINA\)$/);
  assert.equal(deviceCodeSnippet('AzureCloud', null).split('\n').at(-1), 'credential = DeviceCodeCredential()');
  assert.match(deviceCodeSnippet('AzureUSGovernment', null), /DeviceCodeCredential\(authority=AzureAuthorityHosts\.AZURE_GOVERNMENT\)/);
});
