// The shapes of the Access view: who the active chain source signs in as, its groups, and every role assignment
// that applies to it. `AccessReport` is exactly what `azure-dev-auth roles --json` prints; the view renders it.
// Pure data: no token ever appears here (only claims), no functions, no `vscode`.
import type { CosmosDataAccess } from './cosmosRoles';
import type { CredentialName } from '../chain/types';

/** Groups only when the report is another principal's (Check access for…): nobody signs in as a group. */
export type PrincipalKind = 'user' | 'group' | 'servicePrincipal' | 'managedIdentity';

export interface AccessIdentity {
  readonly kind: PrincipalKind;
  readonly displayName: string | null;
  /** Users: the UPN. */
  readonly upn: string | null;
  /** Service principals and managed identities: the application (client) id. */
  readonly appId: string | null;
  readonly objectId: string;
  readonly tenantId: string;
  /** From Graph `organization` when readable. */
  readonly tenantName: string | null;
  readonly source: CredentialName;
  /** ISO 8601 expiry of the ARM token the view used (never the token). */
  readonly expiresOn: string | null;
}

/** A security group the identity is in, directly or through other groups. */
export interface GroupMembership {
  readonly id: string;
  /** Null when Graph would not tell (the id is shown instead). */
  readonly displayName: string | null;
  /** Group names from a direct membership down to this group ("sg-a", "sg-b"); one entry for a direct membership. */
  readonly path: readonly string[];
}

export interface RolePermissions {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

export interface RoleInfo {
  /** The role definition's GUID (the trailing segment of any of its ids). */
  readonly guid: string;
  readonly roleName: string;
  readonly description: string;
  readonly type: 'BuiltInRole' | 'CustomRole' | string;
  readonly permissions: readonly RolePermissions[];
}

/** How an assignment reaches the identity. */
export type AssignmentPath =
  | { readonly kind: 'direct' }
  /** Group names from the identity's direct group to the assigned group. */
  | { readonly kind: 'group'; readonly groupId: string; readonly path: readonly string[] };

export interface AppliedAssignment {
  readonly assignmentId: string;
  /** The assignment's own scope. */
  readonly scope: string;
  readonly role: RoleInfo;
  readonly principalId: string;
  readonly principalType: string | null;
  readonly via: AssignmentPath;
  /** ABAC condition, when the assignment has one. */
  readonly condition: string | null;
  readonly conditionVersion: string | null;
  readonly createdOn: string | null;
}

export type ScopeKind = 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

export interface ScopeNode {
  readonly scope: string;
  readonly kind: ScopeKind;
  readonly name: string;
  /** For resources: "Microsoft.Storage/storageAccounts". */
  readonly resourceType: string | null;
  /** Assignments that apply at this scope: its own and those above it (inherited). */
  readonly assignments: readonly AppliedAssignment[];
  readonly children: readonly ScopeNode[];
}

export interface EligibleRole {
  readonly scope: string;
  readonly roleName: string;
  readonly roleGuid: string;
  readonly via: AssignmentPath;
  readonly endDateTime: string | null;
  /** Where to activate it. */
  readonly activateUrl: string;
}

export interface AppliedDenyAssignment {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly scope: string;
  readonly permissions: readonly RolePermissions[];
  /** "everyone", "direct" or a group name: why it applies to this identity. */
  readonly appliesThrough: string;
  readonly doNotApplyToChildScopes: boolean;
}

export type AccessProblemKind =
  | 'forbidden' | 'graph-denied' | 'wrong-tenant' | 'sign-in-expired' | 'throttled' | 'timeout' | 'network'
  | 'no-subscription' | 'no-token' | 'claims-challenge' | 'failed';

/** A problem shown in place, with its fix. */
export interface AccessProblem {
  readonly kind: AccessProblemKind;
  readonly message: string;
  readonly fix: string;
  /** The scope it concerns, when it concerns one. */
  readonly scope?: string;
  /** A command line that fixes it (the re-authentication a claims challenge asks for); only GUIDs, URLs and base64 in it. */
  readonly command?: string;
}

export interface SubscriptionAccess {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId: string | null;
  /** The subscription's scope tree (management groups above it first, when assignments come from them). */
  readonly scopes: readonly ScopeNode[];
  readonly eligible: readonly EligibleRole[];
  readonly deny: readonly AppliedDenyAssignment[];
  readonly problems: readonly AccessProblem[];
  /** Every resource of the subscription (only when asked for: the Can … do …? question names them). */
  readonly resources?: readonly { readonly id: string; readonly name: string; readonly type: string }[];
}

export type InsightKind = 'control-plane-only' | 'workspace-resource' | 'access-policy-vault' | 'recent-assignment' | 'tenant-mismatch'
  | 'network-firewall' | 'network-private' | 'shared-key-disabled' | 'local-auth-disabled';

export interface Insight {
  readonly kind: InsightKind;
  /** The scope (usually a resource id) it is about. */
  readonly scope: string | null;
  /** The sentence (the CLI, tooltips). */
  readonly title: string;
  /** The same, short enough for a row of a 300-pixel sidebar; the rest goes into the row's description. */
  readonly label: string;
  readonly detail: string;
  /** A role (or command) that would fix it. */
  readonly suggestion: string | null;
  /** What an administrator runs (bash, one command a line) when the fix needs rights on the resource itself. */
  readonly adminRequest?: string;
}

export interface AccessReport {
  readonly cloud: string;
  readonly identity: AccessIdentity;
  readonly groups: { readonly items: readonly GroupMembership[]; readonly count: number; readonly problem: AccessProblem | null };
  readonly subscriptions: readonly SubscriptionAccess[];
  readonly insights: readonly Insight[];
  readonly problems: readonly AccessProblem[];
  /** How many HTTP requests the load made (for the benchmark and the log). */
  readonly requests: number;
  readonly loadedAt: string;
  /** Where the cloud came from ("from --cloud", "the default", …), set by the access entry point. */
  readonly cloudFrom?: string;
  /** What the load ignored and why (a workspace .env naming a cloud). */
  readonly notes?: readonly string[];
  /**
   * Set when the report shows another principal's access (Check access for…): the signed-in identity whose token read
   * it. `identity` is then that principal; its `source` and `expiresOn` are the signed-in identity's.
   */
  readonly viewer?: AccessIdentity;
  /** The answer to "can it do this action on this scope?", when the load was asked. */
  readonly can?: CanResult;
  /** The Cosmos DB accounts the workspace names, with what their own role assignments give the identity. */
  readonly cosmos?: readonly CosmosDataAccess[];
}

export type CanVerdict = 'yes' | 'no' | 'depends';

export interface CanSuggestion {
  readonly roleName: string;
  readonly roleGuid: string;
  /** `az role assignment create …` for bash, every value quoted as the wizards quote them. */
  readonly command: string;
  readonly principalType: 'User' | 'Group' | 'ServicePrincipal';
}

export interface CanAnswer {
  readonly verdict: CanVerdict;
  readonly action: string;
  /** A data action (blobs, secrets, messages) rather than a control-plane one. */
  readonly dataAction: boolean;
  readonly scope: string;
  /** Who the answer is about (display name or id). */
  readonly who: string;
  /** Assignments that grant it without a condition (yes), or only with one (depends). */
  readonly grantedBy: readonly AppliedAssignment[];
  /** The conditions it depends on, quoted. */
  readonly conditions: readonly string[];
  /** The deny assignment that turns it into a no. */
  readonly deniedBy: AppliedDenyAssignment | null;
  /** For no and depends (unless a deny assignment decides it): the narrowest built-in role that would grant it. */
  readonly suggestion: CanSuggestion | null;
  /** The answer as a sentence. */
  readonly sentence: string;
}

/** ARM's effective-permissions API at the scope, for the signed-in identity (it leaves out deny assignments and conditions). */
export type CanCrossCheck =
  | { readonly scope: string; readonly armGrants: boolean; readonly agrees: boolean; readonly note: string }
  | { readonly scope: string; readonly problem: string };

export type CanResult =
  | { readonly ok: true; readonly answer: CanAnswer; readonly crossCheck: CanCrossCheck | null }
  | { readonly ok: false; readonly message: string };

