import * as vscode from 'vscode';
import type { CredentialCall, ModelledKeywords } from '../../core/code/credentialCalls';
import type { LegacyUsage } from '../../core/code/legacyAuth';
import type { EngineFacade } from '../../core/engineFacade';
import type { ChainedMember } from '../../core/chain/chained';
import type { CredentialName } from '../../core/chain/types';

/** The `DefaultAzureCredential(...)`, `ChainedTokenCredential(...)` or lone credential call the Credential Chain view models, and where it is. */
export type ModelledCall = {
  readonly uri: vscode.Uri;
  /** 0-based line of the call. */
  readonly line: number;
} & (
  | { readonly credential: 'DefaultAzureCredential'; readonly keywords: ModelledKeywords }
  /** Its members in the order written: the chain checked instead of DefaultAzureCredential's. */
  | { readonly credential: 'ChainedTokenCredential'; readonly members: readonly ChainedMember[] }
  /** A credential built on its own (`AzureCliCredential(tenant_id=…)`): checked as the one member, raising its own error. */
  | { readonly credential: CredentialName; readonly members: readonly [ChainedMember]; readonly lone: true }
);

const PARSE_DEBOUNCE_MS = 300;
/** Larger documents are not parsed on every switch (generated or vendored code). */
const MAX_DOCUMENT_CHARS = 1_000_000;

/**
 * Reads the credential constructions of Python documents (through the engine's Python grammar, loaded on first use)
 * and decides which call the chain models (a `DefaultAzureCredential(...)`, a `ChainedTokenCredential(...)`, or a
 * credential built on its own when the file has neither): the first one in the active editor's file, staying
 * put while the developer looks at a file without one, or the one chosen with a lens. Tells the controller when that
 * call or its literal keyword arguments change (a switch of file, a save).
 */
export class CodeCredentials implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly calls = new Map<string, { version: number; facts: Promise<{ calls: CredentialCall[]; legacy: LegacyUsage[] }> }>();
  private modelled: ModelledCall | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly engine: () => Promise<EngineFacade>, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => this.schedule(editor?.document)),
      // Edits (typed, or the file changed on disk): re-read after a pause; the chain re-checks only if the call changed.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document || e.document.uri.toString() === this.modelled?.uri.toString()) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.calls.delete(document.uri.toString())),
    );
  }

  /** Starts following the active editor (after the first check started: the grammar loads with the engine). */
  start(): void {
    this.schedule(vscode.window.activeTextEditor?.document);
  }

  current(): ModelledCall | undefined {
    return this.modelled;
  }

  /** The credential constructions of a Python document, parsed once per version of it. */
  callsIn(document: vscode.TextDocument): Promise<CredentialCall[]> {
    return this.factsOf(document).then((facts) => facts.calls);
  }

  /**
   * The constructions the chain can model, in source order: DefaultAzureCredential's, ChainedTokenCredential's of
   * explicit credentials, and the credentials of a modelled class built on their own (not a chain's members).
   */
  async modellableIn(document: vscode.TextDocument): Promise<CredentialCall[]> {
    const calls = await this.callsIn(document);
    return calls.length ? (await this.engine()).modellableCalls(calls) : [];
  }

  /** The track-1 authentication of a Python document (from the same parse as its credentials). */
  legacyIn(document: vscode.TextDocument): Promise<LegacyUsage[]> {
    return this.factsOf(document).then((facts) => facts.legacy);
  }

  private factsOf(document: vscode.TextDocument): Promise<{ calls: CredentialCall[]; legacy: LegacyUsage[] }> {
    if (document.languageId !== 'python' || document.getText().length > MAX_DOCUMENT_CHARS) return Promise.resolve({ calls: [], legacy: [] });
    const key = document.uri.toString();
    const known = this.calls.get(key);
    if (known && known.version === document.version) return known.facts;
    const facts = this.engine().then((engine) => engine.readPythonFile(document.getText())).catch((error: unknown) => {
      this.log.warn(`Could not read the credentials of ${vscode.workspace.asRelativePath(document.uri)}: ${error instanceof Error ? error.message : String(error)}`);
      return { calls: [], legacy: [] };
    });
    this.calls.set(key, { version: document.version, facts });
    return facts;
  }

  /** Makes this call the one the chain models (a lens's "Model This Call"). */
  async choose(uri: vscode.Uri, line: number): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    await this.adopt(document, line);
  }

  private schedule(document: vscode.TextDocument | undefined): void {
    if (!document || document.languageId !== 'python' || document.uri.scheme !== 'file') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.adopt(document); }, PARSE_DEBOUNCE_MS);
  }

  private async adopt(document: vscode.TextDocument, line?: number): Promise<void> {
    const calls = await this.modellableIn(document);
    const sameFile = this.modelled?.uri.toString() === document.uri.toString();
    const engine = await this.engine();
    // A file's DefaultAzureCredential or ChainedTokenCredential first: a credential built on its own is often a side
    // one (a client's credential=), modelled when it is the file's only one or when a lens picks it.
    const call = line !== undefined ? calls.find((c) => c.range.startLine === line) : calls.find((c) => !engine.isLoneCall(c)) ?? calls[0];
    // A file without a credential call keeps the call modelled before, unless that call was in this file and is gone.
    if (!call && !sameFile) return;
    let next: ModelledCall | undefined;
    const lone = call && engine.isLoneCall(call) ? engine.loneMember(call) : undefined;
    if (call?.credential === 'ChainedTokenCredential') next = { uri: document.uri, line: call.range.startLine, credential: call.credential, members: engine.chainedMembers(call) };
    else if (lone?.kind === 'credential') next = { uri: document.uri, line: call!.range.startLine, credential: lone.credential, members: [lone], lone: true };
    else if (call?.credential === 'DefaultAzureCredential') next = { uri: document.uri, line: call.range.startLine, credential: 'DefaultAzureCredential', keywords: engine.modelledKeywords(call) };
    const key = (m: ModelledCall | undefined) => JSON.stringify(m && { ...m, uri: m.uri.toString() });
    if (key(next) === key(this.modelled)) return;
    this.modelled = next;
    const where = next ? `${vscode.workspace.asRelativePath(next.uri)}:${next.line + 1}` : 'no call';
    const what = next && 'lone' in next ? engine.chainedMemberTexts(next.members).join('')
      : next?.credential === 'ChainedTokenCredential' ? `ChainedTokenCredential(${engine.chainedMemberTexts(next.members).join(', ')})`
      : next?.credential === 'DefaultAzureCredential' ? engine.credentialLensDetail(next.keywords) : '';
    this.log.info(`The chain models ${next ? `${what} at ${where}` : 'the settings only (the call is gone)'}`);
    this.changed.fire(`the modelled ${next?.credential ?? 'credential'} call changed (${where})`);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
