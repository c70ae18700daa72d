import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { SignInFileWatcher } from '../core/watch/signInFiles';
import { INITIAL_SNAPSHOT, type ChainSnapshot, type PythonFacts } from './chainState';
import type { ChainEngineAdapter } from '../core/engineFacade';
import { isCredentialName, type CredentialName, type KeywordArguments, type Verification } from '../core/chain/types';
import type { PythonEnvironment } from './pythonEnvironment';

const DEBOUNCE_MS = 150;
/** Re-check a little after the active token expires, when the tool will have refreshed it (or not). */
const EXPIRY_GRACE_MS = 5_000;
/** setTimeout's limit; longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Owns the one source of truth, the ChainSnapshot. Decides when to probe (sign-in files, `.env`, the Python
 * extension's events, settings, trust, the active token's expiry, manual refresh), never runs two evaluations
 * at once (a trigger during a run schedules exactly one more), and publishes snapshots to the views.
 */
export class ChainController implements vscode.Disposable {
  private snapshot: ChainSnapshot = INITIAL_SNAPSHOT;
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
  /** Inputs of the last evaluation, so Verify runs Python with exactly what the prediction used. */
  private lastInputs: { env: Record<string, string>; keywordArguments: KeywordArguments } | undefined;

  constructor(
    private readonly engine: () => Promise<ChainEngineAdapter>,
    private readonly python: PythonEnvironment,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get current(): ChainSnapshot {
    return this.snapshot;
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
        if (e.affectsConfiguration('azureDevAuth') || e.affectsConfiguration('python.envFile')) this.request('settings changed');
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.request('the workspace is now trusted')),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.request('workspace folders changed')),
    );
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

  private async runWhenIdle(): Promise<void> {
    while (this.running) await this.running;
    if (this.rerunReasons.length === 0) return;
    const reasons = this.rerunReasons;
    this.rerunReasons = [];
    this.running = this.evaluate(reasons).finally(() => { this.running = undefined; });
    await this.running;
    if (this.rerunReasons.length && !this.debounce) await this.runWhenIdle();
  }

  private publish(next: Partial<ChainSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...next };
    this.changed.fire(this.snapshot);
  }

  private async evaluate(reasons: string[]): Promise<void> {
    const started = Date.now();
    this.cancel = new AbortController();
    const signal = this.cancel.signal;
    this.log.info(`Checking the credential chain (${[...new Set(reasons)].join('; ')})`);
    try {
      const engine = await this.engine();
      const trusted = vscode.workspace.isTrusted;
      const folder = vscode.workspace.workspaceFolders?.[0];
      const interpreter = await this.python.interpreter(folder?.uri);
      const env = await this.environment(folder, trusted);
      let python: PythonFacts | undefined;
      if (trusted) {
        const facts = await engine.detectPython(interpreter.path, env, signal);
        python = { interpreter, ...facts };
        this.log.info(`Interpreter ${interpreter.path} (${interpreter.source}): ${facts.problem ? `problem: ${facts.problem}` : `azure-identity ${facts.azureIdentityVersion ?? 'not installed'}${facts.brokerInstalled ? ', broker installed' : ''}`}`);
      } else {
        python = { interpreter, azureIdentityVersion: null, brokerInstalled: false, problem: undefined };
      }
      const version = trusted ? python.azureIdentityVersion ?? undefined : undefined;
      const order = engine.chainOrder(version);
      this.publish({ phase: 'probing', trusted, python, probing: new Set(order), pendingOrder: order, error: undefined });

      const probing = new Set(order);
      const keywordArguments = this.keywordArguments(folder);
      this.lastInputs = { env, keywordArguments };
      const report = await engine.evaluate({
        env, keywordArguments, azureIdentityVersion: version,
        brokerInstalled: python.brokerInstalled, signal,
        onSourceDone: (credential, elapsedMs, status) => {
          probing.delete(credential);
          this.log.info(`  ${credential}: ${status} in ${elapsedMs} ms`);
          this.publish({ probing: new Set(probing) });
        },
      });
      this.publish({ phase: 'ready', report, probing: new Set(), checkedAt: Date.now() });
      this.log.info(`Verdict: ${report.verdict.outcome}${report.verdict.credential ? ` at ${report.verdict.credential}` : ''} (azure-identity ${report.azureIdentityVersion}, ${Date.now() - started} ms)`);
      this.armExpiryTimer();
    } catch (error) {
      if (signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`The chain could not be checked: ${message}`);
      this.publish({ phase: 'error', error: message, probing: new Set() });
    }
  }

  /** Runs the real azure-identity in the interpreter with the inputs of a fresh evaluation, and compares. */
  async verifyWithPython(signal: AbortSignal): Promise<Verification> {
    const snapshot = await this.refreshNow('verify with Python');
    const report = snapshot.report;
    const python = snapshot.python;
    if (!report || !python || !this.lastInputs) throw new Error(snapshot.error ?? 'the chain could not be checked');
    if (!snapshot.trusted) throw new Error('Restricted Mode does not allow running the workspace interpreter');
    if (!python.azureIdentityVersion) throw new Error(`azure-identity is not installed in ${python.interpreter.path}`);
    const engine = await this.engine();
    return engine.verify({
      ...this.lastInputs, interpreter: python.interpreter.path, report,
      azureIdentityVersion: python.azureIdentityVersion, brokerInstalled: python.brokerInstalled, signal,
    });
  }

  /** The environment the user's Python code gets: the process environment plus the Python side's variables. */
  private async environment(folder: vscode.WorkspaceFolder | undefined, trusted: boolean): Promise<Record<string, string>> {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (typeof v === 'string') base[k] = v;
    if (!trusted) return base;
    const fromPythonExtension = await this.python.pythonExtensionVariables(folder?.uri);
    if (fromPythonExtension) return { ...base, ...fromPythonExtension };
    const envFile = this.python.envFile(folder);
    // No .env is the usual case, not an error: Python's code then sees the process environment alone.
    if (!envFile || !existsSync(envFile.fsPath)) return base;
    const engine = await this.engine();
    return engine.withDotEnv(base, envFile.fsPath);
  }

  private keywordArguments(folder: vscode.WorkspaceFolder | undefined): KeywordArguments {
    const config = vscode.workspace.getConfiguration('azureDevAuth.defaultAzureCredential', folder?.uri);
    const exclude: Partial<Record<CredentialName, boolean>> = {};
    for (const key of Object.keys(config)) {
      const match = /^exclude([A-Za-z]+Credential)$/.exec(key);
      const value = config.get<boolean | null>(key, null);
      if (match && isCredentialName(match[1]!) && typeof value === 'boolean') exclude[match[1]] = value;
    }
    const processTimeout = config.get<number | null>('processTimeout', null);
    return { exclude, processTimeoutSeconds: typeof processTimeout === 'number' && processTimeout > 0 ? processTimeout : undefined };
  }

  private armExpiryTimer(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const report = this.snapshot.report;
    const active = report?.verdict.outcome === 'token' ? report.sources.find((s) => s.credential === report.verdict.credential) : undefined;
    if (!active?.expiresOn) return;
    const due = new Date(active.expiresOn).getTime() + EXPIRY_GRACE_MS - Date.now();
    if (Number.isNaN(due)) return;
    this.expiryTimer = setTimeout(() => {
      if (due > MAX_TIMER_MS) this.armExpiryTimer();
      else this.request('the active token expired');
    }, Math.max(1_000, Math.min(due, MAX_TIMER_MS)));
  }

  dispose(): void {
    this.cancel.abort();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.fileWatcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
