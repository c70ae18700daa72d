import * as vscode from 'vscode';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { pathExists } from '../core/files/boundedRead';
import { homedir } from 'node:os';
import { isAbsolute } from 'node:path';
import { SignInFileWatcher } from '../core/watch/signInFiles';
import type { ChainEngineAdapter } from '../core/engineFacade';
import type { ChainReport, CredentialName, KeywordArguments, SourceStatus, Verification } from '../core/chain/types';
import { redactSecrets, secretsOf } from '../core/redact';
import { checkTimeoutMs, definedEnvironment, keywordArgumentsFromSettings, setDefaultAzureCredentialKeys, withCodeKeywords, type FolderSettings } from '../core/presentation/settings';
import type { CodeCredentials, ModelledCall } from './code/codeCredentials';
import type { ChainedMember } from '../core/chain/chained';
import { namedSnapshot, withName, type PrincipalNames } from '../core/presentation/principalNames';
import {
  activeSource, failureReason, formatClock, type ChainedCallScope, type ChainSnapshot, type CompletedCheck, type EvaluationFailure, type InterpreterChoice, type PythonFacts,
  type ReadySnapshot, type SnapshotScope,
} from '../core/presentation/snapshot';
import type { AllowedHosts } from './allowedHosts';
import type { DescribedFolder, FolderScopeTracker } from './folderScope';
import type { PythonEnvironment } from './pythonEnvironment';
import { affectsCheck, readSettings } from './settings';

const DEBOUNCE_MS = 150;
/** Re-check a little after the active token expires, when the tool will have refreshed it (or not). */
const EXPIRY_GRACE_MS = 5_000;
/** setTimeout's limit; longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The whole check ran out of time; `during` says what was still running. */
class CheckTimedOut extends Error {
  constructor(readonly seconds: number, readonly during: 'interpreter' | 'sources') {
    super(`the check did not finish within ${seconds} s`);
  }
}

/** The interpreter is gone or cannot be run: the check stops there, as the user's code would. */
class InterpreterUnusable extends Error {
  constructor(readonly facts: Extract<PythonFacts, { kind: 'unusable' }>, sentence: string) {
    super(sentence);
  }
}

/** What a check has learned so far, so a failure can say how far it got. */
interface Progress {
  stage: 'interpreter' | 'sources';
  interpreter: InterpreterChoice | undefined;
  python: PythonFacts | undefined;
}

/**
 * Owns the one source of truth, the ChainSnapshot, for the workspace folder being described. Decides when to
 * probe (sign-in files, `.env`, the Python extension's events, settings, trust, the described folder, allowed
 * hosts, the active token's expiry, manual refresh), never runs two evaluations at once (a trigger during a run
 * schedules exactly one more), bounds every evaluation by an overall timeout, and publishes snapshots. A failed
 * evaluation is published as failed, carrying the folder's last good result only as `stale`.
 */
export class ChainController implements vscode.Disposable {
  private snapshot: ChainSnapshot;
  private readonly changed = new vscode.EventEmitter<ChainSnapshot>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private running: Promise<void> | undefined;
  private rerunReasons: string[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private fileWatcher: SignInFileWatcher | undefined;
  private cancel = new AbortController();
  private started = false;
  private disposed = false;
  private principalNames: PrincipalNames = new Map();
  /** The last finished check per folder (by URI; '' without a folder): what a failure shows as stale. */
  private readonly lastGood = new Map<string, CompletedCheck>();
  /** Folders whose latest check failed: re-checking them must not bring the old answer back to the status bar. */
  private readonly failedLast = new Set<string>();
  /** Inputs of the last evaluation, so Verify runs Python with exactly what the prediction used. */
  private lastInputs: {
    env: Record<string, string>; keywordArguments: KeywordArguments; folderKey: string; chained?: readonly ChainedMember[]; lone?: boolean;
    interpreter?: Extract<PythonFacts, { kind: 'answered' }>; workingDirectory?: string;
  } | undefined;
  /** The last Verify with Python, and the answer (verdict and identity) it verified. */
  private verified: { folderKey: string; answer: string; verified: NonNullable<CompletedCheck['verified']> } | undefined;
  /** Secret values of the last environment, so messages that quote them can be redacted. */
  private secrets: readonly string[] = [];
  /** The interpreter file being watched: a deleted venv shows as such without waiting for another trigger. */
  private watchedInterpreter: { path: string; listener: (current: Stats, previous: Stats) => void } | undefined;

  constructor(
    private readonly engine: () => Promise<ChainEngineAdapter>,
    private readonly python: PythonEnvironment,
    private readonly folders: FolderScopeTracker,
    private readonly allowedHosts: AllowedHosts,
    private readonly log: vscode.LogOutputChannel,
    /** The code's own DefaultAzureCredential(...) call, when the editor shows one; settings override it. */
    private readonly code?: CodeCredentials,
  ) {
    this.snapshot = { phase: 'idle', scope: this.scopeOf(folders.current()) };
  }

  get current(): ChainSnapshot {
    return this.snapshot;
  }

  /** The folder the snapshot describes. */
  get folder(): vscode.WorkspaceFolder | undefined {
    return this.folders.current().folder;
  }

  /**
   * The environment and process timeout of the latest check of `folderKey`'s folder, for the Access view's credential
   * (the same inputs Python's source gets); undefined before such a check.
   */
  sourceInputs(folderKey: string): { env: Readonly<Record<string, string>>; processTimeoutSeconds: number | undefined } | undefined {
    if (!this.lastInputs || this.lastInputs.folderKey !== folderKey) return undefined;
    return { env: this.lastInputs.env, processTimeoutSeconds: this.lastInputs.keywordArguments.processTimeoutSeconds };
  }

  /** The code's call the chain models (DefaultAzureCredential's or a ChainedTokenCredential), when it is in this folder. */
  private modelledCall(folderKey: string): ModelledCall | undefined {
    const modelled = this.code?.current();
    if (!modelled) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(modelled.uri)?.uri.toString() ?? '';
    return folder === folderKey ? modelled : undefined;
  }

  /** Secret values known from the environment of the last check (never logged; for redaction only). */
  knownSecrets(): readonly string[] {
    return this.secrets;
  }

  /**
   * Starts watching and runs the first evaluation. Called after activation when `checkOnStartup` is on, else
   * by the first Refresh; until then the view shows its welcome content.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    const home = process.env.HOME || homedir();
    this.fileWatcher = new SignInFileWatcher(home, (changes) =>
      this.request(`sign-in files changed: ${changes.map((c) => c.path.replace(home, '~')).join(', ')}`));
    this.fileWatcher.start();
    this.log.info(`Watching sign-in files under ${home}: ${this.fileWatcher.watchedFolders().join(', ') || '(none yet; watching HOME for them)'}`);

    const envWatcher = vscode.workspace.createFileSystemWatcher('**/.env*');
    this.disposables.push(
      envWatcher,
      envWatcher.onDidChange((u) => this.request(`${vscode.workspace.asRelativePath(u)} changed`)),
      envWatcher.onDidCreate((u) => this.request(`${vscode.workspace.asRelativePath(u)} created`)),
      envWatcher.onDidDelete((u) => this.request(`${vscode.workspace.asRelativePath(u)} deleted`)),
      this.python.onDidChange((why) => this.request(why)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsCheck(e, this.folder)) this.request('settings changed');
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.request('the workspace is now trusted')),
      this.folders.onDidChange((described) => this.folderChanged(described)),
      this.allowedHosts.onDidChange(() => this.request('the hosts allowed for checks changed')),
      ...(this.code ? [this.code.onDidChange((why) => this.request(why))] : []),
    );
    this.code?.start();
    this.request('first check');
  }

  /** Asks for a fresh evaluation; bursts of requests collapse into one. */
  request(reason: string): void {
    this.rerunReasons.push(reason);
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.runWhenIdle();
    }, DEBOUNCE_MS);
  }

  /** Runs now (or right after the current run) and resolves when the resulting snapshot is published. */
  async refreshNow(reason: string): Promise<ChainSnapshot> {
    this.start();
    this.rerunReasons.push(reason);
    await this.runWhenIdle();
    return this.snapshot;
  }

  private folderChanged(described: DescribedFolder): void {
    const scope = this.scopeOf(described);
    if (scope.folder?.uri !== this.snapshot.scope.folder?.uri) {
      this.request(`the view now describes ${scope.folder ? `the folder ${scope.folder.name}` : 'no folder'}`);
      return;
    }
    // Same folder, another reason for it (chosen / active editor): only the wording changes.
    this.publish({ ...this.snapshot, scope });
  }

  private scopeOf(described: DescribedFolder): SnapshotScope {
    return { trusted: vscode.workspace.isTrusted, folder: described.scope, multiRoot: described.multiRoot };
  }

  private async runWhenIdle(): Promise<void> {
    while (this.running) await this.running;
    if (this.rerunReasons.length === 0) return;
    const reasons = this.rerunReasons;
    this.rerunReasons = [];
    this.running = this.evaluate(reasons).finally(() => { this.running = undefined; });
    await this.running;
    if (this.rerunReasons.length && !this.debounce) await this.runWhenIdle();
  }

  private publish(next: ChainSnapshot): void {
    if (this.disposed) return;
    this.snapshot = namedSnapshot(next, this.principalNames);
    this.changed.fire(this.snapshot);
  }

  /**
   * Microsoft Graph's name for an application identity (from the Access view): the rows, status bar and lenses show it
   * instead of the app id, from now on and at once when the current check signed in as that app.
   */
  namePrincipal(appId: string, displayName: string): void {
    if (this.principalNames.get(appId) === displayName) return;
    this.principalNames = withName(this.principalNames, appId, displayName);
    const named = namedSnapshot(this.snapshot, this.principalNames);
    if (named !== this.snapshot) this.publish(named);
  }

  private async evaluate(reasons: string[]): Promise<void> {
    const started = Date.now();
    const abort = new AbortController();
    this.cancel = abort;
    const described = this.folders.current();
    const scope = this.scopeOf(described);
    const folderKey = scope.folder?.uri ?? '';
    const previous = this.lastGood.get(folderKey);
    const shownWhileProbing = this.failedLast.has(folderKey) ? undefined : previous;
    const settings = readSettings(described.folder);
    const timeoutMs = checkTimeoutMs(settings);
    const progress: Progress = { stage: 'interpreter', interpreter: undefined, python: undefined };
    // Once the race is decided, a check that is still running (it ignored the abort) must not publish any more.
    let settled = false;
    const publishProbing = (finished: ReadonlyMap<CredentialName, SourceStatus>, order: readonly CredentialName[], chained?: ChainedCallScope) => {
      if (!settled) {
        this.publish({
          phase: 'probing', scope, interpreter: progress.interpreter, python: progress.python, order, finished, previous: shownWhileProbing,
          ...(chained ? { chained } : {}),
        });
      }
    };
    this.log.info(`Checking the credential chain${scope.multiRoot && scope.folder ? ` of ${scope.folder.name}` : ''} (${[...new Set(reasons)].join('; ')})`);
    publishProbing(new Map(), previous?.report.sources.map((s) => s.credential) ?? [], previous?.chained);

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new CheckTimedOut(Math.round(timeoutMs / 1000), progress.stage));
        abort.abort();
      }, timeoutMs);
    });
    try {
      const check = await Promise.race([
        this.check(described.folder, settings, abort.signal, progress, folderKey, publishProbing),
        timedOut,
      ]);
      settled = true;
      this.lastGood.set(folderKey, check);
      this.failedLast.delete(folderKey);
      const verified = this.verified?.folderKey === folderKey && this.verified.answer === answerKey(check.report) ? this.verified.verified : undefined;
      this.publish({ phase: 'ready', scope, check: verified ? { ...check, verified } : check });
      const verdict = check.report.verdict;
      this.log.info(`Verdict: ${verdict.outcome}${verdict.credential ? ` at ${verdict.credential}` : ''} (azure-identity ${check.report.azureIdentityVersion}, ${Date.now() - started} ms)`);
      this.armExpiryTimer(check);
    } catch (error) {
      settled = true;
      if (this.disposed) return;
      this.failedLast.add(folderKey);
      let failure: EvaluationFailure;
      if (error instanceof CheckTimedOut) {
        failure = { kind: 'timeout', seconds: error.seconds, during: error.during };
      } else if (error instanceof InterpreterUnusable) {
        failure = { kind: 'interpreter', message: error.message };
      } else {
        failure = { kind: 'engine', message: redactSecrets(error instanceof Error ? error.message : String(error), this.secrets) };
      }
      this.log.error(`The check failed: ${failureReason(failure)}`
        + (previous ? ` (the view marks the result from ${formatClock(previous.checkedAt)} as stale)` : ''));
      this.publish({
        phase: 'failed', scope, interpreter: progress.interpreter, python: progress.python, failure, failedAt: Date.now(), stale: previous,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** One evaluation: interpreter, environment, azure-identity version, then every source. */
  private async check(
    folder: vscode.WorkspaceFolder | undefined,
    settings: FolderSettings,
    signal: AbortSignal,
    progress: Progress,
    folderKey: string,
    publishProbing: (finished: ReadonlyMap<CredentialName, SourceStatus>, order: readonly CredentialName[], chained?: ChainedCallScope) => void,
  ): Promise<CompletedCheck> {
    const engine = await this.engine();
    const trusted = vscode.workspace.isTrusted;
    const interpreter = await this.python.interpreter(folder, settings);
    progress.interpreter = interpreter;
    this.watchInterpreter(interpreter.path);
    const previousCheck = this.lastGood.get(folderKey);
    publishProbing(new Map(), previousCheck?.report.sources.map((s) => s.credential) ?? [], previousCheck?.chained);
    const env = await this.environment(folder, trusted, settings, engine, signal);
    this.secrets = secretsOf(env);

    let python: PythonFacts;
    if (trusted) {
      python = await this.askInterpreter(engine, interpreter, env, signal);
      progress.python = python;
      if (python.kind === 'unusable') {
        this.log.warn(`Interpreter ${interpreter.path} (${interpreter.source}): ${python.message}`);
        throw new InterpreterUnusable(python, python.reason === 'missing'
          ? vscode.l10n.t('the interpreter {0} does not exist', interpreter.path)
          : vscode.l10n.t('the interpreter {0} cannot be run', interpreter.path));
      }
      if (python.kind === 'answered') {
        this.log.info(`Interpreter ${interpreter.path} (${interpreter.source}): azure-identity ${python.azureIdentityVersion ?? 'not installed'}${python.brokerInstalled ? ', broker installed' : ''}`);
        const track1 = python.track1Packages ?? [];
        if (track1.length) this.log.warn(`  track-1 libraries, which fail with DefaultAzureCredential: ${track1.map((p) => `${p.name} ${p.version}`).join(', ')}`);
      }
    } else {
      python = { kind: 'untrusted', interpreter };
      progress.python = python;
    }
    const version = python.kind === 'answered' ? python.azureIdentityVersion ?? undefined : undefined;
    // The same facts the CLI passes (broker package and runtime, msal's version): one engine input for both.
    const interpreterFacts = python.kind === 'answered' ? python : undefined;
    // The code's ChainedTokenCredential(...) is checked in its own order, without DefaultAzureCredential's settings.
    const modelled = this.modelledCall(folderKey);
    // A credential built on its own is checked as the one member, and raises its own error.
    const chainedCall = modelled && 'members' in modelled ? modelled : undefined;
    const lone = chainedCall !== undefined && 'lone' in chainedCall;
    const chained: ChainedCallScope | undefined = chainedCall && {
      where: `${vscode.workspace.asRelativePath(chainedCall.uri)}:${chainedCall.line + 1}`,
      members: engine.chainedMemberTexts(chainedCall.members),
      ignoredSettings: setDefaultAzureCredentialKeys(settings.defaultAzureCredential),
      ...(lone ? { lone } : {}),
    };
    const order = engine.chainOrder(version, chainedCall?.members);
    progress.stage = 'sources';
    const finished = new Map<CredentialName, SourceStatus>();
    publishProbing(new Map(finished), order, chained);

    const keywordArguments: KeywordArguments = chainedCall ? {}
      : withCodeKeywords(modelled?.credential === 'DefaultAzureCredential' ? modelled.keywords.keywordArguments : undefined, keywordArgumentsFromSettings(settings.defaultAzureCredential));
    this.lastInputs = {
      env, keywordArguments, folderKey,
      ...(chainedCall ? { chained: chainedCall.members } : {}),
      ...(lone ? { lone } : {}),
      ...(interpreterFacts ? { interpreter: interpreterFacts } : {}),
      ...(folder ? { workingDirectory: folder.uri.fsPath } : {}),
    };
    const allowedHosts = this.allowedHosts.list();
    // PATH as VS Code's own environment has it: az, azd or pwsh that only the workspace's .env puts on PATH is not run
    // unless the developer allowed that program.
    const trustedPath = definedEnvironment(process.env).PATH ?? '';
    const report = await engine.evaluate({
      env, keywordArguments, interpreter: interpreterFacts, allowedHosts, signal,
      ...(chainedCall ? { chained: chainedCall.members } : {}),
      ...(lone ? { lone } : {}),
      trustedPath, allowedPrograms: this.allowedHosts.programs(),
      ...(folder ? { workingDirectory: folder.uri.fsPath } : {}),
      onSourceDone: (credential, elapsedMs, status) => {
        finished.set(credential, status);
        this.log.info(`  ${credential}: ${status} in ${elapsedMs} ms`);
        publishProbing(new Map(finished), order, chained);
      },
    });
    return { report, python, checkedAt: Date.now(), ...(chained ? { chained } : {}) };
  }

  /**
   * The last check of `folderKey`'s folder again, with these sources' exclusions dropped (as if their exclude_*
   * keywords were not written): what the chain would find without them. Nothing is published; undefined when the
   * last check was of another folder.
   */
  async recheckWithout(folderKey: string, credentials: readonly CredentialName[], signal: AbortSignal): Promise<ChainReport | undefined> {
    const inputs = this.lastInputs;
    if (!inputs || inputs.folderKey !== folderKey) return undefined;
    const exclude = { ...inputs.keywordArguments.exclude };
    for (const credential of credentials) delete exclude[credential];
    const engine = await this.engine();
    return engine.evaluate({
      env: inputs.env, keywordArguments: { ...inputs.keywordArguments, exclude }, interpreter: inputs.interpreter,
      ...(inputs.chained ? { chained: inputs.chained } : {}),
      ...(inputs.lone ? { lone: true } : {}),
      allowedHosts: this.allowedHosts.list(), trustedPath: definedEnvironment(process.env).PATH ?? '',
      allowedPrograms: this.allowedHosts.programs(), signal,
      ...(inputs.workingDirectory ? { workingDirectory: inputs.workingDirectory } : {}),
    });
  }

  /** Runs the interpreter once to learn its azure-identity, or says why it cannot be run. */
  private async askInterpreter(
    engine: ChainEngineAdapter, interpreter: InterpreterChoice, env: Record<string, string>, signal: AbortSignal,
  ): Promise<PythonFacts> {
    // A path that names a file that is gone (a deleted venv) gets a plain answer without starting anything.
    if ((isAbsolute(interpreter.path) || interpreter.path.includes('/')) && !(await pathExists(interpreter.path))) {
      return { kind: 'unusable', interpreter, reason: 'missing', message: vscode.l10n.t('{0} does not exist', interpreter.path) };
    }
    const facts = await engine.detectPython(interpreter.path, env, signal);
    if (facts.problem) {
      const missing = /not found|ENOENT/i.test(facts.problem);
      return { kind: 'unusable', interpreter, reason: missing ? 'missing' : 'cannotRun', message: redactSecrets(facts.problem, this.secrets) };
    }
    const { problem: _problem, ...answered } = facts;
    return { kind: 'answered', interpreter, ...answered };
  }

  /**
   * Runs the real azure-identity in the interpreter with the inputs of the check that produced `snapshot` (the
   * latest one), and compares.
   */
  async verifyWithPython(snapshot: ReadySnapshot, signal: AbortSignal): Promise<Verification> {
    const { report, python } = snapshot.check;
    if (!this.lastInputs || this.lastInputs.folderKey !== (snapshot.scope.folder?.uri ?? '')) {
      throw new Error(vscode.l10n.t('the inputs of the last check are not known; refresh and try again'));
    }
    if (python.kind !== 'answered') throw new Error(vscode.l10n.t('Restricted Mode does not allow running the workspace interpreter'));
    if (!python.azureIdentityVersion) throw new Error(vscode.l10n.t('azure-identity is not installed in {0}', python.interpreter.path));
    const engine = await this.engine();
    const { env, keywordArguments, chained, lone } = this.lastInputs;
    // A ChainedTokenCredential is run as the code builds it; a member the source cannot tell cannot be built.
    const unknown = chained?.findIndex((member) => member.kind === 'unknown') ?? -1;
    if (unknown >= 0 && snapshot.check.chained) {
      throw new Error(vscode.l10n.t('member {0} of the ChainedTokenCredential at {1} is not known from the source, so Python cannot build it here', unknown + 1, snapshot.check.chained.where));
    }
    const verification = await engine.verify({
      env, keywordArguments, interpreterPath: python.interpreter.path, report,
      ...(chained ? { chained } : {}),
      ...(lone ? { lone } : {}),
      interpreter: python, allowedHosts: this.allowedHosts.list(), signal,
    });
    // The answer stays in the view (a row under the Python row) while later checks of this folder give the same answer.
    const folderKey = snapshot.scope.folder?.uri ?? '';
    this.verified = { folderKey, answer: answerKey(report), verified: { at: Date.now(), verification } };
    const now = this.snapshot;
    if (now.phase === 'ready' && (now.scope.folder?.uri ?? '') === folderKey && answerKey(now.check.report) === this.verified.answer) {
      this.publish({ ...now, check: { ...now.check, verified: this.verified.verified } });
    }
    return verification;
  }

  /** The environment the user's Python code gets: the process environment plus the Python side's variables. */
  private async environment(
    folder: vscode.WorkspaceFolder | undefined, trusted: boolean, settings: FolderSettings, engine: ChainEngineAdapter, signal: AbortSignal,
  ): Promise<Record<string, string>> {
    const base = definedEnvironment(process.env);
    if (!trusted) return base;
    const fromPythonExtension = await this.python.pythonExtensionVariables(folder);
    if (fromPythonExtension) return { ...base, ...fromPythonExtension };
    const envFile = this.python.envFile(folder, settings);
    // No .env is the usual case, not an error: Python's code then sees the process environment alone.
    if (!envFile || !(await pathExists(envFile.fsPath))) return base;
    return engine.withDotEnv(base, envFile.fsPath, signal);
  }

  /**
   * Polls the interpreter file's existence (one stat every 2 s). Interpreters usually live outside the workspace
   * (a venv elsewhere, a pyenv shim), where VS Code's file watcher does not reliably report a deleted folder, and
   * polling also sees the file come back.
   */
  private watchInterpreter(path: string): void {
    if (!isAbsolute(path) || this.watchedInterpreter?.path === path) return;
    this.unwatchInterpreter();
    const listener = (current: Stats, previous: Stats) => {
      const existed = previous.nlink > 0 || previous.mtimeMs > 0;
      const exists = current.nlink > 0 || current.mtimeMs > 0;
      if (existed !== exists) this.request(`the interpreter ${path} was ${exists ? 'created' : 'deleted'}`);
    };
    watchFile(path, { interval: 2_000, persistent: false }, listener);
    this.watchedInterpreter = { path, listener };
  }

  private unwatchInterpreter(): void {
    if (this.watchedInterpreter) unwatchFile(this.watchedInterpreter.path, this.watchedInterpreter.listener);
    this.watchedInterpreter = undefined;
  }

  private armExpiryTimer(check: CompletedCheck): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const active = activeSource(check.report);
    if (!active?.expiresOn) return;
    const due = new Date(active.expiresOn).getTime() + EXPIRY_GRACE_MS - Date.now();
    if (Number.isNaN(due)) return;
    this.expiryTimer = setTimeout(() => {
      if (due > MAX_TIMER_MS) this.armExpiryTimer(check);
      else this.request('the active token expired');
    }, Math.max(1_000, Math.min(due, MAX_TIMER_MS)));
  }

  dispose(): void {
    this.disposed = true;
    this.cancel.abort();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.fileWatcher?.dispose();
    this.unwatchInterpreter();
    for (const d of this.disposables) d.dispose();
  }
}

/** What a verification vouches for: the verdict and the identity behind it; a check with another answer drops it. */
function answerKey(report: ChainReport): string {
  const active = report.sources.find((source) => source.decisive);
  return JSON.stringify([report.azureIdentityVersion, report.verdict.outcome, report.verdict.credential, active?.identity ?? null]);
}
