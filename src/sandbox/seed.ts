// The seed: the demo tenant as data (src/sandbox/seed.json), validated with zod so a bad reseed through the control
// API is refused with a readable message instead of corrupting the running sandbox.
import { z } from 'zod';
import defaultSeedJson from './seed.json';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const key = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case key');

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
    /** How long a principal created through Graph stays invisible to ARM without `principalType` (replication delay). */
    replicationDelaySeconds: z.number().int().min(0).max(3600).default(30),
  }),
  publicClients: z.array(z.object({ appId: guid, displayName: z.string() })),
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
      })).default([]),
    })).default([]),
  })),
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
    keys.add(entry.key);
  }
  for (const group of seed.groups) {
    for (const member of group.members) {
      if (!keys.has(member)) throw new Error(`invalid sandbox seed: group '${group.key}' has unknown member '${member}'`);
    }
  }
  for (const assignment of seed.roleAssignments) {
    if (!keys.has(assignment.principal)) {
      throw new Error(`invalid sandbox seed: role assignment ${assignment.name} names unknown principal '${assignment.principal}'`);
    }
  }
  return seed;
}

export function defaultSeed(): SandboxSeed {
  return structuredClone(defaultSeedJson) as SandboxSeed;
}
