import * as vscode from 'vscode';
import type { AccessAction, AccessLink, AccessRowModel } from '../core/presentation/accessRows';
import type { AccessViewModel } from '../core/presentation/accessViewModel';
import { markdownText } from '../core/presentation/chainRows';
import { Commands } from './ids';

export type { AccessRowModel as AccessRow } from '../core/presentation/accessRows';

/** The command behind an action an Access row or its tooltip offers. */
export function accessActionCommand(action: AccessAction, title: string): vscode.Command {
  switch (action) {
    case 'signIn': return { command: Commands.signIn, title };
    case 'refresh': return { command: Commands.refreshAccess, title };
    case 'openSettings': return { command: Commands.openSettings, title };
    case 'showLog': return { command: Commands.showLog, title };
    case 'showChain': return { command: Commands.showChain, title };
    default: {
      const never: never = action;
      throw new Error(`unknown action ${String(never)}`);
    }
  }
}

/**
 * A row's Markdown tooltip as VS Code renders it: no HTML, theme icons off (a `$(…)` from Azure stays text), and
 * only the commands of the links added here enabled, so nothing Azure wrote can run a command.
 */
function tooltip(markdown: string, links: readonly AccessLink[]): vscode.MarkdownString {
  const commands = links.map((link) => accessActionCommand(link.action, link.title));
  const linkLine = commands.map((c) => `[${markdownText(c.title)}](command:${c.command})`).join(' · ');
  const md = new vscode.MarkdownString(linkLine ? `${markdown}\n\n${linkLine}` : markdown, false);
  md.supportHtml = false;
  md.isTrusted = commands.length ? { enabledCommands: [...new Set(commands.map((c) => c.command))] } : false;
  return md;
}

/**
 * The Access tree: renders the row models core/presentation derives from the access snapshot (identity, problems
 * with their fixes, insights, groups, subscriptions with their scopes and assignments); it loads nothing itself.
 */
export class AccessTreeProvider implements vscode.TreeDataProvider<AccessRowModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccessRowModel | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: readonly AccessRowModel[] = [];
  private parents = new Map<string, AccessRowModel>();
  /** The rows last drawn, as text: a report that draws the same rows redraws nothing. */
  private drawn = '';

  update(model: AccessViewModel): void {
    // A redraw of an unchanged tree would still re-render every row, and a click or a right-click that lands during
    // it is lost (a refresh that finds nothing new happens after every wizard and every focus of the window).
    const drawn = JSON.stringify(model.rows);
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    this.rows = model.rows;
    const parents = new Map<string, AccessRowModel>();
    const index = (row: AccessRowModel): void => row.children.forEach((child) => { parents.set(child.id, row); index(child); });
    model.rows.forEach(index);
    this.parents = parents;
    this.changed.fire(undefined);
  }

  getChildren(parent?: AccessRowModel): AccessRowModel[] {
    return [...(parent ? parent.children : this.rows)];
  }

  /** The first row (depth first) that `predicate` accepts, for reveal(). */
  findRow(predicate: (row: AccessRowModel) => boolean): AccessRowModel | undefined {
    const visit = (rows: readonly AccessRowModel[]): AccessRowModel | undefined => {
      for (const row of rows) {
        if (predicate(row)) return row;
        const inner = visit(row.children);
        if (inner) return inner;
      }
      return undefined;
    };
    return visit(this.rows);
  }

  getParent(row: AccessRowModel): AccessRowModel | undefined {
    return this.parents.get(row.id);
  }

  getTreeItem(row: AccessRowModel): vscode.TreeItem {
    const state = row.children.length === 0 ? vscode.TreeItemCollapsibleState.None
      : row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    // A plain string label: VS Code shows it as text, whatever markup a name from Azure contains.
    const item = new vscode.TreeItem(row.label, state);
    item.id = row.id;
    item.description = row.description;
    item.iconPath = new vscode.ThemeIcon(row.icon, row.color ? new vscode.ThemeColor(row.color) : undefined);
    item.tooltip = tooltip(row.tooltip, row.links ?? []);
    // "assignment;hasScope;canRemove": menus match `viewItem =~ /;canRemove(;|$)/`.
    item.contextValue = [row.kind, ...row.flags].join(';');
    if (row.click) item.command = accessActionCommand(row.click, row.label);
    item.accessibilityInformation = { label: row.description ? `${row.label}, ${row.description}` : row.label };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A view's progress bar while its model says a load runs: one withProgress from the first busy model to the next idle one. */
export class ViewProgress implements vscode.Disposable {
  private end: (() => void) | undefined;

  constructor(private readonly viewId: string) {}

  show(busy: boolean): void {
    if (busy && !this.end) {
      let end!: () => void;
      const done = new Promise<void>((resolve) => { end = resolve; });
      this.end = end;
      void vscode.window.withProgress({ location: { viewId: this.viewId } }, () => done);
    } else if (!busy && this.end) {
      this.end();
      this.end = undefined;
    }
  }

  dispose(): void {
    this.show(false);
  }
}
