// "Create Local Development Group…": name (prefilled `<app>-local-dev`, an existing group offered for reuse), members
// (search by display-name prefix, the developer preselected), review, then the group and its members.
import * as l10n from '@vscode/l10n';
import { addMemberCommand, createGroupCommand, findUsersCommand, type CommandArgs } from '../core/team/commands';
import { defaultGroupDescription, defaultGroupName, groupNameProblem, mailNicknameFor, mailNicknameProblem } from '../core/team/names';
import { request, saveState } from './bridge';
import { busy, button, commandsBlock, copyText, debounce, failureBox, failureOf, steps } from './common';
import { h, replaceChildren, sentence } from './dom';
import type { Actor, WizardFailure, WizardGroup, WizardInit, WizardMemberResult, WizardUser } from './protocol';

export interface GroupState {
  readonly wizard: 'group';
  readonly init: WizardInit;
  step: number;
  name: string;
  nickname: string;
  nicknameEdited: boolean;
  description: string;
  /** An existing group the developer chose to reuse instead of creating one. */
  reuse: WizardGroup | null;
  members: WizardUser[];
  /** The developer was added to the members once; removing them is then respected. */
  preselected: boolean;
  query: string;
  created: WizardGroup | null;
  results: WizardMemberResult[] | null;
}

// Looked up when drawn: the translations arrive with the panel's first message.
const stepNames = () => [l10n.t('Name'), l10n.t('Members'), l10n.t('Review'), l10n.t('Done')];

export function initialGroupState(init: Extract<WizardInit, { wizard: 'group' }>): GroupState {
  const name = defaultGroupName(init.folderName);
  return {
    wizard: 'group', init, step: 0, name, nickname: mailNicknameFor(name), nicknameEdited: false, description: defaultGroupDescription(init.folderName),
    reuse: null, members: [], preselected: false, query: '', created: null, results: null,
  };
}

/** Not saved: answers from Azure are fetched again after a reload. */
interface Transient {
  actor: Actor | null;
  actorProblem: string | null;
  existing: WizardGroup[] | null;
  searchResults: WizardUser[];
  nextLink: string | null;
  searching: boolean;
  working: string | null;
  failure: WizardFailure | null;
}

export function groupWizard(root: HTMLElement, state: GroupState): void {
  const t: Transient = { actor: null, actorProblem: null, existing: null, searchResults: [], nextLink: null, searching: false, working: null, failure: null };
  const save = () => saveState(state);
  const groupRef = () => state.created?.id ?? state.reuse?.id ?? state.name;

  const commands = (): CommandArgs[] => {
    const adds = state.members.map((m) => addMemberCommand(groupRef(), m.id));
    switch (state.step) {
      case 0: return state.reuse ? [] : [createGroupCommand(state.name, state.nickname, state.description)];
      case 1: return [...(state.query ? [findUsersCommand(state.query)] : []), ...adds];
      case 2: return [...(state.reuse ? [] : [createGroupCommand(state.name, state.nickname, state.description)]), ...adds];
      default: {
        // What is left for someone else when members failed; otherwise what was done, to repeat it elsewhere.
        const failed = failedIds();
        if (failed.size) return state.members.filter((m) => failed.has(m.id)).map((m) => addMemberCommand(groupRef(), m.id));
        return [...(state.created ? [createGroupCommand(state.created.displayName, state.nickname, state.description)] : []), ...adds];
      }
    }
  };
  const failedIds = () => new Set((state.results ?? []).filter((r) => r.outcome === 'failed').map((r) => r.id));
  const commandLabels = () => (state.step < 3 ? {}
    : failedIds().size ? { title: l10n.t('Commands for the members not added') } : { title: l10n.t('Equivalent commands of what was done') });
  const admin = () => {
    // After an attempt, the request names only the members still missing.
    const failed = state.step === 3 ? failedIds() : new Set<string>();
    // A group made with every member added needs nothing from an administrator.
    if (state.step === 3 && state.results && failed.size === 0) return undefined;
    const members = failed.size ? state.members.filter((m) => failed.has(m.id)) : state.members;
    return {
      what: state.reuse || state.created ? `add ${members.length === 1 ? 'a member' : 'members'} to the security group "${state.reuse?.displayName ?? state.created?.displayName ?? state.name}"`
        : `create the security group "${state.name}" and add its members`,
      why: `It gives the developers of ${state.init.wizard === 'group' ? state.init.folderName : 'the app'} the Azure roles its local development needs, `
        + `without assigning roles to each person. Members (object ids): ${members.map((m) => `${m.displayName} ${m.id}`).join(', ') || 'none yet'}.`,
    };
  };

  const render = () => {
    save();
    replaceChildren(root,
      h('h1', {}, l10n.t('Create Local Development Group')),
      t.actor ? h('p', { class: 'hint' }, t.actor.user.detail
        ? l10n.t('Acting as {0} ({1}) through {2}.', t.actor.user.displayName, t.actor.user.detail, t.actor.tool)
        : l10n.t('Acting as {0} through {1}.', t.actor.user.displayName, t.actor.tool)) : null,
      t.actorProblem ? failureBox({ kind: 'no-sign-in', message: t.actorProblem }, [
        button(l10n.t('Sign In…'), () => void request({ method: 'signIn' }), { key: 'sign-in' }),
        button(l10n.t('Try Again'), () => void whoAmI(), { key: 'who-again', secondary: true }),
      ]) : null,
      steps(stepNames(), state.step),
      h('div', { class: 'step', id: 'step' }, stepContent()),
      h('div', { id: 'commands' }, commandsBlock(commands(), admin(), commandLabels())),
      h('p', { role: 'status', class: 'sr-only', id: 'status' }, t.working ?? ''),
    );
  };
  const refreshCommands = () => { save(); const c = root.querySelector<HTMLElement>('#commands'); if (c) replaceChildren(c, commandsBlock(commands(), admin(), commandLabels())); };

  const stepContent = (): (HTMLElement | null)[] => {
    switch (state.step) {
      case 0: return detailsStep();
      case 1: return membersStep();
      case 2: return reviewStep();
      default: return resultStep();
    }
  };

  // ---------- step 1: name ----------
  const problems = (): string[] => [groupNameProblem(state.name), mailNicknameProblem(state.nickname)].filter((p): p is string => !!p);
  // Built with its real state (not enabled later): a re-render must be able to give the focus back to it.
  const nameBlocked = (): boolean => problems().length > 0 || (!!t.existing?.length && !state.reuse);
  const checkName = debounce(() => {
    const name = state.name.trim();
    if (!name || groupNameProblem(name)) return;
    request({ method: 'findGroups', name }).then((r) => {
      if (name !== state.name.trim()) return;
      t.existing = r.groups;
      fillExisting();
    }).catch((error: unknown) => {
      // No sign-in is said once, at the top, with its Sign In button; other failures of the check show here.
      const failure = failureOf(error);
      if (failure.kind !== 'no-sign-in') t.failure = failure;
      fillExisting();
    });
  }, 300);
  const existingBlock = (): HTMLElement | null => {
    if (state.reuse) {
      return h('div', { class: 'notice' }, h('p', {}, ...sentence(l10n.t('Reusing the existing group {0} (object id {1}).'), h('strong', {}, state.reuse.displayName), state.reuse.id)),
        button(l10n.t('Create a New Group Instead'), () => { state.reuse = null; render(); }, { key: 'unreuse', secondary: true }));
    }
    if (!t.existing?.length) return t.failure ? failureBox(t.failure) : null;
    return h('div', { class: 'notice', role: 'alert' },
      h('p', {}, t.existing.length === 1 ? l10n.t('A group with this name already exists:') : l10n.t('{0} groups with this name already exist:', t.existing.length)),
      h('ul', {}, t.existing.map((g) => h('li', {},
        h('span', { class: 'group-name' }, g.displayName), ' ', h('span', { class: 'hint' }, l10n.t('object id {0}', g.id)),
        g.description ? h('p', { class: 'hint' }, g.description) : null,
        button(l10n.t('Reuse This Group'), () => { state.reuse = g; state.step = 1; render(); }, { key: `reuse-${g.id}`, ariaLabel: l10n.t('Reuse the group {0}', g.displayName) })))),
      h('p', { class: 'hint' }, l10n.t('Reuse it, or choose another name: a second group with the same name is not created.')));
  };
  const fillExisting = () => { const e = root.querySelector<HTMLElement>('#existing'); if (e) replaceChildren(e, existingBlock()); fillNext(); };
  const fillNext = () => {
    const n = root.querySelector<HTMLElement>('#details-next');
    if (n) n.toggleAttribute('disabled', nameBlocked());
    const p = root.querySelector<HTMLElement>('#name-problems');
    if (p) replaceChildren(p, ...problems().map((x) => h('p', { class: 'problem' }, x)));
  };
  const detailsStep = (): HTMLElement[] => {
    const nickname = h('vscode-textfield', { id: 'nickname', 'data-key': 'nickname', value: state.nickname, label: l10n.t('Mail nickname'), maxlength: '64',
      oninput: (e: Event) => { state.nickname = (e.target as HTMLInputElement).value; state.nicknameEdited = true; fillNext(); refreshCommands(); } });
    const fields = [
      h('div', { class: 'field' }, h('vscode-label', { for: 'name' }, l10n.t('Group name')),
        h('vscode-textfield', { id: 'name', 'data-key': 'name', value: state.name, label: l10n.t('Group name'), maxlength: '256',
          oninput: (e: Event) => {
            state.name = (e.target as HTMLInputElement).value;
            state.reuse = null;
            t.existing = null;
            t.failure = null;
            if (!state.nicknameEdited) {
              state.nickname = mailNicknameFor(state.name);
              (nickname as HTMLInputElement).value = state.nickname;
            }
            fillExisting();
            refreshCommands();
            checkName();
          } })),
      h('div', { class: 'field' }, h('vscode-label', { for: 'nickname' }, l10n.t('Mail nickname')), nickname,
        h('p', { class: 'hint', id: 'nickname-hint' }, l10n.t('Up to 64 ASCII characters, none of @ ( ) \\ [ ] " ; : < > , . / \' or space.'))),
      h('div', { class: 'field' }, h('vscode-label', { for: 'description' }, l10n.t('Description')),
        h('vscode-textarea', { id: 'description', 'data-key': 'description', value: state.description, label: l10n.t('Description'), rows: '2', maxlength: '1024',
          oninput: (e: Event) => { state.description = (e.target as HTMLInputElement).value; refreshCommands(); } })),
      h('div', { id: 'name-problems', 'aria-live': 'polite' }),
      h('div', { id: 'existing' }),
      h('div', { class: 'actions' }, button(l10n.t('Next'), () => { state.step = 1; render(); }, { key: 'details-next', id: 'details-next', disabled: nameBlocked() })),
    ];
    queueMicrotask(() => { fillExisting(); if (t.existing === null && !state.reuse) checkName(); });
    return fields;
  };

  // ---------- step 2: members ----------
  const search = debounce(() => void runSearch(undefined), 300);
  const runSearch = async (nextLink: string | undefined) => {
    const prefix = state.query.trim();
    if (!prefix) { t.searchResults = []; t.nextLink = null; fillResults(); return; }
    t.searching = true;
    fillResults();
    try {
      const page = await request({ method: 'searchUsers', prefix, ...(nextLink ? { nextLink } : {}) });
      if (prefix !== state.query.trim()) return;
      t.searchResults = nextLink ? [...t.searchResults, ...page.users] : page.users;
      t.nextLink = page.nextLink;
      t.failure = null;
    } catch (error) {
      t.failure = failureOf(error);
    } finally {
      t.searching = false;
      fillResults();
    }
  };
  const chosen = (id: string) => state.members.some((m) => m.id === id);
  const resultsBlock = (): (HTMLElement | null)[] => [
    t.failure ? failureBox(t.failure) : null,
    h('ul', { class: 'list', 'aria-label': l10n.t('Search results') }, t.searchResults.map((u) => h('li', {},
      h('span', { class: 'who' }, h('span', { class: 'name' }, u.displayName), h('span', { class: 'hint' }, u.userPrincipalName ?? '')),
      chosen(u.id) ? h('span', { class: 'hint' }, l10n.t('added'))
        : button(l10n.t('Add'), () => { state.members.push(u); fillResults(); fillMembers(); refreshCommands(); }, { key: `add-${u.id}`, secondary: true, ariaLabel: l10n.t('Add {0}', u.displayName) })))),
    t.searching ? busy(l10n.t('Searching…')) : null,
    t.nextLink && !t.searching ? button(l10n.t('More Results'), () => void runSearch(t.nextLink ?? undefined), { key: 'more', secondary: true }) : null,
    !t.searching && state.query.trim() && t.searchResults.length === 0 && !t.failure ? h('p', { class: 'hint' }, l10n.t('No user\'s display name starts with this.')) : null,
  ];
  const membersBlock = (): HTMLElement => h('ul', { class: 'list', 'aria-label': l10n.t('Members') },
    state.members.length === 0 ? h('li', { class: 'hint' }, l10n.t('No members yet.')) : state.members.map((m) => h('li', {},
      h('span', { class: 'who' }, h('span', { class: 'name' }, m.displayName), h('span', { class: 'hint' }, m.userPrincipalName ?? m.id)),
      button(l10n.t('Remove'), () => { state.members = state.members.filter((x) => x.id !== m.id); fillMembers(); fillResults(); refreshCommands(); },
        { key: `remove-${m.id}`, secondary: true, ariaLabel: l10n.t('Remove {0}', m.displayName) }))));
  const fillResults = () => { const r = root.querySelector<HTMLElement>('#results'); if (r) replaceChildren(r, ...resultsBlock()); };
  const fillMembers = () => { save(); const r = root.querySelector<HTMLElement>('#members'); if (r) replaceChildren(r, membersBlock()); };
  const membersStep = (): HTMLElement[] => {
    if (state.query.trim() && t.searchResults.length === 0) queueMicrotask(() => void runSearch(undefined));
    return [
      h('h2', {}, state.reuse ? l10n.t('Members of {0}', state.reuse.displayName) : l10n.t('Members')),
      h('div', { class: 'field' }, h('vscode-label', { for: 'search' }, l10n.t('Find people by the start of their display name')),
        h('vscode-textfield', { id: 'search', 'data-key': 'search', value: state.query, label: l10n.t('Find people by the start of their display name'), placeholder: l10n.t('e.g. Alice'),
          oninput: (e: Event) => { state.query = (e.target as HTMLInputElement).value; save(); refreshCommands(); search(); } })),
      h('div', { id: 'results', 'aria-live': 'polite' }, ...resultsBlock()),
      h('h3', {}, l10n.t('Chosen members')),
      h('div', { id: 'members' }, membersBlock()),
      h('div', { class: 'actions' },
        button(l10n.t('Back'), () => { state.step = 0; render(); }, { key: 'members-back', secondary: true }),
        button(l10n.t('Next'), () => { state.step = 2; render(); }, { key: 'members-next', id: 'members-next' })),
    ];
  };

  // ---------- step 3: review and create ----------
  const create = async () => {
    if (t.working) return; // a second click while the first runs does nothing
    t.working = state.reuse ? l10n.t('Adding the members…') : l10n.t('Creating the group…');
    t.failure = null;
    render();
    try {
      if (!state.reuse && !state.created) {
        // The name may have been taken since it was checked: never create a second group of the same name silently.
        const { groups } = await request({ method: 'findGroups', name: state.name.trim() });
        if (groups.length) { t.existing = groups; state.step = 0; return; }
      }
      const group = state.reuse ?? state.created ?? (await request({ method: 'createGroup', name: state.name.trim(), mailNickname: state.nickname, description: state.description })).group;
      state.created = state.reuse ? null : group;
      t.working = l10n.t('Adding the members…');
      const { results } = state.members.length ? await request({ method: 'addMembers', groupId: group.id, members: state.members }) : { results: [] };
      state.results = results;
      state.step = 3;
    } catch (error) {
      t.failure = failureOf(error);
    } finally {
      t.working = null;
      render();
    }
  };
  const explain = (failure: WizardFailure): WizardFailure => {
    if (failure.kind === 'forbidden' && !state.reuse) {
      return { ...failure, message: l10n.t('You may not create security groups in this tenant: it lets only some roles (such as Groups Administrator) create them ("Insufficient privileges", Authorization_RequestDenied). Send the request below to an administrator; it names the members by object id. Details: {0}', failure.message) };
    }
    if (failure.kind === 'forbidden') return { ...failure, message: l10n.t('You may not add members to this group: only its owners and some directory roles may. Send the request below to an administrator. Details: {0}', failure.message) };
    return failure;
  };
  const reviewStep = (): (HTMLElement | null)[] => [
    h('h2', {}, l10n.t('Review')),
    h('dl', { class: 'summary' },
      h('dt', {}, l10n.t('Group')), h('dd', {}, state.reuse ? l10n.t('{0} (existing, {1})', state.reuse.displayName, state.reuse.id) : state.name),
      state.reuse ? null : [h('dt', {}, l10n.t('Mail nickname')), h('dd', {}, state.nickname), h('dt', {}, l10n.t('Description')), h('dd', {}, state.description),
        h('dt', {}, l10n.t('Kind')), h('dd', {}, l10n.t('Security group (not mail-enabled)'))],
      h('dt', {}, l10n.t('Members')), h('dd', {}, state.members.map((m) => m.displayName).join(', ') || l10n.t('none'))),
    t.failure ? failureBox(explain(t.failure), [
      t.failure.kind === 'forbidden' || t.failure.kind === 'not-preauthorized' || t.failure.kind === 'no-sign-in'
        ? button(l10n.t('Copy Request for an Administrator'), () => root.querySelector<HTMLElement>('#copy-admin')?.click(), { key: 'failure-admin' }) : null,
    ]) : null,
    t.working ? busy(t.working) : null,
    h('div', { class: 'actions' },
      button(l10n.t('Back'), () => { state.step = 1; t.failure = null; render(); }, { key: 'review-back', secondary: true, disabled: !!t.working }),
      button(state.reuse ? l10n.t('Add Members') : l10n.t('Create'), () => void create(), { key: 'create', id: 'create', disabled: !!t.working })),
  ];

  // ---------- step 4: result ----------
  const retry = async () => {
    const failed = new Set((state.results ?? []).filter((r) => r.outcome === 'failed' && !r.forbidden).map((r) => r.id));
    const group = state.created ?? state.reuse;
    if (!group || t.working) return;
    t.working = l10n.t('Adding the remaining members…');
    render();
    try {
      const { results } = await request({ method: 'addMembers', groupId: group.id, members: state.members.filter((m) => failed.has(m.id)) });
      const again = new Map(results.map((r) => [r.id, r]));
      state.results = (state.results ?? []).map((r) => again.get(r.id) ?? r);
    } catch (error) {
      t.failure = failureOf(error);
    } finally {
      t.working = null;
      render();
    }
  };
  const outcomeText: Record<WizardMemberResult['outcome'], string> = { added: l10n.t('added'), 'already-member': l10n.t('already a member'), failed: l10n.t('not added') };
  const resultStep = (): (HTMLElement | null)[] => {
    const group = state.created ?? state.reuse;
    const failed = (state.results ?? []).filter((r) => r.outcome === 'failed');
    const refused = failed.filter((r) => r.forbidden);
    const retryable = failed.filter((r) => !r.forbidden);
    return [
      h('h2', {}, state.created ? l10n.t('The group is ready') : l10n.t('The members are set')),
      group ? h('p', {}, ...sentence(l10n.t('{0} — object id {1}'), h('span', { class: 'group-name' }, group.displayName), h('code', { id: 'object-id' }, group.id)), ' ',
        button(l10n.t('Copy Object ID'), () => copyText(group.id, l10n.t('the object id')), { key: 'copy-id', secondary: true })) : null,
      h('ul', { class: 'list', 'aria-label': l10n.t('Members added') }, (state.results ?? []).map((r) => h('li', {},
        h('span', { class: 'who' }, h('span', { class: 'name' }, r.displayName), h('span', { class: `outcome ${r.outcome}` }, outcomeText[r.outcome])),
        r.reason ? h('p', { class: 'hint' }, r.reason) : null))),
      refused.length ? h('div', { class: 'failure', role: 'alert' },
        h('p', {}, refused.length === 1
          ? l10n.t('You may not change the members of {0}: only its owners and some directory roles (Groups Administrator, User Administrator) may. One member was not added. Send the request below to an owner of the group or an administrator.', group?.displayName ?? l10n.t('this group'))
          : l10n.t('You may not change the members of {0}: only its owners and some directory roles (Groups Administrator, User Administrator) may. {1} members were not added. Send the request below to an owner of the group or an administrator.', group?.displayName ?? l10n.t('this group'), refused.length)),
        button(l10n.t('Copy Request for an Administrator'), () => root.querySelector<HTMLElement>('#copy-admin')?.click(), { key: 'refused-admin' })) : null,
      retryable.length ? h('div', { class: 'failure', role: 'alert' }, h('p', {}, retryable.length === 1
        ? l10n.t('{0} member was not added. Retry them, or send the request below to an administrator.', retryable.length)
        : l10n.t('{0} members were not added. Retry them, or send the request below to an administrator.', retryable.length)),
        button(l10n.t('Retry the Remaining Members'), () => void retry(), { key: 'retry', disabled: !!t.working })) : null,
      t.failure ? failureBox(t.failure) : null,
      t.working ? busy(t.working) : null,
      group ? h('div', { class: 'actions' }, button(l10n.t('Assign Roles to This Group…'), () => void request({ method: 'openRoleWizard', assignee: { id: group.id, type: 'Group', displayName: group.displayName, detail: 'group' } }),
        { key: 'assign', id: 'assign' }),
      button(l10n.t('Check Access for This Group'), () => void request({ method: 'checkAccessFor', principal: { id: group.id, type: 'Group', displayName: group.displayName, detail: 'group' } }),
        { key: 'check-access', id: 'check-access', secondary: true })) : null,
    ];
  };

  const whoAmI = async () => {
    try {
      const who = await request({ method: 'whoAmI' });
      t.actor = who.actor;
      t.actorProblem = who.problem?.message ?? null;
      if (who.actor && !state.preselected && who.actor.user.type === 'User') {
        state.preselected = true;
        if (!chosen(who.actor.user.id)) state.members.unshift({ id: who.actor.user.id, displayName: who.actor.user.displayName, userPrincipalName: who.actor.user.detail || null });
      }
    } catch (error) {
      t.actorProblem = failureOf(error).message;
    }
    render();
  };
  render();
  void whoAmI();
}
