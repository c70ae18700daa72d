// The CLI in a 120-column terminal, as a newcomer runs it against the demo tenant (the sandbox's demo preset, alice
// signed in to az, azd and Azure PowerShell): every line `chain`, `whoami` and `roles` print, on standard output and
// standard error, fits 120 columns when the output is not a terminal, and each command's own --help fits 100.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CHECKED_VERSIONS } from '../../src/core/chain/versions';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { demoSeed, startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

const CLI = join(repoRoot, 'dist', 'cli.js');
let sb: Sandbox;
const home = mkdtempSync(join(tmpdir(), 'cli-width-'));

before(async () => {
  await ensureToolsBuilt();
  assert.ok(existsSync(CLI), 'dist/cli.js is built by npm test before the suites run');
  sb = await startSandbox({ seed: demoSeed() });
  await signInDemoDeveloper(sb, home, 'alice');
});
after(async () => {
  await sb?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Terminal columns of a line: East Asian wide and emoji code points take two, combining marks none. */
function columnsOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    if (/\p{Mn}|\p{Me}|\u200b|\u200d/u.test(ch)) continue;
    n += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff)
      || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ? 2 : 1;
  }
  return n;
}

function cloudJson(): string {
  return JSON.stringify({
    name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
  });
}

/** Runs the CLI as a pipe (not a terminal, no COLUMNS): the width it must assume is 120. */
async function cli(args: string[]): Promise<{ code: number | null; lines: string[] }> {
  // As access.test.ts runs it: the sandbox's tool environment only (no COLUMNS, nothing of this process's).
  const env: Record<string, string> = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile };
  assert.equal(env.COLUMNS, undefined);
  const result = await run(process.execPath, [CLI, ...args], { env, cwd: home, timeoutMs: 120_000 });
  return { code: result.code, lines: `${result.stdout}\n${result.stderr}`.split('\n') };
}

function assertFits(what: string, lines: readonly string[], limit: number): void {
  const over = lines.filter((line) => columnsOf(line) > limit).map((line) => `${columnsOf(line)}: ${line}`);
  assert.deepEqual(over, [], `${what}: lines wider than ${limit} columns`);
}

for (const version of CHECKED_VERSIONS) {
  test(`chain (azure-identity ${version}): every line fits 120 columns`, async () => {
    const out = await cli(['chain', '--azure-identity-version', version]);
    assert.ok(out.lines.some((l) => l.includes('AzureCliCredential') || l.includes('Azure CLI')), out.lines.join('\n'));
    assertFits(`chain ${version}`, out.lines, 120);
  });
}

test('chain with one source excluded and the rest failing: the verdict\'s messages fit too', async () => {
  const out = await cli(['chain', '--azure-identity-version', '1.23.1', '--exclude', 'AzureCliCredential', '--exclude', 'AzurePowerShellCredential', '--exclude', 'AzureDeveloperCliCredential']);
  assert.notEqual(out.code, 0, 'no source gives a token');
  assertFits('chain (failing)', out.lines, 120);
});

test('whoami: every line fits 120 columns', async () => {
  const out = await cli(['whoami', '--azure-identity-version', '1.23.1', '--cloud', cloudJson()]);
  assert.equal(out.code, 0, out.lines.join('\n'));
  assert.ok(out.lines.some((l) => l.includes('alice@contososandbox.onmicrosoft.com')), out.lines.join('\n'));
  assertFits('whoami', out.lines, 120);
});

test('roles: every line fits 120 columns, long role names and scopes included', async () => {
  const out = await cli(['roles', '--azure-identity-version', '1.23.1', '--cloud', cloudJson()]);
  assert.equal(out.code, 0, out.lines.join('\n'));
  assert.ok(out.lines.some((l) => l.includes('rg-app')), out.lines.join('\n'));
  assertFits('roles', out.lines, 120);
});

for (const command of ['chain', 'whoami', 'roles']) {
  test(`${command} --help: its own help, within 100 columns`, async () => {
    const out = await cli([command, '--help']);
    assert.equal(out.code, 0);
    assert.ok(out.lines.some((l) => l.includes(command)), out.lines.join('\n'));
    assertFits(`${command} --help`, out.lines, 100);
  });
}

test('--help: the general help within 100 columns', async () => {
  const out = await cli(['--help']);
  assert.equal(out.code, 0);
  assertFits('--help', out.lines, 100);
});
