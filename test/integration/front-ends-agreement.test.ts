// The two front ends on the same machine must give the same answer: `azure-dev-auth chain --python <interpreter>`
// (src/cli/main.ts) and the Credential Chain view's path (the engine facade the extension loads: detectPython, then
// evaluate with the interpreter's facts). Both ask the same real interpreter (Debian sid's azure-identity 1.26.0b3,
// with and without azure-identity-broker, and Debian 13's 1.23.1) and run the same scenarios of chain-scenarios.ts
// against the sandbox; the verdict and every source's row must match, and so must the rules' provenance.
// The scenarios chosen are those whose answer depends on an interpreter fact beyond the version (the broker package,
// MSAL's native broker runtime, msal's version) and the keyword-versus-variable rules.
//
// Run inside the loopback-only namespace:
//   unshare --net sh -c 'ip link set lo up; node --import tsx --test test/integration/front-ends-agreement.test.ts'
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainReportFor, parseChainArgs } from '../../src/cli/main';
import { STRING_KEYWORDS, type ChainReport, type CredentialName, type StringKeyword } from '../../src/core/chain/types';
import { describeCall } from '../../src/core/python/keywords';
import { createEngineFacade } from '../../src/core/engineFacade';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs, type PythonAzureIdentityEnv } from '../harness/python-envs.mjs';
import { prepareScenario, SCENARIOS, type Scenario } from './chain-scenarios';
import { usableInterpreter } from './helpers/pythonEnvs';
import { ensureToolsBuilt } from './helpers/sandbox';

const CHOSEN = /vscode|broker|browser|token-credentials|require-envvar|service-fabric|az-signed-in/;

let sb: Sandbox;
let envs: Awaited<ReturnType<typeof ensurePythonAzureIdentityEnvs>>;

before(async () => {
  envs = await ensurePythonAzureIdentityEnvs();
  await ensureToolsBuilt();
  sb = await startSandbox();
});

after(async () => {
  await sb?.stop();
});

/**
 * The CLI's flags for a scenario's keyword arguments. Keywords the CLI has no flag for (the string keywords) reach it
 * as the user's code does: a Python file with that DefaultAzureCredential(...) call, read with `--code`.
 */
function cliArgs(scenario: Scenario, python: string, dir: string): string[] {
  const args = ['--json', '--python', python];
  // The chosen scenarios write their keywords as data (only the engine-level ones name the sandbox's ids).
  const keywords = typeof scenario.keywordArguments === 'function' ? assert.fail(`${scenario.name}: keywords the CLI has no flags for`) : scenario.keywordArguments;
  if (keywords && (Object.keys(STRING_KEYWORDS) as StringKeyword[]).some((k) => keywords[k] !== undefined)) {
    const file = join(dir, 'app.py');
    writeFileSync(file, `from azure.identity import DefaultAzureCredential\ncredential = ${describeCall(keywords)}\n`);
    args.push('--code', file);
    for (const host of scenario.allowedHosts ?? []) args.push('--allow-host', host);
    return args;
  }
  for (const [credential, excluded] of Object.entries(keywords?.exclude ?? {}) as [CredentialName, boolean][]) {
    args.push(excluded ? '--exclude' : '--include', credential);
  }
  if (keywords?.processTimeoutSeconds !== undefined) args.push('--process-timeout', String(keywords.processTimeoutSeconds));
  if (keywords?.requireEnvvar) args.push('--require-envvar');
  for (const host of scenario.allowedHosts ?? []) args.push('--allow-host', host);
  return args;
}

/** Entra ID's per-request lines (trace and correlation ids, time) differ between any two requests. */
const perRequest = (message: string): string => message.replace(/(Trace ID|Correlation ID|Timestamp): [^\r\n]*/g, '$1: …');

/** What a person sees of a report, without timings. */
function shape(report: ChainReport): unknown {
  return {
    version: report.azureIdentityVersion,
    versionSource: report.versionSource,
    behaviour: report.behaviour,
    rules: report.rules,
    verdict: { outcome: report.verdict.outcome, credential: report.verdict.credential, exceptionType: report.verdict.exceptionType },
    sources: report.sources.map((s) => `${s.credential}: ${s.status}${s.reached ? ', reached' : ''}${s.decisive ? ', decisive' : ''} — ${perRequest(s.message)}`),
  };
}

const INTERPRETERS: readonly { key: 'debiansid' | 'debiansidNoBroker' | 'debian13'; label: string }[] = [
  { key: 'debiansid', label: 'azure-identity 1.26.0b3 + broker (Debian sid)' },
  { key: 'debiansidNoBroker', label: 'azure-identity 1.26.0b3 without azure-identity-broker' },
  { key: 'debian13', label: 'azure-identity 1.23.1 (Debian 13)' },
];

for (const scenario of SCENARIOS.filter((s) => CHOSEN.test(s.name))) {
  describe(`${scenario.name}: ${scenario.title}`, () => {
    for (const { key, label } of INTERPRETERS) {
      test(`chain and the view agree with ${label}`, { timeout: 120_000 }, async (t) => {
        const env: PythonAzureIdentityEnv | undefined = usableInterpreter(t, envs[key]);
        if (!env) return;
        const prepared = await prepareScenario(sb, scenario);
        t.after(() => prepared.cleanup());
        const baseEnv = { ...prepared.env, ...env.env };
        const signal = AbortSignal.timeout(100_000);

        const dir = mkdtempSync(join(tmpdir(), 'ada-front-ends-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const cli = await chainReportFor(parseChainArgs(cliArgs(scenario, env.python, dir)), signal, baseEnv);

        const facade = createEngineFacade();
        const detection = await facade.detectPython(env.python, baseEnv, signal);
        assert.equal(detection.problem, undefined);
        const view = await facade.evaluate({
          env: baseEnv, keywordArguments: prepared.keywordArguments, interpreter: detection,
          allowedHosts: scenario.allowedHosts ?? [], signal,
        });

        assert.equal(cli.report.azureIdentityVersion, env.azureIdentityVersion);
        assert.deepEqual(shape(view), shape(cli.report), 'the view and `chain` disagree on the same machine');
        t.diagnostic(`${view.verdict.outcome}${view.verdict.credential ? ` at ${view.verdict.credential}` : ''}`);
      });
    }
  });
}
