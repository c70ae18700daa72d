// Child-process script for sandbox-real-clients.test.ts: the real JavaScript SDKs (@azure/identity,
// @azure/arm-authorization, @microsoft/microsoft-graph-client) against the sandbox. It runs in its own process
// because NODE_EXTRA_CA_CERTS (the sandbox CA) is only read at start. Prints one JSON object with what it saw.
import { ClientSecretCredential } from '@azure/identity';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const tenantId = required('AZURE_TENANT_ID');
  const credential = new ClientSecretCredential(tenantId, required('AZURE_CLIENT_ID'), required('AZURE_CLIENT_SECRET'), {
    authorityHost: required('AZURE_AUTHORITY_HOST'),
  });
  const subscriptionId = required('SANDBOX_TEST_SUBSCRIPTION');
  const memberId = required('SANDBOX_TEST_MEMBER');
  const armEndpoint = required('AZURE_DEV_AUTH_RESOURCE_MANAGER');
  const graphBase = required('AZURE_DEV_AUTH_GRAPH');

  const authorization = new AuthorizationManagementClient(credential, subscriptionId, {
    endpoint: armEndpoint,
    // The SDK derives the token scope from the endpoint unless told: the sandbox ARM still wants real ARM tokens.
    credentialScopes: ['https://management.azure.com/.default'],
  });
  const assignments = [];
  for await (const a of authorization.roleAssignments.listForSubscription()) assignments.push(a);
  // The SDK joins '/{scope}': a scope given with its leading slash makes a path with an empty segment ('//'), which
  // the sandbox refuses (400) as a malformed request. Scopes go without it.
  const scoped = [];
  for await (const a of authorization.roleAssignments.listForScope(`subscriptions/${subscriptionId}/resourceGroups/rg-app`, { filter: 'atScope()' })) scoped.push(a);
  const readers = [];
  for await (const d of authorization.roleDefinitions.list(`subscriptions/${subscriptionId}`, { filter: "roleName eq 'Reader'" })) readers.push(d);
  const allDefinitions = [];
  for await (const d of authorization.roleDefinitions.list(`subscriptions/${subscriptionId}`)) allDefinitions.push(d);
  const reader = await authorization.roleDefinitions.getById('providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7');
  let emptySegmentStatus = 0;
  try {
    await authorization.roleDefinitions.getById('/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7');
  } catch (error) {
    emptySegmentStatus = (error as { statusCode?: number }).statusCode ?? -1;
  }

  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: ['https://graph.microsoft.com/.default'] }),
    baseUrl: `${graphBase}/`,
    customHosts: new Set([new URL(graphBase).hostname]),
  });
  const group = await graph.api('/groups').post({
    displayName: 'sg-created-by-sdk', mailEnabled: false, mailNickname: 'sg-created-by-sdk', securityEnabled: true, description: 'created through @microsoft/microsoft-graph-client',
  }) as { id: string; displayName: string };
  await graph.api(`/groups/${group.id}/members/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}` });
  const members = await graph.api(`/groups/${group.id}/members`).get() as { value: { id: string }[] };
  let duplicateError: { statusCode?: number; code?: string } = {};
  try {
    await graph.api(`/groups/${group.id}/members/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}` });
  } catch (error) {
    const e = error as { statusCode?: number; code?: string };
    duplicateError = { statusCode: e.statusCode, code: e.code };
  }

  process.stdout.write(JSON.stringify({
    assignmentCount: assignments.length,
    assignmentScopes: assignments.map((a) => a.scope),
    atScopeCount: scoped.length,
    readers: readers.map((d) => ({ roleName: d.roleName, id: d.id })),
    definitionCount: allDefinitions.length,
    readerById: { roleName: reader.roleName, permissions: reader.permissions },
    emptySegmentStatus,
    group: { id: group.id, displayName: group.displayName },
    memberIds: members.value.map((m) => m.id),
    duplicateError,
  }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
