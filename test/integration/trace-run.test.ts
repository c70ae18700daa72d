// A traced run against the real library: Debian 12's azure-identity 1.13.0b2, Debian 13's 1.23.1 and Debian sid's
// 1.26.0b3 import the product's sitecustomize through PYTHONPATH and get tokens from the sandbox through the fake az
// signed in as alice. The trace names the credential that served each request, the request's scopes and tenant, and
// the token's claims; it never holds the token. A chain that finds nothing is traced as a failure, the program's
// own output is what it would be without the trace, and a sitecustomize the trace hides still runs.
//
// Run inside the loopback-only namespace:
//   unshare --net sh -c 'ip link set lo up; node --import tsx --test test/integration/trace-run.test.ts'
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { readTrace } from '../../src/core/code/traceRun';
import { TRACE_FILE_VARIABLE, TRACE_SITECUSTOMIZE } from '../../src/core/code/traceSitecustomize';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';
import { usableInterpreter } from './helpers/pythonEnvs';
import { ensureToolsBuilt } from './helpers/sandbox';

const run = promisify(execFile);
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/;

/** The application: two requests through DefaultAzureCredential (the second is served by the remembered source). */
const APP = String.raw`
import sys
from azure.identity import DefaultAzureCredential
credential = DefaultAzureCredential(exclude_cli_credential="--without-cli" in sys.argv)
try:
    first = credential.get_token("https://storage.azure.com/.default")
    second = credential.get_token("https://management.azure.com/.default", tenant_id=sys.argv[1])
    with open(sys.argv[2], "w") as out:
        out.write(first.token + "\n" + second.token + "\n")
    print("tokens", len(first.token) > 0, len(second.token) > 0)
except Exception as ex:
    print("no token:", type(ex).__name__)
`;

let sandbox: Sandbox;
let envs: Awaited<ReturnType<typeof ensurePythonAzureIdentityEnvs>>;
const scratch = mkdtempSync(join(tmpdir(), 'trace-run-'));
const home = join(scratch, 'home');
const traceFolder = join(scratch, 'trace');
let env: Record<string, string>;

before(async () => {
  envs = await ensurePythonAzureIdentityEnvs();
  await ensureToolsBuilt();
  sandbox = await startSandbox();
  mkdirSync(home);
  mkdirSync(traceFolder);
  writeFileSync(join(traceFolder, 'sitecustomize.py'), TRACE_SITECUSTOMIZE);
  writeFileSync(join(scratch, 'app.py'), APP);
  const alice = sandbox.users.alice!;
  env = { ...sandbox.toolEnv(home), ...sandbox.managedIdentityEnv('none'), PATH: `${sandbox.toolsBinDir}:${process.env.PATH ?? ''}` };
  await run(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
});

after(async () => {
  await sandbox?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a traced run names the credential that served each token, with no token in the trace', () => {
  for (const key of ['debian12', 'debian13', 'debiansid'] as const) {
    test(key, async (t) => {
      const python = usableInterpreter(t, envs[key]);
      if (!python) return;
      const traceFile = join(scratch, `${key}.jsonl`);
      const tokenFile = join(scratch, `${key}.tokens`);
      const runEnv = { ...env, ...python.env, PYTHONPATH: traceFolder, [TRACE_FILE_VARIABLE]: traceFile };
      const untraced = await run(python.python, [join(scratch, 'app.py'), sandbox.tenantId, tokenFile], { env: { ...env, ...python.env }, cwd: scratch, timeout: 60_000 });
      const traced = await run(python.python, [join(scratch, 'app.py'), sandbox.tenantId, tokenFile], { env: runEnv, cwd: scratch, timeout: 60_000 });
      assert.equal(traced.stdout, 'tokens True True\n');
      // The program's own output is unchanged: no log line reaches the terminal unless the program configures logging.
      assert.equal(traced.stdout, untraced.stdout);
      assert.equal(traced.stderr, untraced.stderr);

      const text = readFileSync(traceFile, 'utf8');
      const tokens = readFileSync(tokenFile, 'utf8').trim().split('\n');
      assert.equal(tokens.length, 2);
      for (const token of tokens) {
        assert.match(token, JWT);
        assert.ok(!text.includes(token), 'the trace never holds the token');
        assert.ok(!text.includes(token.split('.')[2]!), 'nor its signature');
      }
      assert.doesNotMatch(text, JWT);

      const trace = readTrace(text);
      assert.equal(trace.rejectedLines, 0);
      assert.deepEqual(trace.requests.map((r) => [r.chain, r.credential, r.scopes.join(' '), r.tenant]), [
        ['DefaultAzureCredential', 'AzureCliCredential', 'https://storage.azure.com/.default', null],
        ['DefaultAzureCredential', 'AzureCliCredential', 'https://management.azure.com/.default', sandbox.tenantId],
      ]);
      for (const request of trace.requests) {
        assert.equal(request.kind, 'token');
        if (request.kind !== 'token') continue;
        assert.equal(request.claims?.upn, sandbox.users.alice!.upn);
        assert.equal(request.claims?.tid, sandbox.tenantId);
      }
    });
  }

  test('an async chain (azure.identity.aio) is traced the same way (Debian sid)', async (t) => {
    const python = usableInterpreter(t, envs.debiansid);
    if (!python) return;
    const traceFile = join(scratch, 'aio.jsonl');
    const program = [
      'import asyncio, sys',
      'from azure.identity.aio import AzureCliCredential, ChainedTokenCredential',
      'async def main():',
      '    async with ChainedTokenCredential(AzureCliCredential()) as credential:',
      '        token = await credential.get_token("https://vault.azure.net/.default")',
      '    open(sys.argv[1], "w").write(token.token)',
      'asyncio.run(main())',
    ].join('\n');
    const tokenFile = join(scratch, 'aio.token');
    await run(python.python, ['-c', program, tokenFile], { env: { ...env, ...python.env, PYTHONPATH: traceFolder, [TRACE_FILE_VARIABLE]: traceFile }, cwd: scratch, timeout: 60_000 });
    const text = readFileSync(traceFile, 'utf8');
    assert.ok(!text.includes(readFileSync(tokenFile, 'utf8').split('.')[2]!), 'no token in the trace');
    const trace = readTrace(text);
    assert.deepEqual(trace.requests.map((r) => [r.chain, r.credential, r.scopes.join(' '), r.kind === 'token' ? r.claims?.upn : null]), [
      ['ChainedTokenCredential', 'AzureCliCredential', 'https://vault.azure.net/.default', sandbox.users.alice!.upn],
    ]);
  });

  test('a chain that finds no credential is traced as a failure (Debian sid)', async (t) => {
    const python = usableInterpreter(t, envs.debiansid);
    if (!python) return;
    const traceFile = join(scratch, 'failure.jsonl');
    const runEnv = { ...env, ...python.env, PYTHONPATH: traceFolder, [TRACE_FILE_VARIABLE]: traceFile, HOME: join(scratch, 'nobody') };
    mkdirSync(runEnv.HOME, { recursive: true });
    const traced = await run(python.python, [join(scratch, 'app.py'), sandbox.tenantId, join(scratch, 'none'), '--without-cli'], { env: runEnv, cwd: scratch, timeout: 120_000 });
    assert.equal(traced.stdout, 'no token: ClientAuthenticationError\n');
    const trace = readTrace(readFileSync(traceFile, 'utf8'));
    assert.deepEqual(trace.requests.map((r) => [r.kind, r.chain, r.scopes.join(' ')]), [['failed', 'DefaultAzureCredential', 'https://storage.azure.com/.default']]);
  });

  test('the sitecustomize the trace hides still runs, and its PYTHONPATH neighbours stay importable (Debian sid)', async (t) => {
    const python = usableInterpreter(t, envs.debiansid);
    if (!python) return;
    const theirs = join(scratch, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'sitecustomize.py'), 'import builtins\nbuiltins.THEIR_SITECUSTOMIZE = True\n');
    writeFileSync(join(theirs, 'their_module.py'), 'VALUE = 42\n');
    const traceFile = join(scratch, 'hidden.jsonl');
    const runEnv = { ...env, ...python.env, PYTHONPATH: [traceFolder, theirs].join(delimiter), [TRACE_FILE_VARIABLE]: traceFile };
    const out = await run(python.python, ['-c', 'import builtins, their_module; print(getattr(builtins, "THEIR_SITECUSTOMIZE", False), their_module.VALUE)'], { env: runEnv, cwd: scratch, timeout: 30_000 });
    assert.equal(out.stdout, 'True 42\n');
    assert.equal(readTrace(readFileSync(traceFile, 'utf8')).started, 1);
  });
});
