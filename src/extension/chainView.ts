import * as vscode from 'vscode';

/** A row of the Credential Chain view. */
export interface ChainRow {
  readonly label: string;
}

/**
 * The Credential Chain tree. Until the chain has been evaluated it has no rows, so VS Code shows the view's
 * welcome content from the manifest.
 */
export class ChainTreeProvider implements vscode.TreeDataProvider<ChainRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChainRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: readonly ChainRow[] = [];

  getTreeItem(row: ChainRow): vscode.TreeItem {
    return new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
  }

  getChildren(parent?: ChainRow): ChainRow[] {
    return parent ? [] : [...this.rows];
  }

  setRows(rows: readonly ChainRow[]): void {
    this.rows = rows;
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
