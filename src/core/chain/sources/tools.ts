// Running az / azd / pwsh the way the modelled azure-identity does: the same arguments, working directory (/bin),
// extra environment and timeout. Versions that used `/bin/sh -c "<string>"` are modelled by resolving the program
// on PATH ourselves (what the shell would do) and running it with an argument vector — never a shell string.
import { runProcess, type RunResult } from '../../process/run';
import { resolveProgram } from '../workspacePrograms';
import type { ToolInvocation } from '../versions';
import type { ProbeContext } from './common';

/** subprocess's cwd for the developer tools: a directory the OS controls, not the project's. */
export const SAFE_WORKING_DIR = '/bin';

export type ToolRun =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'spawn-error'; readonly file: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'exited'; readonly exitCode: number; readonly stdout: string; readonly stderr: string };

export interface ToolCommand {
  readonly program: 'az' | 'azd' | 'pwsh';
  readonly args: readonly string[];
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly invocation: ToolInvocation;
}

/** The argv Python hands to subprocess for this command (for display and verification; not what we execute). */
export function pythonArgv(command: ToolCommand, resolved: string | undefined): string[] {
  if (command.invocation === 'shell') return ['/bin/sh', '-c', [command.program, ...command.args].join(' ')];
  return [resolved ?? command.program, ...command.args];
}

/** The credential that runs each tool (whose own process_timeout= applies to it). */
const TOOL_CREDENTIALS = { az: 'AzureCliCredential', azd: 'AzureDeveloperCliCredential', pwsh: 'AzurePowerShellCredential' } as const;

export async function runTool(ctx: ProbeContext, command: ToolCommand): Promise<ToolRun> {
  // Throws WorkspaceProgramError for a program the workspace's PATH entry finds: the engine reports "not checked".
  const file = resolveProgram(command.program, ctx.env, ctx.programPolicy);
  if (!file) return { kind: 'not-found' };
  const seconds = ctx.memberProcessTimeouts?.[TOOL_CREDENTIALS[command.program]] ?? ctx.processTimeoutSeconds;
  const result: RunResult = await runProcess(file, command.args, {
    env: { ...ctx.env, ...command.extraEnv },
    cwd: SAFE_WORKING_DIR,
    timeoutMs: Math.max(1, Math.round(seconds * 1000)),
    signal: ctx.signal,
  });
  if (result.cancelled) return { kind: 'cancelled' };
  if (result.timedOut) return { kind: 'timeout' };
  if (result.spawnError || result.exitCode === null) {
    return { kind: 'spawn-error', file: command.invocation === 'shell' ? '/bin/sh' : file };
  }
  return { kind: 'exited', exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** Python's ValueError text for `a, b, c = parts` with the wrong count. */
export function unpackError(count: number, expected: number): string {
  return count > expected ? `too many values to unpack (expected ${expected})` : `not enough values to unpack (expected ${expected}, got ${count})`;
}
