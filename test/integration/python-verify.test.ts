// The Python half of verification against the real library: Debian 12's azure-identity 1.13.0b2, Debian 13's 1.23.1
// and Debian sid's 1.26.0b3, with the sandbox's Entra ID, managed identity and fake az/azd/pwsh on loopback. Checks what a user of
// "Verify with Python" relies on: the version is read right, what the library did is read right (which source, as
// whom, which ones were unavailable and why, where the chain stopped), nothing secret comes out, nothing is written
// into the workspace, and an interpreter that cannot answer says why.
//
// Run inside the loopback-only namespace:
//   unshare --net sh -c 'ip link set lo up; node --import tsx --test test/integration/python-verify.test.ts'
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { CredentialName } from '../../src/core/chain/types';
import { runProcess } from '../../src/core/process/run';
import {
  detectAzureIdentity, runPythonDefaultAzureCredential, VERIFY_SCRIPT, type PythonOutcome,
} from '../../src/core/python';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs, type PythonAzureIdentityEnv } from '../harness/python-envs.mjs';
import { prepareScenario, SCENARIOS, type PythonKey, type Scenario } from './chain-scenarios';
import { usableInterpreter } from './helpers/pythonEnvs';
import { ensureToolsBuilt } from './helpers/sandbox';


const VERSIONS: Record<PythonKey, string> = { debian12: '1.13.0b2', debian13: '1.23.1', debiansid: '1.26.0b3' };
const CHAIN: Record<PythonKey, CredentialName[]> = {
  debian12: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'AzureCliCredential', 'AzurePowerShellCredential'],
  debian13: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'],
  // The WorkloadIdentityCredential of 1.24+ is a stand-in when not configured; the VS Code source and the broker are in.
  debiansid: [
    'EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential',
    'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential', 'BrokerCredential',
  ],
};
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/;

function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

let sb: Sandbox;
let envs: Awaited<ReturnType<typeof ensurePythonAzureIdentityEnvs>>;
const scratch = mkdtempSync(join(tmpdir(), 'python-verify-'));

before(async () => {
  envs = await ensurePythonAzureIdentityEnvs();
  await ensureToolsBuilt();
  sb = await startSandbox();
});

after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function runScenario(env: PythonAzureIdentityEnv, name: string): Promise<PythonOutcome> {
  const prepared = await prepareScenario(sb, scenario(name));
  try {
    return await runPythonDefaultAzureCredential({ python: env.python, env: { ...prepared.env, ...env.env }, keywordArguments: prepared.keywordArguments });
  } finally {
    prepared.cleanup();
  }
}

const statuses = (outcome: PythonOutcome): string[] => outcome.attempts.map((a) => `${a.credential}:${a.status}`);

function interpreter(t: TestContext, key: PythonKey): PythonAzureIdentityEnv | undefined {
  return usableInterpreter(t, envs[key]);
}

for (const key of ['debian12', 'debian13', 'debiansid'] as const) {
  const version = VERSIONS[key];
  const it = (name: string, body: (env: PythonAzureIdentityEnv) => Promise<void>): void => {
    test(name, async (t) => {
      const env = interpreter(t, key);
      if (env) await body(env);
    });
  };

  describe(`real azure-identity ${version} (${key})`, () => {
    it('the interpreter reports its azure-identity version, Python version and executable', async (env) => {
      const detected = await detectAzureIdentity(env.python, { PATH: '/usr/bin:/bin', HOME: scratch });
      assert.equal(detected.problem, undefined);
      assert.equal(detected.version, version);
      assert.equal(detected.versionSource, 'metadata');
      assert.match(detected.pythonVersion ?? '', /^3\.11\./);
      assert.equal(detected.executable, env.python);
      // Debian 13's and sid's python3-azure ship azure-identity-broker beside azure-identity; Debian 12's does not.
      // None of them has MSAL's native broker runtime (Debian does not package pymsalruntime).
      assert.equal(detected.brokerInstalled, key !== 'debian12');
      assert.equal(detected.brokerRuntimeInstalled, false);
    });

    it('nobody signed in: every source is unavailable, in the chain order of this version, with its own reason', async (env) => {
      const out = await runScenario(env, 'nothing-signed-in');
      assert.equal(out.azureIdentityVersion, version);
      assert.deepEqual(out.chain, CHAIN[key]);
      assert.deepEqual(out.attempts.map((a) => a.credential), CHAIN[key]);
      assert.ok(out.attempts.every((a) => a.status === 'unavailable'), statuses(out).join(' '));
      const message = (c: CredentialName): string => out.attempts.find((a) => a.credential === c)?.message ?? '';
      assert.match(message('EnvironmentCredential'), /^EnvironmentCredential authentication unavailable\. Environment variables are not fully configured\./);
      assert.equal(message('AzureCliCredential'), "Please run 'az login' to set up an account");
      assert.equal(message('AzurePowerShellCredential'), 'Please run "Connect-AzAccount" to set up account');
      if (key === 'debiansid') {
        // Neither logs anything itself: both are read from the chain's own account of what it tried.
        assert.match(message('WorkloadIdentityCredential'), /^WorkloadIdentityCredential authentication unavailable\. The workload options are not fully configured\..* Missing required arguments: 'tenant_id', 'client_id', 'token_file_path'\.$/);
        assert.equal(message('BrokerCredential'), 'InteractiveBrowserBrokerCredential unavailable. Brokered authentication is only supported on Windows and WSL platforms.');
      }
      assert.deepEqual(out.verdict && { outcome: out.verdict.outcome, credential: out.verdict.credential }, { outcome: 'failure', credential: null });
      assert.match(out.verdict?.message ?? '', /^DefaultAzureCredential failed to retrieve a token from the included credentials\.\nAttempted credentials:/);
      assert.equal(out.identity, null);
    });

    it('a token from az says who it is for (alice, in the sandbox tenant) and until when', async (env) => {
      const out = await runScenario(env, 'az-signed-in');
      assert.deepEqual(out.verdict && [out.verdict.outcome, out.verdict.credential], ['token', 'AzureCliCredential']);
      const before = CHAIN[key].slice(0, CHAIN[key].indexOf('AzureCliCredential'));
      assert.deepEqual(statuses(out), [...before.map((c) => `${c}:unavailable`), 'AzureCliCredential:succeeded']);
      assert.equal(out.identity?.upn, sb.users.alice!.upn);
      assert.equal(out.identity?.objectId, sb.users.alice!.objectId);
      assert.equal(out.identity?.tenantId, sb.tenantId);
      assert.ok(out.expiresOn && Date.parse(out.expiresOn) > Date.now(), `expiresOn ${out.expiresOn}`);
      assert.ok((out.elapsedMs ?? -1) >= 0);
    });

    it('a service principal in the environment: a token for the app, and no other source is tried', async (env) => {
      const out = await runScenario(env, 'env-service-principal-secret');
      assert.deepEqual(statuses(out), ['EnvironmentCredential:succeeded']);
      assert.equal(out.verdict?.credential, 'EnvironmentCredential');
      assert.equal(out.identity?.appId, sb.servicePrincipal.clientId);
      assert.equal(out.identity?.objectId, sb.servicePrincipal.objectId);
      assert.equal(out.identity?.upn, undefined);
    });

    it('an unexpected az error: 1.13.0b2 stops the chain there, 1.23.1 treats it as unavailable and goes on', async (env) => {
      const out = await runScenario(env, 'az-error');
      const az = out.attempts.find((a) => a.credential === 'AzureCliCredential');
      assert.match(az?.message ?? '', /simulated failure \(fake az, mode=error\)/);
      if (key === 'debian12') {
        assert.equal(az?.status, 'failed');
        assert.deepEqual(out.verdict && [out.verdict.outcome, out.verdict.credential], ['failure', 'AzureCliCredential']);
        assert.ok(!out.attempts.some((a) => a.credential === 'AzurePowerShellCredential'), 'pwsh must not be tried after a hard failure');
      } else {
        assert.equal(az?.status, 'unavailable');
        assert.deepEqual(out.verdict && [out.verdict.outcome, out.verdict.credential], ['token', 'AzurePowerShellCredential']);
      }
    });

    it('a constructor error is reported with its exception and the credential that raised it, and nothing is tried', async (env) => {
      const out = await runScenario(env, 'env-empty-secret');
      assert.equal(out.verdict?.outcome, 'constructor-error');
      assert.equal(out.verdict?.credential, 'EnvironmentCredential');
      assert.equal(out.verdict?.exceptionType, 'ValueError');
      assert.match(out.verdict?.message ?? '', /^secret should be an? .*client secret$/);
      assert.deepEqual(out.attempts, []);
      assert.equal(out.chain, null);
    });

    it('AZURE_TOKEN_CREDENTIALS with a credential name: ignored by 1.13.0b2, a ValueError in 1.23.1, the only source from 1.24', async (env) => {
      const out = await runScenario(env, 'token-credentials-invalid');
      if (key === 'debian12') {
        assert.equal(out.verdict?.credential, 'AzureCliCredential');
      } else if (key === 'debiansid') {
        assert.deepEqual(out.chain, ['AzureCliCredential']);
        assert.deepEqual(statuses(out), ['AzureCliCredential:succeeded']);
      } else {
        assert.deepEqual(out.verdict && [out.verdict.outcome, out.verdict.credential, out.verdict.exceptionType], ['constructor-error', null, 'ValueError']);
        assert.equal(out.verdict?.message, "Invalid value for AZURE_TOKEN_CREDENTIALS: azureclicredential. Valid values are 'dev' or 'prod'.");
      }
    });

    it('the VS Code source, when included, is read under its class name whatever the version logs', async (env) => {
      const out = await runScenario(env, 'include-vscode');
      const vscode = out.attempts.find((a) => a.credential === 'VisualStudioCodeCredential');
      assert.equal(vscode?.status, 'unavailable');
      // Up to 1.23 the retired Azure Account extension's secret; from 1.24 the Azure Resources extension's auth record.
      assert.match(vscode?.message ?? '', key === 'debiansid'
        ? /^VisualStudioCodeCredential requires the user to be signed in to Azure via Visual Studio Code\./
        : /^Failed to get Azure user details from Visual Studio Code\./);
      assert.ok(out.chain?.includes('VisualStudioCodeCredential'));
    });

    it('keywords this version does not have are not passed, and said so', async (env) => {
      const out = await runScenario(env, 'exclude-developer-cli-and-workload');
      if (key === 'debian12') {
        assert.deepEqual([...out.ignoredKeywords].sort(), ['exclude_developer_cli_credential', 'exclude_workload_identity_credential']);
      } else {
        assert.deepEqual(out.ignoredKeywords, []);
        assert.ok(!out.chain?.includes('AzureDeveloperCliCredential'));
      }
      assert.deepEqual(out.verdict && [out.verdict.outcome, out.verdict.credential], ['failure', null]);
    });

    it('process_timeout: passed to 1.23.1 (a slow az times out), not known to 1.13.0b2 (its fixed 10 s wait)', async (env) => {
      const out = await runScenario(env, 'az-slow-process-timeout');
      const az = out.attempts.find((a) => a.credential === 'AzureCliCredential');
      if (key === 'debian12') {
        assert.deepEqual(out.ignoredKeywords, ['process_timeout']);
        assert.equal(az?.status, 'succeeded');
      } else {
        assert.deepEqual(out.ignoredKeywords, []);
        assert.deepEqual([az?.status, az?.message], ['unavailable', 'Failed to invoke the Azure CLI']);
        assert.ok((out.elapsedMs ?? 0) < 3900, `az's 2 s timeout, not its 4 s delay (took ${out.elapsedMs} ms)`);
      }
    });

    it('the shared token cache file name: msal.cache for 1.13.0b2, msal.cache.nocae for 1.23.1', async (env) => {
      const out = await runScenario(env, 'shared-cache-old-name-only');
      const cache = out.attempts.find((a) => a.credential === 'SharedTokenCacheCredential');
      if (key === 'debian12') {
        assert.equal(cache?.status, 'succeeded');
        assert.equal(out.identity?.upn, sb.users.bob!.upn);
      } else {
        assert.deepEqual([cache?.status, cache?.message], ['unavailable', 'SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.']);
        assert.equal(out.verdict?.credential, 'AzureCliCredential');
      }
    });

    it('workload identity: a ManagedIdentityCredential mode in 1.13.0b2, its own credential in 1.23.1', async (env) => {
      const out = await runScenario(env, 'workload-identity');
      assert.equal(out.verdict?.credential, key === 'debian12' ? 'ManagedIdentityCredential' : 'WorkloadIdentityCredential');
      assert.equal(out.identity?.appId, sb.servicePrincipal.clientId);
    });

    it('the script prints no token and no secret, only claims', async (env) => {
      for (const name of ['env-service-principal-secret', 'env-service-principal-bad-secret', 'az-signed-in', 'env-username-password']) {
        const prepared = await prepareScenario(sb, scenario(name));
        try {
          const config = JSON.stringify({ scope: 'https://management.azure.com/.default', keywords: {}, processTimeout: null });
          const raw = await runProcess(env.python, ['-c', VERIFY_SCRIPT, config], { env: prepared.env, cwd: scratch, timeoutMs: 60_000 });
          const output = raw.stdout + raw.stderr;
          assert.ok(output.includes('"kind": "log"'), `${name}: the library's log was relayed`);
          assert.doesNotMatch(output, JWT, `${name}: a JWT was printed`);
          for (const secret of [prepared.env.AZURE_CLIENT_SECRET, prepared.env.AZURE_PASSWORD]) {
            if (secret) assert.ok(!output.includes(secret), `${name}: a secret was printed`);
          }
        } finally {
          prepared.cleanup();
        }
      }
    });

    it('verification writes nothing into the folder it runs in', async (env) => {
      const workspace = join(scratch, `workspace-${key}`);
      mkdirSync(workspace, { recursive: true });
      const prepared = await prepareScenario(sb, scenario('az-signed-in'));
      try {
        const out = await runPythonDefaultAzureCredential({ python: env.python, env: prepared.env, keywordArguments: {}, cwd: workspace });
        assert.equal(out.verdict?.credential, 'AzureCliCredential');
        assert.deepEqual(readdirSync(workspace), []);
      } finally {
        prepared.cleanup();
      }
    });
  });
}

describe('interpreters that cannot answer', () => {
  const base = { PATH: '/usr/bin:/bin', HOME: scratch };

  test('a missing interpreter is named', async () => {
    const missing = join(scratch, 'no-such-python');
    const detected = await detectAzureIdentity(missing, base);
    assert.equal(detected.version, null);
    assert.equal(detected.problem, `Python interpreter not found: ${missing}`);
    const out = await runPythonDefaultAzureCredential({ python: missing, env: base, keywordArguments: {} });
    assert.equal(out.verdict, null);
    assert.equal(out.problem, `Python interpreter not found: ${missing}`);
  });

  // An interpreter without site-packages stands for a virtual environment where azure-identity is not installed.
  const bare = join(scratch, 'bare-python');
  writeFileSync(bare, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
  chmodSync(bare, 0o755);

  test('an interpreter without azure-identity says so, for detection and for verification', async () => {
    const detected = await detectAzureIdentity(bare, base);
    assert.equal(detected.version, null);
    assert.equal(detected.problem, 'azure-identity is not installed in this interpreter');
    assert.match(detected.pythonVersion ?? '', /^3\./);
    const out = await runPythonDefaultAzureCredential({ python: bare, env: base, keywordArguments: {} });
    assert.equal(out.verdict, null);
    assert.match(out.problem ?? '', /^azure-identity could not be imported in .*bare-python: ModuleNotFoundError: No module named 'azure/);
  });

  test('a distro package without metadata: the version comes from azure/identity/_version.py', async () => {
    const site = join(scratch, 'no-metadata-site');
    mkdirSync(join(site, 'azure', 'identity'), { recursive: true });
    writeFileSync(join(site, 'azure', '__init__.py'), '');
    writeFileSync(join(site, 'azure', 'identity', '__init__.py'), 'raise ImportError("detection must not import azure.identity")\n');
    writeFileSync(join(site, 'azure', 'identity', '_version.py'), 'VERSION = "1.12.0"\n');
    const detected = await detectAzureIdentity(bare, { ...base, PYTHONPATH: site });
    assert.deepEqual([detected.version, detected.versionSource, detected.problem], ['1.12.0', '_version.py', undefined]);
  });

  test('a hung interpreter is stopped at the timeout, and cancellation stops it at once', async () => {
    const hung = join(scratch, 'hung-python');
    writeFileSync(hung, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hung, 0o755);
    const started = Date.now();
    const timedOut = await detectAzureIdentity(hung, base, undefined, { timeoutMs: 500 });
    assert.equal(timedOut.problem, `${hung} did not finish within 1 s`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const cancelled = await runPythonDefaultAzureCredential({ python: hung, env: base, keywordArguments: {}, signal: controller.signal });
    assert.equal(cancelled.problem, `Cancelled while running ${hung}`);
    assert.ok(Date.now() - started < 5000);
  });
});
