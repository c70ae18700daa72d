import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import {
  describeRejected, resultSchemas, toExtensionSchema, type Method, type ResultOf, type ToWebview, type WizardEvent, type WizardFailure, type WizardInit,
  type WizardRequest,
} from '../../webview/protocol';

export { WIZARD_VIEW_TYPE } from '../ids';

/** Answers one request of a panel; throws a WizardFailure-like error (`kind`, `message`) when it cannot. */
export type RequestHandler = (request: WizardRequest, context: { readonly requestId: number; readonly post: (event: WizardEvent) => void }) => Promise<unknown>;

export interface PanelOptions {
  readonly title: string;
  readonly init: WizardInit;
  readonly handle: RequestHandler;
  readonly log: vscode.LogOutputChannel;
  /** Turns an error into what the panel shows (a sentence with no secret in it). */
  readonly failure: (error: unknown) => WizardFailure;
}

/**
 * One wizard panel: the HTML with its content security policy, the `ready` handshake, and the message pump in both
 * directions. Every message from the page is validated against the protocol before anything reads it; a message
 * that does not parse is dropped and logged by its type only. Results are validated before they are sent, so a
 * handler cannot put something on the wire the page would reject.
 */
export class WizardPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly options: PanelOptions) {
    const { webview } = panel;
    webview.options = {
      enableScripts: true,
      enableForms: false,
      // Only the webview bundle, codicons and the stylesheet: nothing else of the extension is readable from the page.
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = wizardHtml(webview, extensionUri, options.title);
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(message: ToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = toExtensionSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.log.warn(`Rejected ${describeRejected(raw)} from the ${this.panel.title} panel: it does not match the wizard protocol.`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      // The page (re)loaded: a first open, or shown again after being hidden. It restores its own state and asks for the rest.
      // With the translations of the page's texts (undefined in English), so the page speaks VS Code's language.
      this.post({ type: 'init', init: this.options.init, ...(vscode.l10n.bundle ? { l10n: vscode.l10n.bundle } : {}) });
      return;
    }
    const { id, request } = message;
    try {
      const result = await this.options.handle(request, { requestId: id, post: (event) => this.post({ type: 'event', event }) });
      const checked = resultSchemas[request.method].safeParse(result);
      if (!checked.success) throw new Error(`The answer to ${request.method} did not match the wizard protocol.`);
      this.post({ type: 'response', id, method: request.method, ok: true, result: checked.data });
    } catch (error) {
      const failure = this.options.failure(error);
      this.options.log.warn(`${this.panel.title}: ${request.method} failed: ${failure.message}`);
      this.post({ type: 'response', id, method: request.method, ok: false, error: failure });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** A result typed by its method, for handlers. */
export function result<M extends Method>(_method: M, value: ResultOf<M>): ResultOf<M> {
  return value;
}

function wizardHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  // The title is ours, still escaped: nothing from Azure or the user is ever put into this HTML.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('media', 'wizard.css')}">
<title>${escape(title)}</title>
</head>
<body>
<main id="app"></main>
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}
