// The Access view's rows as pure data: labels, descriptions, icons, Markdown tooltips (every outside value escaped)
// and the flags menus read. The tree view renders these; the tests read them too.
import * as l10n from '@vscode/l10n';
import { portalUrl, type CloudEndpoints } from '../access/clouds';
import { describePath, scopeContains, scopeKind } from '../access/model';
import { permissionsDeny, roleGrants } from '../access/permissions';
import { scopeKey, ScopeIndex } from '../access/scopeIndex';
import type {
  AccessIdentity, AccessProblem, AccessReport, AppliedAssignment, AppliedDenyAssignment, EligibleRole, GroupMembership, Insight, RolePermissions,
  ScopeNode, SubscriptionAccess,
} from '../access/types';
import { displayName, formatExpiry, markdownText } from './chainRows';

export type AccessRowKind =
  | 'identity' | 'problem' | 'fix' | 'groups' | 'group' | 'subscription' | 'scope' | 'assignment' | 'eligibleSection' | 'eligible'
  | 'denySection' | 'deny' | 'insights' | 'insight' | 'message' | 'status';

/** What a row (a click) or its tooltip (a link) offers; the extension maps each to a command. */
export type AccessAction = 'signIn' | 'refresh' | 'openSettings' | 'showLog' | 'showChain';

export interface AccessLink {
  readonly title: string;
  readonly action: AccessAction;
}

export interface AccessRowModel {
  /** Unique in the whole tree and the same for the same thing in the next report, so expansion state survives. */
  readonly id: string;
  readonly kind: AccessRowKind;
  readonly label: string;
  readonly description: string;
  readonly icon: string;
  readonly color?: string;
  /** Markdown; values from Azure are escaped. Command links come separately (`links`). */
  readonly tooltip: string;
  /** Flags for menus ("canRemove", "hasScope", …). */
  readonly flags: readonly string[];
  readonly children: readonly AccessRowModel[];
  /** Scope this row stands for (portal link, remove, copy). */
  readonly scope?: string;
  readonly assignmentId?: string;
  /** Who holds the assignment, in words ("you (alice@contoso.com)", "group sg-dev-team"): the removal dialog names it. */
  readonly principal?: string;
  /** The scope's page in this cloud's portal (rows flagged hasScope). */
  readonly portalUrl?: string;
  /** A URL the row opens (PIM activation). */
  readonly url?: string;
  readonly expanded?: boolean;
  /** What a click on the row does. */
  readonly click?: AccessAction;
  /** Offered at the end of the tooltip as command links. */
  readonly links?: readonly AccessLink[];
  /** Insights whose fix needs rights on the resource: what an administrator runs (bash), for Copy Administrator Request. */
  readonly adminRequest?: string;
}

const REMOVE_ACTION = 'Microsoft.Authorization/roleAssignments/delete';

/** A Markdown code span whose content cannot end it early. */
export function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r?\n/g, ' ')}\``;
}

/** A link target that stays one: no spaces or parentheses that would end it, and no other scheme than https. */
export function linkTarget(url: string): string | undefined {
  if (!/^https:\/\//i.test(url)) return undefined;
  return encodeURI(url).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

function portalLink(url: string): string {
  const target = linkTarget(url);
  return target ? `[${l10n.t('Open in the portal')}](${target})` : '';
}

function summarize(list: readonly string[], max = 6): string {
  if (list.length === 0) return l10n.t('none');
  const shown = list.slice(0, max).map(codeSpan).join(', ');
  return list.length > max ? l10n.t('{0} and {1} more', shown, list.length - max) : shown;
}

/** A role's permissions read the same in every row that shows the role: written once per report. */
const permissionLines = new WeakMap<readonly RolePermissions[], string[]>();

function permissionsText(permissions: readonly RolePermissions[]): string[] {
  let lines = permissionLines.get(permissions);
  if (!lines) permissionLines.set(permissions, lines = writePermissions(permissions));
  return lines;
}

function writePermissions(permissions: readonly RolePermissions[]): string[] {
  const all = (pick: (p: RolePermissions) => readonly string[]): string[] => permissions.flatMap(pick);
  return [
    `- ${l10n.t('actions: {0}', summarize(all((p) => p.actions)))}`,
    ...(all((p) => p.notActions).length ? [`- ${l10n.t('not actions: {0}', summarize(all((p) => p.notActions)))}`] : []),
    `- ${l10n.t('data actions: {0}', summarize(all((p) => p.dataActions)))}`,
    ...(all((p) => p.notDataActions).length ? [`- ${l10n.t('not data actions: {0}', summarize(all((p) => p.notDataActions)))}`] : []),
  ];
}

/** May the identity remove role assignments at this scope (its own roles grant it, and no deny assignment stops it)? */
export function canRemoveAt(scope: string, assignments: readonly AppliedAssignment[], deny: readonly AppliedDenyAssignment[]): boolean {
  return removableWith(assignments.filter((a) => scopeContains(a.scope, scope)), deny.filter((d) => scopeContains(d.scope, scope)));
}

/** canRemoveAt, given only the assignments and deny assignments whose scopes contain the scope. */
function removableWith(applying: readonly AppliedAssignment[], denying: readonly AppliedDenyAssignment[]): boolean {
  return !permissionsDeny(denying.flatMap((d) => d.permissions), REMOVE_ACTION, false)
    && applying.some((a) => a.condition === null && roleGrants(a.role, REMOVE_ACTION, false));
}

/** Problems that a new sign-in fixes offer "Sign In…"; the others a refresh. */
export function problemAction(problem: AccessProblem): AccessAction {
  return problem.kind === 'sign-in-expired' || problem.kind === 'no-token' || problem.kind === 'wrong-tenant' ? 'signIn' : 'refresh';
}

/** The command titles, looked up when a link is made (in the catalog's language). */
function actionTitle(action: AccessAction): string {
  switch (action) {
    case 'signIn': return l10n.t('Sign In…');
    case 'refresh': return l10n.t('Refresh');
    case 'openSettings': return l10n.t('Open Settings');
    case 'showLog': return l10n.t('Show Log');
    case 'showChain': return l10n.t('Show Chain');
  }
}

export function actionLink(action: AccessAction): AccessLink {
  return { title: actionTitle(action), action };
}

/** A problem shown in place: its message, and under it the fix, so neither needs a hover. */
export function problemRow(id: string, problem: AccessProblem): AccessRowModel {
  const icon = problem.kind === 'throttled' || problem.kind === 'timeout' ? 'watch' : problem.kind === 'forbidden' || problem.kind === 'graph-denied' ? 'lock' : 'warning';
  const action = problemAction(problem);
  const tooltip = `${markdownText(problem.message)}\n\n**${l10n.t('Fix:')}** ${markdownText(problem.fix)}`;
  return {
    id, kind: 'problem', label: problem.message.split('\n')[0]!.slice(0, 160), description: '', icon, color: 'problemsWarningIcon.foreground',
    tooltip, flags: [action], links: [actionLink(action)], expanded: true,
    children: [{
      id: `${id}|fix`, kind: 'fix', label: l10n.t('Fix: {0}', problem.fix.split('\n')[0]!.slice(0, 200)), description: '', icon: 'lightbulb', tooltip,
      flags: [action], links: [actionLink(action)], children: [], ...(action === 'signIn' ? { click: action } : {}),
    }],
    ...(problem.scope ? { scope: problem.scope } : {}),
  };
}

/** How a person names a scope: the subscription's display name, a group's or resource's own name. */
function scopeLabel(scope: string, sub: SubscriptionAccess): string {
  const kind = scopeKind(scope);
  const name = scope.replace(/\/+$/, '').split('/').pop() ?? scope;
  if (kind === 'subscription') return l10n.t('subscription {0}', sub.displayName);
  if (kind === 'managementGroup') return l10n.t('management group {0}', name);
  return name;
}

function principalText(a: AppliedAssignment, identity: AccessIdentity): string {
  if (a.via.kind === 'direct') return l10n.t('you ({0})', identity.upn ?? identity.appId ?? identity.objectId);
  const group = a.via.path[a.via.path.length - 1] ?? a.via.groupId;
  return a.via.path.length > 1 ? l10n.t('group {0} (you are in it through {1})', group, a.via.path.slice(0, -1).join(' → ')) : l10n.t('group {0}', group);
}

interface RowContext {
  readonly sub: SubscriptionAccess;
  /** The subscription's deny assignments by scope: each scope row asks only those above it. */
  readonly deny: ScopeIndex<AppliedDenyAssignment>;
  readonly cloud: CloudEndpoints;
  readonly identity: AccessIdentity;
}

function assignmentRow(a: AppliedAssignment, at: string, removable: boolean, parentId: string, ctx: RowContext): AccessRowModel {
  const inherited = a.scope.toLowerCase() !== at.toLowerCase();
  const parts = [describePath(a.via)];
  if (inherited) parts.push(l10n.t('inherited from {0}', scopeLabel(a.scope, ctx.sub)));
  if (a.condition) parts.push(l10n.t('condition'));
  const portal = portalUrl(ctx.cloud, a.scope);
  const tooltip = [
    `**${markdownText(a.role.roleName)}** (${markdownText(a.role.type === 'BuiltInRole' ? l10n.t('built-in role') : a.role.type === 'CustomRole' ? l10n.t('custom role') : l10n.t('role'))})`,
    '', markdownText(a.role.description), '',
    ...permissionsText(a.role.permissions), '',
    `- ${inherited ? l10n.t('applies: {0}, inherited from {1}', markdownText(describePath(a.via)), codeSpan(a.scope)) : l10n.t('applies: {0}', markdownText(describePath(a.via)))}`,
    `- ${l10n.t('scope: {0}', codeSpan(a.scope))}`,
    `- ${l10n.t('assignment: {0}', codeSpan(a.assignmentId))}`,
    ...(a.createdOn ? [`- ${l10n.t('created on: {0}', markdownText(a.createdOn))}`] : []),
    ...(a.condition ? ['', l10n.t('**Condition** (version {0}): the role applies only where it holds', markdownText(a.conditionVersion ?? '2.0')), '', '```text', a.condition.replace(/```/g, "'''"), '```'] : []),
    ...(inherited ? ['', l10n.t('Assigned at {0}: remove or change it there.', markdownText(scopeLabel(a.scope, ctx.sub)))] : []),
    '', portalLink(portal),
  ].join('\n');
  return {
    id: `${parentId}|${a.assignmentId}`, kind: 'assignment', label: a.role.roleName, description: parts.join(' · '),
    icon: a.condition ? 'filter' : a.via.kind === 'direct' ? 'person' : 'organization',
    ...(inherited ? { color: 'descriptionForeground' } : {}),
    tooltip, flags: ['hasScope', ...(removable && !inherited ? ['canRemove'] : [])], children: [], scope: a.scope, assignmentId: a.assignmentId,
    principal: principalText(a, ctx.identity), portalUrl: portal,
  };
}

function scopeRow(node: ScopeNode, ctx: RowContext): AccessRowModel {
  const id = `${ctx.sub.subscriptionId}|scope|${node.scope}`;
  // A node's assignments are exactly those whose scopes contain it (see the report's scope tree).
  const removable = removableWith(node.assignments, ctx.deny.applying(scopeKey(node.scope)));
  const kindLabel = node.kind === 'managementGroup' ? l10n.t('management group') : node.kind === 'subscription' ? l10n.t('subscription')
    : node.kind === 'resourceGroup' ? l10n.t('resource group') : node.resourceType ?? l10n.t('resource');
  const children = [
    ...node.assignments.map((a) => assignmentRow(a, node.scope, removable, id, ctx)),
    ...(node.assignments.length === 0 ? [{
      id: `${id}|none`, kind: 'message' as const, label: l10n.t('No role applies here'), description: '', icon: 'circle-slash', tooltip: '', flags: [], children: [],
    }] : []),
    ...node.children.map((c) => scopeRow(c, ctx)),
  ];
  const portal = portalUrl(ctx.cloud, node.scope);
  return {
    id, kind: 'scope', label: node.kind === 'subscription' ? l10n.t('Subscription scope') : node.name, description: kindLabel,
    icon: node.kind === 'managementGroup' ? 'organization' : node.kind === 'subscription' ? 'key' : node.kind === 'resourceGroup' ? 'folder' : 'symbol-field',
    tooltip: `${codeSpan(node.scope)}\n\n${portalLink(portal)}`,
    flags: ['hasScope', 'canAssign'], children, scope: node.scope, portalUrl: portal, expanded: node.kind !== 'resource',
  };
}

function eligibleRow(e: EligibleRole, index: number, ctx: RowContext): AccessRowModel {
  return {
    id: `${ctx.sub.subscriptionId}|eligible|${e.scope}|${e.roleGuid}|${index}`, kind: 'eligible', label: e.roleName,
    description: l10n.t('eligible at {0} · activate in PIM · {1}', scopeLabel(e.scope, ctx.sub), describePath(e.via)),
    icon: 'unlock',
    tooltip: l10n.t('**{0}** is eligible at {1}: activate it in Privileged Identity Management before use.', markdownText(e.roleName), codeSpan(e.scope))
      + (e.endDateTime ? `\n\n${l10n.t('Eligible until {0}.', markdownText(e.endDateTime))}` : ''),
    flags: ['openUrl', 'hasScope'], children: [], scope: e.scope, url: e.activateUrl, portalUrl: portalUrl(ctx.cloud, e.scope),
  };
}

function denyRow(d: AppliedDenyAssignment, ctx: RowContext): AccessRowModel {
  return {
    id: `${ctx.sub.subscriptionId}|deny|${d.id}`, kind: 'deny', label: d.name || l10n.t('Deny assignment'), description: l10n.t('applies {0} · at {1}', d.appliesThrough, scopeLabel(d.scope, ctx.sub)),
    icon: 'shield', color: 'errorForeground',
    tooltip: [l10n.t('**Deny assignment** {0}', markdownText(d.name)), '', markdownText(d.description), '', l10n.t('A deny assignment blocks these operations whatever roles allow:'), ...permissionsText(d.permissions),
      `- ${d.doNotApplyToChildScopes ? l10n.t('scope: {0} (not its children)', codeSpan(d.scope)) : l10n.t('scope: {0}', codeSpan(d.scope))}`].join('\n'),
    flags: ['hasScope'], children: [], scope: d.scope, portalUrl: portalUrl(ctx.cloud, d.scope),
  };
}

/** What a short insight label leaves out, when no fix fills the description. */
function insightHint(kind: Insight['kind']): string | undefined {
  switch (kind) {
    case 'recent-assignment': return l10n.t('needs a new token');
    case 'access-policy-vault': return l10n.t('access policies, not roles');
    case 'workspace-resource': return l10n.t('named in the workspace');
    case 'network-firewall': return l10n.t('403 from this machine');
    case 'network-private': return l10n.t('403 · private endpoint only');
    default: return undefined;
  }
}

const NETWORK_KINDS: ReadonlySet<Insight['kind']> = new Set(['network-firewall', 'network-private', 'shared-key-disabled', 'local-auth-disabled']);

/** A fenced Markdown code block whose fence no run of backticks in the text can close. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text.replace(/\r/g, '')}\n${fence}`;
}

function insightRow(i: Insight, index: number, cloud: CloudEndpoints): AccessRowModel {
  const icon = i.kind === 'control-plane-only' || i.kind === 'tenant-mismatch' || NETWORK_KINDS.has(i.kind) ? 'warning'
    : i.kind === 'recent-assignment' ? 'history' : i.kind === 'access-policy-vault' ? 'key' : 'lightbulb';
  return {
    // The short label fits a narrow sidebar; the whole sentence leads the tooltip.
    id: `insight|${i.kind}|${i.scope ?? ''}|${index}`, kind: 'insight', label: i.label,
    // A new role's row is labelled with the role alone (it fits); the description says it is new.
    description: `${i.kind === 'recent-assignment' ? `${l10n.t('new')} · ` : ''}${i.suggestion ? `→ ${i.suggestion}` : insightHint(i.kind) ?? ''}`,
    icon, ...(icon === 'warning' ? { color: 'problemsWarningIcon.foreground' } : {}),
    tooltip: [
      `**${markdownText(i.title)}**`, '', markdownText(i.detail), ...(i.suggestion ? ['', `**${l10n.t('Fix:')}** ${markdownText(i.suggestion)}`] : []),
      ...(i.adminRequest ? ['', l10n.t('**Administrator request** (bash; Copy Administrator Request copies it):'), '', codeBlock(i.adminRequest, 'bash')] : []),
    ].join('\n'),
    flags: [...(i.scope ? ['hasScope'] : []), ...(i.adminRequest ? ['hasAdminRequest'] : [])], children: [],
    ...(i.scope ? { scope: i.scope, portalUrl: portalUrl(cloud, i.scope) } : {}),
    ...(i.adminRequest ? { adminRequest: i.adminRequest } : {}),
  };
}

function groupRow(g: GroupMembership): AccessRowModel {
  return {
    id: `group|${g.id}`, kind: 'group', label: g.displayName ?? g.id, description: g.path.length > 1 ? l10n.t('via {0}', g.path.slice(0, -1).join(' → ')) : l10n.t('direct member'),
    icon: 'organization', tooltip: `${l10n.t('Security group **{0}**', markdownText(g.displayName ?? g.id))}\n\n- ${l10n.t('object id: {0}', codeSpan(g.id))}${g.path.length > 1 ? `\n- ${l10n.t('membership: {0}', markdownText(g.path.join(' → ')))}` : ''}`,
    flags: ['group', 'canAssign'], children: [],
  };
}

/** Makes every id unique (a second row with the same id gets "#2"): VS Code rejects a tree with duplicate ids. */
function uniqueIds(rows: readonly AccessRowModel[], seen = new Map<string, number>()): AccessRowModel[] {
  return rows.map((row) => {
    const count = (seen.get(row.id) ?? 0) + 1;
    seen.set(row.id, count);
    const id = count === 1 ? row.id : `${row.id}#${count}`;
    return { ...row, id, children: uniqueIds(row.children, seen) };
  });
}

/** The whole tree for a report. */
export function accessRows(report: AccessReport, cloud: CloudEndpoints, now = Date.now()): AccessRowModel[] {
  const id = report.identity;
  const who = id.upn ?? id.appId ?? id.objectId;
  const viewer = report.viewer;
  const viewerName = viewer ? viewer.upn ?? viewer.appId ?? viewer.objectId : '';
  const identityRow: AccessRowModel = {
    // Another principal's access (Check Access for…) says whose it is, and whose sign-in read it.
    id: 'identity', kind: 'identity', label: viewer ? l10n.t('Access of {0}', id.displayName ?? who) : id.displayName ?? who,
    description: viewer ? `${id.displayName ? `${who} · ` : ''}${l10n.t('read as {0}', viewerName)}` : `${id.displayName ? `${who} · ` : ''}${displayName(id.source)}`,
    icon: id.kind === 'user' ? 'account' : id.kind === 'group' ? 'organization' : 'server-process',
    tooltip: [
      viewer ? l10n.t('**{0}** — read with the sign-in of {1}', markdownText(id.displayName ?? who), markdownText(viewerName)) : l10n.t('**{0}** — what your Python code signs in as', markdownText(id.displayName ?? who)), '',
      `- ${id.kind === 'user' ? l10n.t('user') : id.kind === 'group' ? l10n.t('group') : id.kind === 'managedIdentity' ? l10n.t('managed identity') : l10n.t('service principal')}${id.upn ? `: ${markdownText(id.upn)}` : ''}${id.appId ? `, ${l10n.t('app id {0}', codeSpan(id.appId))}` : ''}`,
      `- ${l10n.t('object id: {0}', codeSpan(id.objectId))}`,
      `- ${l10n.t('tenant: {0}', id.tenantName ? `${markdownText(id.tenantName)} (${codeSpan(id.tenantId)})` : codeSpan(id.tenantId))}`,
      `- ${l10n.t('source: {0}', markdownText(displayName(id.source)))}`,
      ...(id.expiresOn ? [`- ${l10n.t('token expires: {0}', markdownText(formatExpiry(id.expiresOn, now)))}`] : []),
      `- ${l10n.t('cloud: {0}', markdownText(report.cloud))}`,
    ].join('\n'),
    flags: ['identity'], children: [],
  };
  const rows: AccessRowModel[] = [identityRow];
  report.problems.forEach((p, i) => rows.push(problemRow(`problem|${i}`, p)));
  const tenantInsights = report.insights.filter((i) => i.kind === 'tenant-mismatch');
  const otherInsights = report.insights.filter((i) => i.kind !== 'tenant-mismatch');
  tenantInsights.forEach((i, n) => rows.push(insightRow(i, n, cloud)));
  if (otherInsights.length) {
    rows.push({
      id: 'insights', kind: 'insights', label: l10n.t('Insights'), description: String(otherInsights.length), icon: 'lightbulb',
      tooltip: l10n.t("What the roles mean for your app's calls, computed from the role definitions."), flags: [],
      children: otherInsights.map((i, n) => insightRow(i, n, cloud)), expanded: true,
    });
  }
  rows.push({
    id: 'groups', kind: 'groups', label: l10n.t('Groups'), description: report.groups.problem ? l10n.t('not readable') : String(report.groups.count),
    icon: 'organization', tooltip: l10n.t('Security groups this identity is in, directly or through other groups (Microsoft Graph transitiveMemberOf).'),
    flags: [], children: [...(report.groups.problem ? [problemRow('groups|problem', report.groups.problem)] : []), ...report.groups.items.map(groupRow)],
  });
  for (const sub of report.subscriptions) {
    const ctx: RowContext = { sub, deny: new ScopeIndex(sub.deny, (d) => d.scope), cloud, identity: id };
    const children: AccessRowModel[] = [
      ...sub.problems.map((p, i) => problemRow(`${sub.subscriptionId}|problem|${i}`, p)),
      ...sub.scopes.map((s) => scopeRow(s, ctx)),
    ];
    if (sub.eligible.length) {
      children.push({
        id: `${sub.subscriptionId}|eligible`, kind: 'eligibleSection', label: l10n.t('Eligible (PIM)'), description: String(sub.eligible.length), icon: 'unlock',
        tooltip: l10n.t('Roles you may activate in Privileged Identity Management; they do not apply until activated.'), flags: [],
        children: sub.eligible.map((e, n) => eligibleRow(e, n, ctx)),
      });
    }
    if (sub.deny.length) {
      children.push({
        id: `${sub.subscriptionId}|deny`, kind: 'denySection', label: l10n.t('Deny assignments'), description: String(sub.deny.length), icon: 'shield',
        tooltip: l10n.t('Deny assignments block operations whatever roles allow: they explain a 403 no role can.'), flags: [], children: sub.deny.map((d) => denyRow(d, ctx)),
      });
    }
    const scope = `/subscriptions/${sub.subscriptionId}`;
    const portal = portalUrl(cloud, scope);
    rows.push({
      id: `subscription|${sub.subscriptionId}`, kind: 'subscription', label: sub.displayName, description: sub.subscriptionId,
      icon: 'azure', tooltip: `${l10n.t('Subscription **{0}**', markdownText(sub.displayName))}\n\n- ${l10n.t('id: {0}', codeSpan(sub.subscriptionId))}${sub.tenantId ? `\n- ${l10n.t('tenant: {0}', codeSpan(sub.tenantId))}` : ''}\n\n${portalLink(portal)}`,
      flags: ['hasScope'], children, scope, portalUrl: portal, expanded: report.subscriptions.length <= 3,
    });
  }
  return uniqueIds(rows);
}

/** One shell word: safe characters as they are, anything else single-quoted (values come from tokens and Azure). */
function shellWord(text: string): string {
  return /^[\w.@:/=-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** The az commands that list what the view shows, for "Copy az Command": one assignment list per subscription. */
export function equivalentCommands(report: AccessReport, cloud?: CloudEndpoints): string {
  const oid = shellWord(report.identity.objectId);
  const lines: string[] = [];
  // az must be set to the same sovereign cloud; a custom cloud is az's own business (`az cloud register`).
  if (cloud?.name === 'AzureChinaCloud' || cloud?.name === 'AzureUSGovernment') lines.push(`az cloud set --name ${cloud.name}`);
  const list = `az role assignment list --assignee ${oid} --all --include-groups --include-inherited`;
  if (report.subscriptions.length === 0) lines.push(`${list} --output table`);
  for (const sub of report.subscriptions) lines.push(`${list} --subscription ${shellWord(sub.subscriptionId)} --output table`);
  const graph = (cloud?.graph ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  lines.push(report.identity.kind === 'user'
    ? `az ad user get-member-groups --id ${oid} --security-enabled-only true --output table`
    : `az rest --method get --url ${shellWord(`${graph}/v1.0/servicePrincipals/${report.identity.objectId}/transitiveMemberOf`)} --output table`);
  return `${lines.join('\n')}\n`;
}
