// Child-process script for azure-layer-claims.test.ts: the role wizard's assignment and Remove Role Assignment, as
// the extension runs them (the team session and the core removal, with the Azure CLI's sign-in), under a claims
// challenge. The re-authentication command the message names is run as a shell would run a pasted line, then the
// same request is retried. Prints one JSON object with what happened. It runs in its own process because the
// credential runs `az` from this process's PATH and HOME (the sandbox's fake tools and the signed-in user).
import { spawnSync } from 'node:child_process';
import { removeRoleAssignment } from '../../../src/core/access/remove';
import { createTeamFacade, type TeamSession } from '../../../src/core/team/facade';

const input = JSON.parse(process.argv[2] ?? '{}') as {
  cloud: Record<string, string>; scope: string; principalId: string; roleId: string; control: string; secondContext: string;
};

function errorOf(error: unknown): { kind: string; message: string } {
  const e = error as { kind?: string; message?: string };
  return { kind: String(e.kind ?? 'unknown'), message: String(e.message ?? error) };
}

/** The command in a message, as pasted into a shell. */
function runPasted(command: string): { code: number | null; stderr: string } {
  const r = spawnSync('sh', ['-c', command], { env: process.env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr.slice(-500) };
}

const COMMAND = /(az login [^\n]*?--claims-challenge [A-Za-z0-9+/=_-]+)/;

async function main(): Promise<void> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const opened = await createTeamFacade().openSession({ env, cloudSetting: input.cloud, processTimeoutSeconds: 30, tools: ['AzureCliCredential'], workspaceFolder: undefined });
  if (!opened.ok) throw new Error(opened.message);
  const session: TeamSession = opened.session;
  const assign = () => session.assignRole({ scope: input.scope, principal: { id: input.principalId, type: 'User', displayName: 'dave', detail: '' }, roleId: input.roleId });

  const out: Record<string, unknown> = {};
  // 1. The role wizard: refused with a claims challenge, the command run, the same assignment requested again.
  try { out.firstAssign = await assign(); } catch (error) { out.firstAssignError = errorOf(error); }
  const assignCommand = COMMAND.exec((out.firstAssignError as { message?: string } | undefined)?.message ?? '')?.[1];
  out.assignCommand = assignCommand ?? null;
  if (assignCommand) out.assignRelogin = runPasted(assignCommand);
  try { out.retryAssign = await assign(); } catch (error) { out.retryAssignError = errorOf(error); }

  // 2. Remove Role Assignment: ARM now asks for another authentication context (as a new policy would), so the
  // removal meets a challenge too.
  const patched = await fetch(`${input.control}/_sandbox/settings`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ armWritesRequireAcrs: input.secondContext }),
  });
  out.policyChanged = patched.status;
  const assignmentId = (out.retryAssign as { assignmentId?: string } | undefined)?.assignmentId ?? '';
  const remove = () => removeRoleAssignment({
    source: 'AzureCliCredential', env, cloud: input.cloud as never, processTimeoutSeconds: 30, allowedHosts: [], assignmentId,
  });
  out.firstRemove = await remove();
  const removeCommand = (out.firstRemove as { problem?: { command?: string } }).problem?.command ?? null;
  out.removeCommand = removeCommand;
  if (removeCommand) out.removeRelogin = runPasted(removeCommand);
  out.retryRemove = await remove();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
