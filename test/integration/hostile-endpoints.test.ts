// A cloned repository's .env must not make the extension read a local file and send it, or send a secret, to a host
// of the repository's choosing. Inside a private mount and network namespace whose /etc/hosts maps evil.example (and
// login.microsoftonline.com, so even a discovery answer vouching for evil.example is the attacker's) to loopback, the
// engine is pointed at a hostile authority and at an Azure Arc endpoint naming ~/.ssh/id_rsa and a `.key` file
// outside the agent's folder. The servers record every request: none may carry the file, the token or the secret.
// Allowing the host ("Check with <host>", --allow-host) is the control: then the request does go out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  CANARY_CLIENT_SECRET, CANARY_FEDERATED_TOKEN, CANARY_KEY_FILE, CANARY_SSH_KEY, type CaseResult, type HostileRun,
} from './helpers/hostileAuthorityRun';
import type { ChainReport } from '../../src/core/chain/types';
import { repoRoot } from './helpers/sandbox';

const inCI = process.env.CI === 'true' || process.env.CI === '1';
let run: HostileRun | undefined;
let problem: string | undefined;

before(() => {
  const scratch = mkdtempSync(join(tmpdir(), 'hostile-hosts-'));
  const hosts = join(scratch, 'hosts');
  writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n127.0.0.1 evil.example\n127.0.0.1 login.microsoftonline.com\n');
  const asRoot = process.getuid?.() === 0;
  const child = spawnSync('unshare', [...(asRoot ? [] : ['--map-root-user']), '--mount', '--net', '--', 'sh', '-c',
    'ip link set lo up && mount --bind "$0" /etc/hosts && exec "$@"', hosts,
    process.execPath, '--import', 'tsx', join(repoRoot, 'test', 'integration', 'helpers', 'hostileAuthorityRun.ts')], {
    cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env: { ...process.env, AZURE_DEV_AUTH_HOSTILE_RUN: '1' },
  });
  rmSync(scratch, { recursive: true, force: true });
  if (child.status !== 0) {
    problem = `the private namespace run failed (${child.status ?? child.signal ?? child.error?.message}): ${(child.stderr ?? '').trim().split('\n').slice(-8).join('\n')}`;
    return;
  }
  run = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as HostileRun;
});

function result(t: { skip(message: string): void }, name: string): CaseResult | undefined {
  if (problem) {
    if (inCI) assert.fail(problem);
    t.skip(problem);
    return undefined;
  }
  const found = run?.cases[name];
  assert.ok(found, `no result for ${name}`);
  return found;
}

/** Everything the servers received, as one text: the canary must not be in it. */
function everythingSent(c: CaseResult): string {
  return c.received.map((r) => `${r.method} ${r.host}${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
}

describe('workload identity: the federated token file and an authority that is neither Microsoft nor loopback', () => {
  test('no version sends the token; the row says what it would send, and where', (t) => {
    const c = result(t, 'federated-token');
    if (!c) return;
    assert.ok(!everythingSent(c).includes(CANARY_FEDERATED_TOKEN), 'the hostile authority received the federated token');
    for (const [version, report] of Object.entries(c.reports)) {
      // 1.13.0b2 has workload identity as a ManagedIdentityCredential mode; later versions have their own credential.
      const credential = version === '1.13.0b2' ? 'ManagedIdentityCredential' : 'WorkloadIdentityCredential';
      const row = report.sources.find((s) => s.credential === credential);
      assert.equal(row?.status, 'not-checked', `${version}: ${row?.message}`);
      assert.equal(row?.unverifiedHost, 'evil.example');
      assert.ok(row?.reached && row.decisive, `${version}: Python reaches it and it decides`);
      assert.match(row?.message ?? '', /would send the federated token to evil\.example: not checked/);
      assert.equal(report.verdict.outcome, 'not-checked');
      assert.ok(!JSON.stringify(report).includes(CANARY_FEDERATED_TOKEN));
    }
  });

  test('once the developer allows the host, the token does go there (the gate, not chance, kept it back)', (t) => {
    const c = result(t, 'federated-token-allowed');
    if (!c) return;
    const report = c.reports['1.23.1']!;
    assert.equal(report.verdict.outcome, 'token', report.verdict.message);
    assert.equal(report.verdict.credential, 'WorkloadIdentityCredential');
    assert.ok(c.received.some((r) => r.host === 'evil.example' && r.body.includes(CANARY_FEDERATED_TOKEN)));
  });
});

describe('a client secret and an authority that is neither Microsoft nor loopback', () => {
  test('the secret is never sent, even when a discovery answer vouches for the host', (t) => {
    const c = result(t, 'client-secret');
    if (!c) return;
    assert.ok(!everythingSent(c).includes(CANARY_CLIENT_SECRET), 'the hostile authority received the client secret');
    assert.ok(c.received.every((r) => r.method === 'GET'), 'only discovery requests, no token request');
    for (const [version, report] of Object.entries(c.reports)) {
      const row = report.sources.find((s) => s.credential === 'EnvironmentCredential');
      assert.equal(row?.status, 'not-checked', `${version}: ${row?.message}`);
      assert.match(row?.message ?? '', /would send the client secret to evil\.example: not checked/);
      assert.ok(!JSON.stringify(report).includes(CANARY_CLIENT_SECRET));
    }
  });

  test("the code's own authority= keyword is held to the same rule: the secret stays here", (t) => {
    const c = result(t, 'client-secret-authority-keyword');
    if (!c) return;
    assert.ok(!everythingSent(c).includes(CANARY_CLIENT_SECRET), 'the authority the code names received the client secret');
    assert.ok(c.received.every((r) => r.method === 'GET'), 'only discovery requests, no token request');
    for (const [version, report] of Object.entries(c.reports)) {
      const row = report.sources.find((s) => s.credential === 'EnvironmentCredential');
      assert.equal(row?.status, 'not-checked', `${version}: ${row?.message}`);
      assert.equal(row?.unverifiedHost, 'evil.example');
      assert.match(row?.message ?? '', /would send the client secret to evil\.example: not checked/);
    }
  });

  test('allowed, the token request goes out', (t) => {
    const c = result(t, 'client-secret-allowed');
    if (!c) return;
    assert.equal(c.reports['1.23.1']!.verdict.outcome, 'token', c.reports['1.23.1']!.verdict.message);
    assert.ok(c.received.some((r) => r.method === 'POST' && r.body.includes('client_secret=')));
  });
});

describe('Azure Arc: a challenge that names a file outside the agent folder', () => {
  for (const [name, canary, label] of [
    ['arc-ssh-key', CANARY_SSH_KEY, '~/.ssh/id_rsa'],
    ['arc-key-outside-folder', CANARY_KEY_FILE, 'a .key file outside /var/opt/azcmagent/tokens'],
  ] as const) {
    test(`${label}: never read into a request; 1.23+ refuse with the library's message, 1.13 says what it would send`, (t) => {
      const c = result(t, name);
      if (!c) return;
      const sent = everythingSent(c);
      assert.ok(!sent.includes(canary.trim().split('\n')[1] ?? canary), 'the endpoint received the file');
      assert.ok(c.received.every((r) => r.headers.authorization === undefined), 'no request carried Basic credentials');
      assert.ok(c.received.length > 0, 'the challenge was asked for');
      const file = name === 'arc-ssh-key' ? run!.sshKeyPath : run!.outsideKeyPath;
      const legacy = c.reports['1.13.0b2']!.sources.find((s) => s.credential === 'ManagedIdentityCredential')!;
      assert.equal(legacy.status, 'not-checked');
      assert.ok(legacy.message.startsWith(`azure-identity ≤ 1.12 and 1.13 betas would send ${file} to http://127.0.0.1:`), legacy.message);
      assert.equal(legacy.unverifiedHost, undefined, 'no "Check with" makes sending such a file safe');
      for (const version of ['1.23.1', '1.26.0b3']) {
        const report: ChainReport = c.reports[version]!;
        const row = report.sources.find((s) => s.credential === 'ManagedIdentityCredential')!;
        assert.equal(row.status, 'failed', `${version}: ${row.message}`);
        assert.equal(row.message, `The key file path is invalid: Unexpected file path from HIMDS service: ${file}`);
      }
    });
  }
});
