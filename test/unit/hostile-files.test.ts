// Files a cloned repository or its .env names: FIFOs, devices, directories, sockets and huge files are refused
// with a sentence, quickly, without blocking the process; a read is cancellable. Through the reader itself, the
// .env merge, the chain's rows (workload identity, certificate) and the CLI, which ends within a second of a signal.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { sourceCredential } from '../../src/core/access/credentials';
import { evaluateChain } from '../../src/core/chain/engine';
import { mergeDotEnv } from '../../src/core/chain/env';
import { ALL_CREDENTIALS, type CredentialName } from '../../src/core/chain/types';
import { FileRefusedError, handOverProblem, readBoundedFile, readOptionalText } from '../../src/core/files/boundedRead';
import { hostile } from '../harness/hostileTally';

/** tsx by absolute URL: the CLI runs in other working directories. */
const TSX = pathToFileURL(require.resolve('tsx')).href;
const scratch = mkdtempSync(join(tmpdir(), 'hostile-files-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function fifo(name: string): string {
  const path = join(scratch, name);
  assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo works here');
  return path;
}

/** A 1 GB file that takes no disk space. */
function sparse(name: string, bytes: number): string {
  const path = join(scratch, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

test('the reader refuses FIFOs, devices, directories, sockets and oversized files with a sentence, and fast', async () => {
  const socketPath = join(scratch, 'agent.sock');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  mkdirSync(join(scratch, 'dir'));
  const linkToZero = join(scratch, 'linked.env');
  symlinkSync('/dev/zero', linkToZero);
  const cases: Array<[string, string, RegExp]> = [
    ['FIFO', fifo('pipe.env'), /named pipe \(FIFO\), not a regular file/],
    ['/dev/zero', '/dev/zero', /character device, not a regular file/],
    ['symlink to /dev/zero', linkToZero, /character device/],
    ['/dev/urandom', '/dev/urandom', /character device/],
    ['directory', join(scratch, 'dir'), /directory, not a regular file/],
    ['socket', socketPath, /socket, not a regular file/],
    ['1 GB file', sparse('huge.env', 1024 ** 3), /larger than 1 MB/],
    ['missing', join(scratch, 'nope'), /does not exist/],
  ];
  try {
    for (const [what, path, message] of cases) {
      await hostile('files', async () => {
        const started = performance.now();
        await assert.rejects(readBoundedFile(path, 'dotenv'), (error: unknown) => {
          assert.ok(error instanceof FileRefusedError, `${what}: ${String(error)}`);
          assert.match(error.message, message, what);
          return true;
        });
        assert.ok(performance.now() - started < 2_000, `${what} answered at once`);
      });
    }
  } finally {
    server.close();
  }
  writeFileSync(join(scratch, 'ok.env'), 'A=1\n');
  assert.equal((await readBoundedFile(join(scratch, 'ok.env'), 'dotenv')).toString(), 'A=1\n');
  assert.equal(await readOptionalText('/dev/zero', 'toolSettings'), undefined, 'an optional settings file that is a device reads as absent');
  assert.equal(await readOptionalText(join(scratch, 'pipe.env'), 'toolSettings'), undefined, 'an optional settings file that is a FIFO reads as absent, at once');
  assert.match((await handOverProblem(join(scratch, 'pipe.env'), 'certificate'))!, /named pipe/);
  assert.equal(await handOverProblem(join(scratch, 'ok.env'), 'certificate'), undefined, 'a regular file may be handed over');
  assert.equal(await handOverProblem(join(scratch, 'missing.pem'), 'certificate'), undefined, 'a missing file is left for the library to report');
});

test('a read is cancellable, and a token file over its limit is refused', async () => {
  const controller = new AbortController();
  controller.abort();
  writeFileSync(join(scratch, 'token'), 'x'.repeat(100));
  await assert.rejects(readBoundedFile(join(scratch, 'token'), 'federatedToken', { signal: controller.signal }), { name: 'AbortError' });
  await hostile('files', () => assert.rejects(readBoundedFile(sparse('big-token', 65 * 1024), 'federatedToken'), /larger than 64 KB/));
});

test('a .env that is a FIFO or /dev/zero: the merge says so instead of hanging or filling memory', async () => {
  await hostile('files', () => assert.rejects(mergeDotEnv({}, fifo('fifo2.env')), /\.env file .* named pipe \(FIFO\)/));
  const zero = join(scratch, 'zero.env');
  symlinkSync('/dev/zero', zero);
  await hostile('files', () => assert.rejects(mergeDotEnv({}, zero), /\.env file .* character device/));
});

function onlySource(credential: CredentialName): Partial<Record<CredentialName, boolean>> {
  return Object.fromEntries(ALL_CREDENTIALS.map((name) => [name, name !== credential]));
}

test('the chain: a /dev/zero or FIFO token file and certificate give rows that explain, nothing is sent', async () => {
  const base = { PATH: '/usr/bin:/bin', HOME: scratch, AZURE_AUTHORITY_HOST: 'https://127.0.0.1:1', AZURE_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47', AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001' };
  const cases: Array<[CredentialName, Record<string, string>, RegExp]> = [
    ['WorkloadIdentityCredential', { AZURE_FEDERATED_TOKEN_FILE: '/dev/zero' }, /federated token file \/dev\/zero: it is a character device/],
    ['WorkloadIdentityCredential', { AZURE_FEDERATED_TOKEN_FILE: fifo('token-fifo') }, /federated token file .*named pipe/],
    ['WorkloadIdentityCredential', { AZURE_FEDERATED_TOKEN_FILE: sparse('token-1g', 1024 ** 3) }, /larger than 64 KB/],
    ['EnvironmentCredential', { AZURE_CLIENT_CERTIFICATE_PATH: '/dev/zero' }, /certificate file \/dev\/zero: it is a character device/],
    ['EnvironmentCredential', { AZURE_CLIENT_CERTIFICATE_PATH: fifo('cert-fifo') }, /certificate file .*named pipe/],
  ];
  for (const [credential, extra, message] of cases) {
    await hostile('files', async () => {
      const report = await evaluateChain({
        env: { ...base, ...extra }, keywordArguments: { exclude: onlySource(credential) }, azureIdentityVersion: '1.23.1', versionSource: 'flag', brokerInstalled: false,
      });
      const row = report.sources.find((s) => s.credential === credential)!;
      assert.match(row.message, message, `${credential} ${JSON.stringify(extra)}: ${row.message}`);
      assert.doesNotMatch(row.message, /Cannot create a string/);
    });
  }
});

/**
 * The CLI in a child process, as a user runs it, signalled once `started` exists (the check is running its tools);
 * resolves with its exit code and how long it took after the signal.
 */
function cliUntilSignal(args: string[], signal: NodeJS.Signals, started: string): Promise<{ code: number | null; stderr: string; afterSignalMs: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, '-e', `require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'cli', 'main.ts'))}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    let signalled = 0;
    const poll = setInterval(() => {
      if (!existsSync(started)) return;
      clearInterval(poll);
      signalled = performance.now();
      child.kill(signal);
    }, 20);
    child.on('exit', (code) => { clearInterval(poll); resolve({ code, stderr, afterSignalMs: signalled ? performance.now() - signalled : -1 }); });
  });
}

test('the CLI refuses a FIFO .env at once, and ends within a second of SIGTERM or Ctrl+C while a check runs', async () => {
  await hostile('files', async () => {
    const r = spawnSync(process.execPath, ['--import', TSX, '-e', `require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'cli', 'main.ts'))}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`,
      'chain', '--azure-identity-version', '1.23.1', '--dotenv', fifo('cli.env')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /named pipe \(FIFO\), not a regular file/);
  });
  // A tool that never answers keeps the check busy; the signal must still end the CLI.
  const bin = join(scratch, 'slow-bin');
  mkdirSync(bin);
  const started = join(scratch, 'az-started');
  writeFileSync(join(bin, 'az'), `#!/bin/sh\ntouch ${JSON.stringify(started)}\nexec sleep 60\n`, { mode: 0o755 });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    rmSync(started, { force: true });
    await hostile('signals', async () => {
      const envFile = join(scratch, `slow-${signal}.env`);
      writeFileSync(envFile, `PATH=${bin}:/usr/bin:/bin\n`);
      const r = await cliUntilSignal(['chain', '--azure-identity-version', '1.23.1', '--exclude', 'ManagedIdentityCredential', '--process-timeout', '60', '--allow-workspace-programs', '--dotenv', envFile], signal, started);
      assert.ok(r.afterSignalMs >= 0 && r.afterSignalMs < 1_000, `ended ${Math.round(r.afterSignalMs)} ms after ${signal}`);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /cancelled/);
    });
  }
});

test('the Access view\'s credentials: @azure/identity is never handed a FIFO or /dev/zero to read whole', async () => {
  const env = { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com', AZURE_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47', AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001' };
  const cases: Array<[CredentialName, Record<string, string>, RegExp]> = [
    ['WorkloadIdentityCredential', { AZURE_FEDERATED_TOKEN_FILE: '/dev/zero' }, /character device/],
    ['WorkloadIdentityCredential', { AZURE_FEDERATED_TOKEN_FILE: fifo('access-token-fifo') }, /named pipe/],
    ['EnvironmentCredential', { AZURE_CLIENT_CERTIFICATE_PATH: '/dev/zero' }, /certificate file \/dev\/zero: it is a character device/],
  ];
  for (const [source, extra, reason] of cases) {
    await hostile('files', async () => {
      const made = await sourceCredential(source, { env: { ...env, ...extra }, cloud: KNOWN_CLOUDS.AzureCloud, processTimeoutSeconds: 10, allowedHosts: [] });
      assert.equal(made.ok, false);
      assert.match((made as { reason: string }).reason, reason);
    });
  }
});
