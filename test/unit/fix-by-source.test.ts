// Every fix the Azure layer's classifier gives fits the API that refused (an Azure role for ARM; a Microsoft Graph
// permission or directory role for Graph) and the active source (a service principal is never told to run az, az's
// user never told to run azd). The errors are the shapes the Azure layer throws for the real answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AzureRequestError, classifyAzureError, type AzureApi } from '../../src/core/azure/errors';
import { ALL_CREDENTIALS, type CredentialName } from '../../src/core/chain/types';

const ARM_403 = new AzureRequestError('http', "The client 'alice' with object id 'x' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/s'.", { status: 403, code: 'AuthorizationFailed' });
const GRAPH_403 = new AzureRequestError('http', 'Insufficient privileges to complete the operation.', { status: 403, code: 'Authorization_RequestDenied' });
const EXPIRED = new AzureRequestError('http', 'Lifetime validation failed, the token is expired.', { status: 401, code: 'ExpiredAuthenticationToken' });
const WRONG_TENANT = new AzureRequestError('http', "The access token is from the wrong issuer 'https://sts.windows.net/t/'.", { status: 401, code: 'InvalidAuthenticationTokenTenant' });

const APP_SOURCES: readonly CredentialName[] = ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'];
/** Each developer tool's sign-in command: a fix names at most the active source's own. */
const TOOL_COMMANDS: Readonly<Partial<Record<CredentialName, RegExp>>> = {
  AzureCliCredential: /\baz (login|account)\b/,
  AzureDeveloperCliCredential: /\bazd auth login\b/,
  AzurePowerShellCredential: /\bConnect-AzAccount\b/,
};
/** Azure roles (ARM) versus Graph permissions and directory roles. */
const ARM_WORDS = /\bAzure role\b|\b(Reader|Owner|Contributor|User Access Administrator)\b/;
const GRAPH_WORDS = /Microsoft Graph|directory role|\b[A-Z][A-Za-z]+\.(Read|ReadWrite)\.All\b/;

function fixes(source: CredentialName): { api: AzureApi | 'any'; kind: string; fix: string }[] {
  return [
    { api: 'arm', kind: 'forbidden', fix: classifyAzureError(ARM_403, 'Role assignments could not be read', { source, api: 'arm' }).fix },
    { api: 'graph', kind: 'forbidden', fix: classifyAzureError(GRAPH_403, 'Microsoft Graph did not describe the identity', { source, api: 'graph', need: { graphPermission: 'Application.Read.All', directoryRole: 'Directory Readers' } }).fix },
    { api: 'graph', kind: 'forbidden (code only)', fix: classifyAzureError(GRAPH_403, 'Microsoft Graph did not list the groups', { source }).fix },
    { api: 'any', kind: 'sign-in-expired', fix: classifyAzureError(EXPIRED, 'No token for Azure Resource Manager', { source }).fix },
    { api: 'any', kind: 'wrong-tenant', fix: classifyAzureError(WRONG_TENANT, 'Role assignments could not be read', { source }).fix },
    { api: 'any', kind: 'failed', fix: classifyAzureError(new AzureRequestError('http', 'Internal error', { status: 500 }), 'x', { source }).fix },
  ];
}

describe('each fix fits its API', () => {
  for (const source of ALL_CREDENTIALS) {
    test(`${source}: ARM names an Azure role, Graph a Graph permission or directory role, never the other`, () => {
      for (const { api, kind, fix } of fixes(source)) {
        if (api === 'arm') {
          assert.match(fix, ARM_WORDS, `${kind}: ${fix}`);
          assert.doesNotMatch(fix, GRAPH_WORDS, `${kind}: ${fix}`);
        }
        if (api === 'graph') {
          assert.match(fix, GRAPH_WORDS, `${kind}: ${fix}`);
          assert.doesNotMatch(fix, ARM_WORDS, `${kind}: ${fix}`);
        }
      }
    });
  }

  test('"Microsoft Graph did not describe the identity" never advises Reader', () => {
    const problem = classifyAzureError(GRAPH_403, 'Microsoft Graph did not describe the identity', { source: 'EnvironmentCredential', api: 'graph', need: { graphPermission: 'Application.Read.All', directoryRole: 'Directory Readers' } });
    assert.equal(problem.kind, 'forbidden');
    assert.doesNotMatch(problem.fix, /\bReader\b|role assignments/);
    assert.match(problem.fix, /Application\.Read\.All/);
  });

  test('what a refused ARM write needs is named, not Reader', () => {
    const fix = classifyAzureError(ARM_403, 'The role assignment was not removed', { source: 'AzureCliCredential', need: { armAction: 'remove role assignments', armRoles: ['Role Based Access Control Administrator', 'User Access Administrator', 'Owner'] } }).fix;
    assert.match(fix, /remove role assignments/);
    assert.match(fix, /Role Based Access Control Administrator/);
    assert.doesNotMatch(fix, /Reader/);
  });
});

describe('each fix fits its active source', () => {
  for (const source of ALL_CREDENTIALS) {
    test(`${source}: no other tool's sign-in, no front end's command`, () => {
      for (const { kind, fix } of fixes(source)) {
        for (const [tool, command] of Object.entries(TOOL_COMMANDS)) {
          if (tool !== source) assert.doesNotMatch(fix, command!, `${kind}: ${fix}`);
        }
        // The CLI shows the same words as the views: no VS Code command, no view action.
        assert.doesNotMatch(fix, /Azure Dev Auth:|\bRefresh\b|the log/, `${kind}: ${fix}`);
      }
    });
  }

  test('a developer tool is told its own sign-in command', () => {
    for (const [source, command] of Object.entries(TOOL_COMMANDS) as [CredentialName, RegExp][]) {
      assert.match(classifyAzureError(EXPIRED, 'No token', { source }).fix, command, source);
      assert.match(classifyAzureError(WRONG_TENANT, 'No token', { source }).fix, command, source);
    }
  });

  test('app identities are told about their own configuration, users about their user', () => {
    const expired = (source: CredentialName): string => classifyAzureError(EXPIRED, 'No token', { source }).fix;
    assert.match(expired('EnvironmentCredential'), /AZURE_CLIENT_SECRET|client secret/);
    assert.match(expired('WorkloadIdentityCredential'), /AZURE_FEDERATED_TOKEN_FILE/);
    assert.match(expired('ManagedIdentityCredential'), /managed identity/);
    assert.match(expired('VisualStudioCodeCredential'), /VS Code/);
    const graph = (source: CredentialName): string => classifyAzureError(GRAPH_403, 'x', { source, api: 'graph' }).fix;
    assert.match(graph('EnvironmentCredential'), /app registration.*application permission/);
    assert.match(graph('WorkloadIdentityCredential'), /app registration.*application permission/);
    assert.match(graph('ManagedIdentityCredential'), /managed identity.*application permission/);
    for (const user of ['AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential', 'VisualStudioCodeCredential'] as const) {
      assert.match(graph(user), /directory role/, user);
      assert.doesNotMatch(graph(user), /application permission|app registration/, user);
    }
    for (const app of APP_SOURCES) {
      assert.match(classifyAzureError(ARM_403, 'x', { source: app }).fix, app === 'ManagedIdentityCredential' ? /for the managed identity/ : /for the service principal/);
      assert.doesNotMatch(classifyAzureError(WRONG_TENANT, 'x', { source: app }).fix, /\baz\b|azd|Connect-AzAccount/);
    }
  });
});
