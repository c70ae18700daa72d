// A ChainedTokenCredential's developer-tool members with their own keyword arguments: tenant_id (az --tenant, azd
// --tenant-id, PowerShell's TenantId) and process_timeout (that tool's own timeout; in 1.13.0b2, which has no such
// keyword, building the member raises TypeError). The tools are scripts here, found through the user's own PATH.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chainedMembersOf, memberText, verifyMembers } from '../../src/core/chain/chained';
import { evaluateChain } from '../../src/core/chain/engine';
import { pwshCommand } from '../../src/core/chain/sources/azurePowerShell';
import type { ProbeContext } from '../../src/core/chain/sources/common';
import { familyFor } from '../../src/core/chain/versions';
import { findCredentialCalls } from '../../src/core/code/credentialCalls';
import { verdictHeadline } from '../../src/core/presentation/chainRows';

const scratch = mkdtempSync(join(tmpdir(), 'ada-members-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function membersOf(source: string) {
  const calls = await findCredentialCalls(`from azure.identity import *\ncredential = ${source}\n`);
  return chainedMembersOf(calls.find((c) => c.credential === 'ChainedTokenCredential')!);
}

test('tenant_id and process_timeout of az, azd and PowerShell members are read when the library would accept them', async () => {
  const members = await membersOf('ChainedTokenCredential(AzureDeveloperCliCredential(tenant_id="contoso.onmicrosoft.com", process_timeout=2.5), '
    + 'AzurePowerShellCredential(tenant_id="not a tenant", process_timeout=limit), AzureCliCredential(process_timeout=0), EnvironmentCredential(tenant_id="x"))');
  assert.deepEqual(members.map(memberText), [
    'AzureDeveloperCliCredential(tenant_id="contoso.onmicrosoft.com", process_timeout=2.5)',
    'AzurePowerShellCredential(tenant_id=…, process_timeout=…)',
    'AzureCliCredential(process_timeout=…)',
    'EnvironmentCredential(tenant_id=…)',
  ]);
  assert.deepEqual(verifyMembers(members), {
    chained: ['AzureDeveloperCliCredential', 'AzurePowerShellCredential', 'AzureCliCredential', 'EnvironmentCredential'],
    chainedTenants: { AzureDeveloperCliCredential: 'contoso.onmicrosoft.com' },
    chainedProcessTimeouts: { AzureDeveloperCliCredential: 2.5 },
    chainedWritesProcessTimeout: ['AzureDeveloperCliCredential', 'AzurePowerShellCredential', 'AzureCliCredential'],
    chainedClientIds: {},
  });
});

test("a ManagedIdentityCredential member's client_id is the identity it asks for; without one it asks for none, AZURE_CLIENT_ID or not", async () => {
  const members = await membersOf('ChainedTokenCredential(ManagedIdentityCredential(client_id="8b1f0c36-2a6c-4d2a-9f0e-1c2d3e4f5a6b"), '
    + 'ManagedIdentityCredential(client_id=os.environ["MI"]), ManagedIdentityCredential(client_id="a b\u202e"), ManagedIdentityCredential(client_id=""))');
  assert.deepEqual(members.map(memberText), [
    'ManagedIdentityCredential(client_id="8b1f0c36-2a6c-4d2a-9f0e-1c2d3e4f5a6b")',
    'ManagedIdentityCredential(client_id=…)',
    'ManagedIdentityCredential(client_id=…)',
    'ManagedIdentityCredential()',
  ]);
  assert.deepEqual(members.map((m) => m.kind === 'credential' && [m.ignoredKeywords, m.unknownValues ?? []]), [
    [[], []], [[], ['client_id']], [['client_id'], []], [[], []],
  ], 'a name is unknown; text that is no client id is not modelled; "" is none');
  assert.deepEqual(verifyMembers(members).chainedClientIds, { ManagedIdentityCredential: '8b1f0c36-2a6c-4d2a-9f0e-1c2d3e4f5a6b' });

  // What the managed identity endpoint is asked for: the member's client id, else none even with AZURE_CLIENT_ID set
  // (DefaultAzureCredential, by contrast, passes AZURE_CLIENT_ID).
  const asked: (string | null)[] = [];
  const server = createServer((request, response) => {
    asked.push(new URL(request.url ?? '/', 'http://x').searchParams.get('client_id'));
    response.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_request","error_description":"Identity not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const env = { AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${port}`, AZURE_CLIENT_ID: 'from-the-environment', PATH: '' };
    const run = (chained?: typeof members) => evaluateChain({
      azureIdentityVersion: '1.23.1', versionSource: 'python', env, keywordArguments: {}, brokerInstalled: false,
      trustedPath: '', ...(chained ? { chained } : {}),
    });
    await run(members.slice(0, 1));
    await run((await membersOf('ChainedTokenCredential(ManagedIdentityCredential())')));
    await run();
    assert.deepEqual(asked, ['8b1f0c36-2a6c-4d2a-9f0e-1c2d3e4f5a6b', null, 'from-the-environment']);
  } finally {
    server.close();
  }
});

test("PowerShell's script carries the member's tenant, as the library formats it", () => {
  for (const version of ['1.13.0b2', '1.23.1']) {
    const ctx = { behaviour: familyFor(version), memberTenants: { AzurePowerShellCredential: 'contoso.onmicrosoft.com' } } as unknown as ProbeContext;
    const script = Buffer.from(pwshCommand(ctx).args.at(-1)!, 'base64').toString('utf16le');
    assert.match(script, version === '1.13.0b2' ? /Get-AzAccessToken -ResourceUrl '[^']+' -TenantId contoso\.onmicrosoft\.com/ : /\$tenantId = 'contoso\.onmicrosoft\.com'/);
  }
});

function tools(name: string): { path: string; azdArgs: string } {
  const bin = join(scratch, name, 'bin');
  mkdirSync(bin, { recursive: true });
  const azdArgs = join(scratch, name, 'azd-args');
  // az answers after 3 s; azd records its arguments and says it is not signed in.
  writeFileSync(join(bin, 'az'), '#!/bin/sh\nsleep 3\necho "{}"\n', { mode: 0o755 });
  writeFileSync(join(bin, 'azd'), `#!/bin/sh\necho "$@" > ${JSON.stringify(azdArgs)}\necho 'ERROR: not logged in, run \`azd auth login\` to login' >&2\nexit 1\n`, { mode: 0o755 });
  return { path: `${bin}:/usr/bin:/bin`, azdArgs };
}

test("1.23.1: a member's process_timeout is that tool's timeout, and azd runs with --tenant-id", async () => {
  const { path, azdArgs } = tools('timeouts');
  const members = await membersOf('ChainedTokenCredential(AzureCliCredential(process_timeout=1), AzureDeveloperCliCredential(tenant_id="contoso.onmicrosoft.com"))');
  const started = Date.now();
  const report = await evaluateChain({
    env: { PATH: path, HOME: scratch }, trustedPath: path, keywordArguments: {}, azureIdentityVersion: '1.23.1', versionSource: 'flag', brokerInstalled: false, chained: members,
  });
  assert.ok(Date.now() - started < 2900, `az was given 1 s, not the default 10 s (${Date.now() - started} ms)`);
  assert.deepEqual(report.sources.map((s) => `${s.credential}:${s.status}`), ['AzureCliCredential:unavailable', 'AzureDeveloperCliCredential:unavailable']);
  assert.equal(report.sources[0]!.message, 'Failed to invoke the Azure CLI');
  assert.match(readFileSync(azdArgs, 'utf8'), /--scope https:\/\/management\.azure\.com\/\.default --tenant-id contoso\.onmicrosoft\.com$/m);
  assert.ok(!report.notes?.some((n) => /tenant_id|process_timeout/.test(n)), `applied, not noted: ${String(report.notes)}`);
});

test('1.13.0b2: a member written with process_timeout raises TypeError when the ChainedTokenCredential is built', async () => {
  const { path } = tools('typeerror');
  const members = await membersOf('ChainedTokenCredential(EnvironmentCredential(), AzurePowerShellCredential(process_timeout=5), AzureCliCredential(process_timeout=1))');
  const report = await evaluateChain({
    env: { PATH: path, HOME: scratch }, trustedPath: path, keywordArguments: {}, azureIdentityVersion: '1.13.0b2', versionSource: 'flag', brokerInstalled: false, chained: members,
  });
  assert.equal(report.verdict.outcome, 'constructor-error');
  assert.equal(report.verdict.exceptionType, 'TypeError');
  assert.equal(report.verdict.credential, 'AzurePowerShellCredential');
  assert.equal(report.verdict.message, "TypeError: AzurePowerShellCredential.__init__() got an unexpected keyword argument 'process_timeout'");
  assert.ok(report.sources.every((s) => !s.reached));
  // The headline names the call that raises, not DefaultAzureCredential().
  assert.equal(verdictHeadline(report.verdict, report.sources),
    "ChainedTokenCredential(...) raises while building AzurePowerShellCredential: TypeError: AzurePowerShellCredential.__init__() got an unexpected keyword argument 'process_timeout'");
});
