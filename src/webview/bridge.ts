// The page's side of the protocol: requests with ids and their promised results, events, the ready handshake, and
// the saved state. Everything that arrives is validated before it is used; what does not parse is dropped.
import * as l10n from '@vscode/l10n';
import {
  parseResult, toWebviewSchema, type Method, type ResultOf, type WizardEvent, type WizardFailure, type WizardInit, type WizardRequest,
} from './protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export class RequestFailed extends Error {
  constructor(readonly failure: WizardFailure) {
    super(failure.message);
  }
}

let nextId = 1;
const pending = new Map<number, { method: Method; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
const eventListeners: ((event: WizardEvent) => void)[] = [];
let onInit: ((init: WizardInit) => void) | undefined;

export function request<M extends Method>(message: Extract<WizardRequest, { method: M }>): Promise<ResultOf<M>> {
  const id = nextId++;
  return new Promise<ResultOf<M>>((resolve, reject) => {
    pending.set(id, { method: message.method, resolve: resolve as (value: unknown) => void, reject });
    api.postMessage({ type: 'request', id, request: message });
  });
}

/** The id the next request will get (for matching its progress events). */
export function peekNextId(): number {
  return nextId;
}

export function onEvent(listener: (event: WizardEvent) => void): void {
  eventListeners.push(listener);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = toWebviewSchema.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Dropped a message that does not match the wizard protocol.');
    return;
  }
  const message = parsed.data;
  if (message.type === 'init') {
    // The translations first: every text of the page is looked up when it is drawn, after this.
    if (message.l10n) l10n.config({ contents: message.l10n });
    onInit?.(message.init);
    return;
  }
  if (message.type === 'event') { for (const l of eventListeners) l(message.event); return; }
  const waiting = pending.get(message.id);
  if (!waiting) return;
  pending.delete(message.id);
  if (!message.ok) { waiting.reject(new RequestFailed(message.error ?? { kind: 'failed', message: l10n.t('{0} failed.', waiting.method) })); return; }
  const result = parseResult(waiting.method, message.result);
  if (result === undefined) waiting.reject(new RequestFailed({ kind: 'failed', message: l10n.t('The answer to {0} was malformed.', waiting.method) }));
  else waiting.resolve(result);
});

/** Says the page is ready; `handler` gets the panel's init (again after the page was hidden and shown). */
export function ready(handler: (init: WizardInit) => void): void {
  onInit = handler;
  api.postMessage({ type: 'ready' });
}

export function savedState(): unknown {
  return api.getState();
}

/** Keeps the wizard's answers across hiding and reloading. Only names, ids and choices: never a token. */
export function saveState(state: unknown): void {
  api.setState(state);
}
