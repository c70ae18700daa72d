// "Create Local Development Group…": name (prefilled `<app>-local-dev`, an existing group offered for reuse), members
// (search by display-name prefix, the developer preselected), review, then the group and its members.
import { addMemberCommand, createGroupCommand, findUsersCommand, type CommandArgs } from '../core/team/commands';
import { defaultGroupDescription, defaultGroupName, groupNameProblem, mailNicknameFor, mailNicknameProblem } from '../core/team/names';
import { request, saveState } from './bridge';
import { busy, button, commandsBlock, copyText, debounce, failureBox, failureOf, steps } from './common';
import { h, replaceChildren } from './dom';
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

const STEP_NAMES = ['Name', 'Members', 'Review', 'Done'];

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
    : failedIds().size ? { title: 'Commands for the members not added' } : { title: 'Equivalent commands of what was done' });
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
      h('h1', {}, 'Create Local Development Group'),
      t.actor ? h('p', { class: 'hint' }, `Acting as ${t.actor.user.displayName}${t.actor.user.detail ? ` (${t.actor.user.detail})` : ''} through ${t.actor.tool}.`) : null,
      t.actorProblem ? failureBox({ kind: 'no-sign-in', message: t.actorProblem }, [
        button('Sign In…', () => void request({ method: 'signIn' }), { key: 'sign-in' }),
        button('Try Again', () => void whoAmI(), { key: 'who-again', secondary: true }),
      ]) : null,
      steps(STEP_NAMES, state.step),
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
      return h('div', { class: 'notice' }, h('p', {}, 'Reusing the existing group ', h('strong', {}, state.reuse.displayName), ` (object id ${state.reuse.id}).`),
        button('Create a New Group Instead', () => { state.reuse = null; render(); }, { key: 'unreuse', secondary: true }));
    }
    if (!t.existing?.length) return t.failure ? failureBox(t.failure) : null;
    return h('div', { class: 'notice', role: 'alert' },
      h('p', {}, t.existing.length === 1 ? 'A group with this name already exists:' : `${t.existing.length} groups with this name already exist:`),
      h('ul', {}, t.existing.map((g) => h('li', {},
        h('span', { class: 'group-name' }, g.displayName), ' ', h('span', { class: 'hint' }, `object id ${g.id}`),
        g.description ? h('p', { class: 'hint' }, g.description) : null,
        button('Reuse This Group', () => { state.reuse = g; state.step = 1; render(); }, { key: `reuse-${g.id}`, ariaLabel: `Reuse the group ${g.displayName}` })))),
      h('p', { class: 'hint' }, 'Reuse it, or choose another name: a second group with the same name is not created.'));
  };
  const fillExisting = () => { const e = root.querySelector<HTMLElement>('#existing'); if (e) replaceChildren(e, existingBlock()); fillNext(); };
  const fillNext = () => {
    const n = root.querySelector<HTMLElement>('#details-next');
    if (n) n.toggleAttribute('disabled', nameBlocked());
    const p = root.querySelector<HTMLElement>('#name-problems');
    if (p) replaceChildren(p, ...problems().map((x) => h('p', { class: 'problem' }, x)));
  };
  const detailsStep = (): HTMLElement[] => {
    const nickname = h('vscode-textfield', { id: 'nickname', 'data-key': 'nickname', value: state.nickname, label: 'Mail nickname', maxlength: '64',
      oninput: (e: Event) => { state.nickname = (e.target as HTMLInputElement).value; state.nicknameEdited = true; fillNext(); refreshCommands(); } });
    const fields = [
      h('div', { class: 'field' }, h('vscode-label', { for: 'name' }, 'Group name'),
        h('vscode-textfield', { id: 'name', 'data-key': 'name', value: state.name, label: 'Group name', maxlength: '256',
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
      h('div', { class: 'field' }, h('vscode-label', { for: 'nickname' }, 'Mail nickname'), nickname,
        h('p', { class: 'hint', id: 'nickname-hint' }, 'Up to 64 ASCII characters, none of @ ( ) \\ [ ] " ; : < > , . / \' or space.')),
      h('div', { class: 'field' }, h('vscode-label', { for: 'description' }, 'Description'),
        h('vscode-textarea', { id: 'description', 'data-key': 'description', value: state.description, label: 'Description', rows: '2', maxlength: '1024',
          oninput: (e: Event) => { state.description = (e.target as HTMLInputElement).value; refreshCommands(); } })),
      h('div', { id: 'name-problems', 'aria-live': 'polite' }),
      h('div', { id: 'existing' }),
      h('div', { class: 'actions' }, button('Next', () => { state.step = 1; render(); }, { key: 'details-next', id: 'details-next', disabled: nameBlocked() })),
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
    h('ul', { class: 'list', 'aria-label': 'Search results' }, t.searchResults.map((u) => h('li', {},
      h('span', { class: 'who' }, h('span', { class: 'name' }, u.displayName), h('span', { class: 'hint' }, u.userPrincipalName ?? '')),
      chosen(u.id) ? h('span', { class: 'hint' }, 'added')
        : button('Add', () => { state.members.push(u); fillResults(); fillMembers(); refreshCommands(); }, { key: `add-${u.id}`, secondary: true, ariaLabel: `Add ${u.displayName}` })))),
    t.searching ? busy('Searching…') : null,
    t.nextLink && !t.searching ? button('More Results', () => void runSearch(t.nextLink ?? undefined), { key: 'more', secondary: true }) : null,
    !t.searching && state.query.trim() && t.searchResults.length === 0 && !t.failure ? h('p', { class: 'hint' }, 'No user\'s display name starts with this.') : null,
  ];
  const membersBlock = (): HTMLElement => h('ul', { class: 'list', 'aria-label': 'Members' },
    state.members.length === 0 ? h('li', { class: 'hint' }, 'No members yet.') : state.members.map((m) => h('li', {},
      h('span', { class: 'who' }, h('span', { class: 'name' }, m.displayName), h('span', { class: 'hint' }, m.userPrincipalName ?? m.id)),
      button('Remove', () => { state.members = state.members.filter((x) => x.id !== m.id); fillMembers(); fillResults(); refreshCommands(); },
        { key: `remove-${m.id}`, secondary: true, ariaLabel: `Remove ${m.displayName}` }))));
  const fillResults = () => { const r = root.querySelector<HTMLElement>('#results'); if (r) replaceChildren(r, ...resultsBlock()); };
  const fillMembers = () => { save(); const r = root.querySelector<HTMLElement>('#members'); if (r) replaceChildren(r, membersBlock()); };
  const membersStep = (): HTMLElement[] => {
    if (state.query.trim() && t.searchResults.length === 0) queueMicrotask(() => void runSearch(undefined));
    return [
      h('h2', {}, state.reuse ? `Members of ${state.reuse.displayName}` : 'Members'),
      h('div', { class: 'field' }, h('vscode-label', { for: 'search' }, 'Find people by the start of their display name'),
        h('vscode-textfield', { id: 'search', 'data-key': 'search', value: state.query, label: 'Find people by the start of their display name', placeholder: 'e.g. Alice',
          oninput: (e: Event) => { state.query = (e.target as HTMLInputElement).value; save(); refreshCommands(); search(); } })),
      h('div', { id: 'results', 'aria-live': 'polite' }, ...resultsBlock()),
      h('h3', {}, 'Chosen members'),
      h('div', { id: 'members' }, membersBlock()),
      h('div', { class: 'actions' },
        button('Back', () => { state.step = 0; render(); }, { key: 'members-back', secondary: true }),
        button('Next', () => { state.step = 2; render(); }, { key: 'members-next', id: 'members-next' })),
    ];
  };

  // ---------- step 3: review and create ----------
  const create = async () => {
    if (t.working) return; // a second click while the first runs does nothing
    t.working = state.reuse ? 'Adding the members…' : 'Creating the group…';
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
      t.working = 'Adding the members…';
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
      return { ...failure, message: 'You may not create security groups in this tenant: it lets only some roles (such as Groups Administrator) create them '
        + `("Insufficient privileges", Authorization_RequestDenied). Send the request below to an administrator; it names the members by object id. Details: ${failure.message}` };
    }
    if (failure.kind === 'forbidden') return { ...failure, message: `You may not add members to this group: only its owners and some directory roles may. Send the request below to an administrator. Details: ${failure.message}` };
    return failure;
  };
  const reviewStep = (): (HTMLElement | null)[] => [
    h('h2', {}, 'Review'),
    h('dl', { class: 'summary' },
      h('dt', {}, 'Group'), h('dd', {}, state.reuse ? `${state.reuse.displayName} (existing, ${state.reuse.id})` : state.name),
      state.reuse ? null : [h('dt', {}, 'Mail nickname'), h('dd', {}, state.nickname), h('dt', {}, 'Description'), h('dd', {}, state.description),
        h('dt', {}, 'Kind'), h('dd', {}, 'Security group (not mail-enabled)')],
      h('dt', {}, 'Members'), h('dd', {}, state.members.map((m) => m.displayName).join(', ') || 'none')),
    t.failure ? failureBox(explain(t.failure), [
      t.failure.kind === 'forbidden' || t.failure.kind === 'not-preauthorized' || t.failure.kind === 'no-sign-in'
        ? button('Copy Request for an Administrator', () => root.querySelector<HTMLElement>('#copy-admin')?.click(), { key: 'failure-admin' }) : null,
    ]) : null,
    t.working ? busy(t.working) : null,
    h('div', { class: 'actions' },
      button('Back', () => { state.step = 1; t.failure = null; render(); }, { key: 'review-back', secondary: true, disabled: !!t.working }),
      button(state.reuse ? 'Add Members' : 'Create', () => void create(), { key: 'create', id: 'create', disabled: !!t.working })),
  ];

  // ---------- step 4: result ----------
  const retry = async () => {
    const failed = new Set((state.results ?? []).filter((r) => r.outcome === 'failed' && !r.forbidden).map((r) => r.id));
    const group = state.created ?? state.reuse;
    if (!group || t.working) return;
    t.working = 'Adding the remaining members…';
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
  const outcomeText: Record<WizardMemberResult['outcome'], string> = { added: 'added', 'already-member': 'already a member', failed: 'not added' };
  const resultStep = (): (HTMLElement | null)[] => {
    const group = state.created ?? state.reuse;
    const failed = (state.results ?? []).filter((r) => r.outcome === 'failed');
    const refused = failed.filter((r) => r.forbidden);
    const retryable = failed.filter((r) => !r.forbidden);
    return [
      h('h2', {}, state.created ? 'The group is ready' : 'The members are set'),
      group ? h('p', {}, h('span', { class: 'group-name' }, group.displayName), ' — object id ', h('code', { id: 'object-id' }, group.id), ' ',
        button('Copy Object ID', () => copyText(group.id, 'the object id'), { key: 'copy-id', secondary: true })) : null,
      h('ul', { class: 'list', 'aria-label': 'Members added' }, (state.results ?? []).map((r) => h('li', {},
        h('span', { class: 'who' }, h('span', { class: 'name' }, r.displayName), h('span', { class: `outcome ${r.outcome}` }, outcomeText[r.outcome])),
        r.reason ? h('p', { class: 'hint' }, r.reason) : null))),
      refused.length ? h('div', { class: 'failure', role: 'alert' },
        h('p', {}, `You may not change the members of ${group?.displayName ?? 'this group'}: only its owners and some directory roles (Groups Administrator, `
          + `User Administrator) may. ${refused.length === 1 ? 'One member was' : `${refused.length} members were`} not added. Send the request below to an owner of the group or an administrator.`),
        button('Copy Request for an Administrator', () => root.querySelector<HTMLElement>('#copy-admin')?.click(), { key: 'refused-admin' })) : null,
      retryable.length ? h('div', { class: 'failure', role: 'alert' }, h('p', {}, `${retryable.length} ${retryable.length === 1 ? 'member was' : 'members were'} not added. Retry them, or send the request below to an administrator.`),
        button('Retry the Remaining Members', () => void retry(), { key: 'retry', disabled: !!t.working })) : null,
      t.failure ? failureBox(t.failure) : null,
      t.working ? busy(t.working) : null,
      group ? h('div', { class: 'actions' }, button('Assign Roles to This Group…', () => void request({ method: 'openRoleWizard', assignee: { id: group.id, type: 'Group', displayName: group.displayName, detail: 'group' } }),
        { key: 'assign', id: 'assign' }),
      button('Check Access for This Group', () => void request({ method: 'checkAccessFor', principal: { id: group.id, type: 'Group', displayName: group.displayName, detail: 'group' } }),
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
