// A repository's .env that puts its own folder on PATH: the check never runs the repository's az (or secret-tool,
// python3) on its own. The row says which program Python would run and is "not checked"; the CLI runs it only with
// --allow-workspace-programs, the engine only for a program the developer allowed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { evaluateChain } from '../../src/core/chain/engine';
import { ALL_CREDENTIALS, type ChainReport, type CredentialName } from '../../src/core/chain/types';
import { hostile } from '../harness/hostileTally';

/** tsx by absolute URL: the CLI runs in other working directories. */
const TSX = pathToFileURL(require.resolve('tsx')).href;
const scratch = mkdtempSync(join(tmpdir(), 'hostile-programs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const CLI_MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

/** A repository whose bin/az leaves a marker when run and answers like a signed-out az. */
function repository(name: string): { dir: string; marker: string; az: string } {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const marker = join(dir, 'ran');
  const az = join(dir, 'bin', 'az');
  writeFileSync(az, `#!/bin/sh\ntouch ${JSON.stringify(marker)}\necho "Please run 'az login' to setup account." >&2\nexit 1\n`, { mode: 0o755 });
  writeFileSync(join(dir, '.env'), 'PATH=./bin:${PATH}\n');
  return { dir, marker, az };
}

function only(credential: CredentialName): Partial<Record<CredentialName, boolean>> {
  return Object.fromEntries(ALL_CREDENTIALS.map((name) => [name, name !== credential]));
}

function cli(cwd: string, extra: string[]): { status: number | null; report: ChainReport; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, '-e', `require(${JSON.stringify(CLI_MAIN)}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`,
    'chain', '--json', '--azure-identity-version', '1.23.1', ...ALL_CREDENTIALS.filter((c) => c !== 'AzureCliCredential').flatMap((c) => ['--exclude', c]), '--dotenv', '.env', ...extra],
  { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH: '/usr/bin:/bin' } });
  return { status: r.status, report: JSON.parse(r.stdout) as ChainReport, stderr: r.stderr };
}

test('chain --dotenv with PATH=./bin: the repository\'s az is not run; the row names it; the flag runs it', async () => {
  const repo = repository('cli');
  await hostile('programs', () => {
    const refused = cli(repo.dir, []);
    const row = refused.report.sources.find((s) => s.credential === 'AzureCliCredential')!;
    assert.equal(row.status, 'not-checked');
    assert.equal(row.unverifiedProgram, join(repo.dir, 'bin', 'az'));
    assert.match(row.message, /Python would run .*\/bin\/az, found through the PATH entry "\.\/bin"/);
    assert.equal(existsSync(repo.marker), false, 'the repository\'s az did not run');
    assert.equal(refused.status, 1);
  });
  const allowed = cli(repo.dir, ['--allow-workspace-programs']);
  assert.equal(allowed.report.sources.find((s) => s.credential === 'AzureCliCredential')!.status, 'unavailable');
  assert.ok(existsSync(repo.marker), 'with the flag, the program Python would run is run');
});

test('the engine: a program allowed by path runs, one found through the user\'s own PATH runs, others do not', async () => {
  const repo = repository('engine');
  const env = { PATH: `${join(repo.dir, 'bin')}:/usr/bin:/bin`, HOME: scratch };
  const run = (inputs: { trustedPath?: string; allowedPrograms?: string[] }) => evaluateChain({
    env, keywordArguments: { exclude: only('AzureCliCredential') }, azureIdentityVersion: '1.23.1', versionSource: 'flag', brokerInstalled: false, ...inputs,
  });
  await hostile('programs', async () => {
    const report = await run({ trustedPath: '/usr/bin:/bin' });
    assert.equal(report.sources.find((s) => s.credential === 'AzureCliCredential')!.status, 'not-checked');
    assert.equal(report.verdict.outcome, 'not-checked');
    assert.equal(existsSync(repo.marker), false);
  });
  await run({ trustedPath: '/usr/bin:/bin', allowedPrograms: [repo.az] });
  assert.ok(existsSync(repo.marker), 'an allowed program runs');
  rmSync(repo.marker);
  await run({ trustedPath: env.PATH });
  assert.ok(existsSync(repo.marker), 'a program on the user\'s own PATH runs as before');
});

test('the view\'s check: PATH=./bin resolves in the workspace folder (where the app runs), not in VS Code\'s own directory', async () => {
  const repo = repository('relative');
  const env = { PATH: './bin:/usr/bin:/bin', HOME: scratch };
  await hostile('programs', async () => {
    // The extension host runs elsewhere (here: the scratch folder, which has no bin/az); the app runs in the folder.
    const report = await evaluateChain({
      env, keywordArguments: { exclude: only('AzureCliCredential') }, azureIdentityVersion: '1.23.1', versionSource: 'flag', brokerInstalled: false,
      trustedPath: '/usr/bin:/bin', workingDirectory: repo.dir,
    });
    const row = report.sources.find((s) => s.credential === 'AzureCliCredential')!;
    assert.equal(row.status, 'not-checked');
    assert.equal(row.unverifiedProgram, repo.az);
    assert.equal(existsSync(repo.marker), false);
  });
});

test('the CLI\'s default interpreter: python3 that only the .env\'s PATH finds is not run; the user\'s own decides', async () => {
  const repo = repository('python');
  const marker = join(repo.dir, 'python-ran');
  writeFileSync(join(repo.dir, 'bin', 'python3'), `#!/bin/sh\ntouch ${JSON.stringify(marker)}\nexit 1\n`, { mode: 0o755 });
  await hostile('programs', () => {
    const r = spawnSync(process.execPath, ['--import', TSX, '-e', `require(${JSON.stringify(CLI_MAIN)}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`,
      'chain', '--json', ...ALL_CREDENTIALS.map((c) => ['--exclude', c]).flat(), '--dotenv', '.env'],
    { cwd: repo.dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH: '/usr/bin:/bin' } });
    assert.equal(existsSync(marker), false, 'the repository\'s python3 did not run');
    assert.match(r.stderr, /bin\/python3 \(found through the \.env's PATH entry "\.\/bin"\) was not run/);
  });
});

test('the view: a workspace program\'s row is not checked, names the program and offers to run it', async () => {
  const { chainViewRows } = await import('../../src/core/presentation/snapshotView');
  const program = '/w/api/bin/az';
  const report: ChainReport = {
    azureIdentityVersion: '1.23.1', versionSource: 'python', verification: null,
    sources: [{ credential: 'AzureCliCredential', status: 'not-checked', reached: true, decisive: true, message: 'Python would run /w/api/bin/az, …', identity: null, expiresOn: null, elapsedMs: 1, unverifiedProgram: program }],
    verdict: { outcome: 'not-checked', credential: 'AzureCliCredential', message: 'AzureCliCredential Python would run /w/api/bin/az' },
  };
  const rows = chainViewRows({
    phase: 'ready', scope: { trusted: true, folder: { name: 'api', uri: 'file:///w/api', choice: 'only' }, multiRoot: false },
    check: { report, python: { kind: 'answered', interpreter: { path: '/usr/bin/python3', source: 'setting' }, azureIdentityVersion: '1.23.1', brokerInstalled: false }, checkedAt: 0 },
  }, { signInSources: new Set(), now: 0 });
  const row = rows.find((r) => r.model.label === 'Azure CLI')!.model;
  assert.equal(row.description, `not checked: would run the workspace's ${program}`);
  assert.match(row.contextValue, /;canRunProgram/);
  assert.deepEqual(row.links.map((l) => l.action), [{ kind: 'runWorkspaceProgram', credential: 'AzureCliCredential', program }]);
  assert.ok(rows.some((r) => r.model.label === `Not checked: Azure CLI would run the workspace's ${program}`), rows.map((r) => r.model.label).join(' | '));
});

test('Verify with Python does not run Python while the workspace program it would run is not allowed', async () => {
  const { verifyWithPython } = await import('../../src/core/python/verify');
  const marker = join(scratch, 'python-for-verify-ran');
  const python = join(scratch, 'python-for-verify');
  writeFileSync(python, `#!/bin/sh\ntouch ${JSON.stringify(marker)}\nexit 1\n`, { mode: 0o755 });
  const report: ChainReport = {
    azureIdentityVersion: '1.23.1', versionSource: 'python', verification: null,
    sources: [{ credential: 'AzureCliCredential', status: 'not-checked', reached: true, decisive: true, message: 'Python would run /w/bin/az', identity: null, expiresOn: null, elapsedMs: 1, unverifiedProgram: '/w/bin/az' }],
    verdict: { outcome: 'not-checked', credential: 'AzureCliCredential', message: '' },
  };
  await hostile('programs', async () => {
    const verification = await verifyWithPython({ python, env: { PATH: '/w/bin:/usr/bin' }, keywordArguments: {}, report });
    assert.match(JSON.stringify(verification), /Python would run \/w\/bin\/az, which the workspace's \.env puts on PATH/);
    assert.equal(existsSync(marker), false, 'the interpreter was not started');
  });
});
