import * as vscode from 'vscode';
import {
  displayName, formatExpiry, fullIdentity, markdownText, shortIdentity,
} from '../core/presentation/chainRows';
import type { ChainSnapshot } from './chainState';
import { Commands, STATUS_BAR_ITEM_ID } from './ids';

/** The left-side status-bar item: who the user's Python code signs in as, through which source. */
export class StatusBarIndicator implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Azure Dev Auth';
    this.item.command = Commands.statusActions;
    this.item.text = '$(azure) Azure Dev Auth';
    this.item.tooltip = 'Azure Dev Auth: the credential chain has not been checked yet.';
    this.item.show();
  }

  update(s: ChainSnapshot): void {
    const report = s.report;
    const active = report?.verdict.outcome === 'token'
      ? report.sources.find((x) => x.credential === report.verdict.credential) : undefined;
    const busy = s.phase === 'probing';

    if (active && report) {
      const who = shortIdentity(active.identity) ?? 'signed in';
      this.item.text = `${busy ? '$(loading~spin)' : '$(azure)'} ${who} · ${displayName(active.credential)}`;
      this.item.backgroundColor = undefined;
    } else if (report && report.verdict.outcome !== 'token' && !busy) {
      const where = report.verdict.credential ? `${displayName(report.verdict.credential)} fails` : 'no credential';
      this.item.text = `$(warning) Azure: ${where}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (busy) {
      this.item.text = '$(loading~spin) Azure Dev Auth';
      this.item.backgroundColor = undefined;
    } else if (s.phase === 'error') {
      this.item.text = '$(warning) Azure Dev Auth';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    this.item.tooltip = tooltip(s);
    this.item.accessibilityInformation = { label: `Azure Dev Auth: ${this.item.text.replace(/\$\([^)]*\)\s*/g, '')}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}

function tooltip(s: ChainSnapshot): vscode.MarkdownString {
  const report = s.report;
  const lines: string[] = [];
  const active = report?.verdict.outcome === 'token' ? report.sources.find((x) => x.credential === report.verdict.credential) : undefined;
  if (s.phase === 'probing') lines.push('$(loading~spin) Checking the credential chain…', '');
  if (active) {
    lines.push(`**DefaultAzureCredential** signs in as **${markdownText(fullIdentity(active.identity) ?? 'unknown')}** through **${displayName(active.credential)}**`, '');
    if (active.identity?.tenantId) lines.push(`- Tenant: ${markdownText(active.identity.tenantId)}`);
    if (active.expiresOn) lines.push(`- Token expires: ${markdownText(formatExpiry(active.expiresOn))}`);
  } else if (report) {
    lines.push(`**DefaultAzureCredential fails**${report.verdict.credential ? ` at ${displayName(report.verdict.credential)}` : ''}:`, '');
    lines.push(markdownText((report.verdict.message.split('\n').find((l) => l.trim()) ?? '').slice(0, 300)), '');
  } else if (s.error) {
    lines.push(`The chain could not be checked: ${markdownText(s.error)}`, '');
  }
  if (s.python) lines.push(`- Interpreter: ${markdownText(s.python.interpreter.path)}`);
  if (report) lines.push(`- azure-identity: ${markdownText(report.azureIdentityVersion)}${report.versionSource === 'default' ? ' (assumed: newest)' : ''}`);
  if (!s.trusted) lines.push('- Restricted Mode: `.env` not read, interpreter not run');
  lines.push('', 'Click for actions.');
  const md = new vscode.MarkdownString(lines.join('\n'), true);
  return md;
}
