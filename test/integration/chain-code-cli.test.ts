// `azure-dev-auth chain --code app.py` as a user runs it (dist/cli.js, the bundled grammar beside it) against the
// sandbox, with alice signed in to az, azd and Azure PowerShell, for the real azure-identity of Debian 12 (1.13.0b2),
// Debian 13 (1.23.1) and sid (1.26.0b3): the code's `DefaultAzureCredential(exclude_cli_credential=True)` moves the
// winner past Azure CLI with no flag given, `--verify` runs that very call in the real library and agrees, a flag on
// the command line overrides the code, and a ChainedTokenCredential file is checked as its members in order.
// `whoami --code` and `roles --code` answer as whom that code runs: with a service principal in the environment, the
// code's `exclude_environment_credential=True` makes it alice through Azure CLI, and the output names the call.
//
// Run inside the loopback-only namespace (the managed identity endpoint is the sandbox's).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AccessReport } from '../../src/core/access/types';
import type { ChainReport } from '../../src/core/chain/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs, type PythonAzureIdentityEnv } from '../harness/python-envs.mjs';
import type { PythonKey } from './chain-scenarios';
import { usableInterpreter } from './helpers/pythonEnvs';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

const CLI = join(repoRoot, 'dist', 'cli.js');
const KEYS: readonly PythonKey[] = ['debian12', 'debian13', 'debiansid'];
let sb: Sandbox;
let envs: Awaited<ReturnType<typeof ensurePythonAzureIdentityEnvs>>;
const scratch = mkdtempSync(join(tmpdir(), 'chain-code-cli-'));
const home = join(scratch, 'home');
const project = join(scratch, 'project');

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built (node build.mjs) before the suites run');
  envs = await ensurePythonAzureIdentityEnvs();
  await ensureToolsBuilt();
  sb = await startSandbox();
  mkdirSync(home);
  mkdirSync(project);
  await signInDemoDeveloper(sb, home, 'alice');
  writeFileSync(join(project, 'app.py'), [
    'from azure.identity import DefaultAzureCredential',
    '',
    'credential = DefaultAzureCredential(',
    '    exclude_cli_credential=True,',
    ')',
    '',
  ].join('\n'));
  writeFileSync(join(project, 'no_env.py'), [
    'from azure.identity import DefaultAzureCredential as DAC',
    '',
    'def client():',
    '    return DAC(exclude_environment_credential=True)',
    '',
  ].join('\n'));
  writeFileSync(join(project, 'chained.py'), [
    'import azure.identity as ai',
    '',
    'def credential():',
    '    return ai.ChainedTokenCredential(ai.AzurePowerShellCredential(), ai.AzureCliCredential())',
    '',
  ].join('\n'));
  writeFileSync(join(project, 'lone.py'), [
    'from azure.identity import AzurePowerShellCredential, ManagedIdentityCredential',
    '',
    'def client(make):',
    '    return make(credential=AzurePowerShellCredential())',
    '',
    'def other(make):',
    '    return make(credential=ManagedIdentityCredential())',
    '',
  ].join('\n'));
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The CLI run in the project folder, with the interpreter's own environment on top of the sandbox's tools. */
async function chain(env: PythonAzureIdentityEnv, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const processEnv = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile, ...env.env };
  const result = await run(process.execPath, [CLI, 'chain', '--python', env.python, ...args], { env: processEnv, cwd: project, timeoutMs: 150_000 });
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

async function report(env: PythonAzureIdentityEnv, args: string[]): Promise<ChainReport> {
  const result = await chain(env, ['--json', ...args]);
  assert.equal(result.code, 0, `exit status of chain ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as ChainReport;
}

describe('chain --code app.py: DefaultAzureCredential(exclude_cli_credential=True)', () => {
  for (const key of KEYS) {
    test(key, { timeout: 400_000 }, async (t) => {
      const env = usableInterpreter(t, envs[key]);
      if (!env) return;
      // Without the code, alice's az wins; the code's keyword moves the winner to Azure PowerShell, and the real
      // library running that call agrees.
      const plain = await report(env, []);
      assert.equal(plain.verdict.credential, 'AzureCliCredential', plain.verdict.message);
      assert.equal(plain.code, undefined);

      const coded = await report(env, ['--code', 'app.py', '--verify']);
      assert.equal(coded.verdict.outcome, 'token', coded.verdict.message);
      assert.equal(coded.verdict.credential, 'AzurePowerShellCredential');
      assert.equal(coded.sources.find((s) => s.credential === 'AzureCliCredential')?.status, 'excluded');
      assert.equal(coded.code?.where, 'DefaultAzureCredential at app.py:3');
      assert.equal(coded.code?.call, 'DefaultAzureCredential(exclude_cli_credential=True)');
      assert.ok(coded.verification, 'the real library ran');
      assert.equal(coded.verification.agrees, true, coded.verification.differences.join('\n'));
      assert.equal(coded.verification.verdict.credential, 'AzurePowerShellCredential');

      // A flag overrides the code, as a setting does in the view.
      const overridden = await report(env, ['--code', 'app.py:3', '--include', 'AzureCliCredential']);
      assert.equal(overridden.verdict.credential, 'AzureCliCredential', overridden.verdict.message);
      assert.deepEqual(overridden.code?.overrides, { applied: ['--include AzureCliCredential'], notApplied: [] });
    });
  }
});

describe('chain --code chained.py: ChainedTokenCredential(AzurePowerShellCredential(), AzureCliCredential())', () => {
  for (const key of KEYS) {
    test(key, { timeout: 300_000 }, async (t) => {
      const env = usableInterpreter(t, envs[key]);
      if (!env) return;
      const coded = await report(env, ['--code', 'chained.py', '--verify', '--exclude', 'AzurePowerShellCredential']);
      assert.deepEqual(coded.sources.map((s) => s.credential), ['AzurePowerShellCredential', 'AzureCliCredential'], 'the members, in the order written');
      assert.equal(coded.verdict.credential, 'AzurePowerShellCredential', 'its first member wins (DefaultAzureCredential would pick az), --exclude does not apply');
      assert.equal(coded.verdict.message, 'ChainedTokenCredential acquired a token from AzurePowerShellCredential');
      assert.deepEqual(coded.code?.overrides, { applied: [], notApplied: ['--exclude AzurePowerShellCredential'] });
      assert.ok(coded.verification);
      assert.equal(coded.verification.agrees, true, coded.verification.differences.join('\n'));
      assert.equal(coded.verification.verdict.credential, 'AzurePowerShellCredential');

      // What a person reads: the header names the call and its members, in order.
      const text = await chain(env, ['--code', 'chained.py:4', '--exclude', 'AzurePowerShellCredential']);
      assert.equal(text.code, 0, text.stderr);
      const lines = text.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 4), [
        'Code: ChainedTokenCredential at chained.py:4 — 2 members, in the order written',
        '  ChainedTokenCredential(AzurePowerShellCredential(), AzureCliCredential())',
        '  Not applied: --exclude AzurePowerShellCredential — ChainedTokenCredential has no such keywords',
        '',
      ]);
      assert.match(text.stdout, /^ {2}1 {2}Azure PowerShell .*\n {2}2 {2}Azure CLI /m);
    });
  }
});

describe('chain --code lone.py: AzurePowerShellCredential() and ManagedIdentityCredential() given to clients on their own', () => {
  for (const key of KEYS) {
    test(key, { timeout: 300_000 }, async (t) => {
      const env = usableInterpreter(t, envs[key]);
      if (!env) return;
      // Its first call: PowerShell alone gives the token (DefaultAzureCredential would pick az), --exclude does not apply.
      const coded = await report(env, ['--code', 'lone.py', '--verify', '--exclude', 'AzurePowerShellCredential']);
      assert.deepEqual(coded.sources.map((s) => `${s.credential}:${s.status}`), ['AzurePowerShellCredential:succeeded']);
      assert.equal(coded.verdict.message, 'AzurePowerShellCredential.get_token succeeded');
      assert.ok(coded.verification);
      assert.equal(coded.verification.agrees, true, coded.verification.differences.join('\n'));
      // The second: no identity on this machine, and the error is the credential's own, as the real library raises it.
      const managed = await chain(env, ['--json', '--code', 'lone.py:6', '--verify']);
      assert.equal(managed.code, 1, managed.stderr);
      const failed = JSON.parse(managed.stdout) as ChainReport;
      assert.deepEqual({ outcome: failed.verdict.outcome, credential: failed.verdict.credential, exceptionType: failed.verdict.exceptionType },
        { outcome: 'failure', credential: 'ManagedIdentityCredential', exceptionType: 'CredentialUnavailableError' });
      assert.equal(failed.verification?.agrees, true, failed.verification?.differences.join('\n'));
      assert.equal(failed.verification?.verdict.exceptionType, 'CredentialUnavailableError');

      const text = await chain(env, ['--code', 'lone.py', '--exclude', 'AzurePowerShellCredential']);
      assert.equal(text.code, 0, text.stderr);
      assert.deepEqual(text.stdout.split('\n').slice(0, 4), [
        'Code: AzurePowerShellCredential at lone.py:4 — built on its own',
        '  AzurePowerShellCredential()',
        '  Not applied: --exclude AzurePowerShellCredential — AzurePowerShellCredential has no such keywords',
        '',
      ]);
    });
  }
});

/** The Azure endpoints of the sandbox, as `--cloud` takes them (whoami and roles never take them from a .env). */
function cloudJson(): string {
  return JSON.stringify({
    name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
  });
}

/** whoami or roles in the project folder, alice signed in to az and the sandbox's service principal in the environment. */
async function access(env: PythonAzureIdentityEnv, command: 'whoami' | 'roles', args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const processEnv = {
    ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile, ...env.env,
    AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_CLIENT_SECRET: sb.servicePrincipal.clientSecret, AZURE_AUTHORITY_HOST: sb.authorityHost,
  };
  const result = await run(process.execPath, [CLI, command, '--python', env.python, '--cloud', cloudJson(), ...args], { env: processEnv, cwd: project, timeoutMs: 150_000 });
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

describe('whoami and roles --code no_env.py: DAC(exclude_environment_credential=True) with a service principal in the environment', () => {
  for (const key of KEYS) {
    test(key, { timeout: 400_000 }, async (t) => {
      const env = usableInterpreter(t, envs[key]);
      if (!env) return;
      // Without the code, the environment's service principal signs in; the code excludes it, so alice through az.
      const plain = await access(env, 'whoami', ['--json']);
      assert.equal(plain.code, 0, plain.stderr);
      const plainReport = JSON.parse(plain.stdout) as AccessReport & { code?: unknown };
      assert.equal(plainReport.identity.source, 'EnvironmentCredential');
      assert.equal(plainReport.identity.kind, 'servicePrincipal');
      assert.equal(plainReport.identity.appId, sb.servicePrincipal.clientId);
      assert.equal(plainReport.code, undefined);

      const coded = await access(env, 'whoami', ['--json', '--code', 'no_env.py']);
      assert.equal(coded.code, 0, coded.stderr);
      const codedReport = JSON.parse(coded.stdout) as AccessReport & { code?: ChainReport['code'] };
      assert.equal(codedReport.identity.source, 'AzureCliCredential');
      assert.equal(codedReport.identity.kind, 'user');
      assert.equal(codedReport.identity.upn, 'alice@contososandbox.onmicrosoft.com');
      assert.equal(codedReport.code?.where, 'DefaultAzureCredential at no_env.py:4');
      assert.equal(codedReport.code?.call, 'DefaultAzureCredential(exclude_environment_credential=True)');
      assert.deepEqual(codedReport.code?.overrides, { applied: [], notApplied: [] });

      // What a person reads: the call first, then alice through the Azure CLI.
      const text = await access(env, 'whoami', ['--code', 'no_env.py:2']);
      assert.equal(text.code, 0, text.stderr);
      const lines = text.stdout.split('\n');
      assert.equal(lines[0], 'Code: DefaultAzureCredential at no_env.py:4 · DefaultAzureCredential(exclude_environment_credential=True)');
      assert.match(lines[1]!, /^Alice Developer \(alice@contososandbox\.onmicrosoft\.com\)$/);
      assert.match(text.stdout, /^ {2}source: +Azure CLI$/m);

      // A flag overrides the code, as in chain: the service principal again.
      const overridden = await access(env, 'whoami', ['--json', '--code', 'no_env.py', '--include', 'EnvironmentCredential']);
      assert.equal(overridden.code, 0, overridden.stderr);
      assert.equal((JSON.parse(overridden.stdout) as AccessReport).identity.source, 'EnvironmentCredential');
    });
  }

  test('whoami --code chained.py: its first member, Azure PowerShell, although the environment holds a service principal', { timeout: 300_000 }, async (t) => {
    const env = usableInterpreter(t, envs.debian13);
    if (!env) return;
    const coded = await access(env, 'whoami', ['--json', '--code', 'chained.py']);
    assert.equal(coded.code, 0, coded.stderr);
    const report = JSON.parse(coded.stdout) as AccessReport & { code?: ChainReport['code'] };
    assert.equal(report.identity.source, 'AzurePowerShellCredential');
    assert.equal(report.identity.upn, 'alice@contososandbox.onmicrosoft.com');
    assert.equal(report.code?.credential, 'ChainedTokenCredential');
    const text = await access(env, 'whoami', ['--code', 'chained.py']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.split('\n')[0], 'Code: ChainedTokenCredential at chained.py:4 · ChainedTokenCredential(AzurePowerShellCredential(), AzureCliCredential())');
    assert.match(text.stdout, /^ {2}source: +Azure PowerShell$/m);
  });

  test('roles --code: the roles of alice, with the call named above them', { timeout: 300_000 }, async (t) => {
    const env = usableInterpreter(t, envs.debian13);
    if (!env) return;
    const plain = await access(env, 'roles', ['--json']);
    assert.equal(plain.code, 0, plain.stderr);
    const coded = await access(env, 'roles', ['--json', '--code', 'no_env.py']);
    assert.equal(coded.code, 0, coded.stderr);
    const plainReport = JSON.parse(plain.stdout) as AccessReport;
    const codedReport = JSON.parse(coded.stdout) as AccessReport & { code?: ChainReport['code'] };
    assert.equal(plainReport.identity.source, 'EnvironmentCredential');
    assert.equal(codedReport.identity.upn, 'alice@contososandbox.onmicrosoft.com');
    assert.notEqual(codedReport.identity.objectId, plainReport.identity.objectId);
    assert.equal(codedReport.code?.call, 'DefaultAzureCredential(exclude_environment_credential=True)');

    const text = await access(env, 'roles', ['--code', 'no_env.py']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.split('\n')[0], 'Code: DefaultAzureCredential at no_env.py:4 · DefaultAzureCredential(exclude_environment_credential=True)');
    assert.match(text.stdout, new RegExp(`az role assignment list --assignee ${codedReport.identity.objectId} `));
  });
});
