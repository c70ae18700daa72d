// The one way into the Access feature: the Access view (through the engine facade) and `whoami` / `roles` call this
// with the same inputs, and get the same report with the same redaction. The cloud comes only from the user's
// setting or flag or this process's environment (never a workspace's .env); the proxy and the certificate
// authorities from this process's environment or VS Code's proxy settings.
import type { TokenCredential } from '@azure/identity';
import { trustedCloud, type CloudEndpoints, type CloudSetting } from '../azure/clouds';
import { networkSettings } from '../azure/network';
import type { CredentialName } from '../chain/types';
import type { AccessFailure } from '../presentation/accessSnapshot';
import { redactSecrets, secretsOf } from '../redact';
import { AccessUnavailableError, classifyError, loadAccess, type AccessCache } from './load';
import type { AccessProblem, AccessReport } from './types';
import { accountKeyUses, accountKeyUsesInTexts, mergeAccountKeyUses } from './networkLayer';
import { readWorkspaceTexts } from './workspaceFiles';
import { resourceReferences } from './workspaceResources';

export interface AccessRequest {
  readonly source: CredentialName;
  /** The environment the chain evaluated (this process's plus the workspace's .env): configures the source. */
  readonly env: Readonly<Record<string, string>>;
  /** This process's own environment: the cloud, the proxy and the certificate authorities come from here. */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  /** process_timeout of the user's code for az, azd and Azure PowerShell (seconds). */
  readonly processTimeoutSeconds: number;
  readonly allowedHosts: readonly string[];
  /** The VS Code account's tokens through the editor (the view only; see SourceCredentialOptions). */
  readonly vsCodeAccount?: TokenCredential;
  /** `azureDevAuth.cloud` (the view) or `--cloud` (the CLI). */
  readonly cloudSetting: CloudSetting;
  readonly cloudGivenBy: 'setting' | 'flag';
  /** Subscription ids to show; empty: every subscription in the token's tenant. */
  readonly subscriptions: readonly string[];
  /** The folder whose `.env` and code name resources for the insights; undefined in an untrusted workspace. */
  readonly workspaceFolder: string | undefined;
  /** Only the identity (`whoami`). */
  readonly identityOnly?: boolean;
  /** Another principal whose access to show, read with the source's token (object id, UPN, app id or display name). */
  readonly principal?: string;
  /** Keep every subscription's resources in the report (the question box picks from them). */
  readonly includeResources?: boolean;
  /** Also answer "can it do this action on this scope" (see can.ts). */
  readonly can?: { readonly action: string; readonly scope: string };
  readonly signal: AbortSignal;
  /** Throttling and other waits, in a sentence. */
  readonly onProgress?: (message: string) => void;
  /** VS Code's http.proxy / http.noProxy, which win over the environment's. */
  readonly proxy?: { readonly proxy?: string; readonly noProxy?: readonly string[] };
  readonly cache?: AccessCache;
  /** The whole load's deadline. */
  readonly deadlineMs?: number;
}

export type AccessOutcome =
  | { readonly ok: true; readonly report: AccessReport; readonly cloud: CloudEndpoints }
  | { readonly ok: false; readonly failure: AccessFailure; readonly cloud: CloudEndpoints | undefined; readonly notes?: readonly string[] };

/**
 * Problems quote what Azure and the tools answered (az's error output, an error body): they pass through the one
 * redaction before they leave, as every chain message does.
 */
export function redactProblem(problem: AccessProblem, secrets: readonly string[]): AccessProblem {
  return { ...problem, message: redactSecrets(problem.message, secrets), fix: redactSecrets(problem.fix, secrets) };
}

export function redactReport(report: AccessReport, secrets: readonly string[]): AccessReport {
  return {
    ...report,
    problems: report.problems.map((p) => redactProblem(p, secrets)),
    groups: { ...report.groups, problem: report.groups.problem && redactProblem(report.groups.problem, secrets) },
    subscriptions: report.subscriptions.map((s) => ({ ...s, problems: s.problems.map((p) => redactProblem(p, secrets)) })),
    ...(report.cosmos ? { cosmos: report.cosmos.map((c) => ({ ...c, problem: c.problem && redactSecrets(c.problem, secrets) })) } : {}),
  };
}

function abortError(): Error {
  return Object.assign(new Error('The access load was cancelled.'), { name: 'AbortError' });
}

/** Never rejects but with an AbortError when `signal` aborts: every other failure is an outcome with its fix. */
export async function accessOutcome(request: AccessRequest): Promise<AccessOutcome> {
  const secrets = secretsOf(request.env);
  let trusted;
  try {
    trusted = await trustedCloud({ given: request.cloudSetting, givenBy: request.cloudGivenBy, processEnv: request.processEnv, workspaceEnv: request.env });
  } catch (error) {
    return { ok: false, failure: { kind: 'cloudSetting', message: redactSecrets(error instanceof Error ? error.message : String(error), secrets) }, cloud: undefined };
  }
  const { cloud } = trusted;
  const texts = request.workspaceFolder && !request.identityOnly ? await readWorkspaceTexts(request.workspaceFolder, undefined, request.signal) : [];
  const references = resourceReferences(texts, cloud);
  try {
    const report = await loadAccess({
      source: request.source, cloud, env: request.env, processTimeoutSeconds: request.processTimeoutSeconds, allowedHosts: request.allowedHosts,
      subscriptions: request.subscriptions, references, signal: request.signal,
      ...(request.identityOnly ? {} : { accountKeys: mergeAccountKeyUses(accountKeyUses(request.env), accountKeyUsesInTexts(texts)) }),
      network: networkSettings(request.processEnv, request.proxy ?? {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.cache ? { cache: request.cache } : {}),
      ...(request.vsCodeAccount ? { vsCodeAccount: request.vsCodeAccount } : {}),
      ...(request.identityOnly ? { identityOnly: true } : {}),
      ...(request.principal !== undefined ? { principal: request.principal } : {}),
      ...(request.includeResources ? { includeResources: true } : {}),
      ...(request.can ? { can: request.can } : {}),
      ...(request.deadlineMs ? { deadlineMs: request.deadlineMs } : {}),
    });
    return { ok: true, report: { ...redactReport(report, secrets), cloudFrom: trusted.from, notes: trusted.notes }, cloud };
  } catch (error) {
    // A cancelled load is superseded by another one (or ran out of time, which the caller knows): not a problem to show.
    if (request.signal.aborted) throw abortError();
    const problem = error instanceof AccessUnavailableError ? error.problem : classifyError(error, undefined, 'The access could not be loaded', request.source);
    return { ok: false, failure: { kind: 'problem', problem: redactProblem(problem, secrets) }, cloud, notes: trusted.notes };
  }
}
