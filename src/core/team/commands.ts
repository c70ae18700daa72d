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
