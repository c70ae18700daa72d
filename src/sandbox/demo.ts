// Signs a seeded user into the fake az, azd and Azure PowerShell under a HOME, as a developer would have done on
// their laptop, so that `npm start` opens VS Code on a signed-in demo developer. Uses the built fake tools
// (dist/tools); each step has a timeout and reports the tool's own error output on failure.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from './server';

const STEP_TIMEOUT_MS = 30_000;

function runTool(sandbox: Sandbox, home: string, tool: 'az' | 'azd' | 'pwsh', args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(join(sandbox.toolsBinDir, tool), args, { env: { ...sandbox.toolEnv(home), ...extraEnv }, timeout: STEP_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${tool} ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

export async function signInDemoDeveloper(sandbox: Sandbox, home: string, userKey = 'alice', tools: readonly ('az' | 'azd' | 'pwsh')[] = ['az', 'azd', 'pwsh']): Promise<void> {
  const user = sandbox.users[userKey];
  if (!user) throw new Error(`unknown seeded user '${userKey}'`);
  if (tools.includes('az')) await runTool(sandbox, home, 'az', ['login', '-u', user.upn, '-p', user.password]);
  if (tools.includes('azd')) {
    // azd has no password sign-in: its browser flow completes at once while the sandbox signs this user in itself.
    const previous = sandbox.control.settings().autoSignInAs;
    sandbox.control.settings({ autoSignInAs: userKey });
    try {
      await runTool(sandbox, home, 'azd', ['auth', 'login']);
    } finally {
      sandbox.control.settings({ autoSignInAs: previous });
    }
  }
  if (tools.includes('pwsh')) {
    await runTool(sandbox, home, 'pwsh', ['-NoProfile', '-Command', `Connect-AzAccount -AccountId ${user.upn}`], { AZURE_DEV_AUTH_FAKE_PWSH_PASSWORD: user.password });
  }
}
