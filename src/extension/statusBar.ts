import * as vscode from 'vscode';
import { Commands, STATUS_BAR_ITEM_ID } from './ids';

/** The left-side status-bar item: who Python code signs in as, through which source. */
export class StatusBarIndicator implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Azure Dev Auth';
    this.showIdle();
    this.item.show();
  }

  /** Before the first evaluation of the chain: an honest "not checked yet", never a guessed identity. */
  showIdle(): void {
    this.item.text = '$(azure) Azure Dev Auth';
    this.item.tooltip = 'Azure Dev Auth: the credential chain has not been checked yet. Click to show it.';
    this.item.command = Commands.showChain;
    this.item.backgroundColor = undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
