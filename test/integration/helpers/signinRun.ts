// Child process for signin-service-principal.test.ts: opens the team wizards' session as the developer signed in to
// the fake az (HOME and PATH come from the environment, the sandbox's CA is trusted from the start) and runs one
// local-development app operation. Prints one JSON line: the session's identity and the result or the error.
import type { CloudEndpoints } from '../../../src/core/access/clouds';
import { createTeamFacade, TeamError } from '../../../src/core/team/facade';

type Operation =
  | { op: 'create'; displayName?: string; secretEndDateTime: string; cancelAfterMs?: number }
  | { op: 'find'; prefix: string }
  | { op: 'rotate'; appObjectId: string; oldKeyId: string; secretEndDateTime: string }
  | { op: 'remove'; appObjectId: string };

interface Input { cloud: CloudEndpoints; folderName: string; operation: Operation }

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const opened = await createTeamFacade().openSession({
    env, cloudSetting: input.cloud, processTimeoutSeconds: 30, tools: ['AzureCliCredential'], workspaceFolder: undefined,
  });
  if (!opened.ok) { process.stdout.write(`${JSON.stringify({ error: { kind: 'no-session', message: opened.message } })}\n`); return; }
  const session = opened.session;
  const apps = session.localDevApps;
  const name = apps.defaultName(input.folderName);
  const operation = input.operation;
  let result: unknown;
  let error: { kind: string; message: string } | null = null;
  try {
    switch (operation.op) {
      case 'create': {
        const controller = new AbortController();
        if (operation.cancelAfterMs !== undefined) setTimeout(() => controller.abort(), operation.cancelAfterMs);
        result = await apps.create({ displayName: operation.displayName ?? name, secretEndDateTime: operation.secretEndDateTime, signal: controller.signal });
        break;
      }
      case 'find': result = await apps.find(operation.prefix); break;
      case 'rotate': result = await apps.rotate({ appObjectId: operation.appObjectId, oldKeyId: operation.oldKeyId, secretEndDateTime: operation.secretEndDateTime }); break;
      case 'remove': result = await apps.remove(operation.appObjectId); break;
    }
  } catch (e) {
    error = { kind: e instanceof TeamError ? e.kind : 'unexpected', message: (e as Error).message };
  }
  process.stdout.write(`${JSON.stringify({ actor: session.actor, tenantId: session.tenantId, name, result, error })}\n`);
}

void main();
