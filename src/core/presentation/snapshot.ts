// What the Credential Chain view and the status bar show, as one immutable value per moment. A discriminated union
// by phase: each variant carries exactly what is known in that phase, so a renderer cannot show a report that does
// not exist, and a failed check cannot hide behind the last good answer (it carries that answer only as `stale`).
// Pure types and accessors: the extension's controller produces these, renderers in this folder turn them into
// rows and status text.
import * as l10n from '@vscode/l10n';
import type { ChainReport, CredentialName, SourceResult, SourceStatus, Verification } from '../chain/types';
import type { InterpreterFacts } from '../engineInput';

/** Which interpreter the user's Python code runs with, and where that answer came from. */
export interface InterpreterChoice {
  readonly path: string;
  readonly source: 'setting' | 'python-extension' | 'path';
}

/** What the interpreter told us, or why it could not be asked. */
export type PythonFacts =
  /** Restricted Mode: the interpreter is not run at all. */
  | { readonly kind: 'untrusted'; readonly interpreter: InterpreterChoice }
  /** It ran; azure-identity is installed in this version, or not at all (null). */
  | ({
    readonly kind: 'answered';
    readonly interpreter: InterpreterChoice;
  } & InterpreterFacts)
  /** It could not be run: the file is gone, or it failed to start or to answer. */
  | {
    readonly kind: 'unusable';
    readonly interpreter: InterpreterChoice;
    readonly reason: 'missing' | 'cannotRun';
    /** A sentence without secrets (paths and exit codes). */
    readonly message: string;
  };

/** The workspace folder a snapshot describes (multi-root: each folder has its own `.env` and interpreter). */
export interface FolderScope {
  readonly name: string;
  /** The folder's URI as a string: a stable key. */
  readonly uri: string;
  /** Why this folder: the only one, the active editor's, the one the user chose, or the first as a fallback. */
  readonly choice: 'only' | 'activeEditor' | 'chosen' | 'first';
}

/** What every snapshot carries whatever its phase. */
export interface SnapshotScope {
  readonly trusted: boolean;
  /** undefined in a window without a folder. */
  readonly folder: FolderScope | undefined;
  /** More than one workspace folder: renderers then name the folder they describe. */
  readonly multiRoot: boolean;
}

/** The code's `ChainedTokenCredential(...)` a check models instead of DefaultAzureCredential. */
export interface ChainedCallScope {
  /** Where the call is, e.g. "app.py:12" (workspace-relative, 1-based line). */
  readonly where: string;
  /** Its members as written, in order ("EnvironmentCredential()", "app.fallback"), bounded by the reader. */
  readonly members: readonly string[];
  /**
   * The `azureDevAuth.defaultAzureCredential.*` settings that are set: they are DefaultAzureCredential's keywords,
   * which a ChainedTokenCredential does not have, so the check does not apply them.
   */
  readonly ignoredSettings: readonly string[];
  /** The call is one credential built on its own (`members` is that one credential), not a ChainedTokenCredential. */
  readonly lone?: true;
}

/** A finished evaluation: what a `ready` snapshot shows, and what a later failed one keeps as stale. */
export interface CompletedCheck {
  readonly report: ChainReport;
  /** Set when the check modelled the code's ChainedTokenCredential(...) call instead of DefaultAzureCredential. */
  readonly chained?: ChainedCallScope;
  readonly python: PythonFacts;
  /** Epoch milliseconds. */
  readonly checkedAt: number;
  /** What "Verify with Python" found for this very check, and when; it stays in the view until the next check. */
  readonly verified?: { readonly at: number; readonly verification: Verification };
}

/** Why an evaluation produced no report. */
export type EvaluationFailure =
  | { readonly kind: 'interpreter'; readonly message: string }
  | {
    readonly kind: 'timeout';
    readonly seconds: number;
    /** What was running when the time ran out. */
    readonly during: 'interpreter' | 'sources';
  }
  | { readonly kind: 'engine'; readonly message: string };

export interface IdleSnapshot {
  readonly phase: 'idle';
  readonly scope: SnapshotScope;
}

export interface ProbingSnapshot {
  readonly phase: 'probing';
  readonly scope: SnapshotScope;
  /** The interpreter being asked; undefined for the moment before it is chosen. */
  readonly interpreter: InterpreterChoice | undefined;
  /** undefined until the interpreter has answered. */
  readonly python: PythonFacts | undefined;
  /** The chain order being checked (the previous one until the interpreter has answered). */
  readonly order: readonly CredentialName[];
  /** Sources whose probe has finished, with the source's own result (chain semantics come with the report). */
  readonly finished: ReadonlyMap<CredentialName, SourceStatus>;
  /** The ChainedTokenCredential(...) call being checked, when the check models one. */
  readonly chained?: ChainedCallScope;
  /**
   * The last check of this folder when it succeeded, for the status bar while the new one runs; undefined after a
   * failure, so re-checking never brings an old answer back as if it were current.
   */
  readonly previous: CompletedCheck | undefined;
}

export interface ReadySnapshot {
  readonly phase: 'ready';
  readonly scope: SnapshotScope;
  readonly check: CompletedCheck;
}

export interface FailedSnapshot {
  readonly phase: 'failed';
  readonly scope: SnapshotScope;
  /** The interpreter of the failed check, when it had been chosen. */
  readonly interpreter: InterpreterChoice | undefined;
  /** What the interpreter said before the failure, if it got that far (or why it could not be run). */
  readonly python: PythonFacts | undefined;
  readonly failure: EvaluationFailure;
  /** Epoch milliseconds. */
  readonly failedAt: number;
  /** The last finished check of this folder, shown only marked as stale. */
  readonly stale: CompletedCheck | undefined;
}

export type ChainSnapshot = IdleSnapshot | ProbingSnapshot | ReadySnapshot | FailedSnapshot;

/** For exhaustive switches: a new phase or kind that a renderer forgot is a compile error. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** The source whose token Python gets, when the chain yields one. */
export function activeSource(report: ChainReport): SourceResult | undefined {
  return report.verdict.outcome === 'token' ? report.sources.find((s) => s.credential === report.verdict.credential) : undefined;
}

/** The current (not stale) report: only a ready snapshot has one. */
export function currentReport(snapshot: ChainSnapshot): ChainReport | undefined {
  return snapshot.phase === 'ready' ? snapshot.check.report : undefined;
}

/** The interpreter facts a snapshot knows, current or from its stale check. */
export function pythonFactsOf(snapshot: ChainSnapshot): PythonFacts | undefined {
  switch (snapshot.phase) {
    case 'idle': return undefined;
    case 'probing': return snapshot.python;
    case 'ready': return snapshot.check.python;
    case 'failed': return snapshot.python;
    default: return assertNever(snapshot);
  }
}

/** "14:02": when a check ran, in local time, the way a person refers to it. */
export function formatClock(epochMs: number): string {
  const at = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** The failure in one sentence fragment, e.g. "the interpreter /x/bin/python does not exist". */
export function failureReason(failure: EvaluationFailure): string {
  switch (failure.kind) {
    case 'interpreter': return failure.message;
    case 'timeout': return failure.during === 'interpreter'
      ? l10n.t('the interpreter did not answer within {0} s', failure.seconds)
      : l10n.t('it did not finish within {0} s', failure.seconds);
    case 'engine': return failure.message;
    default: return assertNever(failure);
  }
}
