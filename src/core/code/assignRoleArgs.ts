// The argument of the "Assign Role…" link of a client's hover and of its quick fix: a role name and the resource's
// scope. A command link's arguments are text anyone could write into Markdown, so they are read again here, shape
// first, before the role wizard is opened with them. Kept apart from the answers so the extension's own bundle stays small.

export interface AssignRoleArgs {
  readonly roleName: string;
  readonly scope: string;
}

const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ()._/-]{0,127}$/;
/** A resource's id: subscription, resource group, provider, type and name (no child resources, no "..", no query). */
const RESOURCE_SCOPE = /^\/subscriptions\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\/resourceGroups\/[-\w.()]{1,90}\/providers\/[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+\/[A-Za-z0-9]+\/[A-Za-z0-9][-\w.]{0,259}$/;

/** The arguments as the command receives them (the object, or the link's JSON array of it); undefined when malformed. */
export function parseAssignRoleArgs(arg: unknown): AssignRoleArgs | undefined {
  const value: unknown = Array.isArray(arg) ? arg[0] : arg;
  if (!value || typeof value !== 'object') return undefined;
  const roleName: unknown = Reflect.get(value, 'roleName');
  const scope: unknown = Reflect.get(value, 'scope');
  if (typeof roleName !== 'string' || typeof scope !== 'string') return undefined;
  if (!ROLE_NAME.test(roleName) || !RESOURCE_SCOPE.test(scope) || scope.split('/').includes('..')) return undefined;
  return { roleName, scope };
}
