import * as vscode from 'vscode';
import {
  describeSource, displayName, firstLine, markdownText, verdictHeadline, type PresentableSource,
} from '../core/presentation/chainRows';
import type { ChainSnapshot } from './chainState';

/** Rows of the Credential Chain view. `kind` decides rendering and the context value (menus). */
export type ChainRow =
  | { readonly kind: 'restricted' }
  | { readonly kind: 'python' }
  | { readonly kind: 'headline' }
  | { readonly kind: 'source'; readonly credential: string };

/** Sources that a terminal sign-in can fix (until the sign-in wizard exists). */
export const SIGN_IN_SOURCES: ReadonlySet<string> = new Set(['AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential']);

/**
 * The Credential Chain tree: a row for the Python side, a headline when the chain fails, then one row per
 * source in the chain order of the installed azure-identity. Renders snapshots; never probes anything itself.
 */
export class ChainTreeProvider implements vscode.TreeDataProvider<ChainRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChainRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private snapshot: ChainSnapshot | undefined;
  private rowsCache: ChainRow[] = [];

  update(snapshot: ChainSnapshot): void {
    this.snapshot = snapshot;
    this.rowsCache = this.buildRows(snapshot);
    this.changed.fire(undefined);
  }

  /** The source row for a credential, for reveal(). */
  sourceRow(credential: string): ChainRow | undefined {
    return this.rowsCache.find((r) => r.kind === 'source' && r.credential === credential);
  }

  private buildRows(s: ChainSnapshot): ChainRow[] {
    if (s.phase === 'idle' && !s.report) return []; // the welcome content
    const rows: ChainRow[] = [];
    if (!s.trusted) rows.push({ kind: 'restricted' });
    rows.push({ kind: 'python' });
    if (s.report && s.report.verdict.outcome !== 'token' && s.probing.size === 0) rows.push({ kind: 'headline' });
    if (s.phase === 'error' && !s.report) rows.push({ kind: 'headline' });
    const order = s.report ? s.report.sources.map((x) => x.credential) : s.pendingOrder;
    for (const credential of order) rows.push({ kind: 'source', credential });
    return rows;
  }

  getChildren(parent?: ChainRow): ChainRow[] {
    return parent ? [] : this.rowsCache;
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(row: ChainRow): vscode.TreeItem {
    const s = this.snapshot;
    if (!s) return new vscode.TreeItem('');
    switch (row.kind) {
      case 'restricted': return restrictedItem(s);
      case 'python': return pythonItem(s);
      case 'headline': return headlineItem(s);
      case 'source': return sourceItem(s, row.credential);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function restrictedItem(s: ChainSnapshot): vscode.TreeItem {
  const item = new vscode.TreeItem('Restricted Mode: limited check');
  item.description = '.env not read, interpreter not run';
  item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.tooltip = new vscode.MarkdownString(
    'This workspace is not trusted, so Azure Dev Auth neither reads its `.env` file nor runs its Python interpreter. ' +
    `The chain below uses the process environment and assumes azure-identity ${s.report?.azureIdentityVersion ?? 'newest'}.\n\n` +
    'Trust the workspace to see exactly what your code will do.');
  item.command = { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' };
  item.contextValue = 'restricted';
  return item;
}

function pythonItem(s: ChainSnapshot): vscode.TreeItem {
  const py = s.python;
  const interpreter = py?.interpreter.path ?? 'python3';
  const item = new vscode.TreeItem(`Python: ${interpreter}`);
  const lines: string[] = [];
  if (!s.trusted) {
    item.description = 'not run (untrusted workspace)';
    item.iconPath = new vscode.ThemeIcon('circle-slash');
    item.contextValue = 'python;untrusted';
  } else if (!py && s.phase === 'error') {
    item.description = 'not checked';
    item.iconPath = new vscode.ThemeIcon('circle-slash');
    item.contextValue = 'python;problem';
  } else if (!py) {
    item.description = 'checking…';
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    item.contextValue = 'python;checking';
  } else if (py.problem) {
    item.description = 'cannot run the interpreter';
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = 'python;problem';
    lines.push(`The interpreter could not be asked for azure-identity: ${markdownText(py.problem)}`);
  } else if (!py.azureIdentityVersion) {
    item.description = 'azure-identity is not installed';
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = 'python;notInstalled';
    lines.push('`import azure.identity` fails in this interpreter. Install it to use `DefaultAzureCredential`.');
  } else {
    item.description = `azure-identity ${py.azureIdentityVersion}${py.brokerInstalled ? ' + broker' : ''}`;
    item.iconPath = new vscode.ThemeIcon('symbol-namespace');
    item.contextValue = 'python;installed';
  }
  const source = py ? { setting: 'the azureDevAuth.pythonPath setting', 'python-extension': 'the Python extension', path: '`python3` on PATH' }[py.interpreter.source] : undefined;
  const report = s.report;
  item.tooltip = new vscode.MarkdownString([
    `**Interpreter:** ${markdownText(interpreter)}${source ? ` (from ${source})` : ''}`,
    ...lines,
    report ? `The chain below follows azure-identity **${markdownText(report.azureIdentityVersion)}**${report.versionSource === 'default' ? ' (the newest known, because the installed version is unknown)' : ''}.` : '',
  ].filter(Boolean).join('\n\n'));
  return item;
}

function headlineItem(s: ChainSnapshot): vscode.TreeItem {
  const report = s.report;
  const text = report ? verdictHeadline(report.verdict, report.sources) : `The chain could not be checked: ${firstLine(s.error ?? '')}`;
  const item = new vscode.TreeItem(text);
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = new vscode.MarkdownString(['**What your Python code gets**', '', '```text', (report?.verdict.message ?? s.error ?? '').replace(/```/g, "'''"), '```'].join('\n'));
  item.contextValue = 'headline';
  return item;
}

function sourceItem(s: ChainSnapshot, credential: string): vscode.TreeItem {
  const source: PresentableSource | undefined = s.report?.sources.find((x) => x.credential === credential);
  const probing = s.probing.has(credential);
  if (!source) {
    const item = new vscode.TreeItem(displayName(credential));
    item.description = 'checking…';
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    item.contextValue = `source;${credential};probing`;
    return item;
  }
  const model = describeSource(source, probing);
  const item = new vscode.TreeItem(model.label);
  item.id = `source:${credential}`;
  item.description = model.description;
  item.iconPath = new vscode.ThemeIcon(model.icon, model.color ? new vscode.ThemeColor(model.color) : undefined);
  item.tooltip = new vscode.MarkdownString(model.tooltip);
  const flags = ['source', credential, model.state];
  if (SIGN_IN_SOURCES.has(credential)) flags.push('canSignIn');
  if (model.state !== 'excluded') flags.push('canExclude');
  flags.push('canPin');
  item.contextValue = flags.join(';');
  item.accessibilityInformation = { label: `${model.label}, ${model.description}` };
  return item;
}
