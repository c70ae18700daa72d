import * as vscode from 'vscode';
import { redactSecrets } from '../../core/redact';
import { COMMAND_TITLES, Commands, EXTENSION_ID, type CommandId } from '../ids';

/** A way forward offered on a failure message ("Switch Interpreter", "Retry", …). */
export interface NextStep {
  readonly title: string;
  readonly run: () => unknown;
}

/**
 * A failure the command can explain: `message` is a whole sentence for the user (no secrets), `nextSteps` what
 * they can do about it. Any other error is reported as "<command> failed: <message>" with Retry.
 */
export class CommandError extends Error {
  constructor(message: string, readonly nextSteps: readonly NextStep[] = []) {
    super(message);
  }
}

/** What the wrapper needs from the extension. */
export interface CommandHost {
  readonly log: vscode.LogOutputChannel;
  /** Secret values currently known (the checked environment's), redacted from every message. */
  readonly knownSecrets: () => readonly string[];
}

/** A command's implementation. Arguments come from VS Code untyped (a tree row, a link's JSON, nothing). */
export type CommandHandler = (...args: unknown[]) => unknown;

/** A cancellation is the user's choice, not a failure. */
function isCancellation(error: unknown): boolean {
  return error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'AbortError');
}

/**
 * Registers a command so that every failure is logged (redacted) and shown with a next step, instead of VS Code's
 * generic "command failed" toast. The message is not awaited: the command ends when its work ends.
 */
export function registerCommand(host: CommandHost, id: CommandId, handler: CommandHandler): vscode.Disposable {
  const title = COMMAND_TITLES[id];
  const run = async (...args: unknown[]): Promise<unknown> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (isCancellation(error)) return undefined;
      reportFailure(host, id, title, error, args);
      return undefined;
    }
  };
  // VS Code knows the command from activation on (extension.ts registers every id, forwarding here), so the code
  // behind it loads only when it is first needed.
  handlers.set(id, run);
  return { dispose: () => { if (handlers.get(id) === run) handlers.delete(id); } };
}

const handlers = new Map<string, CommandHandler>();

/** Runs the handler `registerCommand` set for `id`; extension.ts's forwarders call this. */
export function runCommand(id: string, args: readonly unknown[]): unknown {
  const handler = handlers.get(id);
  if (!handler) throw new Error(`The command ${id} is not available.`);
  return handler(...args);
}

/** Restores a webview panel of one view type after a window reload. */
export type PanelRestorer = (panel: vscode.WebviewPanel, state: unknown) => unknown;

const restorers = new Map<string, PanelRestorer>();

/**
 * What restores `viewType`'s panels; extension.ts registers VS Code's serializer (it must exist when activation
 * returns) and forwards here.
 */
export function registerPanelRestorer(viewType: string, restore: PanelRestorer): vscode.Disposable {
  restorers.set(viewType, restore);
  return { dispose: () => { if (restorers.get(viewType) === restore) restorers.delete(viewType); } };
}

export async function restorePanel(viewType: string, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
  const restore = restorers.get(viewType);
  if (!restore) throw new Error(`No page of type ${viewType} can be restored.`);
  await restore(panel, state);
}

function reportFailure(host: CommandHost, id: CommandId, title: string, error: unknown, args: readonly unknown[]): void {
  const secrets = host.knownSecrets();
  const raw = error instanceof Error ? error.message : String(error);
  const text = redactSecrets(raw, secrets).trim() || vscode.l10n.t('an unexpected error');
  // A CommandError's message already names what could not be done.
  host.log.error(error instanceof CommandError ? text : `${title} failed: ${text}`);
  if (error instanceof Error && error.stack) host.log.debug(redactSecrets(error.stack, secrets));

  const steps: NextStep[] = error instanceof CommandError
    ? [...error.nextSteps]
    : [{ title: vscode.l10n.t('Retry'), run: () => vscode.commands.executeCommand(id, ...args) }];
  const showLog = vscode.l10n.t('Show Log');
  if (!steps.some((s) => s.title === showLog) && id !== Commands.showLog) {
    steps.push({ title: showLog, run: () => host.log.show(true) });
  }
  const message = error instanceof CommandError
    ? vscode.l10n.t('Azure Dev Auth: {0}', text)
    : vscode.l10n.t('Azure Dev Auth: {0} failed: {1}', shownTitle(id, title), sentence(text));
  void vscode.window.showErrorMessage(message, ...steps.map((s) => s.title)).then(async (picked) => {
    const step = steps.find((s) => s.title === picked);
    if (!step) return;
    try {
      await step.run();
    } catch (stepError) {
      host.log.error(`${step.title} (offered after ${title} failed) failed too: ${redactSecrets(stepError instanceof Error ? stepError.message : String(stepError), secrets)}`);
    }
  });
}

/**
 * The command's title as the palette shows it in VS Code's display language: VS Code gives the extension its manifest
 * with package.nls.<locale>.json applied. The log keeps the English title.
 */
function shownTitle(id: CommandId, english: string): string {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { commands?: unknown } } | undefined;
  const commands = Array.isArray(manifest?.contributes?.commands) ? manifest.contributes.commands as { command?: unknown; title?: unknown }[] : [];
  const title = commands.find((c) => c.command === id)?.title;
  return typeof title === 'string' && title !== '' && !/^%.*%$/.test(title) ? title : english;
}

/** Ends with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
