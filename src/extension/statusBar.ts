import * as vscode from 'vscode';
import type { ChainSnapshot } from '../core/presentation/snapshot';
import { statusBarModel } from '../core/presentation/snapshotView';
import { Commands, STATUS_BAR_ITEM_ID } from './ids';

/**
 * The left-side status-bar item: who the user's Python code signs in as, through which source — or, when the last
 * check failed, a warning that says so (never the old answer as if it were current).
 */
export class StatusBarIndicator implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Azure Dev Auth');
    this.item.command = Commands.statusActions;
    this.item.text = vscode.l10n.t('$(azure) Azure Dev Auth');
    this.item.tooltip = vscode.l10n.t('Azure Dev Auth: the credential chain has not been checked yet.');
    this.item.show();
  }

  update(snapshot: ChainSnapshot): void {
    const model = statusBarModel(snapshot);
    this.item.text = model.text;
    this.item.backgroundColor = model.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = new vscode.MarkdownString(model.tooltip, true);
    this.item.accessibilityInformation = { label: vscode.l10n.t('Azure Dev Auth: {0}', model.text.replace(/\$\([^)]*\)\s*/g, '')) };
  }

  dispose(): void {
    this.item.dispose();
  }
}
