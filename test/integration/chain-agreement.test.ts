// The engine against the real library: every scenario of chain-scenarios.ts goes through `evaluateChain` and through
// the real DefaultAzureCredential (verifyWithPython) of Debian 12's azure-identity 1.13.0b2 and Debian 13's 1.23.1,
// and they must agree: the same verdict (token / failure / constructor error, and which source), and the same
// status for every source Python reaches. Each verdict is also checked against what the scenario says the library
// does, so an engine and a verifier that were both wrong could not pass together.
//
// Run inside the loopback-only namespace:
//   unshare --net sh -c 'ip link set lo up; node --import tsx --test test/integration/chain-agreement.test.ts'
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { evaluateChain } from '../../src/core/chain/engine';
import { detectAzureIdentity, verifyWithPython, type AzureIdentityDetection } from '../../src/core/python';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs, type PythonAzureIdentityEnv } from '../harness/python-envs.mjs';
import { prepareScenario, SCENARIOS, type PreparedScenario, type PythonKey } from './chain-scenarios';
import { usableInterpreter } from './helpers/pythonEnvs';
import { ensureToolsBuilt } from './helpers/sandbox';

const KEYS: readonly PythonKey[] = ['debian12', 'debian13'];
const LABEL: Record<PythonKey, string> = { debian12: 'azure-identity 1.13.0b2 (Debian 12)', debian13: 'azure-identity 1.23.1 (Debian 13)' };

let sb: Sandbox;
let envs: Awaited<ReturnType<typeof ensurePythonAzureIdentityEnvs>>;
const detected = new Map<PythonKey, AzureIdentityDetection>();

before(async () => {
  envs = await ensurePythonAzureIdentityEnvs();
  await ensureToolsBuilt();
  sb = await startSandbox();
  for (const key of KEYS) {
    if (!envs[key].problem) detected.set(key, await detectAzureIdentity(envs[key].python, { PATH: '/usr/bin:/bin' }));
  }
});

after(async () => {
  await sb?.stop();
});

function interpreter(t: TestContext, key: PythonKey): PythonAzureIdentityEnv | undefined {
  return usableInterpreter(t, envs[key]);
}

for (const scenario of SCENARIOS) {
  describe(`${scenario.name}: ${scenario.title}`, () => {
    // One HOME per scenario, shared by the engine and both interpreters, which run one after the other.
    let prepared: PreparedScenario | undefined;
    before(async () => { prepared = await prepareScenario(sb, scenario); });
    after(() => prepared?.cleanup());

    for (const key of KEYS) {
      test(LABEL[key], { timeout: 120_000 }, async (t) => {
        const env = interpreter(t, key);
        if (!env || !prepared) return;
        const detection = detected.get(key)!;
        assert.equal(detection.version, env.azureIdentityVersion, detection.problem);
        const inputs = { env: { ...prepared.env, ...env.env }, keywordArguments: prepared.keywordArguments };

        const report = await evaluateChain({
          ...inputs,
          azureIdentityVersion: detection.version ?? undefined,
          versionSource: 'python',
          brokerInstalled: detection.brokerInstalled,
        });
        const verification = await verifyWithPython({ ...inputs, python: env.python, report });

        const expected = scenario.expect[key];
        const python = { outcome: verification.verdict.outcome, credential: verification.verdict.credential };
        assert.equal(verification.problem, undefined, verification.problem);
        assert.deepEqual(python, expected, `the real library's verdict is not the one this scenario documents`);
        assert.deepEqual(verification.differences, [], `engine and ${LABEL[key]} disagree:\n  ${verification.differences.join('\n  ')}`);
        assert.equal(verification.agrees, true);
        assert.deepEqual({ outcome: report.verdict.outcome, credential: report.verdict.credential }, expected);
        // Agreement must rest on something: Python tried at least one source, or its constructor raised.
        assert.ok(expected.outcome === 'constructor-error' || (verification.sources?.length ?? 0) > 0, 'the real library tried no source');
        for (const note of verification.notes ?? []) t.diagnostic(note);
      });
    }
  });
}
