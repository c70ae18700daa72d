// "Assign Role…": who (the group just created, a group by name, the developer, a service principal), where
// (subscription, resource group — recommended — and optionally one resource), which role (recommended data roles
// first, roles already held marked), review with the exact az command, then the assignment.
import * as l10n from '@vscode/l10n';
import { assignRoleCommand, keyVaultSetPolicyCommand, renderCommand, type CommandArgs } from '../core/team/commands';
import { onEvent, peekNextId, request, saveState } from './bridge';
import { busy, button, commandsBlock, copyText, debounce, failureBox, failureOf, steps } from './common';
import { h, replaceChildren, sentence } from './dom';
import type { Actor, ResultOf, RoleItem, ScopeItem, WizardFailure, WizardInit, WizardPrincipal } from './protocol';

export interface RoleState {
  readonly wizard: 'role';
  readonly init: WizardInit;
  step: number;
  assignee: WizardPrincipal | null;
  subscription: ScopeItem | null;
  resourceGroup: ScopeItem | null;
  resource: ScopeItem | null;
  /** The whole subscription, chosen on purpose. */
  subscriptionScope: boolean;
  role: { id: string; roleName: string } | null;
  filter: string;
  outcome: 'created' | 'exists' | null;
}

// Looked up when drawn: the translations arrive with the panel's first message.
const stepNames = () => [l10n.t('Assignee'), l10n.t('Scope'), l10n.t('Role'), l10n.t('Review'), l10n.t('Done')];

function scopeItemFrom(scope: string): Pick<RoleState, 'subscription' | 'resourceGroup' | 'resource'> {
  const parts = scope.split('/');
  const sub: ScopeItem = { scope: parts.slice(0, 3).join('/'), name: parts[2] ?? '', kind: 'subscription' };
  const rg: ScopeItem | null = parts[3]?.toLowerCase() === 'resourcegroups' && parts[4] ? { scope: parts.slice(0, 5).join('/'), name: parts[4], kind: 'resourceGroup' } : null;
  const res: ScopeItem | null = rg && parts.length > 5 ? { scope, name: parts[parts.length - 1] ?? '', kind: 'resource', type: parts.slice(6, 8).join('/') } : null;
  return { subscription: sub, resourceGroup: rg, resource: res };
}

export function initialRoleState(init: Extract<WizardInit, { wizard: 'role' }>): RoleState {
  return {
    // Who, where and which role all given (an explained 403): straight to the role, preselected once the roles load.
    wizard: 'role', init, step: init.assignee ? (init.scope && init.roleName ? 2 : 1) : 0, assignee: init.assignee ?? null,
    ...(init.scope ? scopeItemFrom(init.scope) : { subscription: null, resourceGroup: null, resource: null }),
    subscriptionScope: !!init.scope && !scopeItemFrom(init.scope).resourceGroup, role: null, filter: init.roleName ?? '', outcome: null,
  };
}

interface Transient {
  actor: Actor | null;
  actorProblem: string | null;
  candidates: WizardPrincipal[];
  searchKind: 'group' | 'sp';
  query: string;
  subscriptions: ScopeItem[] | null;
  groups: ScopeItem[] | null;
  resources: ScopeItem[] | null;
  roles: RoleItem[] | null;
  /** Key vaults in the scope that use access policies: roles do not reach their data. */
  policyVaults: ResultOf<'listRoles'>['accessPolicyVaults'];
  rolesFor: string;
  working: string | null;
  failure: WizardFailure | null;
}

const SHOWN_ROLES = 60;
/** The preselected assignee's choice, by kind: one sentence each, so a translation can order it. */
const givenLabel = (type: WizardPrincipal['type'], name: string): string =>
  type === 'Group' ? l10n.t('The group {0}', name) : type === 'ServicePrincipal' ? l10n.t('The service principal {0}', name) : l10n.t('The user {0}', name);

export function roleWizard(root: HTMLElement, state: RoleState): void {
  const t: Transient = {
    actor: null, actorProblem: null, candidates: [], searchKind: 'group', query: '', subscriptions: null, groups: null, resources: null, roles: null, policyVaults: [], rolesFor: '', working: null, failure: null,
  };
  const scope = (): string | null => state.resource?.scope ?? state.resourceGroup?.scope ?? (state.subscriptionScope ? state.subscription?.scope ?? null : null);
  const save = () => saveState(state);
  const commands = (): CommandArgs[] => (state.assignee && scope()
    ? [assignRoleCommand(state.assignee.id, state.assignee.type, scope()!, state.role?.roleName ?? '<role name>')] : []);
  // Once the role is assigned there is nothing to ask an administrator for.
  const admin = () => (state.outcome ? undefined : {
    what: `assign the role "${state.role?.roleName ?? '…'}" to ${state.assignee?.displayName ?? '…'} (${state.assignee?.type ?? ''} ${state.assignee?.id ?? ''}) at ${scope() ?? '…'}`,
    why: 'The app needs it to use these resources during local development. Assigning roles needs Owner, User Access Administrator or Role Based Access Control Administrator there.',
  });
  const render = () => {
    save();
    replaceChildren(root,
      h('h1', {}, l10n.t('Assign Role')),
      t.actor ? h('p', { class: 'hint' }, t.actor.user.detail
        ? l10n.t('Acting as {0} ({1}) through {2}.', t.actor.user.displayName, t.actor.user.detail, t.actor.tool)
        : l10n.t('Acting as {0} through {1}.', t.actor.user.displayName, t.actor.tool)) : null,
      t.actorProblem ? failureBox({ kind: 'no-sign-in', message: t.actorProblem }, [
        button(l10n.t('Sign In…'), () => void request({ method: 'signIn' }), { key: 'sign-in' }),
        button(l10n.t('Try Again'), () => void whoAmI(), { key: 'who-again', secondary: true }),
      ]) : null,
      steps(stepNames(), state.step),
      h('div', { class: 'step', id: 'step' }, ...[assigneeStep, scopeStep, roleStep, reviewStep, resultStep][state.step]!()),
      h('div', { id: 'commands' }, commandsBlock(commands(), admin())),
      h('p', { role: 'status', class: 'sr-only', id: 'status' }, t.working ?? ''),
    );
  };
  const nav = (back: number | null, next: (() => void) | null, nextDisabled: boolean, nextLabel = l10n.t('Next')) => h('div', { class: 'actions' },
    back === null ? null : button(l10n.t('Back'), () => { state.step = back; t.failure = null; render(); }, { key: `back-${state.step}`, secondary: true, disabled: !!t.working }),
    next ? button(nextLabel, next, { key: `next-${state.step}`, id: `next-${state.step}`, disabled: nextDisabled || !!t.working }) : null);
  const radio = (name: string, key: string, label: HTMLElement | string, checked: boolean, onPick: () => void, detail?: HTMLElement | string | null) => h('li', { class: 'choice' },
    h('label', {}, h('input', { type: 'radio', name, 'data-key': key, checked, onchange: onPick }), h('span', { class: 'name' }, label)), detail ? h('div', { class: 'hint' }, detail) : null);

  // ---------- assignee ----------
  const searchAssignee = debounce(() => {
    const query = t.query.trim();
    if (!query) { t.candidates = []; render(); return; }
    const task = t.searchKind === 'group'
      ? request({ method: 'searchGroups', prefix: query }).then((r) => r.groups.map((g): WizardPrincipal => ({ id: g.id, type: 'Group', displayName: g.displayName, detail: g.description ?? 'group' })))
      : request({ method: 'searchServicePrincipals', query }).then((r) => r.principals);
    task.then((c) => { if (query === t.query.trim()) { t.candidates = c; t.failure = null; fillCandidates(); } })
      .catch((error: unknown) => { t.failure = failureOf(error); fillCandidates(); });
  }, 300);
  const candidatesBlock = () => [
    t.failure ? failureBox(t.failure) : null,
    h('ul', { class: 'list', 'aria-label': l10n.t('Matches') }, t.candidates.map((c) => h('li', {},
      h('span', { class: 'who' }, h('span', { class: 'name' }, c.displayName), h('span', { class: 'hint' }, c.detail)),
      button(l10n.t('Choose'), () => { state.assignee = c; state.step = 1; render(); }, { key: `choose-${c.id}`, secondary: true, ariaLabel: l10n.t('Choose {0}', c.displayName) })))),
  ];
  const fillCandidates = () => { const c = root.querySelector<HTMLElement>('#candidates'); if (c) replaceChildren(c, ...candidatesBlock()); };
  const assigneeStep = (): (HTMLElement | null)[] => [
    h('h2', {}, l10n.t('Who gets the role?')),
    state.assignee ? h('p', {}, ...sentence(l10n.t('Chosen: {0} ({1}, {2})'), h('span', { class: 'name' }, state.assignee.displayName), state.assignee.type, state.assignee.id)) : null,
    h('ul', { class: 'choices', role: 'list' },
      state.init.wizard === 'role' && state.init.assignee ? radio('assignee', 'given', givenLabel(state.init.assignee.type, state.init.assignee.displayName), state.assignee?.id === state.init.assignee.id,
        () => { state.assignee = state.init.wizard === 'role' ? state.init.assignee ?? null : null; render(); }) : null,
      t.actor ? radio('assignee', 'me', l10n.t('Me: {0}', t.actor.user.displayName), state.assignee?.id === t.actor.user.id, () => { state.assignee = t.actor!.user; render(); }, t.actor.user.detail) : null),
    h('div', { class: 'field' },
      h('fieldset', {}, h('legend', {}, l10n.t('Or find')),
        h('label', {}, h('input', { type: 'radio', name: 'kind', 'data-key': 'kind-group', checked: t.searchKind === 'group', onchange: () => { t.searchKind = 'group'; searchAssignee(); } }), ' ', l10n.t('a group by name')),
        h('label', {}, h('input', { type: 'radio', name: 'kind', 'data-key': 'kind-sp', checked: t.searchKind === 'sp', onchange: () => { t.searchKind = 'sp'; searchAssignee(); } }), ' ', l10n.t('a service principal by app id or name'))),
      h('vscode-textfield', { id: 'assignee-search', 'data-key': 'assignee-search', value: t.query, label: l10n.t('Name or app id'), placeholder: l10n.t('Name or app id'),
        oninput: (e: Event) => { t.query = (e.target as HTMLInputElement).value; searchAssignee(); } })),
    h('div', { id: 'candidates', 'aria-live': 'polite' }, ...candidatesBlock()),
    nav(null, () => { state.step = 1; render(); }, !state.assignee),
  ];

  // ---------- scope ----------
  const load = async (what: 'subscriptions' | 'groups' | 'resources') => {
    try {
      if (what === 'subscriptions') {
        const r = await request({ method: 'listScopes' });
        t.subscriptions = r.items;
        if (!state.subscription && r.preselect) state.subscription = r.items.find((i) => i.scope === r.preselect) ?? null;
        if (state.subscription) { const match = r.items.find((i) => i.scope.toLowerCase() === state.subscription!.scope.toLowerCase()); if (match) state.subscription = match; }
      } else if (what === 'groups' && state.subscription) {
        const r = await request({ method: 'listScopes', parent: state.subscription.scope });
        t.groups = r.items;
        if (!state.resourceGroup && !state.subscriptionScope && r.preselect) state.resourceGroup = r.items.find((i) => i.scope.toLowerCase() === r.preselect!.toLowerCase()) ?? null;
      } else if (what === 'resources' && state.resourceGroup) {
        t.resources = (await request({ method: 'listScopes', parent: state.resourceGroup.scope })).items;
      }
      t.failure = null;
    } catch (error) {
      t.failure = failureOf(error);
    }
    render();
  };
  const scopeStep = (): (HTMLElement | null)[] => {
    if (t.subscriptions === null) queueMicrotask(() => void load('subscriptions'));
    else if (state.subscription && t.groups === null) queueMicrotask(() => void load('groups'));
    else if (state.resourceGroup && t.resources === null) queueMicrotask(() => void load('resources'));
    return [
      h('h2', {}, l10n.t('Where?')),
      t.failure ? failureBox(t.failure) : null,
      h('fieldset', {}, h('legend', {}, l10n.t('Subscription')),
        t.subscriptions === null ? busy(l10n.t('Loading subscriptions…')) : h('ul', { class: 'choices' }, t.subscriptions.map((s) => radio('subscription', `sub-${s.scope}`, s.name, state.subscription?.scope === s.scope,
          () => { state.subscription = s; state.resourceGroup = null; state.resource = null; state.subscriptionScope = false; t.groups = null; t.resources = null; render(); })))),
      state.subscription ? h('fieldset', {}, h('legend', {}, l10n.t('Resource group (recommended)')),
        t.groups === null ? busy(l10n.t('Loading resource groups…')) : h('ul', { class: 'choices' },
          t.groups.map((g) => radio('group', `rg-${g.scope}`, g.name, state.resourceGroup?.scope === g.scope, () => { state.resourceGroup = g; state.resource = null; state.subscriptionScope = false; t.resources = null; render(); })),
          radio('group', 'whole-subscription', l10n.t('The whole subscription'), state.subscriptionScope, () => { state.resourceGroup = null; state.resource = null; state.subscriptionScope = true; render(); }))) : null,
      state.subscriptionScope ? h('p', { class: 'caution', role: 'note' }, l10n.t('Caution: a role at subscription scope reaches every resource group and resource in it, including ones created later. Prefer the resource group your app uses.')) : null,
      state.resourceGroup ? h('fieldset', {}, h('legend', {}, l10n.t('Resource (optional)')),
        t.resources === null ? busy(l10n.t('Loading resources…')) : h('ul', { class: 'choices' },
          radio('resource', 'no-resource', l10n.t('The whole resource group {0}', state.resourceGroup.name), !state.resource, () => { state.resource = null; render(); }),
          t.resources.map((r) => radio('resource', `res-${r.scope}`, r.name, state.resource?.scope === r.scope, () => { state.resource = r; render(); }, r.type)))) : null,
      nav(0, () => { state.step = 2; render(); }, !scope()),
    ];
  };

  // ---------- role ----------
  const loadRoles = async () => {
    const at = scope();
    if (!at || !state.assignee) return;
    t.rolesFor = `${at}|${state.assignee.id}`;
    t.roles = null;
    t.policyVaults = [];
    try {
      const listed = await request({ method: 'listRoles', scope: at, principalId: state.assignee.id });
      t.roles = listed.roles;
      t.policyVaults = listed.accessPolicyVaults;
      t.failure = null;
      const wanted = state.init.wizard === 'role' ? state.init.roleName?.toLowerCase() : undefined;
      const preset = wanted && !state.role ? t.roles.find((r) => r.roleName.toLowerCase() === wanted) : undefined;
      if (preset) state.role = { id: preset.id, roleName: preset.roleName };
    } catch (error) {
      t.failure = failureOf(error);
      t.roles = [];
    }
    render();
  };
  const matching = (): RoleItem[] => {
    const f = state.filter.trim().toLowerCase();
    const found = (t.roles ?? []).filter((r) => !f || r.roleName.toLowerCase().includes(f) || r.description.toLowerCase().includes(f));
    // The role whose name is what was typed comes first, then the recommended ones, then names that start with it.
    const rank = (r: RoleItem) => { const n = r.roleName.toLowerCase(); return n === f ? 0 : r.recommendedFor ? 1 : n.startsWith(f) ? 2 : 3; };
    return f ? found.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map(({ r }) => r) : found;
  };
  const rolesBlock = (): HTMLElement => {
    const all = matching();
    const shown = all.slice(0, SHOWN_ROLES);
    if (state.role && !shown.some((r) => r.id === state.role!.id)) {
      const picked = all.find((r) => r.id === state.role!.id);
      if (picked) shown.unshift(picked);
    }
    return h('div', {},
      h('ul', { class: 'choices roles', 'aria-label': l10n.t('Roles') }, shown.map((r) => radio('role', `role-${r.guid}`,
        h('span', {}, r.roleName, r.recommendedFor ? h('span', { class: 'tag recommended' }, l10n.t('recommended')) : null, r.held ? h('span', { class: 'tag held' }, l10n.t('already assigned here')) : null,
          r.custom ? h('span', { class: 'tag' }, l10n.t('custom')) : null),
        state.role?.id === r.id, () => { state.role = { id: r.id, roleName: r.roleName }; fillNav(); refreshCommands(); },
        h('span', {}, r.recommendedFor ? h('span', { class: 'why' }, l10n.t('For: {0}. ', r.recommendedFor)) : null, r.description)))),
      all.length > shown.length ? h('p', { class: 'hint' }, l10n.t('Showing {0} of {1} roles: type to narrow the list.', shown.length, all.length)) : null);
  };
  const fillRoles = () => { save(); const r = root.querySelector<HTMLElement>('#roles'); if (r) replaceChildren(r, rolesBlock()); };
  const fillNav = () => { save(); const n = root.querySelector<HTMLElement>('#next-2'); if (n) n.toggleAttribute('disabled', !state.role); };
  const refreshCommands = () => { const c = root.querySelector<HTMLElement>('#commands'); if (c) replaceChildren(c, commandsBlock(commands(), admin())); };
  /** A vault in access-policy mode: the set-policy command instead of a data role (Key Vault roles do not apply there). */
  const policyVaultBlock = (vault: ResultOf<'listRoles'>['accessPolicyVaults'][number]): HTMLElement => {
    const args = keyVaultSetPolicyCommand(vault.name, state.assignee?.id ?? '', vault.resourceGroup ?? undefined);
    const bash = renderCommand(args, 'bash');
    const pwsh = renderCommand(args, 'powershell');
    return h('section', { class: 'note access-policy', 'data-vault': vault.name, 'aria-label': l10n.t('Key vault {0} uses access policies', vault.name) },
      h('p', {}, ...sentence(l10n.t('{0} uses access policies, not roles: no role, Key Vault Secrets User included, reaches its secrets. Give {1} an access policy instead (or switch the vault to Azure RBAC):'),
        h('span', { class: 'name' }, vault.name), state.assignee?.displayName ?? l10n.t('the assignee'))),
      h('div', { class: 'command' },
        h('div', { class: 'command-head' }, h('span', {}, 'bash'), button(l10n.t('Copy'), () => copyText(bash, l10n.t('the access-policy command for {0}', vault.name)), { key: `copy-policy-bash-${vault.scope}`, secondary: true, ariaLabel: l10n.t('Copy the bash access-policy command for {0}', vault.name) })),
        h('pre', { tabindex: '0', 'aria-label': l10n.t('bash access-policy command for {0}', vault.name) }, h('code', {}, bash))),
      h('div', { class: 'command' },
        h('div', { class: 'command-head' }, h('span', {}, 'PowerShell'), button(l10n.t('Copy'), () => copyText(pwsh, l10n.t('the access-policy command for {0}', vault.name)), { key: `copy-policy-pwsh-${vault.scope}`, secondary: true, ariaLabel: l10n.t('Copy the PowerShell access-policy command for {0}', vault.name) })),
        h('pre', { tabindex: '0', 'aria-label': l10n.t('PowerShell access-policy command for {0}', vault.name) }, h('code', {}, pwsh))));
  };
  const roleStep = (): (HTMLElement | null)[] => {
    if (t.rolesFor !== `${scope()}|${state.assignee?.id}`) queueMicrotask(() => void loadRoles());
    return [
      h('h2', {}, l10n.t('Which role?')),
      t.failure ? failureBox(t.failure) : null,
      ...t.policyVaults.map(policyVaultBlock),
      h('div', { class: 'field' }, h('vscode-label', { for: 'role-filter' }, l10n.t('Search roles')),
        h('vscode-textfield', { id: 'role-filter', 'data-key': 'role-filter', value: state.filter, label: l10n.t('Search roles'), placeholder: l10n.t('e.g. Storage Blob'),
          oninput: (e: Event) => { state.filter = (e.target as HTMLInputElement).value; fillRoles(); } })),
      t.roles === null ? busy(l10n.t('Loading roles…')) : h('div', { id: 'roles' }, rolesBlock()),
      nav(1, () => { state.step = 3; render(); }, !state.role),
    ];
  };

  // ---------- review and assign ----------
  const assign = async () => {
    const at = scope();
    if (t.working || !at || !state.assignee || !state.role) return; // a second click while the first runs does nothing
    const requestId = peekNextId();
    t.working = l10n.t('Assigning the role…');
    t.failure = null;
    render();
    onWaitingFor = requestId;
    try {
      const r = await request({ method: 'assignRole', scope: at, principal: state.assignee, roleId: state.role.id, roleName: state.role.roleName });
      state.outcome = r.outcome;
      state.step = 4;
    } catch (error) {
      t.failure = failureOf(error);
    } finally {
      onWaitingFor = -1;
      t.working = null;
      render();
    }
  };
  let onWaitingFor = -1;
  onEvent((event) => {
    if (event.event !== 'waiting' || event.requestId !== onWaitingFor) return;
    t.working = state.assignee?.type === 'Group'
      ? l10n.t('Waiting for the new group to replicate (attempt {0}, next try in {1} s)…', event.attempt, event.seconds)
      : l10n.t('Waiting for the new principal to replicate (attempt {0}, next try in {1} s)…', event.attempt, event.seconds);
    render();
  });
  const reviewStep = (): (HTMLElement | null)[] => [
    h('h2', {}, l10n.t('Review')),
    h('dl', { class: 'summary' },
      h('dt', {}, l10n.t('Assignee')), h('dd', {}, `${state.assignee?.displayName ?? ''} (${state.assignee?.type ?? ''}, ${state.assignee?.id ?? ''})`),
      h('dt', {}, l10n.t('Scope')), h('dd', {}, h('code', {}, scope() ?? '')),
      h('dt', {}, l10n.t('Role')), h('dd', {}, state.role?.roleName ?? '')),
    t.failure ? failureBox(t.failure, [t.failure.kind === 'forbidden'
      ? button(l10n.t('Copy Request for an Administrator'), () => root.querySelector<HTMLElement>('#copy-admin')?.click(), { key: 'failure-admin' }) : null]) : null,
    t.working ? h('div', { class: 'busy-line' }, busy(t.working)) : null,
    nav(2, () => void assign(), false, l10n.t('Assign')),
  ];
  const resultStep = (): (HTMLElement | null)[] => [
    h('h2', {}, state.outcome === 'exists' ? l10n.t('Already assigned') : l10n.t('Role assigned')),
    h('p', { id: 'outcome' }, state.outcome === 'exists'
      ? l10n.t('{0} already holds {1} at this scope: nothing changed.', state.assignee?.displayName ?? '', state.role?.roleName ?? '')
      : l10n.t('{0} now holds {1} at {2}.', state.assignee?.displayName ?? '', state.role?.roleName ?? '', scope() ?? '')),
    h('p', { class: 'note' }, l10n.t('Role changes can take up to 10 minutes to apply, and your app needs a new token to see them (and a new group membership): sign in again, then restart the app.')),
    h('div', { class: 'command' }, h('pre', { tabindex: '0', 'aria-label': l10n.t('command that gets a new token') }, h('code', {}, 'az login')),
      button(l10n.t('Copy'), () => copyText('az login', l10n.t('the sign-in command')), { key: 'copy-login', secondary: true, ariaLabel: l10n.t('Copy the sign-in command') })),
    h('div', { class: 'actions' },
      state.assignee ? button(l10n.t('Check Access for {0}', state.assignee.displayName), () => void request({ method: 'checkAccessFor', principal: state.assignee! }),
        { key: 'check-access', id: 'check-access' }) : null,
      button(l10n.t('Assign Another Role'), () => { state.role = null; state.outcome = null; state.step = 2; t.rolesFor = ''; render(); }, { key: 'another', secondary: true })),
  ];

  const whoAmI = async () => {
    try {
      const who = await request({ method: 'whoAmI' });
      t.actor = who.actor;
      t.actorProblem = who.problem?.message ?? null;
    } catch (error) {
      t.actorProblem = failureOf(error).message;
    }
    render();
  };
  render();
  void whoAmI();
}
