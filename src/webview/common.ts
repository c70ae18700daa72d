// Pieces every wizard step uses: the step list, the equivalent-commands block with copy buttons, status and errors.
import * as l10n from '@vscode/l10n';
import { administratorRequest, renderCommand, type CommandArgs } from '../core/team/commands';
import { request, RequestFailed } from './bridge';
import { h, icon } from './dom';
import type { WizardFailure } from './protocol';

export function button(label: string, onClick: () => void, options: { key: string; secondary?: boolean; disabled?: boolean; ariaLabel?: string; id?: string } = { key: '' }): HTMLElement {
  return h('vscode-button', {
    'data-key': options.key, id: options.id, secondary: options.secondary, disabled: options.disabled, 'aria-label': options.ariaLabel,
    // Read the state at click time: a step enables its Next button after it was built.
    onclick: (event: Event) => { if (!(event.currentTarget as HTMLElement).hasAttribute('disabled')) onClick(); },
  }, label);
}

export function steps(names: readonly string[], current: number): HTMLElement {
  return h('ol', { class: 'steps', 'aria-label': l10n.t('Steps') },
    names.map((name, i) => h('li', { class: i === current ? 'current' : i < current ? 'done' : '', 'aria-current': i === current ? 'step' : undefined },
      h('span', { class: 'sr-only' }, i < current ? l10n.t('done: ') : ''), name)));
}

export function copyText(text: string, what: string): void {
  void request({ method: 'copy', text, what }).catch(() => undefined);
}

/** The az commands of this step, in bash and PowerShell, each with a copy button, and the request for an administrator. */
export function commandsBlock(commands: readonly CommandArgs[], admin: { what: string; why: string } | undefined,
  labels: { readonly title?: string; readonly empty?: string } = {}): HTMLElement {
  const bash = commands.map((c) => renderCommand(c, 'bash')).join('\n\n');
  const pwsh = commands.map((c) => renderCommand(c, 'powershell')).join('\n\n');
  return h('section', { class: 'commands', 'aria-labelledby': 'commands-title' },
    h('h2', { id: 'commands-title' }, labels.title ?? l10n.t('Equivalent commands')),
    commands.length === 0 ? h('p', { class: 'hint' }, labels.empty ?? l10n.t('Nothing to run yet.')) : [
      h('div', { class: 'command' },
        h('div', { class: 'command-head' }, h('span', {}, 'bash'), button(l10n.t('Copy'), () => copyText(bash, l10n.t('the bash commands')), { key: 'copy-bash', secondary: true, ariaLabel: l10n.t('Copy the bash commands') })),
        h('pre', { tabindex: '0', 'aria-label': l10n.t('bash commands') }, h('code', {}, bash))),
      h('div', { class: 'command' },
        h('div', { class: 'command-head' }, h('span', {}, 'PowerShell'), button(l10n.t('Copy'), () => copyText(pwsh, l10n.t('the PowerShell commands')), { key: 'copy-pwsh', secondary: true, ariaLabel: l10n.t('Copy the PowerShell commands') })),
        h('pre', { tabindex: '0', 'aria-label': l10n.t('PowerShell commands') }, h('code', {}, pwsh))),
      admin ? button(l10n.t('Copy Request for an Administrator'), () => copyText(administratorRequest(admin.what, admin.why, commands), l10n.t('the request for an administrator')),
        { key: 'copy-admin', secondary: true, id: 'copy-admin' }) : null,
    ]);
}

export function failureBox(failure: WizardFailure, extra: (HTMLElement | null)[] = []): HTMLElement {
  return h('div', { class: 'failure', role: 'alert' }, icon('error'), h('p', {}, failure.message), ...extra);
}

export function busy(message: string): HTMLElement {
  return h('p', { class: 'busy' }, h('vscode-progress-ring', { 'aria-hidden': 'true' }), h('span', {}, message));
}

export function failureOf(error: unknown): WizardFailure {
  return error instanceof RequestFailed ? error.failure : { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

/** Runs `fn` after `ms` of quiet: one search per pause in typing, not one per key. */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => { window.clearTimeout(timer); timer = window.setTimeout(fn, ms); };
}
