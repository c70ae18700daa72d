import * as vscode from 'vscode';
import type { EngineFacade } from '../../core/engineFacade';
import type { ChainController } from '../chainController';
import { Commands } from '../ids';
import type { CodeCredentials } from './codeCredentials';

/**
 * A line above each `DefaultAzureCredential(...)`, `ChainedTokenCredential(...)` and credential built on its own
 * (`AzureCliCredential(tenant_id=…)`, not a chain's member) in a Python file: on the call the
 * Credential Chain models, who the code signs in as through which source (or why it fails), which opens the chain; on
 * any other, "Model This Call".
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
    const calls = await this.code.modellableIn(document);
    if (calls.length === 0 || token.isCancellationRequested) return [];
    const engine = await this.engine();
    const modelled = this.code.current();
    return calls.map((call) => {
      const range = new vscode.Range(call.range.startLine, call.range.startColumn, call.range.startLine, call.range.startColumn);
      const isModelled = modelled?.uri.toString() === document.uri.toString() && modelled.line === call.range.startLine;
      if (isModelled) {
        const detail = 'lone' in modelled ? engine.chainedMemberTexts(modelled.members).join('')
          : modelled.credential === 'ChainedTokenCredential' ? chainedDetail(engine.chainedMemberTexts(modelled.members))
          : engine.credentialLensDetail(modelled.keywords);
        return new vscode.CodeLens(range, {
          title: engine.credentialLens(this.controller.current),
          command: Commands.showChain,
          tooltip: vscode.l10n.t('The Credential Chain models this call: {0}. Click to open it.', detail),
        });
      }
      return new vscode.CodeLens(range, {
        title: engine.isLoneCall(call) ? vscode.l10n.t('Check This Credential in the Credential Chain') : vscode.l10n.t('Model This Call in the Credential Chain'),
        command: Commands.modelCredentialCall,
        arguments: [document.uri, call.range.startLine],
        tooltip: call.credential === 'ChainedTokenCredential'
          ? vscode.l10n.t('Check the chain as this ChainedTokenCredential builds it: {0}', chainedDetail(engine.chainedMemberTexts(engine.chainedMembers(call))))
          : engine.isLoneCall(call)
          ? vscode.l10n.t('Check this credential as the code builds it, on its own: {0}', engine.chainedMemberTexts([engine.loneMember(call)]).join(''))
          : vscode.l10n.t('Check the chain with this call\'s keyword arguments: {0}', engine.credentialLensDetail(engine.modelledKeywords(call))),
      });
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** "ChainedTokenCredential(EnvironmentCredential(), AzureCliCredential())": Python, as the code writes it. */
function chainedDetail(members: readonly string[]): string {
  return `ChainedTokenCredential(${members.join(', ')})`;
}
