import * as vscode from 'vscode';
import type { ChainSnapshot } from '../core/presentation/snapshot';
import { chainViewRows, type RowModel, type ViewRow } from '../core/presentation/snapshotView';
import { actionCommand, tooltipWithLinks } from './rowActions';
import { currentRemote } from './remote';
import { TERMINAL_SIGN_INS } from './signInSources';

export type { ViewRow as ChainRow } from '../core/presentation/snapshotView';

/**
 * Sources whose row offers "Sign In with This Source": the developer tools (a terminal sign-in), and the sources the
 * Sign In page explains how to enable (the VS Code account, the browser and broker, a service principal in .env).
 */
const SIGN_IN_SOURCES: ReadonlySet<string> = new Set([
  ...TERMINAL_SIGN_INS.map((s) => s.credential),
  'VisualStudioCodeCredential', 'InteractiveBrowserCredential', 'BrokerCredential', 'EnvironmentCredential',
]);

/**
 * The Credential Chain tree: renders the rows core/presentation derives from a snapshot (Python row, headline,
 * one row per source, stale rows marked as such); never probes anything itself.
 */
export class ChainTreeProvider implements vscode.TreeDataProvider<ViewRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: ViewRow[] = [];
  /** The last traced run's rows, after the chain's own (a traced run tells what served its tokens). */
  private traceRows: ViewRow[] = [];
  /** Where the code runs (fixed for the window's life). */
  private readonly remote = currentRemote();

  update(snapshot: ChainSnapshot): void {
    this.rows = chainViewRows(snapshot, { signInSources: SIGN_IN_SOURCES, ...(this.remote ? { remote: this.remote } : {}) });
    this.changed.fire(undefined);
  }

  /** The source row for a credential, for reveal(). */
  sourceRow(credential: string): ViewRow | undefined {
    return this.rows.find((r) => r.kind === 'source' && r.credential === credential);
  }

  showTrace(rows: readonly RowModel[]): void {
    this.traceRows = rows.map((model) => ({ kind: 'note', model }));
    this.changed.fire(undefined);
  }

  /** The traced run's headline row, for reveal(). */
  traceHeadline(): ViewRow | undefined {
    return this.traceRows[0];
  }

  getChildren(parent?: ViewRow): ViewRow[] {
    return parent ? [] : [...this.rows, ...this.traceRows];
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(row: ViewRow): vscode.TreeItem {
    const model = row.model;
    const item = new vscode.TreeItem(model.label);
    if (row.kind === 'source') item.id = `source:${row.credential}`;
    item.description = model.description;
    item.iconPath = new vscode.ThemeIcon(model.icon, model.color ? new vscode.ThemeColor(model.color) : undefined);
    item.tooltip = tooltipWithLinks(model.tooltip, model.links);
    item.contextValue = model.contextValue;
    if (model.click) item.command = actionCommand(model.click, model.label);
    item.accessibilityInformation = { label: model.description ? `${model.label}, ${model.description}` : model.label };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
