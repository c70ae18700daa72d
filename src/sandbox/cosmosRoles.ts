// The built-in Cosmos DB (NoSQL) data-plane roles. Cosmos DB accounts grant data access through their own SQL role
// definitions and assignments under the account (Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions and
// sqlRoleAssignments), not through Azure RBAC; every account has these two built-in definitions with fixed GUIDs.
// No real capture: the data actions are the ones Microsoft documents for the two built-in roles, in the
// SqlRoleDefinitionGetResults shape of the Microsoft.DocumentDB REST specification (2024-05-15).

export interface CosmosSqlRoleDefinition {
  /** The GUID (the definition's name under the account). */
  name: string;
  roleName: string;
  dataActions: readonly string[];
}

export const COSMOS_SQL_BUILT_IN_ROLES: readonly CosmosSqlRoleDefinition[] = [
  {
    name: '00000000-0000-0000-0000-000000000001',
    roleName: 'Cosmos DB Built-in Data Reader',
    dataActions: [
      'Microsoft.DocumentDB/databaseAccounts/readMetadata',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read',
    ],
  },
  {
    name: '00000000-0000-0000-0000-000000000002',
    roleName: 'Cosmos DB Built-in Data Contributor',
    dataActions: [
      'Microsoft.DocumentDB/databaseAccounts/readMetadata',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*',
    ],
  },
];

/** A built-in Cosmos DB SQL role by its role name (exact, as Azure spells it) or its GUID (any case). */
export function findCosmosSqlRole(nameOrId: string): CosmosSqlRoleDefinition | undefined {
  return COSMOS_SQL_BUILT_IN_ROLES.find((r) => r.roleName === nameOrId || r.name === nameOrId.toLowerCase());
}

/**
 * A Cosmos DB SQL role assignment's scope relative to its account, as Cosmos parses it: `/` (the whole account),
 * `/dbs/{database}` or `/dbs/{database}/colls/{container}`.
 */
export const COSMOS_RELATIVE_SCOPE = /^\/(dbs\/[^/]+(\/colls\/[^/]+)?)?$/;

export const COSMOS_ACCOUNT_TYPE = 'Microsoft.DocumentDB/databaseAccounts';
