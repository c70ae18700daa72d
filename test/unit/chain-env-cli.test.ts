// The environment the engine models (process env + .env, as the Python extension merges them) and the `chain`
// command line: argument errors, exit codes and the readable table.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { formatReport, main, parseChainArgs } from '../../src/cli/main';
import { mergeDotEnv, parseDotEnv } from '../../src/core/chain/env';
import type { ChainReport } from '../../src/core/chain/types';

const scratch = mkdtempSync(join(tmpdir(), 'chain-env-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('.env values override the process environment; ${NAME} expands from earlier lines, then the process env', async () => {
  const file = join(scratch, '.env');
  writeFileSync(file, [
    '# service principal for local runs',
    'AZURE_CLIENT_ID=from-dotenv',
    'AZURE_TENANT_ID="tenant-in-quotes"',
    'EMPTY=',
    'GREETING=${USER_NAME}-${AZURE_CLIENT_ID}',
    'PRICE=\\$5',
  ].join('\n'));
  const merged = await mergeDotEnv({ AZURE_CLIENT_ID: 'from-process', USER_NAME: 'dev', PATH: '/usr/bin' }, file);
  assert.equal(merged.AZURE_CLIENT_ID, 'from-dotenv');
  assert.equal(merged.AZURE_TENANT_ID, 'tenant-in-quotes');
  assert.equal(merged.EMPTY, '', 'an empty value is set (EnvironmentCredential treats it as set)');
  assert.equal(merged.GREETING, 'dev-from-dotenv');
  assert.equal(merged.PRICE, '$5');
  assert.equal(merged.PATH, '/usr/bin');
  await assert.rejects(mergeDotEnv({}, join(scratch, 'missing.env')), /does not exist/);
  assert.deepEqual(parseDotEnv('A=${MISSING}x', {}), { A: 'x' });
});

test('chain arguments: names are Python class names (case-insensitive), values are checked', () => {
  const options = parseChainArgs(['--json', '--exclude', 'azureclicredential', '--include=VisualStudioCodeCredential', '--process-timeout', '2.5', '--azure-identity-version', '1.23.1']);
  assert.deepEqual(options.exclude, { AzureCliCredential: true, VisualStudioCodeCredential: false });
  assert.equal(options.processTimeout, 2.5);
  assert.equal(options.version, '1.23.1');
  assert.throws(() => parseChainArgs(['--exclude', 'Az']), /not a credential class name/);
  assert.throws(() => parseChainArgs(['--exclude', 'AzureCliCredential', '--include', 'AzureCliCredential']), /both --exclude and --include/);
  assert.throws(() => parseChainArgs(['--process-timeout', '-1']), /positive number/);
  assert.throws(() => parseChainArgs(['--azure-identity-version', 'newest']), /not a version/);
  assert.throws(() => parseChainArgs(['--python']), /needs a value/);
  assert.throws(() => parseChainArgs(['--frobnicate']), /Unknown option/);
});

test('usage errors exit 2 with a message on stderr; --help exits 0', async () => {
  const writes: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  const originalOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string) => { writes.push(String(chunk)); return true; }) as typeof process.stderr.write;
  process.stdout.write = ((chunk: string) => { writes.push(String(chunk)); return true; }) as typeof process.stdout.write;
  try {
    assert.equal(await main(['chain', '--exclude', 'Nope']), 2);
    assert.equal(await main(['frobnicate']), 2);
    assert.equal(await main(['roles', '--subscription', 'not-a-guid']), 2);
    assert.equal(await main(['chain', '--env-file', join(scratch, 'absent.env')]), 2);
    assert.equal(await main(['--help']), 0);
  } finally {
    process.stderr.write = original;
    process.stdout.write = originalOut;
  }
  const text = writes.join('');
  assert.match(text, /--exclude Nope: not a credential class name/);
  assert.match(text, /Unknown command frobnicate/);
  assert.match(text, /--subscription not-a-guid: expected a subscription id/);
  assert.match(text, /absent\.env does not exist/);
  assert.match(text, /Usage:\n {2}azure-dev-auth chain/);
});

test('the table shows every source in order, what Python does there, and the verdict', () => {
  const report: ChainReport = {
    azureIdentityVersion: '1.23.1', versionSource: 'python', behaviour: 'azure-identity 1.23',
    sources: [
      { credential: 'EnvironmentCredential', status: 'unavailable', reached: true, decisive: false, message: 'EnvironmentCredential authentication unavailable.\nVisit …', identity: null, expiresOn: null, elapsedMs: 3 },
      { credential: 'AzureCliCredential', status: 'succeeded', reached: true, decisive: true, message: 'AzureCliCredential.get_token succeeded', identity: { upn: 'alice@contoso.example', tenantId: 't' }, expiresOn: '2030-01-01T00:00:00Z', elapsedMs: 250 },
      { credential: 'AzureDeveloperCliCredential', status: 'unavailable', reached: false, decisive: false, message: "Please run 'azd auth login'", identity: null, expiresOn: null, elapsedMs: 90 },
      { credential: 'InteractiveBrowserCredential', status: 'excluded', reached: false, decisive: false, message: 'Excluded by default', identity: null, expiresOn: null, elapsedMs: 0 },
    ],
    verdict: { outcome: 'token', credential: 'AzureCliCredential', message: 'DefaultAzureCredential acquired a token from AzureCliCredential' },
    verification: null,
  };
  const text = formatReport(report, { pythonPath: '/usr/bin/python3', columns: 120 });
  assert.match(text, /^azure-identity 1\.23\.1 \(from \/usr\/bin\/python3\) · rules of azure-identity 1\.23/);
  const rows = text.split('\n').filter((l) => /^\s+\d\s/.test(l));
  assert.deepEqual(rows.map((r) => r.trim().split(/\s{2,}/).slice(0, 3)), [
    ['1', 'Environment', 'unavailable'],
    ['2', 'Azure CLI', 'alice · active'],
    ['3', 'Azure Developer CLI', 'not reached'],
    ['4', 'Interactive Browser', 'excluded'],
  ]);
  assert.match(text, /Python signs in as alice@contoso\.example through Azure CLI/);
  assert.doesNotMatch(text, /Visit …/, 'only the first line of a message goes into the table');
});

test('each command has its own --help, every line within 100 columns, and --utc is accepted', async () => {
  const originalOut = process.stdout.write.bind(process.stdout);
  const help = async (args: string[]): Promise<string> => {
    const out: string[] = [];
    process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
    try {
      assert.equal(await main(args), 0, args.join(' '));
    } finally {
      process.stdout.write = originalOut;
    }
    return out.join('');
  };
  const general = await help(['--help']);
  const chain = await help(['chain', '--help']);
  const whoami = await help(['whoami', '--help', '--utc']);
  const roles = await help(['roles', '--help']);
  assert.match(general, /azure-dev-auth COMMAND --help/);
  assert.doesNotMatch(general, /--allow-host/, 'the general help lists commands, not every option');
  assert.match(chain, /^azure-dev-auth chain:/);
  assert.match(chain, /--allow-workspace-programs/);
  assert.match(whoami, /^azure-dev-auth whoami:/);
  assert.match(roles, /--subscription ID/);
  for (const [name, text] of Object.entries({ general, chain, whoami, roles })) {
    for (const line of text.split('\n')) assert.ok([...line].length <= 100, `${name} help: ${[...line].length} columns: ${line}`);
  }
});
