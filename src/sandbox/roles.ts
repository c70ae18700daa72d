// Built-in Azure role definitions. data/builtin-roles.json is a verbatim (re-serialized, whitespace only) copy of
// the real built-in role dataset iann0036/iam-dataset azure/built-in-roles-raw.json
// @ 2073fa52ac008a45477aa0b1b4580cd99135bf60, the output of `az role definition list` for all 928 built-in roles.
// It is kept in the repository so the sandbox works in any fresh clone.
import rawRoles from './data/builtin-roles.json';

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  condition?: string;
  conditionVersion?: string;
}

export interface RoleDefinition {
  /** The GUID. */
  name: string;
  roleName: string;
  type: 'BuiltInRole' | 'CustomRole';
  description: string;
  assignableScopes: string[];
  permissions: RolePermission[];
  createdOn: string;
  updatedOn: string;
  createdBy: string | null;
  updatedBy: string | null;
}

interface RawRole {
  name: string;
  roleName: string;
  roleType: string;
  description: string;
  assignableScopes: string[];
  permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[]; condition: string | null; conditionVersion: string | null }[];
}

// The dataset projects createdOn/updatedOn away; the real API returns them, so the sandbox fills a fixed value.
const BUILT_IN_TIMESTAMP = '2015-02-02T21:55:09.8806423Z';

let cache: RoleDefinition[] | undefined;

export function builtInRoleDefinitions(): RoleDefinition[] {
  cache ??= (rawRoles as RawRole[]).map((r) => ({
    name: r.name,
    roleName: r.roleName,
    type: r.roleType === 'CustomRole' ? 'CustomRole' : 'BuiltInRole',
    description: r.description,
    assignableScopes: r.assignableScopes,
    // As the REST API does (and derive.py for the ARM shape): condition keys only when the role has one.
    permissions: r.permissions.map((p) => ({
      actions: p.actions, notActions: p.notActions, dataActions: p.dataActions, notDataActions: p.notDataActions,
      ...(p.condition !== null ? { condition: p.condition } : {}),
      ...(p.conditionVersion !== null ? { conditionVersion: p.conditionVersion } : {}),
    })),
    createdOn: BUILT_IN_TIMESTAMP,
    updatedOn: BUILT_IN_TIMESTAMP,
    createdBy: null,
    updatedBy: null,
  }));
  return cache;
}
