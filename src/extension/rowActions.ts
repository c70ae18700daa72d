import * as vscode from 'vscode';
import { markdownText } from '../core/presentation/chainRows';
import { assertNever } from '../core/presentation/snapshot';
import type { RowAction, RowLink } from '../core/presentation/snapshotView';
import { Commands } from './ids';

/** The command behind an action a row or tooltip offers. */
export function actionCommand(action: RowAction, title: string): vscode.Command {
  switch (action.kind) {
    case 'checkWithHost':
      return { command: Commands.checkWithHost, title, arguments: [{ credential: action.credential, host: action.host }] };
    case 'runWorkspaceProgram':
      return { command: Commands.runWorkspaceProgram, title, arguments: [{ credential: action.credential, program: action.program }] };
    case 'switchInterpreter': return { command: Commands.switchInterpreter, title };
    case 'installAzureIdentity': return { command: Commands.installAzureIdentity, title };
    case 'manageTrust': return { command: 'workbench.trust.manage', title };
    case 'refresh': return { command: Commands.refresh, title };
    case 'showLog': return { command: Commands.showLog, title };
    case 'moveAuthFile': return { command: Commands.moveAuthFileToEnv, title };
    case 'verify': return { command: Commands.verify, title };
    case 'resolveDisagreement': return { command: Commands.resolveToolDisagreement, title };
    default: return assertNever(action);
  }
}

/**
 * A tooltip with its links as command links. Only the commands of these links are enabled, so text from Azure or
 * a tool (escaped anyway) can never run anything.
 */
export function tooltipWithLinks(markdown: string, links: readonly RowLink[]): vscode.MarkdownString {
  const commands = links.map((link) => actionCommand(link.action, link.title));
  const linkLine = commands.map((c) => {
    const args = c.arguments ? `?${encodeURIComponent(JSON.stringify(c.arguments))}` : '';
    return `[${markdownText(c.title)}](command:${c.command}${args})`;
  }).join(' · ');
  const md = new vscode.MarkdownString(linkLine ? `${markdown}\n\n${linkLine}` : markdown, true);
  if (commands.length) md.isTrusted = { enabledCommands: [...new Set(commands.map((c) => c.command))] };
  return md;
}
