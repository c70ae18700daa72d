// Child process for team-assign.test.ts: runs createRoleAssignment with the sandbox's CA trusted from the start and
// prints one JSON line: the outcome or the error, and the replication waits it announced.
import { ClientSecretCredential } from '@azure/identity';
import { createRoleAssignment, AssignmentError } from '../../../src/core/team/roleAssignments';
import type { CloudEndpoints } from '../../../src/core/access/clouds';

interface Input {
  cloud: CloudEndpoints; tenantId: string; clientId: string; clientSecret: string;
  scope: string; principalId: string; principalType: 'User' | 'Group' | 'ServicePrincipal'; roleDefinitionId: string; twice?: boolean;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const credential = new ClientSecretCredential(input.tenantId, input.clientId, input.clientSecret, { authorityHost: input.cloud.authorityHost });
  const waits: number[] = [];
  const once = () => createRoleAssignment({
    credential, cloud: input.cloud, scope: input.scope, principalId: input.principalId, principalType: input.principalType,
    roleDefinitionId: input.roleDefinitionId, backoffSeconds: [0.2], maxWaitMs: 10_000, onWaiting: (s) => waits.push(s),
  });
  try {
    const outcomes = input.twice ? await Promise.all([once(), once()]) : [await once()];
    process.stdout.write(`${JSON.stringify({ outcomes, waits })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: { kind: error instanceof AssignmentError ? error.kind : 'unexpected', message: (error as Error).message }, waits })}\n`);
  }
}

void main();
