// The Access view's rows as pure data: labels, descriptions, icons, Markdown tooltips (every outside value escaped)
// and the flags menus read. The tree view renders these; the tests read them too.
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
  return target ? `[Open in the portal](${target})` : '';
}

function summarize(list: readonly string[], max = 6): string {
  if (list.length === 0) return 'none';
  const shown = list.slice(0, max).map(codeSpan).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
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
    `- actions: ${summarize(all((p) => p.actions))}`,
    ...(all((p) => p.notActions).length ? [`- not actions: ${summarize(all((p) => p.notActions))}`] : []),
    `- data actions: ${summarize(all((p) => p.dataActions))}`,
    ...(all((p) => p.notDataActions).length ? [`- not data actions: ${summarize(all((p) => p.notDataActions))}`] : []),
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

const ACTION_TITLES: Readonly<Record<AccessAction, string>> = {
  signIn: 'Sign In…', refresh: 'Refresh', openSettings: 'Open Settings', showLog: 'Show Log', showChain: 'Show Chain',
};

export function actionLink(action: AccessAction): AccessLink {
  return { title: ACTION_TITLES[action], action };
}

/** A problem shown in place: its message, and under it the fix, so neither needs a hover. */
export function problemRow(id: string, problem: AccessProblem): AccessRowModel {
  const icon = problem.kind === 'throttled' || problem.kind === 'timeout' ? 'watch' : problem.kind === 'forbidden' || problem.kind === 'graph-denied' ? 'lock' : 'warning';
  const action = problemAction(problem);
  const tooltip = `${markdownText(problem.message)}\n\n**Fix:** ${markdownText(problem.fix)}`;
  return {
    id, kind: 'problem', label: problem.message.split('\n')[0]!.slice(0, 160), description: '', icon, color: 'problemsWarningIcon.foreground',
    tooltip, flags: [action], links: [actionLink(action)], expanded: true,
    children: [{
      id: `${id}|fix`, kind: 'fix', label: `Fix: ${problem.fix.split('\n')[0]!.slice(0, 200)}`, description: '', icon: 'lightbulb', tooltip,
      flags: [action], links: [actionLink(action)], children: [], ...(action === 'signIn' ? { click: action } : {}),
    }],
    ...(problem.scope ? { scope: problem.scope } : {}),
  };
}

/** How a person names a scope: the subscription's display name, a group's or resource's own name. */
function scopeLabel(scope: string, sub: SubscriptionAccess): string {
  const kind = scopeKind(scope);
  const name = scope.replace(/\/+$/, '').split('/').pop() ?? scope;
  if (kind === 'subscription') return `subscription ${sub.displayName}`;
  if (kind === 'managementGroup') return `management group ${name}`;
  return name;
}

function principalText(a: AppliedAssignment, identity: AccessIdentity): string {
  if (a.via.kind === 'direct') return `you (${identity.upn ?? identity.appId ?? identity.objectId})`;
  const group = a.via.path[a.via.path.length - 1] ?? a.via.groupId;
  return a.via.path.length > 1 ? `group ${group} (you are in it through ${a.via.path.slice(0, -1).join(' → ')})` : `group ${group}`;
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
  if (inherited) parts.push(`inherited from ${scopeLabel(a.scope, ctx.sub)}`);
  if (a.condition) parts.push('condition');
  const portal = portalUrl(ctx.cloud, a.scope);
  const tooltip = [
    `**${markdownText(a.role.roleName)}** (${markdownText(a.role.type === 'BuiltInRole' ? 'built-in role' : a.role.type === 'CustomRole' ? 'custom role' : 'role')})`,
    '', markdownText(a.role.description), '',
    ...permissionsText(a.role.permissions), '',
    `- applies: ${markdownText(describePath(a.via))}${inherited ? `, inherited from ${codeSpan(a.scope)}` : ''}`,
    `- scope: ${codeSpan(a.scope)}`,
    `- assignment: ${codeSpan(a.assignmentId)}`,
    ...(a.createdOn ? [`- created on: ${markdownText(a.createdOn)}`] : []),
    ...(a.condition ? ['', `**Condition** (version ${markdownText(a.conditionVersion ?? '2.0')}): the role applies only where it holds`, '', '```text', a.condition.replace(/```/g, "'''"), '```'] : []),
    ...(inherited ? ['', `Assigned at ${markdownText(scopeLabel(a.scope, ctx.sub))}: remove or change it there.`] : []),
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
  const kindLabel = { managementGroup: 'management group', subscription: 'subscription', resourceGroup: 'resource group', resource: node.resourceType ?? 'resource' }[node.kind];
  const children = [
    ...node.assignments.map((a) => assignmentRow(a, node.scope, removable, id, ctx)),
    ...(node.assignments.length === 0 ? [{
      id: `${id}|none`, kind: 'message' as const, label: 'No role applies here', description: '', icon: 'circle-slash', tooltip: '', flags: [], children: [],
    }] : []),
    ...node.children.map((c) => scopeRow(c, ctx)),
  ];
  const portal = portalUrl(ctx.cloud, node.scope);
  return {
    id, kind: 'scope', label: node.kind === 'subscription' ? 'Subscription scope' : node.name, description: kindLabel,
    icon: node.kind === 'managementGroup' ? 'organization' : node.kind === 'subscription' ? 'key' : node.kind === 'resourceGroup' ? 'folder' : 'symbol-field',
    tooltip: `${codeSpan(node.scope)}\n\n${portalLink(portal)}`,
    flags: ['hasScope', 'canAssign'], children, scope: node.scope, portalUrl: portal, expanded: node.kind !== 'resource',
  };
}

function eligibleRow(e: EligibleRole, index: number, ctx: RowContext): AccessRowModel {
  return {
    id: `${ctx.sub.subscriptionId}|eligible|${e.scope}|${e.roleGuid}|${index}`, kind: 'eligible', label: e.roleName,
    description: `eligible at ${scopeLabel(e.scope, ctx.sub)} · activate in PIM · ${describePath(e.via)}`,
    icon: 'unlock',
    tooltip: `**${markdownText(e.roleName)}** is eligible at ${codeSpan(e.scope)}: activate it in Privileged Identity Management before use.${e.endDateTime ? `\n\nEligible until ${markdownText(e.endDateTime)}.` : ''}`,
    flags: ['openUrl', 'hasScope'], children: [], scope: e.scope, url: e.activateUrl, portalUrl: portalUrl(ctx.cloud, e.scope),
  };
}

function denyRow(d: AppliedDenyAssignment, ctx: RowContext): AccessRowModel {
  return {
    id: `${ctx.sub.subscriptionId}|deny|${d.id}`, kind: 'deny', label: d.name || 'Deny assignment', description: `applies ${d.appliesThrough} · at ${scopeLabel(d.scope, ctx.sub)}`,
    icon: 'shield', color: 'errorForeground',
    tooltip: [`**Deny assignment** ${markdownText(d.name)}`, '', markdownText(d.description), '', 'A deny assignment blocks these operations whatever roles allow:', ...permissionsText(d.permissions),
      `- scope: ${codeSpan(d.scope)}${d.doNotApplyToChildScopes ? ' (not its children)' : ''}`].join('\n'),
    flags: ['hasScope'], children: [], scope: d.scope, portalUrl: portalUrl(ctx.cloud, d.scope),
  };
}

/** What a short insight label leaves out, when no fix fills the description. */
const INSIGHT_HINT: Partial<Record<Insight['kind'], string>> = {
  'recent-assignment': 'needs a new token',
  'access-policy-vault': 'access policies, not roles',
  'workspace-resource': 'named in the workspace',
  'network-firewall': '403 from this machine',
  'network-private': '403 · private endpoint only',
};

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
    description: `${i.kind === 'recent-assignment' ? 'new · ' : ''}${i.suggestion ? `→ ${i.suggestion}` : INSIGHT_HINT[i.kind] ?? ''}`,
    icon, ...(icon === 'warning' ? { color: 'problemsWarningIcon.foreground' } : {}),
    tooltip: [
      `**${markdownText(i.title)}**`, '', markdownText(i.detail), ...(i.suggestion ? ['', `**Fix:** ${markdownText(i.suggestion)}`] : []),
      ...(i.adminRequest ? ['', '**Administrator request** (bash; Copy Administrator Request copies it):', '', codeBlock(i.adminRequest, 'bash')] : []),
    ].join('\n'),
    flags: [...(i.scope ? ['hasScope'] : []), ...(i.adminRequest ? ['hasAdminRequest'] : [])], children: [],
    ...(i.scope ? { scope: i.scope, portalUrl: portalUrl(cloud, i.scope) } : {}),
    ...(i.adminRequest ? { adminRequest: i.adminRequest } : {}),
  };
}

function groupRow(g: GroupMembership): AccessRowModel {
  return {
    id: `group|${g.id}`, kind: 'group', label: g.displayName ?? g.id, description: g.path.length > 1 ? `via ${g.path.slice(0, -1).join(' → ')}` : 'direct member',
    icon: 'organization', tooltip: `Security group **${markdownText(g.displayName ?? g.id)}**\n\n- object id: ${codeSpan(g.id)}${g.path.length > 1 ? `\n- membership: ${markdownText(g.path.join(' → '))}` : ''}`,
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
    id: 'identity', kind: 'identity', label: viewer ? `Access of ${id.displayName ?? who}` : id.displayName ?? who,
    description: viewer ? `${id.displayName ? `${who} · ` : ''}read as ${viewerName}` : `${id.displayName ? `${who} · ` : ''}${displayName(id.source)}`,
    icon: id.kind === 'user' ? 'account' : id.kind === 'group' ? 'organization' : 'server-process',
    tooltip: [
      viewer ? `**${markdownText(id.displayName ?? who)}** — read with the sign-in of ${markdownText(viewerName)}` : `**${markdownText(id.displayName ?? who)}** — what your Python code signs in as`, '',
      `- ${id.kind === 'user' ? 'user' : id.kind === 'group' ? 'group' : id.kind === 'managedIdentity' ? 'managed identity' : 'service principal'}${id.upn ? `: ${markdownText(id.upn)}` : ''}${id.appId ? `, app id ${codeSpan(id.appId)}` : ''}`,
      `- object id: ${codeSpan(id.objectId)}`,
      `- tenant: ${id.tenantName ? `${markdownText(id.tenantName)} (${codeSpan(id.tenantId)})` : codeSpan(id.tenantId)}`,
      `- source: ${markdownText(displayName(id.source))}`,
      ...(id.expiresOn ? [`- token expires: ${markdownText(formatExpiry(id.expiresOn, now))}`] : []),
      `- cloud: ${markdownText(report.cloud)}`,
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
      id: 'insights', kind: 'insights', label: 'Insights', description: String(otherInsights.length), icon: 'lightbulb',
      tooltip: 'What the roles mean for your app\'s calls, computed from the role definitions.', flags: [],
      children: otherInsights.map((i, n) => insightRow(i, n, cloud)), expanded: true,
    });
  }
  rows.push({
    id: 'groups', kind: 'groups', label: 'Groups', description: report.groups.problem ? 'not readable' : String(report.groups.count),
    icon: 'organization', tooltip: 'Security groups this identity is in, directly or through other groups (Microsoft Graph transitiveMemberOf).',
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
        id: `${sub.subscriptionId}|eligible`, kind: 'eligibleSection', label: 'Eligible (PIM)', description: String(sub.eligible.length), icon: 'unlock',
        tooltip: 'Roles you may activate in Privileged Identity Management; they do not apply until activated.', flags: [],
        children: sub.eligible.map((e, n) => eligibleRow(e, n, ctx)),
      });
    }
    if (sub.deny.length) {
      children.push({
        id: `${sub.subscriptionId}|deny`, kind: 'denySection', label: 'Deny assignments', description: String(sub.deny.length), icon: 'shield',
        tooltip: 'Deny assignments block operations whatever roles allow: they explain a 403 no role can.', flags: [], children: sub.deny.map((d) => denyRow(d, ctx)),
      });
    }
    const scope = `/subscriptions/${sub.subscriptionId}`;
    const portal = portalUrl(cloud, scope);
    rows.push({
      id: `subscription|${sub.subscriptionId}`, kind: 'subscription', label: sub.displayName, description: sub.subscriptionId,
      icon: 'azure', tooltip: `Subscription **${markdownText(sub.displayName)}**\n\n- id: ${codeSpan(sub.subscriptionId)}${sub.tenantId ? `\n- tenant: ${codeSpan(sub.tenantId)}` : ''}\n\n${portalLink(portal)}`,
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
