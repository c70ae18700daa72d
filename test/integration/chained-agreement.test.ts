// A ChainedTokenCredential of explicit credentials, the engine against the real library: for several orders and
// states (reusing chain-scenarios.ts' sandbox setups) the real ChainedTokenCredential of Debian 12's azure-identity
// 1.13.0b2, Debian 13's 1.23.1 and sid's 1.26.0b3 runs the same members in the same order, and the engine must say
// the same: which member gives the token or ends the chain, and each reached member's status. Each case also states
// what the library does, so an engine and a Python run that were both wrong could not pass together.
//
// Run inside the loopback-only namespace (the base environment's managed identity endpoint is the sandbox's).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chainedMembersOf } from '../../src/core/chain/chained';
import { evaluateChain } from '../../src/core/chain/engine';
import { createEngineFacade } from '../../src/core/engineFacade';
import type { CredentialName } from '../../src/core/chain/types';
import { findCredentialCalls } from '../../src/core/code/credentialCalls';
import { detectAzureIdentity } from '../../src/core/python';
import { runProcess } from '../../src/core/process/run';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';
import { prepareScenario, SCENARIOS, type PythonKey } from './chain-scenarios';
import { usableInterpreter } from './helpers/pythonEnvs';
import { ensureToolsBuilt } from './helpers/sandbox';

const KEYS: readonly PythonKey[] = ['debian12', 'debian13', 'debiansid'];
/** az's Entra error for a tenant that does not exist: 1.13.0b2 reads it as "unavailable" and goes on; 1.23+ stops there. */
const UNKNOWN_TENANT_EXPECT = {
  debian12: { outcome: 'token', credential: 'EnvironmentCredential' },
  debian13: { outcome: 'failure', credential: 'AzureCliCredential' },
  debiansid: { outcome: 'failure', credential: 'AzureCliCredential' },
} as const;

/**
 * PowerShell with a tenant that does not exist: Get-AzAccessToken fails with Entra's error, which every version reads
 * as "unavailable" (not the ClientAuthenticationError az's error gives): az runs next, and is not signed in.
 */
const PWSH_UNKNOWN_TENANT_EXPECT = { outcome: 'failure', credential: null } as const;
/** azd with a tenant that does not exist: its error ends the chain. */
const AZD_UNKNOWN_TENANT_EXPECT = { outcome: 'failure', credential: 'AzureDeveloperCliCredential' } as const;

/** Runs ChainedTokenCredential(<members>()) and records, per member, what its get_token did. */
const SCRIPT = String.raw`
import json, sys
import azure.identity as identity
from azure.identity import ChainedTokenCredential, CredentialUnavailableError
attempts = []
building = None
class Watched:
    def __init__(self, name, kwargs):
        global building
        building = name
        self.name = name
        self.inner = getattr(identity, name)(**kwargs)
    def get_token(self, *scopes, **kwargs):
        try:
            token = self.inner.get_token(*scopes, **kwargs)
        except CredentialUnavailableError as error:
            attempts.append({"credential": self.name, "status": "unavailable", "message": str(error)})
            raise
        except Exception as error:
            attempts.append({"credential": self.name, "status": "failed", "message": type(error).__name__})
            raise
        attempts.append({"credential": self.name, "status": "succeeded", "message": ""})
        return token
members = json.loads(sys.argv[1])
kwargs = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
try:
    chain = ChainedTokenCredential(*[Watched(name, kwargs.get(name, {})) for name in members])
except Exception as error:
    # A member's constructor raised (a keyword this version does not have): no member runs.
    print(json.dumps({"attempts": [], "verdict": {"outcome": "constructor-error", "credential": building, "message": str(error), "type": type(error).__name__}}))
    sys.exit(0)
try:
    chain.get_token("https://management.azure.com/.default")
    verdict = {"outcome": "token", "credential": attempts[-1]["credential"], "message": ""}
except Exception as error:
    failed = [a for a in attempts if a["status"] == "failed"]
    verdict = {"outcome": "failure", "credential": failed[-1]["credential"] if failed else None, "message": str(error), "type": type(error).__name__}
print(json.dumps({"attempts": attempts, "verdict": verdict}))
`;

interface PythonRun {
  readonly attempts: readonly { credential: string; status: string; message: string }[];
  readonly verdict: { outcome: string; credential: string | null; message: string; type?: string };
}

type Expected = { outcome: 'token' | 'failure' | 'constructor-error'; credential: CredentialName | null };
interface Case {
  readonly scenario: string;
  readonly members: readonly CredentialName[];
  /** AzureCliCredential(tenant_id=…): the sandbox's own tenant, or one that does not exist. */
  readonly cliTenant?: 'sandbox' | 'unknown';
  /** Other members' own keywords: tenant_id (the sandbox's or one that does not exist) and process_timeout. */
  readonly memberKeywords?: Partial<Record<CredentialName, { tenant?: 'sandbox' | 'unknown'; processTimeout?: number; clientId?: 'app-identity' }>>;
  /** Variables added to the scenario's environment. */
  readonly extraEnv?: (sb: Sandbox) => Record<string, string>;
  /** The app id of the identity whose token the winner returns, when it matters. */
  readonly tokenAppId?: (sb: Sandbox) => string;
  /** The builds that have every member (1.13.0b2 has no AzureDeveloperCliCredential); default all three. */
  readonly keys?: readonly PythonKey[];
  /** What the library does, per version (the same in all three unless given per key). */
  readonly expect: Expected | Readonly<Partial<Record<PythonKey, Expected>>>;
}

const CASES: readonly Case[] = [
  { scenario: 'env-service-principal-secret', members: ['AzureCliCredential', 'EnvironmentCredential'], expect: { outcome: 'token', credential: 'AzureCliCredential' } },
  { scenario: 'env-service-principal-secret', members: ['EnvironmentCredential', 'AzureCliCredential'], expect: { outcome: 'token', credential: 'EnvironmentCredential' } },
  { scenario: 'env-service-principal-bad-secret', members: ['EnvironmentCredential', 'AzureCliCredential'], expect: { outcome: 'failure', credential: 'EnvironmentCredential' } },
  { scenario: 'env-incomplete', members: ['EnvironmentCredential', 'AzureCliCredential'], expect: { outcome: 'token', credential: 'AzureCliCredential' } },
  { scenario: 'nothing-signed-in', members: ['EnvironmentCredential', 'AzureCliCredential'], expect: { outcome: 'failure', credential: null } },
  // Inside DefaultAzureCredential 1.23.1 and 1.26.0b3 this az error lets the chain go on to PowerShell; a
  // standalone AzureCliCredential raises ClientAuthenticationError and the chain stops, in every version.
  { scenario: 'az-error', members: ['AzureCliCredential', 'AzurePowerShellCredential'], expect: { outcome: 'failure', credential: 'AzureCliCredential' } },
  // ChainedTokenCredential sets within_credential_chain, so managed identity probes IMDS as it does inside
  // DefaultAzureCredential: an IMDS without an identity is "unavailable" and the next member runs.
  { scenario: 'mi-imds-unassigned', members: ['ManagedIdentityCredential', 'AzureCliCredential'], expect: { outcome: 'token', credential: 'AzureCliCredential' } },
  { scenario: 'mi-app-service', members: ['AzureCliCredential', 'ManagedIdentityCredential'], expect: { outcome: 'token', credential: 'AzureCliCredential' } },
  { scenario: 'mi-app-service', members: ['ManagedIdentityCredential', 'AzureCliCredential'], expect: { outcome: 'token', credential: 'ManagedIdentityCredential' } },
  { scenario: 'az-not-logged-in-pwsh-signed-in', members: ['AzureCliCredential', 'AzurePowerShellCredential'], expect: { outcome: 'token', credential: 'AzurePowerShellCredential' } },
  // A member's own tenant_id: az runs with --tenant. Its own tenant gives the token; a tenant that does not exist makes
  // az fail with Entra's error (not "az login"), which ends a ChainedTokenCredential before EnvironmentCredential.
  { scenario: 'env-service-principal-secret', members: ['AzureCliCredential', 'EnvironmentCredential'], cliTenant: 'sandbox', expect: { outcome: 'token', credential: 'AzureCliCredential' } },
  { scenario: 'env-service-principal-secret', members: ['AzureCliCredential', 'EnvironmentCredential'], cliTenant: 'unknown', expect: UNKNOWN_TENANT_EXPECT },
  // A member's own process_timeout: az answers in 4 s. Given 2 s it times out ("unavailable") and PowerShell runs;
  // 1.13.0b2's AzureCliCredential has no such keyword: building it raises TypeError and no member runs.
  {
    scenario: 'az-slow-process-timeout', members: ['AzureCliCredential', 'AzurePowerShellCredential'], memberKeywords: { AzureCliCredential: { processTimeout: 2 } },
    expect: { debian12: { outcome: 'constructor-error', credential: 'AzureCliCredential' }, debian13: { outcome: 'token', credential: 'AzurePowerShellCredential' }, debiansid: { outcome: 'token', credential: 'AzurePowerShellCredential' } },
  },
  { scenario: 'az-slow-process-timeout', members: ['AzureCliCredential', 'AzurePowerShellCredential'], expect: { outcome: 'token', credential: 'AzureCliCredential' } },
  // PowerShell's and azd's own tenant_id (and process_timeout): the sandbox's tenant gives the token with that tid.
  {
    scenario: 'az-not-logged-in-pwsh-signed-in', members: ['AzurePowerShellCredential', 'AzureCliCredential'], memberKeywords: { AzurePowerShellCredential: { tenant: 'sandbox', processTimeout: 20 } },
    expect: { debian12: { outcome: 'constructor-error', credential: 'AzurePowerShellCredential' }, debian13: { outcome: 'token', credential: 'AzurePowerShellCredential' }, debiansid: { outcome: 'token', credential: 'AzurePowerShellCredential' } },
  },
  { scenario: 'az-not-logged-in-pwsh-signed-in', members: ['AzurePowerShellCredential', 'AzureCliCredential'], memberKeywords: { AzurePowerShellCredential: { tenant: 'sandbox' } }, expect: { outcome: 'token', credential: 'AzurePowerShellCredential' } },
  { scenario: 'az-not-logged-in-pwsh-signed-in', members: ['AzurePowerShellCredential', 'AzureCliCredential'], memberKeywords: { AzurePowerShellCredential: { tenant: 'unknown' } }, expect: PWSH_UNKNOWN_TENANT_EXPECT },
  { scenario: 'azd-signed-in', members: ['AzureDeveloperCliCredential', 'AzureCliCredential'], memberKeywords: { AzureDeveloperCliCredential: { tenant: 'sandbox', processTimeout: 20 } }, keys: ['debian13', 'debiansid'], expect: { outcome: 'token', credential: 'AzureDeveloperCliCredential' } },
  { scenario: 'azd-signed-in', members: ['AzureDeveloperCliCredential', 'AzureCliCredential'], memberKeywords: { AzureDeveloperCliCredential: { tenant: 'unknown' } }, keys: ['debian13', 'debiansid'], expect: AZD_UNKNOWN_TENANT_EXPECT },
  // A standalone ManagedIdentityCredential does not read AZURE_CLIENT_ID (DefaultAzureCredential passes it): with a
  // service principal's id in that variable, it still gets the system-assigned identity's token.
  {
    scenario: 'mi-app-service', members: ['ManagedIdentityCredential', 'AzureCliCredential'], extraEnv: (s) => ({ AZURE_CLIENT_ID: s.servicePrincipal.clientId }),
    expect: { outcome: 'token', credential: 'ManagedIdentityCredential' }, tokenAppId: (s) => s.managedIdentities['vm-system']!.clientId,
  },
  // Its own client_id picks the user-assigned identity.
  {
    scenario: 'mi-app-service', members: ['ManagedIdentityCredential', 'AzureCliCredential'], memberKeywords: { ManagedIdentityCredential: { clientId: 'app-identity' } },
    expect: { outcome: 'token', credential: 'ManagedIdentityCredential' }, tokenAppId: (s) => s.managedIdentities['app-identity']!.clientId,
  },
];
const UNKNOWN_TENANT = '0b1e6b51-0000-4000-8000-00000000dead';
/** Each member's keyword arguments as Python values: what the source writes and the script passes. */
function memberKwargs(kase: Case, sb: Sandbox): Partial<Record<CredentialName, Record<string, string | number>>> {
  const out: Partial<Record<CredentialName, Record<string, string | number>>> = {};
  for (const m of kase.members) {
    const own = kase.memberKeywords?.[m];
    const which = m === 'AzureCliCredential' && kase.cliTenant ? kase.cliTenant : own?.tenant;
    const tenant = which === 'sandbox' ? sb.tenantId : which === 'unknown' ? UNKNOWN_TENANT : undefined;
    const kwargs = {
      ...(tenant ? { tenant_id: tenant } : {}), ...(own?.processTimeout !== undefined ? { process_timeout: own.processTimeout } : {}),
      ...(own?.clientId ? { client_id: sb.managedIdentities[own.clientId]!.clientId } : {}),
    };
    if (Object.keys(kwargs).length) out[m] = kwargs;
  }
  return out;
}
const memberSource = (kase: Case, sb: Sandbox): string => kase.members.map((m) => {
  const kwargs = memberKwargs(kase, sb)[m] ?? {};
  return `${m}(${Object.entries(kwargs).map(([k, v]) => `${k}=${typeof v === 'string' ? `"${v}"` : v}`).join(', ')})`;
}).join(', ');

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

for (const kase of CASES) {
  const scenario = SCENARIOS.find((s) => s.name === kase.scenario);
  assert.ok(scenario, kase.scenario);
  const keywords = Object.entries(kase.memberKeywords ?? {}).map(([m, k]) => `${m}(${[
    k.tenant ? `tenant_id: ${k.tenant}` : '', k.processTimeout !== undefined ? `process_timeout=${k.processTimeout}` : '', k.clientId ? `client_id: ${k.clientId}` : '',
  ].filter(Boolean).join(', ')})`);
  const extra = kase.extraEnv ? ` and ${Object.keys(kase.extraEnv({ servicePrincipal: {} } as Sandbox)).join(', ')} set` : '';
  describe(`ChainedTokenCredential(${kase.members.join(', ')})${kase.cliTenant ? ` with the CLI's tenant_id (${kase.cliTenant})` : ''}${keywords.length ? ` with ${keywords.join(', ')}` : ''}${extra} — ${scenario.title}`, () => {
    for (const key of kase.keys ?? KEYS) {
      test(key, { timeout: 120_000 }, async (t) => {
        const env = usableInterpreter(t, envs[key]);
        if (!env) return;
        const prepared = await prepareScenario(sb, scenario);
        t.after(() => prepared.cleanup());
        const processEnv = { ...prepared.env, ...kase.extraEnv?.(sb), ...env.env };
        const found = await detectAzureIdentity(env.python, { PATH: '/usr/bin:/bin' });

        // The engine reads the members from source, as the view does.
        const [call] = (await findCredentialCalls(`from azure.identity import *\ncredential = ChainedTokenCredential(${memberSource(kase, sb)})\n`))
          .filter((c) => c.credential === 'ChainedTokenCredential');
        const report = await evaluateChain({
          env: processEnv, keywordArguments: {}, azureIdentityVersion: found.version ?? undefined, versionSource: 'python',
          brokerInstalled: found.brokerInstalled, brokerRuntimeInstalled: found.brokerRuntimeInstalled,
          ...(found.msalVersion ? { msalVersion: found.msalVersion } : {}),
          chained: chainedMembersOf(call!),
        });

        const run = await runProcess(env.python, ['-c', SCRIPT, JSON.stringify(kase.members), JSON.stringify(memberKwargs(kase, sb))], { env: processEnv, timeoutMs: 90_000 });
        assert.equal(run.exitCode, 0, run.stderr);
        const python = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as PythonRun;

        const expected = 'outcome' in kase.expect ? kase.expect : kase.expect[key];
        assert.ok(expected, `an expectation for ${key}`);
        assert.deepEqual({ outcome: python.verdict.outcome, credential: python.verdict.credential }, expected, `the real library: ${python.verdict.message}`);
        assert.deepEqual({ outcome: report.verdict.outcome, credential: report.verdict.credential }, expected, `the engine: ${report.verdict.message}`);
        assert.deepEqual(
          report.sources.filter((s) => s.reached).map((s) => `${s.credential}:${s.status}`),
          python.attempts.map((a) => `${a.credential}:${a.status}`),
          'each member Python reached, with the same status',
        );
        assert.deepEqual(report.sources.map((s) => s.credential), [...kase.members], 'the rows are the members, in order');
        if (kase.cliTenant || kase.memberKeywords) assert.ok(!report.notes?.some((n) => /tenant_id|process_timeout|client_id/.test(n)), `applied, not noted: ${String(report.notes)}`);
        if (kase.tokenAppId) assert.equal(report.sources.find((s) => s.credential === report.verdict.credential)?.identity?.appId, kase.tokenAppId(sb), 'the identity Python gets');
        const sandboxTenant = kase.cliTenant === 'sandbox' || Object.values(kase.memberKeywords ?? {}).some((k) => k.tenant === 'sandbox');
        if (sandboxTenant && report.verdict.outcome === 'token') assert.equal(report.sources[0]!.identity?.tenantId, sb.tenantId);
        if (python.verdict.outcome === 'constructor-error') {
          assert.equal(python.verdict.type, 'TypeError');
          assert.equal(report.verdict.exceptionType, 'TypeError');
          assert.equal(report.verdict.message, `TypeError: ${python.verdict.message}`);
        } else if (python.verdict.outcome === 'failure') {
          assert.equal(python.verdict.type, 'ClientAuthenticationError');
          assert.match(python.verdict.message, /^ChainedTokenCredential failed to retrieve a token from the included credentials\./);
          assert.match(report.verdict.message, /^ChainedTokenCredential failed to retrieve a token from the included credentials\./);
        } else {
          assert.equal(report.verdict.message, `ChainedTokenCredential acquired a token from ${python.verdict.credential}`);
        }
      });
    }
  });
}

// Verify with Python on a ChainedTokenCredential (the extension's entry point): the real library runs the members as
// the code builds them, not DefaultAzureCredential, so it agrees with the engine. With DefaultAzureCredential's
// chain both cases would disagree: it tries EnvironmentCredential first, and goes on past the az error (1.23+).
const VERIFIED: readonly Case[] = [
  { scenario: 'env-service-principal-secret', members: ['AzureCliCredential', 'EnvironmentCredential'], expect: { outcome: 'token', credential: 'AzureCliCredential' } },
  { scenario: 'az-error', members: ['AzureCliCredential', 'AzurePowerShellCredential'], expect: { outcome: 'failure', credential: 'AzureCliCredential' } },
  { scenario: 'env-service-principal-secret', members: ['AzureCliCredential', 'EnvironmentCredential'], cliTenant: 'unknown', expect: UNKNOWN_TENANT_EXPECT },
  // The member's process_timeout is passed to the real library too: az times out, or 1.13.0b2 raises TypeError.
  {
    scenario: 'az-slow-process-timeout', members: ['AzureCliCredential', 'AzurePowerShellCredential'], memberKeywords: { AzureCliCredential: { processTimeout: 2 } },
    expect: { debian12: { outcome: 'constructor-error', credential: 'AzureCliCredential' }, debian13: { outcome: 'token', credential: 'AzurePowerShellCredential' }, debiansid: { outcome: 'token', credential: 'AzurePowerShellCredential' } },
  },
  // The member's client_id goes to the real library too, and the identity both get is the user-assigned one.
  {
    scenario: 'mi-app-service', members: ['ManagedIdentityCredential', 'AzureCliCredential'], memberKeywords: { ManagedIdentityCredential: { clientId: 'app-identity' } },
    expect: { outcome: 'token', credential: 'ManagedIdentityCredential' }, tokenAppId: (s) => s.managedIdentities['app-identity']!.clientId,
  },
];
for (const kase of VERIFIED) {
  const scenario = SCENARIOS.find((s) => s.name === kase.scenario)!;
  describe(`Verify with Python: ChainedTokenCredential(${memberSource(kase, { tenantId: 'T', managedIdentities: { 'app-identity': { clientId: '<app-identity>' } } } as unknown as Sandbox)}) — ${scenario.title}`, () => {
    for (const key of KEYS) {
      test(key, { timeout: 120_000 }, async (t) => {
        const env = usableInterpreter(t, envs[key]);
        if (!env) return;
        const prepared = await prepareScenario(sb, scenario);
        t.after(() => prepared.cleanup());
        const processEnv = { ...prepared.env, ...env.env };
        const engine = createEngineFacade();
        const [call] = (await engine.credentialCalls(`from azure.identity import *\ncredential = ChainedTokenCredential(${memberSource(kase, sb)})\n`))
          .filter((c) => c.credential === 'ChainedTokenCredential');
        const chained = engine.chainedMembers(call!);
        const detected = await engine.detectPython(env.python, { PATH: '/usr/bin:/bin' }, new AbortController().signal);
        const signal = new AbortController().signal;
        const report = await engine.evaluate({ env: processEnv, keywordArguments: {}, chained, interpreter: detected, signal });
        const verification = await engine.verify({ env: processEnv, keywordArguments: {}, chained, interpreter: detected, signal, interpreterPath: env.python, report });
        const expected = 'outcome' in kase.expect ? kase.expect : kase.expect[key];
        assert.ok(expected, `an expectation for ${key}`);
        assert.deepEqual({ outcome: verification.verdict.outcome, credential: verification.verdict.credential }, expected, verification.verdict.message);
        assert.equal(verification.agrees, true, verification.differences.join('\n'));
        if (expected.outcome !== 'constructor-error') assert.deepEqual((verification as { chain?: readonly string[] | null }).chain, [...kase.members], 'Python built the members, in order');
      });
    }
  });
}

// A credential built on its own (`AzureCliCredential(tenant_id=…)`, or given to a client as credential=): Verify with
// Python builds it alone, as the code does, and its get_token raises its own error (not ChainedTokenCredential's
// list). Each case states what the library raises, so that an engine and a run that were both wrong could not pass.
interface LoneCase {
  readonly scenario: string;
  readonly source: (sb: Sandbox) => string;
  readonly expect: LoneExpected | Readonly<Partial<Record<PythonKey, LoneExpected>>>;
  readonly tokenAppId?: (sb: Sandbox) => string;
  readonly keys?: readonly PythonKey[];
}
type LoneExpected = { outcome: 'token' } | { outcome: 'failure'; raises: 'CredentialUnavailableError' | 'ClientAuthenticationError' };
const LONE: readonly LoneCase[] = [
  { scenario: 'az-signed-in', source: () => 'AzureCliCredential()', expect: { outcome: 'token' } },
  { scenario: 'nothing-signed-in', source: () => 'AzureCliCredential()', expect: { outcome: 'failure', raises: 'CredentialUnavailableError' } },
  // Inside DefaultAzureCredential 1.23+ goes on after this az error; on its own it raises it.
  { scenario: 'az-error', source: () => 'AzureCliCredential()', expect: { outcome: 'failure', raises: 'ClientAuthenticationError' } },
  { scenario: 'az-signed-in', source: (s) => `AzureCliCredential(tenant_id="${s.tenantId}")`, expect: { outcome: 'token' } },
  // A tenant that does not exist: 1.13.0b2 reads az's Entra error as "unavailable"; 1.23+ raises it.
  {
    scenario: 'az-signed-in', source: () => `AzureCliCredential(tenant_id="${UNKNOWN_TENANT}")`,
    expect: { debian12: { outcome: 'failure', raises: 'CredentialUnavailableError' }, debian13: { outcome: 'failure', raises: 'ClientAuthenticationError' }, debiansid: { outcome: 'failure', raises: 'ClientAuthenticationError' } },
  },
  { scenario: 'env-service-principal-secret', source: () => 'EnvironmentCredential()', expect: { outcome: 'token' } },
  { scenario: 'env-incomplete', source: () => 'EnvironmentCredential()', expect: { outcome: 'failure', raises: 'CredentialUnavailableError' } },
  {
    scenario: 'mi-app-service', source: (s) => `ManagedIdentityCredential(client_id="${s.managedIdentities['app-identity']!.clientId}")`,
    expect: { outcome: 'token' }, tokenAppId: (s) => s.managedIdentities['app-identity']!.clientId,
  },
  { scenario: 'mi-imds-unassigned', source: () => 'ManagedIdentityCredential()', expect: { outcome: 'failure', raises: 'CredentialUnavailableError' } },
  { scenario: 'azd-signed-in', source: (s) => `AzureDeveloperCliCredential(tenant_id="${s.tenantId}")`, keys: ['debian13', 'debiansid'], expect: { outcome: 'token' } },
];
for (const kase of LONE) {
  const scenario = SCENARIOS.find((s) => s.name === kase.scenario)!;
  assert.ok(scenario, kase.scenario);
  const shown = kase.source({ tenantId: '<tenant>', managedIdentities: { 'app-identity': { clientId: '<app-identity>' } } } as unknown as Sandbox);
  describe(`Verify with Python: ${shown} on its own — ${scenario.title}`, () => {
    for (const key of kase.keys ?? KEYS) {
      test(key, { timeout: 120_000 }, async (t) => {
        const env = usableInterpreter(t, envs[key]);
        if (!env) return;
        const prepared = await prepareScenario(sb, scenario);
        t.after(() => prepared.cleanup());
        const processEnv = { ...prepared.env, ...env.env };
        const engine = createEngineFacade();
        // The reader finds it as the code writes it, passed to a client: a call the chain models on its own.
        const calls = engine.modellableCalls(await engine.credentialCalls(`from azure.identity import *\nclient = Client(credential=${kase.source(sb)})\n`));
        assert.equal(calls.length, 1);
        assert.ok(engine.isLoneCall(calls[0]!));
        const chained = [engine.loneMember(calls[0]!)];
        const detected = await engine.detectPython(env.python, { PATH: '/usr/bin:/bin' }, new AbortController().signal);
        const signal = new AbortController().signal;
        const report = await engine.evaluate({ env: processEnv, keywordArguments: {}, chained, lone: true, interpreter: detected, signal });
        const verification = await engine.verify({ env: processEnv, keywordArguments: {}, chained, lone: true, interpreter: detected, signal, interpreterPath: env.python, report });
        const expected = 'outcome' in kase.expect ? kase.expect : kase.expect[key];
        assert.ok(expected, `an expectation for ${key}`);
        const member = chained[0]!.kind === 'credential' ? chained[0]!.credential : null;
        assert.equal(verification.verdict.outcome, expected.outcome, verification.verdict.message);
        assert.equal(verification.verdict.credential, member);
        if (expected.outcome === 'failure') {
          assert.equal(verification.verdict.exceptionType, expected.raises, 'what the real library raises');
          assert.equal(report.verdict.exceptionType, expected.raises, 'what the engine says it raises');
          assert.doesNotMatch(report.verdict.message, /ChainedTokenCredential|Attempted credentials/);
        } else {
          assert.equal(report.verdict.message, `${member}.get_token succeeded`);
        }
        assert.equal(verification.agrees, true, verification.differences.join('\n'));
        assert.deepEqual((verification as { chain?: readonly string[] | null }).chain, [member], 'Python built that credential alone');
        if (kase.tokenAppId) assert.equal(report.sources[0]!.identity?.appId, kase.tokenAppId(sb), 'the identity Python gets');
      });
    }
  });
}
