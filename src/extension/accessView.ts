import * as vscode from 'vscode';

/** A row of the Access view. */
export interface AccessRow {
  readonly label: string;
}

/** The Access tree: empty (welcome content) until a credential source yields an identity. */
export class AccessTreeProvider implements vscode.TreeDataProvider<AccessRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccessRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(row: AccessRow): vscode.TreeItem {
    return new vscode.TreeItem(row.label);
  }

  getChildren(): AccessRow[] {
    return [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
