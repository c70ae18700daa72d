import * as vscode from 'vscode';
import type { FolderScope } from '../core/presentation/snapshot';
import { StateKeys } from './ids';

export interface DescribedFolder {
  readonly folder: vscode.WorkspaceFolder | undefined;
  readonly scope: FolderScope | undefined;
  readonly multiRoot: boolean;
}

/**
 * Which workspace folder the view and the status bar describe. In a multi-root workspace each folder has its own
 * `.env` and interpreter: the described folder follows the active editor (and stays put while the editor shows a
 * file outside every folder), unless the user chose one with "Choose Workspace Folder…", which is remembered per
 * workspace until they choose "Follow the active editor" again.
 */
export class FolderScopeTracker implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DescribedFolder>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private lastFollowed: string | undefined;
  private currentKey: string;

  constructor(private readonly state: vscode.Memento) {
    this.currentKey = key(this.current());
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.recompute()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.recompute()),
    );
  }

  current(): DescribedFolder {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return { folder: undefined, scope: undefined, multiRoot: false };
    if (folders.length === 1) return described(folders[0]!, 'only', false);
    const chosen = this.chosenUri();
    const pinned = chosen ? folders.find((f) => f.uri.toString() === chosen) : undefined;
    if (pinned) return described(pinned, 'chosen', true);
    const editor = vscode.window.activeTextEditor;
    const editorFolder = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined;
    if (editorFolder) {
      this.lastFollowed = editorFolder.uri.toString();
      return described(editorFolder, 'activeEditor', true);
    }
    const sticky = this.lastFollowed ? folders.find((f) => f.uri.toString() === this.lastFollowed) : undefined;
    if (sticky) return described(sticky, 'activeEditor', true);
    return described(folders[0]!, 'first', true);
  }

  chosenUri(): string | undefined {
    const value = this.state.get<unknown>(StateKeys.chosenFolder);
    return typeof value === 'string' ? value : undefined;
  }

  /** Pins a folder, or (undefined) follows the active editor again. */
  async choose(folder: vscode.WorkspaceFolder | undefined): Promise<void> {
    await this.state.update(StateKeys.chosenFolder, folder?.uri.toString());
    this.recompute(true);
  }

  private recompute(force = false): void {
    const now = this.current();
    const next = key(now);
    if (!force && next === this.currentKey) return;
    this.currentKey = next;
    this.changed.fire(now);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function described(folder: vscode.WorkspaceFolder, choice: FolderScope['choice'], multiRoot: boolean): DescribedFolder {
  return { folder, scope: { name: folder.name, uri: folder.uri.toString(), choice }, multiRoot };
}

function key(d: DescribedFolder): string {
  return `${d.scope?.uri ?? ''}|${d.scope?.choice ?? ''}`;
}
