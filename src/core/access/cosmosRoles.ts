// Cosmos DB accounts (API for NoSQL) grant their data through their own role definitions and role assignments, kept
// under the account in ARM (`…/sqlRoleDefinitions`, `…/sqlRoleAssignments`); Azure roles never reach that data. What
// those assignments give the identity, directly or through one of its groups, at the account, a database or a
// container, answers "read yes, write no" for the account; the fix is the built-in role that grants what is missing,
// assigned at the whole account with `az cosmosdb sql role assignment create`. Pure: load.ts reads the lists.
import * as l10n from '@vscode/l10n';
import { bashLine, cosmosRoleAssignmentCommand } from '../team/commands';
import { operationMatches } from './permissions';
import type { CanVerdict } from './types';

/** Reading an item, and creating one: what "read" and "write" stand for with a Cosmos DB client. */
export const COSMOS_ITEM_READ = 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read';
export const COSMOS_ITEM_WRITE = 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create';

/** The two built-in data roles every account has, by their fixed ids. */
export const COSMOS_BUILT_IN_ROLES = {
  reader: { guid: '00000000-0000-0000-0000-000000000001', roleName: 'Cosmos DB Built-in Data Reader' },
  contributor: { guid: '00000000-0000-0000-0000-000000000002', roleName: 'Cosmos DB Built-in Data Contributor' },
} as const;

export interface RawCosmosDefinition {
  readonly id: string;
  readonly roleName: string;
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

export interface RawCosmosAssignment {
  readonly id: string;
  readonly roleDefinitionId: string;
  /** The account's id, or the account's id followed by `/dbs/{database}[/colls/{container}]`. */
  readonly scope: string;
  readonly principalId: string;
}

/** The account's lists as ARM returned them, or why they could not be read. */
export type RawCosmosRoles =
  | { readonly ok: true; readonly definitions: readonly RawCosmosDefinition[]; readonly assignments: readonly RawCosmosAssignment[] }
  | { readonly ok: false; readonly reason: string };

/** One assignment that reaches the identity. */
export interface CosmosGrant {
  readonly roleName: string;
  /** Relative to the account: "/" (the whole account), "/dbs/appdb", "/dbs/appdb/colls/orders". */
  readonly scope: string;
  /** The group it was made to; null when made to the identity itself. */
  readonly via: string | null;
}

export interface CosmosAnswer {
  /** yes: at the whole account; depends: only in some databases or containers; no: nowhere. */
  readonly verdict: CanVerdict;
  /** "depends" means: only in some databases or containers (never a condition, which Cosmos DB roles do not have). */
  readonly partial: boolean;
  readonly grantedBy: readonly CosmosGrant[];
  readonly sentence: string;
}

/** What the identity may do with one account's data. */
export interface CosmosDataAccess {
  readonly account: string;
  readonly name: string;
  readonly resourceGroup: string;
  /** Undefined when the account's role assignments could not be read (then `problem` says why). */
  readonly read?: CosmosAnswer;
  readonly write?: CosmosAnswer;
  readonly problem: string | null;
  /** The built-in role that grants what is missing at the whole account, and the command that assigns it (bash). */
  readonly fix: { readonly roleName: string; readonly command: string } | null;
}

/** `Microsoft.DocumentDB` wildcards are matched as ARM's are. */
function grants(definition: RawCosmosDefinition, action: string): boolean {
  return definition.dataActions.some((a) => operationMatches(a, action)) && !definition.notDataActions.some((n) => operationMatches(n, action));
}

const lastSegment = (id: string): string => id.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';

/** The scope below the account, "/" for the account itself; undefined for a scope outside it. */
function relativeScope(account: string, scope: string): string | undefined {
  const base = account.toLowerCase().replace(/\/+$/, '');
  const given = scope.replace(/\/+$/, '');
  if (given === '' || given === '/') return '/';
  if (given.toLowerCase() === base) return '/';
  if (given.toLowerCase().startsWith(`${base}/`)) return given.slice(base.length);
  // Assignments made with a scope relative to the account ("/dbs/appdb") are stored as given.
  return /^\/dbs\//i.test(given) ? given : undefined;
}

/**
 * The identity's access to `account`'s data. `principals` maps the object ids that count (the identity's own, and each
 * of its groups') to the group's name, or to null for the identity itself.
 */
export function cosmosDataAccess(account: string, raw: RawCosmosRoles, principals: ReadonlyMap<string, string | null>, principalId: string): CosmosDataAccess {
  const parts = account.split('/');
  const name = parts[parts.length - 1] ?? account;
  const resourceGroup = parts[4] ?? '';
  if (!raw.ok) return { account, name, resourceGroup, problem: raw.reason, fix: null };
  const definitions = new Map(raw.definitions.map((d) => [lastSegment(d.id), d]));
  const answer = (action: string): CosmosAnswer => {
    const grantedBy: CosmosGrant[] = [];
    for (const a of raw.assignments) {
      const key = a.principalId.toLowerCase();
      if (!principals.has(key)) continue;
      const definition = definitions.get(lastSegment(a.roleDefinitionId));
      const scope = relativeScope(account, a.scope);
      if (!definition || !scope || !grants(definition, action)) continue;
      grantedBy.push({ roleName: definition.roleName, scope, via: principals.get(key) ?? null });
    }
    const whole = grantedBy.filter((g) => g.scope === '/');
    const verdict: CanVerdict = whole.length ? 'yes' : grantedBy.length ? 'depends' : 'no';
    const where = (g: CosmosGrant): string => (g.scope === '/' ? l10n.t('the whole account') : g.scope);
    const by = (list: readonly CosmosGrant[]): string => list.map((g) => (g.via ? l10n.t('{0} on {1} through {2}', g.roleName, where(g), g.via) : l10n.t('{0} on {1}', g.roleName, where(g)))).join('; ');
    const what = action === COSMOS_ITEM_READ ? l10n.t('Reading items') : l10n.t('Writing items');
    const sentence = verdict === 'yes' ? l10n.t('{0}: yes, in every database ({1}).', what, by(whole))
      : verdict === 'depends' ? l10n.t('{0}: only where an assignment reaches ({1}).', what, by(grantedBy))
        : l10n.t('{0}: no, no Cosmos DB role assignment of the account reaches this identity or its groups.', what);
    return { verdict, partial: verdict === 'depends', grantedBy, sentence };
  };
  const read = answer(COSMOS_ITEM_READ);
  const write = answer(COSMOS_ITEM_WRITE);
  // A client both reads and writes: what is missing is writing, which the Contributor role grants with reading.
  const role = write.verdict === 'yes' ? null : COSMOS_BUILT_IN_ROLES.contributor;
  const fix = role && resourceGroup
    ? { roleName: role.roleName, command: bashLine(cosmosRoleAssignmentCommand(name, resourceGroup, principalId, role.guid)) }
    : null;
  return { account, name, resourceGroup, read, write, problem: null, fix };
}
