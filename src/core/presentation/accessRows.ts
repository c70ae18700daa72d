// The Access view's rows as pure data: labels, descriptions, icons, Markdown tooltips (every outside value escaped)
// and the flags menus read. The tree view renders these; the tests read them too.
import { portalUrl, type CloudEndpoints } from '../access/clouds';
import { describePath, scopeContains } from '../access/model';
import { permissionsDeny, roleGrants } from '../access/permissions';
import type {
  AccessProblem, AccessReport, AppliedAssignment, AppliedDenyAssignment, EligibleRole, GroupMembership, Insight, RolePermissions, ScopeNode,
  SubscriptionAccess,
} from '../access/types';
import { displayName, formatExpiry, markdownText } from './chainRows';

export type AccessRowKind =
  | 'identity' | 'problem' | 'groups' | 'group' | 'subscription' | 'scope' | 'assignment' | 'eligibleSection' | 'eligible'
  | 'denySection' | 'deny' | 'insights' | 'insight' | 'message';

export interface AccessRowModel {
  readonly id: string;
  readonly kind: AccessRowKind;
  readonly label: string;
  readonly description: string;
  readonly icon: string;
  readonly color?: string;
  /** Markdown. */
  readonly tooltip: string;
  /** Flags for menus ("canRemove", "hasScope", …). */
  readonly flags: readonly string[];
  readonly children: readonly AccessRowModel[];
  /** Scope this row stands for (portal link, remove, copy). */
  readonly scope?: string;
  readonly assignmentId?: string;
  /** A URL the row opens (PIM activation). */
  readonly url?: string;
  readonly expanded?: boolean;
}

const REMOVE_ACTION = 'Microsoft.Authorization/roleAssignments/delete';

function summarize(list: readonly string[], max = 6): string {
  if (list.length === 0) return 'none';
  const shown = list.slice(0, max).map((a) => `\`${a.replace(/`/g, "'")}\``).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}

function permissionsText(permissions: readonly RolePermissions[]): string[] {
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
  const denied = permissionsDeny(deny.filter((d) => scopeContains(d.scope, scope)).flatMap((d) => d.permissions), REMOVE_ACTION, false);
  return !denied && assignments.some((a) => scopeContains(a.scope, scope) && a.condition === null && roleGrants(a.role, REMOVE_ACTION, false));
}

function problemRow(id: string, problem: AccessProblem): AccessRowModel {
  const icon = problem.kind === 'throttled' || problem.kind === 'timeout' ? 'watch' : problem.kind === 'forbidden' || problem.kind === 'graph-denied' ? 'lock' : 'warning';
  return {
    id, kind: 'problem', label: problem.message.split('\n')[0]!.slice(0, 160), description: '', icon, color: 'problemsWarningIcon.foreground',
    tooltip: `${markdownText(problem.message)}\n\n**Fix:** ${markdownText(problem.fix)}`,
    flags: [problem.kind === 'sign-in-expired' || problem.kind === 'no-token' || problem.kind === 'wrong-tenant' ? 'signIn' : 'refresh'], children: [],
    ...(problem.scope ? { scope: problem.scope } : {}),
  };
}

function assignmentRow(a: AppliedAssignment, at: string, removable: boolean, idPrefix: string): AccessRowModel {
  const inherited = a.scope.toLowerCase() !== at.toLowerCase();
  const parts = [describePath(a.via)];
  if (inherited) parts.push(`inherited from ${a.scope.split('/').pop() ?? a.scope}`);
  if (a.condition) parts.push('condition');
  const tooltip = [
    `**${markdownText(a.role.roleName)}** (${markdownText(a.role.type === 'BuiltInRole' ? 'built-in role' : a.role.type === 'CustomRole' ? 'custom role' : 'role')})`,
    '', markdownText(a.role.description), '',
    ...permissionsText(a.role.permissions), '',
    `- applies: ${markdownText(describePath(a.via))}${inherited ? `, inherited from \`${a.scope.replace(/`/g, "'")}\`` : ''}`,
    `- scope: \`${a.scope.replace(/`/g, "'")}\``,
    `- assignment: \`${a.assignmentId.replace(/`/g, "'")}\``,
    ...(a.createdOn ? [`- created on: ${markdownText(a.createdOn)}`] : []),
    ...(a.condition ? ['', `**Condition** (version ${markdownText(a.conditionVersion ?? '2.0')}): the role applies only where it holds`, '', '```text', a.condition.replace(/```/g, "'''"), '```'] : []),
  ].join('\n');
  return {
    id: `${idPrefix}|${a.assignmentId}`, kind: 'assignment', label: a.role.roleName, description: parts.join(' · '),
    icon: a.condition ? 'filter' : a.via.kind === 'direct' ? 'person' : 'organization',
    ...(inherited ? { color: 'descriptionForeground' } : {}),
    tooltip, flags: ['hasScope', ...(removable && !inherited ? ['canRemove'] : [])], children: [], scope: a.scope, assignmentId: a.assignmentId,
  };
}

function scopeRow(node: ScopeNode, sub: SubscriptionAccess, cloud: CloudEndpoints): AccessRowModel {
  const removable = canRemoveAt(node.scope, node.assignments, sub.deny);
  const kindLabel = { managementGroup: 'management group', subscription: 'subscription', resourceGroup: 'resource group', resource: node.resourceType ?? 'resource' }[node.kind];
  const children = [
    ...node.assignments.map((a) => assignmentRow(a, node.scope, removable, node.scope)),
    ...(node.assignments.length === 0 ? [{
      id: `${node.scope}|none`, kind: 'message' as const, label: 'No role applies here', description: '', icon: 'circle-slash', tooltip: '', flags: [], children: [],
    }] : []),
    ...node.children.map((c) => scopeRow(c, sub, cloud)),
  ];
  return {
    id: `scope|${node.scope}`, kind: 'scope', label: node.kind === 'subscription' ? 'Subscription scope' : node.name, description: kindLabel,
    icon: node.kind === 'managementGroup' ? 'organization' : node.kind === 'subscription' ? 'key' : node.kind === 'resourceGroup' ? 'folder' : 'symbol-field',
    tooltip: `\`${node.scope.replace(/`/g, "'")}\`\n\n[Open in the portal](${portalUrl(cloud, node.scope)})`,
    flags: ['hasScope', 'canAssign'], children, scope: node.scope, expanded: node.kind !== 'resource',
  };
}

function eligibleRow(e: EligibleRole, index: number): AccessRowModel {
  return {
    id: `eligible|${e.scope}|${e.roleGuid}|${index}`, kind: 'eligible', label: e.roleName, description: `eligible, activate in PIM · ${describePath(e.via)}`,
    icon: 'unlock',
    tooltip: `**${markdownText(e.roleName)}** is eligible at \`${e.scope.replace(/`/g, "'")}\`: activate it in Privileged Identity Management before use.${e.endDateTime ? `\n\nEligible until ${markdownText(e.endDateTime)}.` : ''}`,
    flags: ['openUrl'], children: [], scope: e.scope, url: e.activateUrl,
  };
}

function denyRow(d: AppliedDenyAssignment): AccessRowModel {
  return {
    id: `deny|${d.id}`, kind: 'deny', label: d.name || 'Deny assignment', description: `applies ${d.appliesThrough} · at ${d.scope.split('/').pop() ?? d.scope}`,
    icon: 'shield', color: 'errorForeground',
    tooltip: [`**Deny assignment** ${markdownText(d.name)}`, '', markdownText(d.description), '', 'A deny assignment blocks these operations whatever roles allow:', ...permissionsText(d.permissions),
      `- scope: \`${d.scope.replace(/`/g, "'")}\`${d.doNotApplyToChildScopes ? ' (not its children)' : ''}`].join('\n'),
    flags: ['hasScope'], children: [], scope: d.scope,
  };
}

function insightRow(i: Insight, index: number): AccessRowModel {
  const icon = i.kind === 'control-plane-only' || i.kind === 'tenant-mismatch' ? 'warning' : i.kind === 'recent-assignment' ? 'history' : i.kind === 'access-policy-vault' ? 'key' : 'lightbulb';
  return {
    id: `insight|${i.kind}|${i.scope ?? ''}|${index}`, kind: 'insight', label: i.title, description: i.suggestion ? `→ ${i.suggestion}` : '',
    icon, ...(icon === 'warning' ? { color: 'problemsWarningIcon.foreground' } : {}),
    tooltip: [`**${markdownText(i.title)}**`, '', markdownText(i.detail), ...(i.suggestion ? ['', `**Fix:** ${markdownText(i.suggestion)}`] : [])].join('\n'),
    flags: i.scope ? ['hasScope'] : [], children: [], ...(i.scope ? { scope: i.scope } : {}),
  };
}

function groupRow(g: GroupMembership): AccessRowModel {
  return {
    id: `group|${g.id}`, kind: 'group', label: g.displayName ?? g.id, description: g.path.length > 1 ? `via ${g.path.slice(0, -1).join(' → ')}` : 'direct member',
    icon: 'organization', tooltip: `Security group **${markdownText(g.displayName ?? g.id)}**\n\n- object id: \`${g.id}\`${g.path.length > 1 ? `\n- membership: ${markdownText(g.path.join(' → '))}` : ''}`,
    flags: ['group', 'canAssign'], children: [],
  };
}

/** The whole tree for a report. */
export function accessRows(report: AccessReport, cloud: CloudEndpoints, now = Date.now()): AccessRowModel[] {
  const id = report.identity;
  const who = id.upn ?? id.appId ?? id.objectId;
  const identityRow: AccessRowModel = {
    id: 'identity', kind: 'identity', label: id.displayName ?? who, description: `${id.displayName ? `${who} · ` : ''}${displayName(id.source)}`,
    icon: id.kind === 'user' ? 'account' : 'server-process',
    tooltip: [
      `**${markdownText(id.displayName ?? who)}** — what your Python code signs in as`, '',
      `- ${id.kind === 'user' ? 'user' : id.kind === 'managedIdentity' ? 'managed identity' : 'service principal'}${id.upn ? `: ${markdownText(id.upn)}` : ''}${id.appId ? `, app id \`${id.appId}\`` : ''}`,
      `- object id: \`${id.objectId}\``,
      `- tenant: ${id.tenantName ? `${markdownText(id.tenantName)} (\`${id.tenantId}\`)` : `\`${id.tenantId}\``}`,
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
  tenantInsights.forEach((i, n) => rows.push(insightRow(i, n)));
  if (otherInsights.length) {
    rows.push({
      id: 'insights', kind: 'insights', label: 'Insights', description: String(otherInsights.length), icon: 'lightbulb',
      tooltip: 'What the roles mean for your app\'s calls, computed from the role definitions.', flags: [], children: otherInsights.map(insightRow), expanded: true,
    });
  }
  rows.push({
    id: 'groups', kind: 'groups', label: 'Groups', description: report.groups.problem ? 'not readable' : String(report.groups.count),
    icon: 'organization', tooltip: 'Security groups this identity is in, directly or through other groups (Microsoft Graph transitiveMemberOf).',
    flags: [], children: [...(report.groups.problem ? [problemRow('groups|problem', report.groups.problem)] : []), ...report.groups.items.map(groupRow)],
  });
  for (const sub of report.subscriptions) {
    const children: AccessRowModel[] = [
      ...sub.problems.map((p, i) => problemRow(`${sub.subscriptionId}|problem|${i}`, p)),
      ...sub.scopes.map((s) => scopeRow(s, sub, cloud)),
    ];
    if (sub.eligible.length) {
      children.push({
        id: `${sub.subscriptionId}|eligible`, kind: 'eligibleSection', label: 'Eligible (PIM)', description: String(sub.eligible.length), icon: 'unlock',
        tooltip: 'Roles you may activate in Privileged Identity Management; they do not apply until activated.', flags: [], children: sub.eligible.map(eligibleRow),
      });
    }
    if (sub.deny.length) {
      children.push({
        id: `${sub.subscriptionId}|deny`, kind: 'denySection', label: 'Deny assignments', description: String(sub.deny.length), icon: 'shield',
        tooltip: 'Deny assignments block operations whatever roles allow: they explain a 403 no role can.', flags: [], children: sub.deny.map(denyRow),
      });
    }
    rows.push({
      id: `subscription|${sub.subscriptionId}`, kind: 'subscription', label: sub.displayName, description: sub.subscriptionId,
      icon: 'azure', tooltip: `Subscription **${markdownText(sub.displayName)}**\n\n- id: \`${sub.subscriptionId}\`${sub.tenantId ? `\n- tenant: \`${sub.tenantId}\`` : ''}\n\n[Open in the portal](${portalUrl(cloud, `/subscriptions/${sub.subscriptionId}`)})`,
      flags: ['hasScope'], children, scope: `/subscriptions/${sub.subscriptionId}`, expanded: report.subscriptions.length <= 3,
    });
  }
  return rows;
}

/** The az commands equivalent to the view, for "Copy az Command". */
export function equivalentCommands(report: AccessReport): string {
  const oid = report.identity.objectId;
  const groups = report.identity.kind === 'user'
    ? `az ad user get-member-groups --id ${oid} --security-enabled-only true --output table`
    : `az rest --method get --url "https://graph.microsoft.com/v1.0/servicePrincipals/${oid}/transitiveMemberOf" --output table`;
  return `az role assignment list --assignee ${oid} --all --include-groups --include-inherited --output table\n${groups}\n`;
}
