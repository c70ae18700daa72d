import * as vscode from 'vscode';
import type { EngineFacade } from '../core/engineFacade';
import type { AccessProblem } from '../core/access/types';
import {
  accessTarget, subjectKey, type AccessFailure, type AccessSnapshot, type AccessSubject, type CompletedAccess,
} from '../core/presentation/accessSnapshot';
import { displayName } from '../core/presentation/chainRows';
import { definedEnvironment } from '../core/presentation/settings';
import { currentReport, type ChainSnapshot, type SnapshotScope } from '../core/presentation/snapshot';
import { redactSecrets } from '../core/redact';
import type { AllowedHosts } from './allowedHosts';
import type { ChainController } from './chainController';
import { ContextKeys } from './ids';
import { affectsAccess, readAccessSettings, readProxySettings } from './settings';
import { MICROSOFT_PROVIDER, VsCodeAccountCredential, type MicrosoftAuthentication } from './vscodeAccount';

/** VS Code's Microsoft authentication provider; getSession never opens a dialog (createIfNone: false). */
function vscodeMicrosoftAuthentication(): MicrosoftAuthentication {
  return {
    getAccounts: () => vscode.authentication.getAccounts(MICROSOFT_PROVIDER),
    getSession: (scopes, account) => vscode.authentication.getSession(MICROSOFT_PROVIDER, scopes, { account, createIfNone: false }),
  };
}

/** Bursts (a sign-in writes several files, the chain re-checks) collapse into one load. */
const DEBOUNCE_MS = 250;
/** Every request has its own timeout; this bounds a whole load, so the view never spins for ever. */
const LOAD_TIMEOUT_MS = 120_000;
/** azure-identity's default process_timeout for az, azd and Azure PowerShell. */
const DEFAULT_PROCESS_TIMEOUT_SECONDS = 10;

function sameScope(a: SnapshotScope, b: SnapshotScope): boolean {
  return a.trusted === b.trusted && a.multiRoot === b.multiRoot && a.folder?.uri === b.folder?.uri && a.folder?.choice === b.folder?.choice;
}

function workspaceFolder(uri: string): vscode.WorkspaceFolder | undefined {
  return uri ? vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === uri) : undefined;
}

/**
 * Owns the Access view's snapshot. Follows the chain controller: when the active source or its identity (credential,
 * object id, tenant) changes, it cancels the load in flight and starts one after a short debounce; it never polls.
 * Loads run only while the view is visible (a change while it is hidden loads when it is shown again), with the
 * chain's inputs (environment with `.env`, process timeout, hosts allowed for secrets), and at most one at a time.
 */
export class AccessController implements vscode.Disposable {
  private snapshot: AccessSnapshot;
  private readonly changed = new vscode.EventEmitter<AccessSnapshot>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** The identity the view should describe; undefined when the chain yields none. */
  private subject: AccessSubject | undefined;
  /** The key of the subject whose load started last; another key means a load is due. */
  private loadedKey: string | undefined;
  private dueReason = '';
  private inFlight: { abort: AbortController; done: Promise<void> } | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private visible = false;
  /** The last report, with the key of its subject: shown again only for that same subject (refreshing, or stale). */
  private lastGood: { key: string; access: CompletedAccess } | undefined;
  /** A `.env` changed or trust was granted: the next answer of the chain reloads even for the same identity. */
  private referencesChanged = false;
  private disposed = false;
  /** Check Access for…: the principal shown instead of the active identity, until Back to My Access. */
  private other: { readonly objectId: string; readonly label: string } | undefined;

  constructor(
    private readonly engine: () => Promise<EngineFacade>,
    private readonly chain: ChainController,
    private readonly allowedHosts: AllowedHosts,
    private readonly log: vscode.LogOutputChannel,
    /** VS Code's Microsoft sign-in, for the VisualStudioCodeCredential source. */
    private readonly microsoft: MicrosoftAuthentication = vscodeMicrosoftAuthentication(),
  ) {
    this.snapshot = { phase: 'idle', scope: chain.current.scope };
    // The chain controller watches `.env` too and checks again; the flag makes its answer reload the insights.
    const envWatcher = vscode.workspace.createFileSystemWatcher('**/.env*');
    const filesChanged = () => { this.referencesChanged = true; };
    this.disposables.push(
      chain.onDidChange((snapshot) => this.follow(snapshot)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.subject && affectsAccess(e, workspaceFolder(this.subject.folderUri))) this.schedule('the Access settings changed');
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(filesChanged),
      envWatcher, envWatcher.onDidChange(filesChanged), envWatcher.onDidCreate(filesChanged), envWatcher.onDidDelete(filesChanged),
    );
  }

  get current(): AccessSnapshot {
    return this.snapshot;
  }

  /** The principal shown instead of the active identity, if any. */
  get otherPrincipal(): { readonly objectId: string; readonly label: string } | undefined {
    return this.other;
  }

  /** Shows this principal's access (read with the active source's token) until backToMine(). */
  async checkAccessFor(principal: { readonly objectId: string; readonly label: string }): Promise<void> {
    this.other = principal;
    void vscode.commands.executeCommand('setContext', ContextKeys.accessForOther, true);
    if (!this.subject) await this.chain.refreshNow('Check Access for…');
    if (!this.subject) return;
    this.subject = { ...this.subject, principal };
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    this.dueReason = `Check Access for ${principal.label}`;
    this.cancel();
    await this.startLoad();
  }

  /** Back to the active identity's access, in one step. */
  async backToMine(): Promise<void> {
    if (!this.other) return;
    this.other = undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.accessForOther, false);
    if (!this.subject) return;
    const { principal: _shown, ...mine } = this.subject;
    this.subject = mine;
    this.cancel();
    this.dueReason = 'back to the active identity';
    await this.startLoad();
  }

  /** The view is shown or hidden: a load that became due while it was hidden starts now. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.subject && this.loadedKey !== subjectKey(this.subject) && !this.debounce && !this.inFlight) {
      this.debounce = setTimeout(() => { this.debounce = undefined; void this.startLoad(); }, 0);
    }
  }

  /** Loads again now (the role definitions too), whether or not the view is visible; resolves when it is shown. */
  async refresh(reason: string): Promise<void> {
    (await this.engine()).clearAccessCache();
    if (!this.subject) await this.chain.refreshNow(`${reason} of the Access view`);
    if (!this.subject) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    this.dueReason = reason;
    await this.startLoad();
  }

  private publish(next: AccessSnapshot): void {
    if (this.disposed) return;
    this.snapshot = next;
    this.changed.fire(next);
  }

  private follow(chain: ChainSnapshot): void {
    const target = accessTarget(chain);
    switch (target.kind) {
      case 'wait':
        // Only the wording of the folder may change while the chain is being checked.
        if (!sameScope(this.snapshot.scope, chain.scope)) this.publish({ ...this.snapshot, scope: chain.scope });
        return;
      case 'idle':
      case 'none':
        this.cancel();
        this.subject = undefined;
        this.loadedKey = undefined;
        if (target.kind === 'idle') this.publish({ phase: 'idle', scope: chain.scope });
        else {
          if (this.snapshot.phase !== 'no-source') this.log.info(`Access view: no identity to describe (${target.why.kind === 'checkFailed' ? target.why.reason : target.why.headline})`);
          this.publish({ phase: 'no-source', scope: chain.scope, why: target.why });
        }
        return;
      case 'subject': {
        const subject = this.other ? { ...target.subject, principal: this.other } : target.subject;
        const key = subjectKey(subject);
        const same = this.subject !== undefined && subjectKey(this.subject) === key;
        this.subject = subject;
        // The same identity answered again: nothing to load, unless the last load failed or the files naming
        // resources changed (a new sign-in of the same user fixes an expired one, a new .env names new resources).
        if (same && this.loadedKey === key && this.snapshot.phase !== 'failed' && !this.referencesChanged) {
          if (!sameScope(this.snapshot.scope, chain.scope)) this.publish({ ...this.snapshot, scope: chain.scope });
          return;
        }
        this.referencesChanged = false;
        this.schedule(same ? 'the credential chain answered again' : `Python now signs in as ${target.subject.who} through ${displayName(target.subject.source)}`);
        return;
      }
      default: {
        const never: never = target;
        throw new Error(`unexpected target ${JSON.stringify(never)}`);
      }
    }
  }

  /** A load is due: the one in flight is cancelled, and the new one starts after the debounce (once visible). */
  private schedule(reason: string): void {
    const subject = this.subject;
    if (!subject) return;
    this.dueReason = reason;
    this.loadedKey = undefined;
    this.cancel();
    const key = subjectKey(subject);
    this.publish({ phase: 'loading', scope: this.chain.current.scope, subject, previous: this.lastGood?.key === key ? this.lastGood.access : undefined, throttled: undefined });
    if (!this.visible) return;
    this.debounce = setTimeout(() => { this.debounce = undefined; void this.startLoad(); }, DEBOUNCE_MS);
  }

  private cancel(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    this.inFlight?.abort.abort();
    this.inFlight = undefined;
  }

  private startLoad(): Promise<void> {
    const subject = this.subject;
    if (!subject || this.disposed) return Promise.resolve();
    this.inFlight?.abort.abort();
    const abort = new AbortController();
    const key = subjectKey(subject);
    this.loadedKey = key;
    const done = this.load(subject, key, this.dueReason || 'first load', abort).finally(() => {
      if (this.inFlight?.abort === abort) this.inFlight = undefined;
    });
    this.inFlight = { abort, done };
    return done;
  }

  private async load(subject: AccessSubject, key: string, reason: string, abort: AbortController): Promise<void> {
    const started = Date.now();
    const previous = this.lastGood?.key === key ? this.lastGood.access : undefined;
    const current = () => !abort.signal.aborted && !this.disposed;
    this.publish({ phase: 'loading', scope: this.chain.current.scope, subject, previous, throttled: undefined });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; abort.abort(); }, LOAD_TIMEOUT_MS);
    try {
      const engine = await this.engine();
      const folder = workspaceFolder(subject.folderUri);
      const inputs = this.chain.sourceInputs(subject.folderUri);
      const settings = readAccessSettings(folder);
      this.log.info(`Loading the access of ${subject.principal ? `${subject.principal.label}, read as ${subject.who},` : subject.who} through ${displayName(subject.source)} (${reason})`);
      const outcome = await engine.loadAccess({
        source: subject.source,
        env: inputs?.env ?? definedEnvironment(process.env),
        processTimeoutSeconds: inputs?.processTimeoutSeconds ?? DEFAULT_PROCESS_TIMEOUT_SECONDS,
        allowedHosts: this.allowedHosts.list(),
        ...this.vsCodeAccount(subject),
        cloudSetting: settings.cloud,
        subscriptions: settings.subscriptions,
        // Reading the workspace's files is for trusted workspaces only, as reading `.env` is.
        workspaceFolder: vscode.workspace.isTrusted && folder ? folder.uri.fsPath : undefined,
        signal: abort.signal,
        proxy: readProxySettings(),
        ...(subject.principal ? { principal: subject.principal.objectId } : {}),
        onProgress: (message) => {
          if (!current()) return;
          this.log.info(`  ${message}`);
          this.publish({ phase: 'loading', scope: this.chain.current.scope, subject, previous, throttled: message });
        },
      });
      if (!current()) return;
      if (outcome.ok) {
        const access: CompletedAccess = { report: outcome.report, cloud: outcome.cloud, loadedAt: Date.now() };
        this.lastGood = { key, access };
        this.publish({ phase: 'ready', scope: this.chain.current.scope, subject, access });
        const report = outcome.report;
        const assignments = new Set(report.subscriptions.flatMap((s) => s.scopes.flatMap(function ids(n): string[] {
          return [...n.assignments.map((a) => a.assignmentId), ...n.children.flatMap(ids)];
        }))).size;
        this.log.info(`Access of ${subject.who} (${outcome.cloud.name}): ${report.groups.count} groups, ${report.subscriptions.length} subscriptions, `
          + `${assignments} role assignments, ${report.insights.length} insights, ${report.problems.length + report.subscriptions.reduce((n, s) => n + s.problems.length, 0)} problems; `
          + `${report.requests} requests in ${Date.now() - started} ms`);
        for (const note of report.notes ?? []) this.log.warn(`  ${note}`);
      } else {
        this.fail(subject, key, outcome.failure);
      }
    } catch (error) {
      if (this.disposed) return;
      if (timedOut) {
        this.fail(subject, key, { kind: 'problem', problem: { kind: 'timeout', message: vscode.l10n.t('Loading the access did not finish within {0} s.', LOAD_TIMEOUT_MS / 1000), fix: vscode.l10n.t('Refresh; if it persists, check the network or proxy settings.') } });
        return;
      }
      // Cancelled: a newer load (another identity, a refresh) replaces this one and publishes its own snapshot.
      if (abort.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      this.fail(subject, key, { kind: 'problem', problem: { kind: 'failed', message: vscode.l10n.t('The access could not be loaded: {0}', message), fix: vscode.l10n.t('Refresh; the log has details.') } });
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(subject: AccessSubject, key: string, failure: AccessFailure): void {
    // Messages quote Azure and the tools; a secret of the environment must not reach the view or the log through them.
    const secrets = this.chain.knownSecrets();
    const redact = (problem: AccessProblem): AccessProblem => ({ ...problem, message: redactSecrets(problem.message, secrets), fix: redactSecrets(problem.fix, secrets) });
    const safe: AccessFailure = failure.kind === 'problem' ? { kind: 'problem', problem: redact(failure.problem) } : { kind: 'cloudSetting', message: redactSecrets(failure.message, secrets) };
    const stale = this.lastGood?.key === key ? this.lastGood.access : undefined;
    this.log.warn(`Loading the access of ${subject.who} failed: ${safe.kind === 'problem' ? `${safe.problem.message} (fix: ${safe.problem.fix})` : `azureDevAuth.cloud: ${safe.message}`}`
      + (stale ? ' (the view marks the earlier result as stale)' : ''));
    this.publish({ phase: 'failed', scope: this.chain.current.scope, subject, failure: safe, failedAt: Date.now(), stale });
  }

  /**
   * For the VisualStudioCodeCredential source: the same account (the chain's VS Code row names it) through VS Code's
   * Microsoft sign-in, as `{ vsCodeAccount }` to spread into the engine's request; `{}` for every other source.
   */
  vsCodeAccount(subject: AccessSubject): { vsCodeAccount?: VsCodeAccountCredential } {
    if (subject.source !== 'VisualStudioCodeCredential') return {};
    const report = currentReport(this.chain.current);
    const upn = report?.sources.find((s) => s.credential === 'VisualStudioCodeCredential')?.identity?.upn;
    return upn ? { vsCodeAccount: new VsCodeAccountCredential(this.microsoft, upn, subject.tenantId) } : {};
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
