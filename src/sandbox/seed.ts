// The seed: the demo tenant as data (src/sandbox/seed.json), validated with zod so a bad reseed through the control
// API is refused with a readable message instead of corrupting the running sandbox.
import { z } from 'zod';
import defaultSeedJson from './seed.json';
import { COSMOS_ACCOUNT_TYPE, COSMOS_RELATIVE_SCOPE, COSMOS_SQL_BUILT_IN_ROLES, findCosmosSqlRole } from './cosmosRoles';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const key = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case key');

/** An IPv4 address or CIDR range, as storage and key vault firewalls take them. */
const ipRule = z.string().regex(/^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$/, 'an IPv4 address or range such as 203.0.113.0/24');
/** A subnet's resource id, as a virtual network rule names it. */
const subnetId = z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i, 'a subnet resource id');
/**
 * The network layer of a storage account or key vault (ARM's `publicNetworkAccess`, `networkAcls` and
 * `privateEndpointConnections`). Private endpoints are named by the endpoint's name in the resource's group.
 */
const networkSeed = z.object({
  publicNetworkAccess: z.enum(['Enabled', 'Disabled']).default('Enabled'),
  defaultAction: z.enum(['Allow', 'Deny']).default('Allow'),
  bypass: z.string().regex(/^(None|AzureServices|Logging|Metrics)(, ?(AzureServices|Logging|Metrics))*$/).default('AzureServices'),
  ipRules: z.array(ipRule).default([]),
  virtualNetworkRules: z.array(subnetId).default([]),
  privateEndpoints: z.array(z.string().regex(/^[-\w.]+$/)).default([]),
});

/** Key vault access-policy permission names as ARM writes them (get, list, wrapKey ...). */
const vaultPermission = z.string().regex(/^[A-Za-z]+$/, 'a key vault permission such as get, list or wrapKey');

/** One Cosmos DB SQL role assignment of an account: a built-in role, a scope inside the account and a principal. */
const cosmosSqlRoleAssignment = z.object({
  name: guid,
  /** A built-in Cosmos DB SQL role by role name or GUID. */
  role: z.string().refine((role) => findCosmosSqlRole(role) !== undefined, {
    message: `a built-in Cosmos DB SQL role: ${COSMOS_SQL_BUILT_IN_ROLES.map((r) => `'${r.roleName}' (${r.name})`).join(' or ')}`,
  }),
  /** Relative to the account: `/` (the whole account), `/dbs/{database}` or `/dbs/{database}/colls/{container}`. */
  scope: z.string().regex(COSMOS_RELATIVE_SCOPE, "a scope inside the account: '/', '/dbs/{database}' or '/dbs/{database}/colls/{container}'"),
  /** Key of a user, group, service principal or managed identity. */
  principal: key,
});

const permission = z.object({
  actions: z.array(z.string()),
  notActions: z.array(z.string()),
  dataActions: z.array(z.string()),
  notDataActions: z.array(z.string()),
});

export const sandboxSeedSchema = z.object({
  tenant: z.object({
    id: guid,
    displayName: z.string().min(1),
    defaultDomain: z.string().min(1),
    countryCode: z.string().default('US'),
    /** Entra "Users can create security groups": when false only directory roles that allow it may POST /groups. */
    usersCanCreateSecurityGroups: z.boolean().default(true),
    /**
     * Entra "Users can register applications": when false, POST /applications by a user without the Application
     * Administrator, Cloud Application Administrator or Global Administrator role answers 403 Authorization_RequestDenied.
     */
    usersCanRegisterApplications: z.boolean().default(true),
    /** How long a principal created through Graph stays invisible to ARM without `principalType` (replication delay). */
    replicationDelaySeconds: z.number().int().min(0).max(3600).default(30),
    /**
     * Microsoft Entra ID P2 (Privileged Identity Management). Without it ARM's PIM schedule APIs answer
     * 400 AadPremiumLicenseRequired, as they do for a real tenant without the licence.
     */
    pimEnabled: z.boolean().default(true),
  }),
  publicClients: z.array(z.object({
    appId: guid,
    displayName: z.string(),
    /**
     * Delegated Microsoft Graph permissions (space separated) that Entra puts in this client's Graph tokens. Unset:
     * the broad set first-party command-line tools are pre-authorized for (Directory.AccessAsUser.All ...).
     */
    graphPermissions: z.string().optional(),
    /**
     * Resources (identifier URIs or app ids) users have consented to for this client. Unset: every resource (a
     * pre-authorized first-party client). Other resources fail with AADSTS65001.
     */
    consentedResources: z.array(z.string().min(1)).optional(),
  })),
  users: z.array(z.object({
    key,
    objectId: guid,
    userPrincipalName: z.string().includes('@'),
    displayName: z.string(),
    givenName: z.string().nullable().default(null),
    surname: z.string().nullable().default(null),
    jobTitle: z.string().nullable().default(null),
    password: z.string().min(1),
    /** Conditional access demands MFA: every non-interactive user grant fails with AADSTS50076. */
    mfaRequired: z.boolean().default(false),
    /** Conditional access blocks this user outright: every user grant fails with AADSTS53003. */
    conditionalAccessBlocked: z.boolean().default(false),
    directoryRoles: z.array(z.string()).default([]),
  })),
  servicePrincipals: z.array(z.object({
    key,
    appId: guid,
    objectId: guid,
    displayName: z.string(),
    secrets: z.array(z.string().min(1)).default([]),
    /** Accept client assertions signed with the certificate the sandbox generates at start. */
    useGeneratedCertificate: z.boolean().default(false),
    federatedCredentials: z.array(z.object({
      /** Issuer path on the sandbox (tokens minted by POST /_sandbox/federated-token), or an absolute issuer URL. */
      issuerPath: z.string(),
      subject: z.string(),
      audiences: z.array(z.string()).min(1),
    })).default([]),
    graphAppRoles: z.array(z.string()).default([]),
  })),
  managedIdentities: z.array(z.object({
    key,
    kind: z.enum(['systemAssigned', 'userAssigned']),
    appId: guid,
    objectId: guid,
    displayName: z.string(),
    resourceId: z.string().startsWith('/subscriptions/'),
  })).default([]),
  groups: z.array(z.object({
    key,
    objectId: guid,
    displayName: z.string(),
    mailNickname: z.string(),
    description: z.string().nullable().default(null),
    /** Keys of users, service principals, managed identities or other groups. */
    members: z.array(key).default([]),
    /** Keys of users or service principals that own the group (and so may change its members). */
    owners: z.array(key).default([]),
  })),
  subscriptions: z.array(z.object({
    id: guid,
    displayName: z.string(),
    state: z.enum(['Enabled', 'Disabled', 'Warned', 'PastDue', 'Deleted']).default('Enabled'),
    resourceGroups: z.array(z.object({
      name: z.string().regex(/^[-\w._()]+$/),
      location: z.string(),
      resources: z.array(z.object({
        type: z.string().regex(/^[A-Za-z0-9.]+\/[A-Za-z0-9]+$/),
        name: z.string().regex(/^[-\w._]+$/),
        location: z.string(),
        kind: z.string().optional(),
        sku: z.object({ name: z.string(), tier: z.string().optional() }).optional(),
        /** Key vaults: RBAC mode (true, the default) or access-policy mode (false, with `accessPolicies`). */
        enableRbacAuthorization: z.boolean().optional(),
        /** Key vaults in access-policy mode: who may do what on the data plane, by principal key. */
        accessPolicies: z.array(z.object({
          principal: key,
          permissions: z.object({
            keys: z.array(vaultPermission).default([]),
            secrets: z.array(vaultPermission).default([]),
            certificates: z.array(vaultPermission).default([]),
          }),
        })).optional(),
        /** Storage accounts: whether account keys (and so connection strings with AccountKey) are accepted. */
        allowSharedKeyAccess: z.boolean().optional(),
        /**
         * Service Bus and Event Hubs namespaces, App Configuration stores, Cosmos DB accounts: true when they accept
         * Microsoft Entra ID alone (keys and connection strings with them are refused). ARM's default is false.
         */
        disableLocalAuth: z.boolean().optional(),
        /** Storage accounts and key vaults: who may reach the data plane over the network. */
        network: networkSeed.optional(),
        /**
         * Cosmos DB accounts only: data-plane role assignments, which Cosmos keeps under the account
         * (`…/databaseAccounts/{name}/sqlRoleAssignments`) instead of in Azure RBAC.
         */
        sqlRoleAssignments: z.array(cosmosSqlRoleAssignment).optional(),
      }).superRefine((resource, ctx) => {
        if (resource.sqlRoleAssignments !== undefined && resource.type.toLowerCase() !== COSMOS_ACCOUNT_TYPE.toLowerCase()) {
          ctx.addIssue({ code: 'custom', path: ['sqlRoleAssignments'], message: `only Cosmos DB accounts (${COSMOS_ACCOUNT_TYPE}) have SQL role assignments, not ${resource.type}` });
        }
      })).default([]),
    })).default([]),
  })),
  /**
   * Management groups above subscriptions. A group without `parent` hangs below the tenant root group (whose name
   * is the tenant id); subscriptions in no group hang below the root as well.
   */
  managementGroups: z.array(z.object({
    name: z.string().regex(/^[\w().-]{1,90}$/, 'management group name'),
    displayName: z.string().min(1),
    parent: z.string().optional(),
    subscriptions: z.array(guid).default([]),
  })).default([]),
  customRoles: z.array(z.object({
    name: guid,
    roleName: z.string(),
    description: z.string(),
    assignableScopes: z.array(z.string()).min(1),
    permissions: z.array(permission).min(1),
  })).default([]),
  roleAssignments: z.array(z.object({
    name: guid,
    scope: z.string().startsWith('/'),
    /** Role name (built-in or custom) or role definition GUID. */
    role: z.string(),
    /** Key of a user, group, service principal or managed identity. */
    principal: key,
    description: z.string().max(2048).optional(),
    /** An ABAC condition (version 2.0), as `az role assignment create --condition` stores it. */
    condition: z.string().min(1).max(8192).optional(),
  })).default([]),
  /** Deny assignments (in Azure only managed applications, deployment stacks and blueprints create them). */
  denyAssignments: z.array(z.object({
    name: guid,
    denyAssignmentName: z.string().min(1),
    description: z.string().default(''),
    scope: z.string().startsWith('/'),
    permissions: z.array(permission).min(1),
    /** Principal keys, or `everyone` (the SystemDefined all-principals id). */
    principals: z.array(z.union([key, z.literal('everyone')])).min(1),
    excludePrincipals: z.array(key).default([]),
    doNotApplyToChildScopes: z.boolean().default(false),
    isSystemProtected: z.boolean().default(true),
  })).default([]),
  /** PIM: roles a principal may activate (eligible, not active). Served only when `tenant.pimEnabled`. */
  roleEligibilities: z.array(z.object({
    name: guid,
    scope: z.string().startsWith('/'),
    role: z.string(),
    principal: key,
    startDateTime: z.iso.datetime().default('2025-01-01T00:00:00Z'),
    /** null: permanently eligible. */
    endDateTime: z.iso.datetime().nullable().default(null),
  })).default([]),
});

export type SandboxSeed = z.input<typeof sandboxSeedSchema>;
export type ParsedSeed = z.output<typeof sandboxSeedSchema>;

export function parseSeed(input: unknown): ParsedSeed {
  const result = sandboxSeedSchema.safeParse(input);
  if (!result.success) {
    throw new Error(`invalid sandbox seed: ${z.prettifyError(result.error)}`);
  }
  const seed = result.data;
  const keys = new Set<string>();
  for (const entry of [...seed.users, ...seed.servicePrincipals, ...seed.managedIdentities, ...seed.groups]) {
    if (keys.has(entry.key)) throw new Error(`invalid sandbox seed: duplicate principal key '${entry.key}'`);
    if (entry.key === 'everyone') throw new Error("invalid sandbox seed: the principal key 'everyone' is reserved for deny assignments");
    keys.add(entry.key);
  }
  for (const group of seed.groups) {
    for (const member of group.members) {
      if (!keys.has(member)) throw new Error(`invalid sandbox seed: group '${group.key}' has unknown member '${member}'`);
    }
    for (const owner of group.owners) {
      if (!keys.has(owner)) throw new Error(`invalid sandbox seed: group '${group.key}' has unknown owner '${owner}'`);
    }
  }
  for (const assignment of seed.roleAssignments) {
    if (!keys.has(assignment.principal)) {
      throw new Error(`invalid sandbox seed: role assignment ${assignment.name} names unknown principal '${assignment.principal}'`);
    }
  }
  for (const deny of seed.denyAssignments) {
    for (const principal of [...deny.principals, ...deny.excludePrincipals]) {
      if (principal !== 'everyone' && !keys.has(principal)) {
        throw new Error(`invalid sandbox seed: deny assignment ${deny.name} names unknown principal '${principal}'`);
      }
    }
  }
  for (const eligibility of seed.roleEligibilities) {
    if (!keys.has(eligibility.principal)) {
      throw new Error(`invalid sandbox seed: role eligibility ${eligibility.name} names unknown principal '${eligibility.principal}'`);
    }
  }
  for (const resource of seed.subscriptions.flatMap((s) => s.resourceGroups.flatMap((g) => g.resources))) {
    for (const policy of resource.accessPolicies ?? []) {
      if (!keys.has(policy.principal)) throw new Error(`invalid sandbox seed: access policy of '${resource.name}' names unknown principal '${policy.principal}'`);
    }
    // The assignment's name is its id under the account: two with one name would be one resource.
    const names = new Set<string>();
    for (const assignment of resource.sqlRoleAssignments ?? []) {
      if (!keys.has(assignment.principal)) {
        throw new Error(`invalid sandbox seed: SQL role assignment ${assignment.name} of '${resource.name}' names unknown principal '${assignment.principal}'`);
      }
      if (names.has(assignment.name.toLowerCase())) throw new Error(`invalid sandbox seed: '${resource.name}' has two SQL role assignments named ${assignment.name}`);
      names.add(assignment.name.toLowerCase());
    }
  }
  const groupNames = new Set<string>();
  for (const mg of seed.managementGroups) {
    if (groupNames.has(mg.name.toLowerCase()) || mg.name.toLowerCase() === seed.tenant.id.toLowerCase()) {
      throw new Error(`invalid sandbox seed: duplicate management group '${mg.name}'`);
    }
    groupNames.add(mg.name.toLowerCase());
  }
  const placed = new Set<string>();
  for (const mg of seed.managementGroups) {
    if (mg.parent !== undefined && !groupNames.has(mg.parent.toLowerCase()) && mg.parent.toLowerCase() !== seed.tenant.id.toLowerCase()) {
      throw new Error(`invalid sandbox seed: management group '${mg.name}' names unknown parent '${mg.parent}'`);
    }
    for (const sub of mg.subscriptions) {
      if (placed.has(sub.toLowerCase())) throw new Error(`invalid sandbox seed: subscription ${sub} is in two management groups`);
      placed.add(sub.toLowerCase());
    }
  }
  // A parent chain must end at the root: a cycle would make every scope its own ancestor.
  const parentOf = new Map(seed.managementGroups.map((mg) => [mg.name.toLowerCase(), mg.parent?.toLowerCase()]));
  for (const mg of seed.managementGroups) {
    let current: string | undefined = mg.name.toLowerCase();
    for (let depth = 0; current !== undefined && current !== seed.tenant.id.toLowerCase(); depth++) {
      if (depth > seed.managementGroups.length) throw new Error(`invalid sandbox seed: management group '${mg.name}' is part of a parent cycle`);
      current = parentOf.get(current);
    }
  }
  return seed;
}

export function defaultSeed(): SandboxSeed {
  return structuredClone(defaultSeedJson) as SandboxSeed;
}
