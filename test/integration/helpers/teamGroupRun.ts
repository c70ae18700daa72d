// Child process for team-groups.test.ts: the team wizard's Graph operations as the developer signed in to the fake az
// (HOME and PATH come from the environment), with the sandbox's CA trusted from the start. Prints one JSON line.
import { AzureCliCredential } from '@azure/identity';
import type { CloudEndpoints } from '../../../src/core/access/clouds';
import { GraphWriteError, TeamDirectory, type DirectoryUser } from '../../../src/core/team/groups';

interface Input { cloud: CloudEndpoints; name: string; members: string[]; searchPrefix: string }

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const directory = new TeamDirectory(new AzureCliCredential(), input.cloud);
  const found: DirectoryUser[] = [];
  let pages = 0;
  let page = await directory.searchUsers(input.searchPrefix, undefined, 1);
  for (;;) {
    pages++;
    found.push(...page.users);
    if (!page.nextLink || pages > 20) break;
    page = await directory.searchUsers(input.searchPrefix, page.nextLink);
  }
  const before = await directory.findGroups(input.name);
  let created: unknown = null;
  let members: unknown = null;
  let error: unknown = null;
  try {
    // Two clicks on Create.
    const [a, b] = await Promise.all([
      directory.createSecurityGroup(input.name, input.name, 'local development'),
      directory.createSecurityGroup(input.name, input.name, 'local development'),
    ]);
    created = { sameGroup: a.id === b.id, id: a.id };
    members = await directory.addMembers(a.id, input.members);
  } catch (e) {
    error = { kind: e instanceof GraphWriteError ? e.kind : 'unexpected', message: (e as Error).message };
  }
  const after = await directory.findGroups(input.name);
  process.stdout.write(`${JSON.stringify({ found: found.map((u) => u.userPrincipalName), pages, before: before.length, after: after.length, created, members, error })}\n`);
}

void main();
