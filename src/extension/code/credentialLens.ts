import * as vscode from 'vscode';
import type { EngineFacade } from '../../core/engineFacade';
import type { ChainController } from '../chainController';
import { Commands } from '../ids';
import type { CodeCredentials } from './codeCredentials';

/**
 * A line above each `DefaultAzureCredential(...)` in a Python file: on the call the Credential Chain models, who the
 * code signs in as through which source (or why it fails), which opens the chain; on any other, "Model This Call".
 * Redrawn when the chain's answer or the modelled call changes.
 */
export class CredentialLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly code: CodeCredentials, private readonly controller: ChainController, private readonly engine: () => Promise<EngineFacade>) {
    this.disposables.push(
      controller.onDidChange(() => this.changed.fire()),
      code.onDidChange(() => this.changed.fire()),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const calls = (await this.code.callsIn(document)).filter((c) => c.credential === 'DefaultAzureCredential');
    if (calls.length === 0 || token.isCancellationRequested) return [];
    const engine = await this.engine();
    const modelled = this.code.current();
    return calls.map((call) => {
      const range = new vscode.Range(call.range.startLine, call.range.startColumn, call.range.startLine, call.range.startColumn);
      const isModelled = modelled?.uri.toString() === document.uri.toString() && modelled.line === call.range.startLine;
      if (isModelled) {
        return new vscode.CodeLens(range, {
          title: engine.credentialLens(this.controller.current),
          command: Commands.showChain,
          tooltip: `The Credential Chain models this call: ${engine.credentialLensDetail(modelled.keywords)}. Click to open it.`,
        });
      }
      return new vscode.CodeLens(range, {
        title: vscode.l10n.t('Model This Call in the Credential Chain'),
        command: Commands.modelCredentialCall,
        arguments: [document.uri, call.range.startLine],
        tooltip: vscode.l10n.t('Check the chain with this call\'s keyword arguments: {0}', engine.credentialLensDetail(engine.modelledKeywords(call))),
      });
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
