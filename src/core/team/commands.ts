// The `az` commands equivalent to each wizard step, in bash and in PowerShell line continuations as Microsoft's
// procedure documents them, and the request text a developer without the rights hands to an administrator. Values
// are quoted for their shell: a group name or description typed by the user can never become shell syntax.

export type Shell = 'bash' | 'powershell';

/** One command as an argument vector; rendered per shell. */
export type CommandArgs = readonly string[];

function quoteBash(arg: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function quotePowerShell(arg: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(arg) && !arg.startsWith('-') ? arg : `'${arg.replace(/'/g, "''")}'`;
}

/** `az group … \` lines: one option (with its value) per line after the command words. */
export function renderCommand(args: CommandArgs, shell: Shell): string {
  const quote = shell === 'bash' ? quoteBash : (a: string) => (a.startsWith('--') ? a : quotePowerShell(a));
  const continuation = shell === 'bash' ? ' \\' : ' `';
  const words: string[] = [];
  const lines: string[] = [];
  let i = 0;
  while (i < args.length && !args[i]!.startsWith('--')) words.push(quote(args[i++]!));
  lines.push(words.join(' '));
  while (i < args.length) {
    const option = args[i++]!;
    const values: string[] = [];
    while (i < args.length && !args[i]!.startsWith('--')) values.push(quote(args[i++]!));
    lines.push(`  ${[option, ...values].join(' ')}`);
  }
  return lines.join(`${continuation}\n`);
}

export function createGroupCommand(name: string, nickname: string, description: string): CommandArgs {
  return ['az', 'ad', 'group', 'create', '--display-name', name, '--mail-nickname', nickname, '--description', description];
}

export function addMemberCommand(group: string, memberObjectId: string): CommandArgs {
  return ['az', 'ad', 'group', 'member', 'add', '--group', group, '--member-id', memberObjectId];
}

export function findUsersCommand(prefix: string): CommandArgs {
  return ['az', 'ad', 'user', 'list', '--filter', `startswith(displayName,'${prefix.replace(/'/g, "''")}')`, '--query', '[].{name:displayName, upn:userPrincipalName, id:id}', '--output', 'table'];
}

export function assignRoleCommand(assigneeObjectId: string, principalType: 'User' | 'Group' | 'ServicePrincipal', scope: string, roleName: string): CommandArgs {
  return ['az', 'role', 'assignment', 'create', '--assignee-object-id', assigneeObjectId, '--assignee-principal-type', principalType, '--scope', scope, '--role', roleName];
}

/** An app registration for one tenant only, as the wizard creates it (`POST /applications` with `AzureADMyOrg`). */
export function createAppCommand(displayName: string): CommandArgs {
  return ['az', 'ad', 'app', 'create', '--display-name', displayName, '--sign-in-audience', 'AzureADMyOrg'];
}

/** The service principal of an app registration (what role assignments and group memberships name). */
export function createServicePrincipalCommand(appId: string): CommandArgs {
  return ['az', 'ad', 'sp', 'create', '--id', appId];
}

/**
 * A new client secret ending on `endDate` (YYYY-MM-DD), added next to the existing ones: without `--append`, az
 * removes every other password and key of the app. az prints the secret once (its `password` field).
 */
export function resetCredentialCommand(appId: string, endDate: string): CommandArgs {
  return ['az', 'ad', 'app', 'credential', 'reset', '--id', appId, '--end-date', endDate, '--append'];
}

/** Removes one client secret (by its key id) from an app registration. */
export function deleteCredentialCommand(appId: string, keyId: string): CommandArgs {
  return ['az', 'ad', 'app', 'credential', 'delete', '--id', appId, '--key-id', keyId];
}

/** Deletes an app registration; its service principal, role assignments and memberships go with it. */
export function deleteAppCommand(appId: string): CommandArgs {
  return ['az', 'ad', 'app', 'delete', '--id', appId];
}

/** Looks up an existing service principal by its client id (its name and object id, never a secret). */
export function showServicePrincipalCommand(appId: string): CommandArgs {
  return ['az', 'ad', 'sp', 'show', '--id', appId, '--query', '{name: displayName, appId: appId, objectId: id}'];
}

/** Makes someone an owner of an app registration, so that they may manage its secrets themselves. */
export function addAppOwnerCommand(appId: string, ownerObjectId: string): CommandArgs {
  return ['az', 'ad', 'app', 'owner', 'add', '--id', appId, '--owner-object-id', ownerObjectId];
}

/** The text a developer without the rights sends to an administrator: what, why, and the exact commands. */
export function administratorRequest(what: string, why: string, commands: readonly CommandArgs[]): string {
  return [
    `Hello, could you ${what}?`,
    '',
    why,
    '',
    'These Azure CLI commands do it (bash):',
    '',
    ...commands.map((c) => renderCommand(c, 'bash')),
    '',
    'Or in PowerShell:',
    '',
    ...commands.map((c) => renderCommand(c, 'powershell')),
    '',
    'Thank you!',
  ].join('\n');
}
