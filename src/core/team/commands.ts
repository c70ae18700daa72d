// The `az` commands equivalent to each wizard step, in bash and in PowerShell line continuations as Microsoft's
// procedure documents them, and the request text a developer without the rights hands to an administrator. Values
// are quoted for their shell: a group name or description typed by the user can never become shell syntax.
import * as l10n from '@vscode/l10n';

export type Shell = 'bash' | 'powershell';

/** One command as an argument vector; rendered per shell. */
export type CommandArgs = readonly string[];

/**
 * The options these commands use, with how many values each takes. Only these are printed as options; every other
 * argument is a value, quoted for its shell, so a name that looks like an option (`--x; touch f`) stays a value.
 */
const OPTIONS: Readonly<Record<string, 0 | 1>> = {
  '--display-name': 1, '--mail-nickname': 1, '--description': 1, '--group': 1, '--member-id': 1, '--filter': 1, '--query': 1,
  '--output': 1, '--assignee-object-id': 1, '--assignee-principal-type': 1, '--scope': 1, '--role': 1, '--sign-in-audience': 1,
  '--id': 1, '--end-date': 1, '--append': 0, '--key-id': 1, '--owner-object-id': 1, '--tenant': 1, '--tenant-id': 1,
  '--use-device-code': 0, '--username': 1, '--name': 1, '--upgrade': 0, '--assignee': 1, '--subscription': 1,
  '--object-id': 1, '--resource-group': 1, '--account-name': 1, '--principal-id': 1, '--role-definition-id': 1,
  // Permission lists: the first value is the option's; the others follow it as az's nargs='+' reads them.
  '--secret-permissions': 1,
};

/** Characters that are one bash word unquoted. */
const BASH_PLAIN = /^[A-Za-z0-9_./:@%+=,-]+$/;
/** Characters that are one PowerShell argument unquoted: no "," (array), "@" (splatting), "-" or dashes first. */
const POWERSHELL_PLAIN = /^[A-Za-z0-9_./:][A-Za-z0-9_./:=-]*$/;
/** Every character PowerShell reads as a single quote: ' and the typographic ‘ ’ ‚ ‛ (its language grammar). */
const POWERSHELL_SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

export function quoteBash(arg: string): string {
  return BASH_PLAIN.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A PowerShell verbatim string: each single-quote character doubled, so the string ends only where it should. */
export function quotePowerShell(arg: string): string {
  return POWERSHELL_PLAIN.test(arg) ? arg : `'${arg.replace(POWERSHELL_SINGLE_QUOTES, (q) => q + q)}'`;
}

/** One line of a rendered command: an option from the fixed list (or the command words) and its values. */
interface Line { readonly option: string | undefined; readonly values: string[] }

/**
 * The argument vector the pasted text gives: the command's, except that a value starting with "-" is joined to
 * its option (`--display-name=-x`), the one form in which az's argument parser takes it as a value.
 */
export function pastedArgv(args: CommandArgs): string[] {
  return layout(args).flatMap((line) => {
    if (line.option === undefined) return line.values;
    const [first, ...rest] = line.values;
    if (first !== undefined && OPTIONS[line.option] === 1 && first.startsWith('-')) return [`${line.option}=${first}`, ...rest];
    return [line.option, ...line.values];
  });
}

function layout(args: CommandArgs): Line[] {
  if (args.some((a) => a.includes('\0'))) throw new Error('A command argument cannot contain a NUL character.');
  const lines: Line[] = [{ option: undefined, values: [] }];
  let pending = 0;
  for (const arg of args) {
    const current = lines[lines.length - 1]!;
    if (pending === 0 && Object.prototype.hasOwnProperty.call(OPTIONS, arg)) {
      lines.push({ option: arg, values: [] });
      pending = OPTIONS[arg]!;
    } else {
      current.values.push(arg);
      if (pending > 0) pending--;
    }
  }
  return lines;
}

/** `az group … \` lines: one option (with its value) per line after the command words. */
export function renderCommand(args: CommandArgs, shell: Shell): string {
  const quote = shell === 'bash' ? quoteBash : quotePowerShell;
  const continuation = shell === 'bash' ? ' \\' : ' `';
  const rendered = layout(args).map((line, index) => {
    let words: string[];
    if (line.option === undefined) words = line.values.map(quote);
    else {
      const [first, ...rest] = line.values;
      words = first !== undefined && OPTIONS[line.option] === 1 && first.startsWith('-')
        ? [quote(`${line.option}=${first}`), ...rest.map(quote)]
        : [line.option, ...line.values.map(quote)];
    }
    return `${index === 0 ? '' : '  '}${words.join(' ')}`;
  });
  return rendered.join(`${continuation}\n`);
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

/**
 * An access policy that lets a principal read a vault's secrets (get and list), for a vault in access-policy mode
 * (enableRbacAuthorization false), where Azure roles give no access to the data.
 */
export function keyVaultSetPolicyCommand(vaultName: string, objectId: string, resourceGroup?: string): CommandArgs {
  return ['az', 'keyvault', 'set-policy', '--name', vaultName, ...(resourceGroup ? ['--resource-group', resourceGroup] : []), '--object-id', objectId, '--secret-permissions', 'get', 'list'];
}

/**
 * A Cosmos DB data role at the whole account (scope "/"), by the role definition's id: Cosmos DB's data is granted by
 * its own role assignments, which `az role assignment create` cannot make.
 */
export function cosmosRoleAssignmentCommand(accountName: string, resourceGroup: string, principalId: string, roleDefinitionGuid: string): CommandArgs {
  return ['az', 'cosmosdb', 'sql', 'role', 'assignment', 'create', '--account-name', accountName, '--resource-group', resourceGroup,
    '--scope', '/', '--principal-id', principalId, '--role-definition-id', roleDefinitionGuid];
}

/** The command on one bash line (for a row or a sentence), each argument quoted for bash as in renderCommand. */
export function bashLine(args: CommandArgs): string {
  return pastedArgv(args).map(quoteBash).join(' ');
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
    l10n.t('Hello, could you {0}?', what),
    '',
    why,
    '',
    l10n.t('These Azure CLI commands do it (bash):'),
    '',
    ...commands.map((c) => renderCommand(c, 'bash')),
    '',
    l10n.t('Or in PowerShell:'),
    '',
    ...commands.map((c) => renderCommand(c, 'powershell')),
    '',
    l10n.t('Thank you!'),
  ].join('\n');
}
