// "Can P do action A on scope S?" answered from an access report (assignments with their role definitions and
// conditions, deny assignments) and the role definitions of the subscription: yes, no, or depends on a condition,
// with the assignment that grants it, or the narrowest built-in role that would and the command that assigns it.
// Pure: the loading is in load.ts, the rendering in the CLI and the view.
import * as l10n from '@vscode/l10n';
import { assignRoleCommand, renderCommand } from '../team/commands';
import { scopeContains } from './model';
import { operationMatches, permissionsDeny, roleGrants, rolesGranting } from './permissions';
import type { AccessReport, AppliedAssignment, CanAnswer, CanSuggestion, CanVerdict, RoleInfo, RolePermissions, SubscriptionAccess } from './types';

export type { CanAnswer, CanSuggestion, CanVerdict };

/** Is this operation a data action? Those are listed in roles' dataActions (a bare "*" says nothing). */
export function isDataAction(action: string, definitions: readonly RoleInfo[]): boolean {
  return definitions.some((r) => r.permissions.some((p) => p.dataActions.some((d) => d !== '*' && operationMatches(d, action))));
}

/** Does any permission block grant the operation (actions minus notActions within one block)? */
export function permissionsGrant(permissions: readonly RolePermissions[], action: string, data: boolean): boolean {
  return permissions.some((p) => {
    const allow = data ? p.dataActions : p.actions;
    const except = data ? p.notDataActions : p.notActions;
    return allow.some((a) => operationMatches(a, action)) && !except.some((n) => operationMatches(n, action));
  });
}

/**
 * Whether an ABAC condition can restrict this action. Conditions are written "(!(ActionMatches{'a'}) …) OR (…)":
 * an action none of its ActionMatches names is let through by the first part. A condition that names no action is
 * taken to restrict everything.
 */
export function conditionRestricts(condition: string, action: string): boolean {
  const named = [...condition.matchAll(/ActionMatches\s*\{\s*'([^']*)'/gi)].map((m) => m[1]!.replace(/:.*$/, ''));
  if (named.length === 0) return true;
  return named.some((pattern) => operationMatches(pattern, action));
}

function subscriptionOf(report: AccessReport, scope: string): SubscriptionAccess[] {
  const id = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
  return id ? report.subscriptions.filter((s) => s.subscriptionId.toLowerCase() === id) : [...report.subscriptions];
}

function allAssignments(subscriptions: readonly SubscriptionAccess[]): AppliedAssignment[] {
  const seen = new Map<string, AppliedAssignment>();
  const walk = (nodes: SubscriptionAccess['scopes']): void => {
    for (const n of nodes) {
      for (const a of n.assignments) if (!seen.has(a.assignmentId.toLowerCase())) seen.set(a.assignmentId.toLowerCase(), a);
      walk(n.children);
    }
  };
  for (const s of subscriptions) walk(s.scopes);
  return [...seen.values()];
}

function breadth(role: RoleInfo, data: boolean): number {
  return role.permissions.reduce((n, p) => n + (data ? p.dataActions : p.actions).reduce((m, a) => m + (a.includes('*') ? 50 : 1), 0), 0);
}

/** How specifically a role names the action: the literal length of its most specific matching pattern ("*" is 0). */
function specificity(role: RoleInfo, action: string): number {
  return Math.max(0, ...role.permissions.flatMap((p) => p.actions.filter((a) => operationMatches(a, action)).map((a) => a.replace(/\*/g, '').length)));
}

/**
 * The narrowest built-in role granting the action: for data, the ranking the insights use; for the control plane the
 * role that names it most specifically (not Owner's "*"), then the one with the fewest, least wild actions.
 */
export function narrowestRole(definitions: readonly RoleInfo[], action: string, data: boolean): RoleInfo | undefined {
  if (data) return rolesGranting(definitions, [action])[0];
  return definitions
    .filter((r) => r.type === 'BuiltInRole' && roleGrants(r, action, false))
    .sort((a, b) => specificity(b, action) - specificity(a, action) || breadth(a, false) - breadth(b, false) || a.roleName.localeCompare(b.roleName))[0];
}

function principalType(report: AccessReport): CanSuggestion['principalType'] {
  const kind = report.identity.kind;
  return kind === 'user' ? 'User' : kind === 'group' ? 'Group' : 'ServicePrincipal';
}

function scopeName(scope: string): string {
  return scope.replace(/\/+$/, '').split('/').pop() || scope;
}

function via(a: AppliedAssignment): string {
  return a.via.kind === 'direct' ? l10n.t('direct') : l10n.t('through {0}', a.via.path.join(' → '));
}

/** The answer; `definitions` are the role definitions the suggestion is chosen from (the subscription's). */
export function answerCan(report: AccessReport, action: string, scope: string, definitions: readonly RoleInfo[]): CanAnswer {
  const known = [...definitions, ...allAssignments(report.subscriptions).map((a) => a.role)];
  const data = isDataAction(action, known);
  const subscriptions = subscriptionOf(report, scope);
  const reaching = allAssignments(subscriptions).filter((a) => scopeContains(a.scope, scope));
  const who = report.identity.displayName ?? report.identity.upn ?? report.identity.appId ?? report.identity.objectId;
  const where = scopeName(scope);
  const base = { action, dataAction: data, scope, who };
  const deniedBy = subscriptions.flatMap((s) => s.deny)
    .find((d) => scopeContains(d.scope, scope) && !(d.doNotApplyToChildScopes && d.scope.toLowerCase().replace(/\/+$/, '') !== scope.toLowerCase().replace(/\/+$/, ''))
      && permissionsDeny(d.permissions, action, data)) ?? null;
  const granting = reaching.filter((a) => roleGrants(a.role, action, data));
  const unconditional = granting.filter((a) => !a.condition || !conditionRestricts(a.condition, action));
  const conditional = granting.filter((a) => a.condition && conditionRestricts(a.condition, action));
  if (deniedBy) {
    return {
      ...base, verdict: 'no', grantedBy: granting, conditions: [], deniedBy, suggestion: null,
      sentence: granting.length
        ? l10n.t('No: the deny assignment "{0}" at {1} denies {2} to {3} (it applies {4}), although {5} grants it. A role assignment cannot lift it; whoever created it ({6}) can.',
          deniedBy.name, scopeName(deniedBy.scope), action, who, deniedBy.appliesThrough, granting[0]!.role.roleName, deniedBy.description || l10n.t('see its description'))
        : l10n.t('No: the deny assignment "{0}" at {1} denies {2} to {3} (it applies {4}). A role assignment cannot lift it; whoever created it ({5}) can.',
          deniedBy.name, scopeName(deniedBy.scope), action, who, deniedBy.appliesThrough, deniedBy.description || l10n.t('see its description')),
    };
  }
  if (unconditional.length) {
    const first = unconditional[0]!;
    return {
      ...base, verdict: 'yes', grantedBy: unconditional, conditions: [], deniedBy: null, suggestion: null,
      sentence: l10n.t('Yes: {0} may {1} on {2} through {3} at {4} ({5}).', who, action, where, first.role.roleName, scopeName(first.scope), via(first)),
    };
  }
  const role = narrowestRole(definitions, action, data);
  const type = principalType(report);
  const suggestion: CanSuggestion | null = role ? {
    roleName: role.roleName, roleGuid: role.guid, principalType: type,
    command: renderCommand(assignRoleCommand(report.identity.objectId, type, scope, role.roleName), 'bash'),
  } : null;
  if (conditional.length) {
    const conditions = [...new Set(conditional.map((a) => a.condition!))];
    return {
      ...base, verdict: 'depends', grantedBy: conditional, conditions, deniedBy: null, suggestion,
      sentence: l10n.t('Depends on a condition: {0} at {1} grants {2} to {3} only where {4} holds.', conditional[0]!.role.roleName, scopeName(conditional[0]!.scope), action, who,
        conditions.map((c) => `"${c}"`).join(` ${l10n.t('or')} `)),
    };
  }
  return {
    ...base, verdict: 'no', grantedBy: [], conditions: [], deniedBy: null, suggestion,
    sentence: `${l10n.t('No: no role of {0} grants {1} on {2}.', who, action, where)} ${role ? l10n.t('The narrowest built-in role that would: {0}.', role.roleName) : l10n.t('No built-in role grants it.')}`,
  };
}

/** The scope a name stands for: a scope id as given, else a resource, resource group or subscription of that name. */
export function resolveScope(report: AccessReport, given: string): { ok: true; scope: string } | { ok: false; message: string } {
  const text = given.trim();
  if (text.startsWith('/')) return { ok: true, scope: text.replace(/\/+$/, '') || '/' };
  const lower = text.toLowerCase();
  const found = new Set<string>();
  for (const s of report.subscriptions) {
    if (s.subscriptionId.toLowerCase() === lower || s.displayName.toLowerCase() === lower) found.add(`/subscriptions/${s.subscriptionId}`);
    for (const r of s.resources ?? []) {
      if (r.name.toLowerCase() === lower) found.add(r.id);
      const group = /^(\/subscriptions\/[^/]+\/resourceGroups\/([^/]+))/i.exec(r.id);
      if (group && group[2]!.toLowerCase() === lower) found.add(group[1]!);
    }
  }
  const list = [...found];
  if (list.length === 1) return { ok: true, scope: list[0]! };
  if (list.length === 0) return { ok: false, message: l10n.t('No resource, resource group or subscription named {0} is visible: give its id (/subscriptions/…).', text) };
  return { ok: false, message: l10n.t('{0} scopes are named {1}: give one id instead ({2}).', list.length, text, list.slice(0, 5).join(', ')) };
}
