// Conformance: for every real capture in test/fixtures/realdata that records a request, the sandbox's answer to the
// same request (ids replaced by the seed's) has the capture's structure: same keys and JSON types, recursively,
// error bodies included. Captures without a request are checked against what the sandbox serves (the built-in
// roles, the cloud constants) or listed with the reason they cannot be. The last tests check that no capture was
// left out and that the README indexes every file.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { defaultSeed } from '../../src/sandbox/seed';
import { clientCredentialsToken, ensureToolsBuilt, readCapture, realdataDir, repoRoot, run, sandboxFetch, userToken, type HttpsResult } from './helpers/sandbox';
import { shapeDifferences, type ShapeOptions } from './helpers/sandboxShape';

const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const SEEDED_ASSIGNMENT_AT_SUB = 'a45b7dac-73d1-4e4f-b4c6-bdfe79c9eef3';

type Json = Record<string, unknown>;

function get(capture: Json, ...path: string[]): unknown {
  let value: unknown = capture;
  for (const key of path) value = (value as Json)[key];
  assert.notEqual(value, undefined, `capture has no ${path.join('.')}`);
  return value;
}

function assertShape(expected: unknown, actual: unknown, options: ShapeOptions = {}, label = ''): void {
  const differences = shapeDifferences(expected, actual, options);
  assert.ok(differences.length === 0, `${label} differs from the capture:\n${differences.slice(0, 20).join('\n')}\nanswer: ${JSON.stringify(actual).slice(0, 1500)}`);
}

let sb: Sandbox;
let home: string;
const tokens: Record<string, string> = {};
/** Captures covered by a test below (relative to realdata). */
const covered = new Set<string>();

function cover(file: string): Json {
  covered.add(file);
  return readCapture(file);
}

async function arm(method: string, path: string, token: string, json?: unknown): Promise<HttpsResult> {
  return sandboxFetch(sb, method, `${sb.resourceManager}${path}`, { headers: { Authorization: `Bearer ${token}` }, ...(json !== undefined ? { json } : {}) });
}

async function graph(method: string, path: string, token: string, options: { json?: unknown; headers?: Record<string, string> } = {}): Promise<HttpsResult> {
  return sandboxFetch(sb, method, `${sb.graph}${path}`, { headers: { Authorization: `Bearer ${token}`, ...options.headers }, ...(options.json !== undefined ? { json: options.json } : {}) });
}

async function entra(path: string, form?: Record<string, string>): Promise<HttpsResult> {
  return sandboxFetch(sb, form ? 'POST' : 'GET', `${sb.url}${path}`, form ? { form } : {});
}

async function az(args: string[], extraEnv: Record<string, string> = {}) {
  return run(join(sb.toolsBinDir, 'az'), args, { env: { ...sb.toolEnv(home), ...extraEnv }, timeoutMs: 30_000 });
}

before(async () => {
  realdataDir(); // fail early and clearly when the captures are missing
  await ensureToolsBuilt();
  sb = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'sandbox-conformance-home-'));
  tokens.spArm = await clientCredentialsToken(sb);
  tokens.spGraph = await clientCredentialsToken(sb, 'https://graph.microsoft.com/.default');
  tokens.aliceArm = await userToken(sb, 'alice');
  tokens.aliceGraph = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
  tokens.bobArm = await userToken(sb, 'bob');
  tokens.bobGraph = await userToken(sb, 'bob', 'https://graph.microsoft.com/.default');
});

after(async () => {
  await sb?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

beforeEach(() => sb.control.reset());

describe('ARM Microsoft.Authorization spec examples', () => {
  const listCases: [string, string][] = [
    ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_ListForScope.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`],
    ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_ListForResourceGroup.json', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`],
    ['arm-authorization/spec-examples/2022-05-01-preview/RoleAssignments_ListForSubscription.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-05-01-preview`],
    ['arm-authorization/spec-examples/2022-05-01-preview/RoleAssignments_ListForResource.json', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp/providers/Microsoft.Authorization/roleAssignments?api-version=2022-05-01-preview`],
    ['arm-authorization/spec-examples/2020-10-01/RoleAssignments_ListForSubscription.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2020-10-01`],
  ];
  for (const [file, path] of listCases) {
    test(file, async () => {
      const capture = cover(file);
      const res = await arm('GET', path, tokens.spArm!);
      assert.equal(res.status, 200, res.text);
      assertShape(get(capture, 'responses', '200', 'body'), res.json, {}, file);
    });
  }

  test('RoleAssignments_Get / GetById', async () => {
    for (const [file, path] of [
      ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_Get.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${SEEDED_ASSIGNMENT_AT_SUB}?api-version=2020-10-01-preview`],
      ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_GetById.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${SEEDED_ASSIGNMENT_AT_SUB}?api-version=2022-04-01`],
    ] as const) {
      const capture = cover(file);
      const res = await arm('GET', path, tokens.spArm!);
      assert.equal(res.status, 200, res.text);
      assertShape(get(capture, 'responses', '200', 'body'), res.json, {}, file);
    }
  });

  test('RoleAssignments_Create* (201, then 200 on the same name)', async () => {
    const cases: [string, string][] = [
      ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_CreateForSubscription.json', `/subscriptions/${SUB}`],
      ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_CreateForResourceGroup.json', `/subscriptions/${SUB}/resourceGroups/rg-app`],
      ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_CreateById.json', `/subscriptions/${SUB}/resourceGroups/rg-shared`],
    ];
    for (const [file, scope] of cases) {
      const capture = cover(file);
      const requestBody = get(capture, 'parameters', 'parameters') as { properties: Json };
      const body = { properties: { ...requestBody.properties, principalId: sb.users.dave!.objectId, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}` } };
      const path = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`;
      const created = await arm('PUT', path, tokens.spArm!, body);
      assert.equal(created.status, 201, created.text);
      assertShape(get(capture, 'responses', '201', 'body'), created.json, {}, `${file} 201`);
      const again = await arm('PUT', path, tokens.spArm!, body);
      assert.equal(again.status, 200, again.text);
      assertShape(get(capture, 'responses', '200', 'body'), again.json, {}, `${file} 200`);
    }
  });

  test('RoleAssignments_Delete / DeleteById (200 with the assignment, then 204)', async () => {
    for (const file of ['arm-authorization/spec-examples/2022-04-01/RoleAssignments_Delete.json', 'arm-authorization/spec-examples/2022-04-01/RoleAssignments_DeleteById.json']) {
      const capture = cover(file);
      const path = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`;
      const body = { properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: sb.users.dave!.objectId, principalType: 'User' } };
      assert.equal((await arm('PUT', path, tokens.spArm!, body)).status, 201);
      const deleted = await arm('DELETE', path, tokens.spArm!);
      assert.equal(deleted.status, 200, deleted.text);
      assertShape(get(capture, 'responses', '200', 'body'), deleted.json, {}, file);
      const again = await arm('DELETE', path, tokens.spArm!);
      assert.equal(again.status, 204);
      assert.equal(again.text, '');
      assert.deepEqual(get(capture, 'responses', '204'), {});
    }
  });

  test('RoleAssignments_ValidateInvalid (validate API with an unknown role definition)', async () => {
    const file = 'arm-authorization/spec-examples/2020-10-01/RoleAssignments_ValidateInvalid.json';
    const capture = cover(file);
    const request = get(capture, 'parameters', 'parameters') as { properties: Json };
    const res = await arm('POST', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}/validate?api-version=2020-10-01`, tokens.spArm!, {
      properties: { ...request.properties, principalId: sb.users.dave!.objectId, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}` },
    });
    assert.equal(res.status, 200, res.text);
    assertShape(get(capture, 'responses', '200', 'body'), res.json, { exact: true }, file);
  });

  test('GetRoleDefinitionById / ByName', async () => {
    for (const [file, path] of [
      ['arm-authorization/spec-examples/2022-04-01/GetRoleDefinitionById.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}?api-version=2022-04-01`],
      ['arm-authorization/spec-examples/2022-04-01/GetRoleDefinitionByName.json', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}?api-version=2022-04-01`],
    ] as const) {
      const capture = cover(file);
      const res = await arm('GET', path, tokens.spArm!);
      assert.equal(res.status, 200, res.text);
      assertShape(get(capture, 'responses', '200', 'body'), res.json, {}, file);
    }
  });
});

describe('ARM docs examples and SDK recordings', () => {
  test('docs: list role assignments with atScope() and assignedTo()', async () => {
    const file = 'arm-authorization/docs-examples/list-role-assignments-assignedTo.json';
    const capture = cover(file);
    const res = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()+and+assignedTo('${sb.users.alice!.objectId}')`, tokens.aliceArm!);
    assert.equal(res.status, 200, res.text);
    assert.ok(((res.json as { value: unknown[] }).value).length > 0);
    assertShape(get(capture, 'response_200'), res.json, { exact: true }, file);
  });

  test('docs: list role definitions at tenant scope (all, and type eq CustomRole)', async () => {
    const file = 'arm-authorization/docs-examples/list-role-definitions-tenant.json';
    const capture = cover(file);
    const all = await arm('GET', '/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01', tokens.spArm!);
    assert.equal(all.status, 200, all.text);
    // 31 built-in roles carry ABAC conditions; the docs sample has none of them.
    const conditions = { exact: true, optionalKeys: ['condition', 'conditionVersion'] };
    assertShape(get(capture, 'response_200_all'), all.json, conditions, file);
    const custom = await arm('GET', "/providers/Microsoft.Authorization/roleDefinitions?$filter=type+eq+'CustomRole'&api-version=2022-04-01", tokens.spArm!);
    assert.equal(custom.status, 200, custom.text);
    assertShape(get(capture, 'response_200_all'), custom.json, conditions, `${file} filtered`);
  });

  test('docs: get the Reader role definition by id', async () => {
    const file = 'arm-authorization/docs-examples/get-role-definition-reader-by-id.json';
    const capture = cover(file);
    const res = await arm('GET', `/providers/Microsoft.Authorization/roleDefinitions/${READER}?api-version=2022-04-01`, tokens.spArm!);
    assert.equal(res.status, 200, res.text);
    assertShape(get(capture, 'response_200'), res.json, { exact: true }, file);
    assert.deepEqual(res.json, get(capture, 'response_200') && { ...(res.json as Json) });
    assert.equal((res.json as { id: string }).id, (get(capture, 'response_200') as { id: string }).id);
  });

  test('docs: create a role assignment with api-version 2015-07-01', async () => {
    const file = 'arm-authorization/docs-examples/create-role-assignment.json';
    const capture = cover(file);
    const res = await arm('PUT', `/subscriptions/${SUB}/providers/microsoft.authorization/roleassignments/${randomUUID()}?api-version=2015-07-01`, tokens.spArm!, {
      properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: sb.users.dave!.objectId },
    });
    assert.equal(res.status, 201, res.text);
    assertShape(get(capture, 'response'), res.json, { exact: true }, file);
  });

  test('SDK recording: role definitions list at resource-group scope', async () => {
    const file = 'arm-authorization/sdk-recordings/recording_roledefinitions_list_test.EXCERPT.json';
    const capture = cover(file);
    const entry = (get(capture, 'Entries') as Json[])[0]!;
    const res = await arm('GET', `/subscriptions/${SUB}/resourcegroups/rg-app/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`, tokens.spArm!);
    assert.equal(res.status, entry.StatusCode);
    assertShape(entry.ResponseBody, res.json, { exact: true, optionalKeys: ['condition', 'conditionVersion'] }, file);
    assert.equal((res.json as Json).nextLink, undefined, 'the real list came back in one page');
  });

  test('SDK recording + errors/InvalidRoleDefinitionId_400: GET a role definition that is not a GUID', async () => {
    const recording = cover('arm-authorization/sdk-recordings/recording_roledefinitions_get_test.json');
    const errors = cover('arm-authorization/errors/InvalidRoleDefinitionId_400.json');
    const entry = (get(recording, 'Entries') as Json[])[0]!;
    const res = await arm('GET', `/subscriptions/${SUB}/resourcegroups/rg-app/providers/Microsoft.Authorization/roleDefinitions/roleDefinitionId?api-version=2022-04-01`, tokens.spArm!);
    assert.equal(res.status, entry.StatusCode);
    assertShape(entry.ResponseBody, res.json, { exact: true }, 'recording');
    assertShape(get(errors, 'body'), res.json, { exact: true }, 'errors/InvalidRoleDefinitionId_400');
    assert.deepEqual(res.json, entry.ResponseBody, 'same code and message');
  });

  test('SDK recordings + errors/AuthorizationFailed_403: writing role definitions without permission', async () => {
    const errors = cover('arm-authorization/errors/AuthorizationFailed_403.json');
    for (const [file, method] of [
      ['arm-authorization/sdk-recordings/recording_roledefinitions_create_test.json', 'PUT'],
      ['arm-authorization/sdk-recordings/recording_roledefinitions_delete_test.json', 'DELETE'],
    ] as const) {
      const capture = cover(file);
      const entry = (get(capture, 'Entries') as Json[])[0]!;
      const res = await arm(method, `/subscriptions/${SUB}/resourcegroups/rg-app/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}?api-version=2022-04-01`, tokens.bobArm!, method === 'PUT' ? {} : undefined);
      assert.equal(res.status, entry.StatusCode, res.text);
      assertShape(entry.ResponseBody, res.json, { exact: true }, file);
      assertShape(get(errors, 'body'), res.json, { exact: true }, 'errors/AuthorizationFailed_403');
      assert.equal(res.headers['x-ms-failure-cause'], (get(errors, 'notable_response_headers') as Json)['x-ms-failure-cause']);
    }
  });

  test('errors/RoleAssignmentExists_409', async () => {
    const capture = cover('arm-authorization/errors/RoleAssignmentExists_409.json');
    const body = { properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: sb.users.bob!.objectId } };
    const res = await arm('PUT', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, tokens.spArm!, body);
    assert.equal(res.status, get(capture, 'status'));
    assertShape(get(capture, 'body'), res.json, { exact: true });
    assert.match((res.json as { error: { message: string } }).error.message, /^The role assignment already exists\. The ID of the existing role assignment is [0-9a-f]{32}\.$/);
  });

  test('errors/PrincipalNotFound_400: a group created moments ago, without principalType', async () => {
    const capture = cover('arm-authorization/errors/PrincipalNotFound_400.json');
    const group = await graph('POST', '/v1.0/groups', tokens.spGraph!, { json: { displayName: 'sg-new', mailEnabled: false, mailNickname: 'sg-new', securityEnabled: true } });
    assert.equal(group.status, 201, group.text);
    const groupId = (group.json as { id: string }).id;
    const path = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`;
    const res = await arm('PUT', path, tokens.spArm!, { properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: groupId } });
    assert.equal(res.status, get(capture, 'status'));
    assertShape(get(capture, 'body'), res.json, { exact: true });
    assert.match((res.json as { error: { message: string } }).error.message, /^Principal [0-9a-f]{32} does not exist in the directory [0-9a-f-]{36}\. .* {2}See https:\/\/aka\.ms\/docs-principaltype$/);
    const withType = await arm('PUT', path, tokens.spArm!, { properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: groupId, principalType: 'Group' } });
    assert.equal(withType.status, 201, withType.text);
  });
});

describe('Microsoft Graph', () => {
  test('get-me: /me and $select on a user', async () => {
    const capture = cover('graph/get-me.json');
    const me = await graph('GET', '/v1.0/me', tokens.aliceGraph!);
    assert.equal(me.status, 200, me.text);
    assertShape(get(capture, 'response_200'), me.json, { ignore: ['$.@odata.context'] }, 'me');
    assert.deepEqual(Object.keys(me.json as Json).filter((k) => k !== '@odata.context').sort(), [...(get(capture, 'default_properties_returned') as string[])].sort());
    const selected = await graph('GET', `/v1.0/users/${sb.users.alice!.objectId}?$select=displayName,givenName,postalCode,identities`, tokens.spGraph!);
    assert.equal(selected.status, 200, selected.text);
    assertShape(get(capture, 'select_example_response_200'), selected.json, { exact: true }, 'select');
  });

  test('list-users-startswith: the default list, and startswith with advanced query parameters', async () => {
    const capture = cover('graph/list-users-startswith.json');
    const all = await graph('GET', '/v1.0/users', tokens.spGraph!);
    assert.equal(all.status, 200, all.text);
    assertShape(get(capture, 'doc_example1_response_200'), all.json, { exact: true }, 'example 1');
    // The doc's example 4 response shows four properties (a trimmed sample); ask for exactly those.
    const advanced = await graph('GET', "/v1.0/users?$filter=startswith(displayName,'a')&$orderby=displayName&$count=true&$top=1&$select=displayName,mail,mailNickname,userPrincipalName", tokens.spGraph!, { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(advanced.status, 200, advanced.text);
    assertShape(get(capture, 'doc_example4_response_200'), advanced.json, { exact: true, ignore: ['$.@odata.nextLink'] }, 'example 4');
    const plain = await graph('GET', "/v1.0/users?$filter=startswith(displayName,'Bob')&$select=id,displayName,userPrincipalName", tokens.spGraph!);
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual((plain.json as { value: Json[] }).value.map((u) => u.displayName), ['Bob Platform']);
  });

  test('list-groups-filter: displayName eq, startswith with $count, and the group item', async () => {
    const capture = cover('graph/list-groups-filter.json');
    const eq = await graph('GET', "/v1.0/groups?$count=true&$filter=displayName%20eq%20'sg-dev-team'&$select=id,displayName", tokens.spGraph!, { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(eq.status, 200, eq.text);
    assertShape(get(capture, 'doc_example2_response_200'), eq.json, { exact: true }, 'displayName eq');
    const starts = await graph('GET', "/v1.0/groups?$filter=startswith(displayName, 'sg')&$count=true&$top=1&$orderby=displayName&$select=displayName,mailNickname", tokens.spGraph!, { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(starts.status, 200, starts.text);
    assertShape(get(capture, 'doc_example4_response_200'), starts.json, { exact: true, ignore: ['$.@odata.nextLink'] }, 'startswith');
    const group = await graph('GET', '/v1.0/groups/dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4', tokens.spGraph!);
    assert.equal(group.status, 200, group.text);
    assertShape(get(capture, 'doc_example1_group_item_shape'), group.json, {}, 'group item');
  });

  test('me-memberOf-and-transitiveMemberOf: memberOf, transitiveMemberOf, the group cast, directory roles', async () => {
    const capture = cover('graph/me-memberOf-and-transitiveMemberOf.json');
    const memberOf = await graph('GET', '/v1.0/me/memberOf', tokens.aliceGraph!);
    assert.equal(memberOf.status, 200, memberOf.text);
    assertShape(get(capture, 'doc_response_memberOf'), memberOf.json, {}, 'memberOf');
    const transitive = await graph('GET', '/v1.0/me/transitiveMemberOf', tokens.aliceGraph!);
    assertShape(get(capture, 'doc_response_transitiveMemberOf'), transitive.json, {}, 'transitiveMemberOf');
    assert.equal((transitive.json as { value: unknown[] }).value.length, 3, 'sg-dev-team, through it sg-platform-readers, and the markup-named group');
    const cast = await graph('GET', `/v1.0/users/${sb.users.alice!.objectId}/transitiveMemberOf/microsoft.graph.group?$count=true&$orderby=displayName&$filter=startswith(displayName, 'sg')`, tokens.spGraph!, { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(cast.status, 200, cast.text);
    assertShape((get(capture, 'doc_response_cast_to_group_with_count') as Json).body, cast.json, {}, 'cast');
    // The live capture: a user with directory roles. Administrative units are not modelled by the sandbox.
    const live = (get(capture, 'captured_live_response_memberOf') as { json_body: { value: Json[] } }).json_body;
    const bob = await graph('GET', '/v1.0/me/memberOf', tokens.bobGraph!);
    const roles = (bob.json as { value: Json[] }).value.filter((v) => v['@odata.type'] === '#microsoft.graph.directoryRole');
    assert.equal(roles.length, 1);
    assertShape({ ...live, value: live.value.filter((v) => v['@odata.type'] === '#microsoft.graph.directoryRole') }, { ...(bob.json as Json), value: roles }, { exact: true }, 'directoryRole items');
  });

  test('post-groups-security-group: 201 with the full group', async () => {
    const capture = cover('graph/post-groups-security-group.json');
    const request = get(capture, 'request_body') as Json;
    const res = await graph('POST', '/v1.0/groups', tokens.spGraph!, {
      json: {
        ...request,
        'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users/${sb.users.bob!.objectId}`],
        'members@odata.bind': [`https://graph.microsoft.com/v1.0/users/${sb.users.alice!.objectId}`, `https://graph.microsoft.com/v1.0/users/${sb.users.dave!.objectId}`],
      },
    });
    assert.equal(res.status, get(capture, 'response_status'), res.text);
    assertShape(get(capture, 'response_body'), res.json, { exact: true });
  });

  test('add-group-member-ref + errors/AlreadyExists_members_400 + errors/Request_ResourceNotFound_404', async () => {
    const capture = cover('graph/add-group-member-ref.json');
    const already = cover('graph/errors/AlreadyExists_members_400.json');
    const notFound = cover('graph/errors/Request_ResourceNotFound_404.json');
    const groupId = 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4';
    const body = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${sb.users.dave!.objectId}` };
    assert.ok((get(capture, 'response') as string).startsWith('HTTP/1.1 204'));
    const added = await graph('POST', `/v1.0/groups/${groupId}/members/$ref`, tokens.spGraph!, { json: body });
    assert.equal(added.status, 204, added.text);
    assert.equal(added.text, '');
    const again = await graph('POST', `/v1.0/groups/${groupId}/members/$ref`, tokens.spGraph!, { json: body });
    assert.equal(again.status, get(already, 'status'));
    assertShape(get(already, 'body_owners_verbatim'), again.json, { exact: true });
    assert.equal((again.json as { error: { message: string } }).error.message, get(already, 'members_message_verbatim'));
    const missing = await graph('POST', `/v1.0/groups/${groupId}/members/$ref`, tokens.spGraph!, { json: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${randomUUID()}` } });
    assert.equal(missing.status, get(notFound, 'status'));
    // Newer responses add innerError.client-request-id (noted in the capture).
    assertShape(get(notFound, 'body'), missing.json, { exact: true, ignore: ['$.error.innerError.client-request-id'] });
  });

  test('paging-and-advanced-queries: nextLink paging and the four error bodies', async () => {
    const capture = cover('graph/paging-and-advanced-queries.json');
    const first = await graph('GET', '/v1.0/users?$top=2', tokens.spGraph!);
    const nextLink = (first.json as Json)['@odata.nextLink'];
    assert.equal(typeof nextLink, 'string');
    assert.match(String(nextLink), /\$skiptoken=/);
    const second = await sandboxFetch(sb, 'GET', String(nextLink), { headers: { Authorization: `Bearer ${tokens.spGraph}` } });
    assert.equal(second.status, 200);
    assert.equal((second.json as { value: unknown[] }).value.length, 2);
    const errorCases: [string, string, Record<string, string>][] = [
      ['error_missing_consistencylevel_for_count_segment', '/v1.0/users/$count', {}],
      ['error_search_without_consistencylevel', '/v1.0/users?$search="displayName:al"', {}],
      ['error_endswith_without_advanced_params', "/v1.0/users?$filter=endsWith(userPrincipalName,'%23EXT%23@contoso.com')", {}],
      ['error_property_not_indexed', '/v1.0/groups?$filter=createdDateTime ge 2021-11-01&$count=true', { ConsistencyLevel: 'eventual' }],
    ];
    for (const [key, path, headers] of errorCases) {
      const expected = get(capture, key) as { body: { error: { code: string; message: string } } };
      const res = await graph('GET', path.replace(/ /g, '%20').replace(/"/g, '%22'), tokens.spGraph!, { headers });
      assert.equal(res.status, 400, `${key}: ${res.text}`);
      assertShape(expected.body, res.json, { exact: true }, key);
      assert.equal((res.json as { error: { code: string } }).error.code, expected.body.error.code, key);
    }
  });

  test('errors/Authorization_RequestDenied_403: a user may not create groups in this tenant', async () => {
    const capture = cover('graph/errors/Authorization_RequestDenied_403.json');
    const res = await graph('POST', '/v1.0/groups', tokens.aliceGraph!, { json: { displayName: 'sg-alice', mailEnabled: false, mailNickname: 'sg-alice', securityEnabled: true } });
    assert.equal(res.status, get(capture, 'status'));
    assertShape(get(capture, 'body'), res.json, { exact: true });
    const asAdmin = await graph('POST', '/v1.0/groups', tokens.bobGraph!, { json: { displayName: 'sg-bob', mailEnabled: false, mailNickname: 'sg-bob', securityEnabled: true } });
    assert.equal(asAdmin.status, 201, 'Bob is a Groups Administrator');
  });
});

describe('Entra ID', () => {
  test('msal-fixtures/openid-configuration.v2.json', async () => {
    const capture = cover('entra-token/msal-fixtures/openid-configuration.v2.json');
    const res = await entra(`/${sb.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 200, res.text);
    assertShape(get(capture, 'response_200'), res.json, {}, 'tenant');
    const multi = await entra('/organizations/v2.0/.well-known/openid-configuration');
    assertShape(get(capture, 'response_200'), multi.json, {}, 'organizations');
  });

  test('msal-fixtures/instance-discovery.json', async () => {
    const capture = cover('entra-token/msal-fixtures/instance-discovery.json');
    const res = await entra('/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    assert.equal(res.status, 200, res.text);
    assertShape(get(capture, 'response_200_fixture'), res.json, { exact: true });
    const unknown = await entra('/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.example.org/common/oauth2/v2.0/authorize');
    assert.equal(unknown.status, 400);
    assertShape(get(capture, 'error_for_unknown_host'), unknown.json, { ignore: ['$._note'] });
  });

  test('msal-fixtures/token-success-responses.json (delegated and client credentials)', async () => {
    const capture = cover('entra-token/msal-fixtures/token-success-responses.json');
    const delegated = await entra('/organizations/oauth2/v2.0/token', {
      grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: sb.users.alice!.upn, password: sb.users.alice!.password,
      scope: 'openid profile offline_access User.Read', client_info: '1',
    });
    assert.equal(delegated.status, 200, delegated.text);
    assertShape((get(capture, 'delegated_AUTHENTICATION_RESULT_DEFAULT_SCOPES') as Json).body, delegated.json, { exact: true, ignore: ['$.foci'] }, 'delegated');
    const app = await entra(`/${sb.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_secret: sb.servicePrincipal.clientSecret, scope: 'https://graph.microsoft.com/.default' });
    assert.equal(app.status, 200, app.text);
    assertShape((get(capture, 'client_credentials_CONFIDENTIAL_CLIENT_AUTHENTICATION_RESULT') as Json).body, app.json, { exact: true }, 'client credentials');
  });

  test('msal-fixtures/device-code-response.json and token-error-fixtures.json', async () => {
    const deviceCapture = cover('entra-token/msal-fixtures/device-code-response.json');
    const errorCapture = cover('entra-token/msal-fixtures/token-error-fixtures.json');
    const res = await entra('/organizations/oauth2/v2.0/devicecode', { client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', scope: 'https://management.azure.com//.default offline_access openid profile' });
    assert.equal(res.status, 200, res.text);
    // The fixture is MSAL's camelCased view; the wire format is snake_case (noted in the capture).
    const snake = Object.fromEntries(Object.entries(get(deviceCapture, 'DEVICE_CODE_RESPONSE') as Json).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
    assertShape(snake, res.json, { exact: true }, 'device code');
    const { device_code: deviceCode, message } = res.json as { device_code: string; message: string };
    assert.match(message, /^To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin and enter the code [A-Z0-9]{9} to authenticate\.$/);
    const pending = await entra('/organizations/oauth2/v2.0/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', device_code: deviceCode });
    assert.equal(pending.status, 400);
    assertShape((get(errorCapture, 'AUTHORIZATION_PENDING_RESPONSE') as Json).body, pending.json, { exact: true }, 'pending');
    const bad = await entra('/organizations/oauth2/v2.0/token', { grant_type: 'refresh_token', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', refresh_token: 'not-a-refresh-token' });
    assert.equal(bad.status, 400);
    assertShape((get(errorCapture, 'BAD_TOKEN_ERROR_RESPONSE') as Json).body, bad.json, { exact: true }, 'bad token');
  });

  test('errors: AADSTS7000215, 700016, 90002, 50076, 700082', async () => {
    const secret = cover('entra-token/errors/AADSTS7000215_invalid_client_secret_401.json');
    const res1 = await entra(`/${sb.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_secret: 'wrong', scope: 'https://management.azure.com/.default' });
    assert.equal(res1.status, get(secret, 'status'));
    assertShape(get(secret, 'body'), res1.json, { exact: true }, '7000215');

    const unknownApp = cover('entra-token/errors/AADSTS700016_application_not_found_400.json');
    const res2 = await entra(`/${sb.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 'x', scope: 'https://management.azure.com/.default' });
    assert.equal(res2.status, get(unknownApp, 'status'));
    assertShape(get(unknownApp, 'body'), res2.json, { exact: true }, '700016');

    const tenant = cover('entra-token/errors/AADSTS90002_tenant_not_found_400.json');
    const missingTenant = randomUUID();
    for (const res of [
      await entra(`/${missingTenant}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_secret: 'x', scope: 'https://management.azure.com/.default' }),
      await entra(`/${missingTenant}/v2.0/.well-known/openid-configuration`),
    ]) {
      assert.equal(res.status, get(tenant, 'status'));
      assertShape(get(tenant, 'body'), res.json, { exact: true }, '90002');
    }

    const mfa = cover('entra-token/errors/AADSTS50076_50079_mfa_required_400.json');
    const res4 = await entra('/organizations/oauth2/v2.0/token', { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: sb.users.carol!.upn, password: sb.users.carol!.password, scope: 'https://management.azure.com/.default openid profile offline_access' });
    assert.equal(res4.status, get(mfa, 'status'));
    assertShape(get(mfa, 'body_50076_msal_go_issue'), res4.json, {}, '50076');
    assertShape(get(mfa, 'body_50079_msal_fixture'), res4.json, {}, '50076 vs the full 50079 body');

    const expired = cover('entra-token/errors/AADSTS70043_700082_refresh_token_expired_400.json');
    const signIn = await entra('/organizations/oauth2/v2.0/token', { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: sb.users.alice!.upn, password: sb.users.alice!.password, scope: 'https://management.azure.com/.default openid profile offline_access' });
    const refreshToken = (signIn.json as { refresh_token: string }).refresh_token;
    assert.equal(sb.control.expireRefreshTokens('alice') > 0, true);
    const res5 = await entra(`/${sb.tenantId}/oauth2/v2.0/token`, { grant_type: 'refresh_token', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', refresh_token: refreshToken, scope: 'https://management.azure.com/.default' });
    assert.equal(res5.status, get(expired, 'status'));
    assertShape(get(expired, 'body_700082'), res5.json, { exact: true }, '700082');
  });
});

describe('CLI outputs (fake tools)', () => {
  test('az-not-logged-in-errors.json', async () => {
    const capture = cover('cli-outputs/az-not-logged-in-errors.json');
    const fresh = mkdtempSync(join(tmpdir(), 'sandbox-az-'));
    try {
      for (const [key, args] of [
        ['az_account_show', ['account', 'show']],
        ['az_account_get_access_token', ['account', 'get-access-token']],
        ['az_account_list', ['account', 'list']],
      ] as const) {
        const expected = get(capture, key) as { exit_code: number; stdout: string; stderr: string };
        const res = await run(join(sb.toolsBinDir, 'az'), [...args], { env: sb.toolEnv(fresh), timeoutMs: 30_000 });
        assert.equal(res.code, expected.exit_code, key);
        assert.equal(res.stdout.trim(), expected.stdout, key);
        assert.equal(res.stderr.trim(), expected.stderr, key);
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('az-account-show-and-list.json and az-account-get-access-token.json', async () => {
    const shows = cover('cli-outputs/az-account-show-and-list.json');
    const tokensCapture = cover('cli-outputs/az-account-get-access-token.json');
    const login = await az(['login', '-u', sb.users.alice!.upn, '-p', sb.users.alice!.password]);
    assert.equal(login.code, 0, login.stderr);
    const show = await az(['account', 'show']);
    assert.equal(show.code, 0, show.stderr);
    assertShape(get(shows, 'az_account_show_example'), JSON.parse(show.stdout), { exact: true }, 'show');
    const list = await az(['account', 'list']);
    assertShape(get(shows, 'az_account_list_example'), JSON.parse(list.stdout), { exact: true }, 'list');
    const old = await az(['account', 'get-access-token', '--output', 'json', '--resource', 'https://management.azure.com'], { AZURE_DEV_AUTH_FAKE_AZ_VERSION: '2.45.0' });
    assert.equal(old.code, 0, old.stderr);
    assertShape(get(tokensCapture, 'example_pre_2_54 (verbatim, PR #14128)'), JSON.parse(old.stdout), { exact: true }, '2.45');
    const current = await az(['account', 'get-access-token', '--output', 'json', '--resource', 'https://management.azure.com']);
    assertShape(get(tokensCapture, 'example_2_54_plus (composed: PR #14128 keys + the two expiry lines verbatim from PR #27410; az prints keys sorted)'), JSON.parse(current.stdout), { exact: true }, '2.54+');
    assert.deepEqual(Object.keys(JSON.parse(current.stdout)), Object.keys(JSON.parse(current.stdout)).sort(), 'az prints keys sorted');
  });

  test('azd-auth-token.json', async () => {
    const capture = cover('cli-outputs/azd-auth-token.json');
    const azdHome = mkdtempSync(join(tmpdir(), 'sandbox-azd-'));
    try {
      const azd = (args: string[]) => run(join(sb.toolsBinDir, 'azd'), args, { env: sb.toolEnv(azdHome), timeoutMs: 30_000 });
      const missing = await azd(['auth', 'token', '--output', 'json', '--scope', 'https://management.azure.com//.default']);
      assert.notEqual(missing.code, 0);
      assert.ok(missing.stderr.includes((get(capture, 'not_logged_in') as { stderr_contains: string }).stderr_contains), missing.stderr);
      sb.control.settings({ autoSignInAs: 'alice' });
      const login = await azd(['auth', 'login']);
      assert.equal(login.code, 0, login.stderr);
      const res = await azd(['auth', 'token', '--output', 'json', '--scope', 'https://management.azure.com//.default']);
      assert.equal(res.code, 0, res.stderr);
      const body = JSON.parse(res.stdout) as { expiresOn: string };
      assertShape(get(capture, 'stdout_example'), body, { exact: true });
      assert.match(body.expiresOn, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    } finally {
      rmSync(azdHome, { recursive: true, force: true });
    }
  });

  test('azure-powershell-get-azaccesstoken.json', async () => {
    const capture = cover('cli-outputs/azure-powershell-get-azaccesstoken.json');
    const pwshHome = mkdtempSync(join(tmpdir(), 'sandbox-pwsh-'));
    try {
      const env = { ...sb.toolEnv(pwshHome), AZURE_DEV_AUTH_FAKE_PWSH_PASSWORD: sb.users.bob!.password };
      const pwsh = (args: string[]) => run(join(sb.toolsBinDir, 'pwsh'), args, { env, timeoutMs: 30_000 });
      const notSignedIn = await pwsh(['-NoProfile', '-NonInteractive', '-Command', "Get-AzAccessToken -ResourceUrl 'https://management.azure.com/' | ConvertTo-Json"]);
      assert.equal(notSignedIn.code, 1);
      assert.ok(notSignedIn.stderr.includes(get(capture, 'not_logged_in_marker') as string));
      assert.equal((await pwsh(['-Command', `Connect-AzAccount -AccountId ${sb.users.bob!.upn}`])).code, 0);
      const res = await pwsh(['-NoProfile', '-NonInteractive', '-Command', "Get-AzAccessToken -ResourceUrl 'https://management.azure.com/' | ConvertTo-Json"]);
      assert.equal(res.code, 0, res.stderr);
      assertShape(get(capture, 'ConvertTo-Json_shape_Az_lt_14'), JSON.parse(res.stdout), { exact: true });
    } finally {
      rmSync(pwshHome, { recursive: true, force: true });
    }
  });
});

describe('ARM: deny assignments, effective permissions, PIM instances, ABAC conditions', () => {
  test('deny assignments: list for a scope, for a resource group, for a subscription (2022-05-01-preview)', async () => {
    for (const [file, path] of [
      ['arm-authorization/spec-examples/2022-04-01/GetDenyAssignmentByScope.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01`],
      ['arm-authorization/spec-examples/2022-04-01/GetDenyAssignmentsForResourceGroup.json', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01`],
      ['arm-authorization/spec-examples/2022-05-01-preview/GetAllDenyAssignments.json', `/subscriptions/${SUB}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-05-01-preview`],
    ] as const) {
      const capture = cover(file);
      const res = await arm('GET', path, tokens.spArm!);
      assert.equal(res.status, 200, res.text);
      assert.equal((res.json as { value: unknown[] }).value.length, 1, 'the seeded deny assignment below the scope');
      assertShape(get(capture, 'responses', '200', 'body'), res.json, { exact: true }, file);
    }
  });

  test('effective permissions at a resource group and a resource, across api-versions', async () => {
    const storage = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp`;
    const cases: [string, string[], string, boolean][] = [
      ['arm-authorization/docs-examples/permissions-list-for-resource-group-2022-04-01.learn-page.json', ['sample_response_200'], `/subscriptions/${SUB}/resourcegroups/rg-app/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`, true],
      ['arm-authorization/spec-examples/2015-07-01/GetPermissions.json', ['responses', '200', 'body'], `/subscriptions/${SUB}/resourcegroups/rg-app/providers/Microsoft.Authorization/permissions?api-version=2015-07-01`, true],
      ['arm-authorization/spec-examples/2015-07-01/GetResourcePermissions.json', ['responses', '200', 'body'], `${storage}/providers/Microsoft.Authorization/permissions?api-version=2015-07-01`, true],
      ['arm-authorization/spec-examples/2018-01-01-preview/GetPermissions.json', ['responses', '200', 'body'], `/subscriptions/${SUB}/resourcegroups/rg-app/providers/Microsoft.Authorization/permissions?api-version=2018-01-01-preview`, true],
      // The preview example shows only actions/notActions; the data fields its version added are extra here.
      ['arm-authorization/spec-examples/2022-05-01-preview/GetResourcePermissions.json', ['responses', '200', 'body'], `${storage}/providers/Microsoft.Authorization/permissions?api-version=2022-05-01-preview`, false],
    ];
    for (const [file, path, url, exact] of cases) {
      const capture = cover(file);
      const res = await arm('GET', url, tokens.aliceArm!);
      assert.equal(res.status, 200, res.text);
      assert.ok((res.json as { value: unknown[] }).value.length >= 4, `${file}: one entry per role that applies`);
      // The samples' nextLink is a placeholder: the sandbox's answers fit one page.
      assertShape(get(capture, ...path), res.json, { exact, ignore: ['$.nextLink'] }, file);
    }
  });

  test('PIM eligibility and assignment schedule instances (the spec examples: assignedTo, Microsoft.Subscription scope)', async () => {
    const alice = sb.users.alice!.objectId;
    for (const [file, kind, count] of [
      ['arm-authorization/spec-examples/2020-10-01/GetRoleEligibilityScheduleInstancesByScope.json', 'roleEligibilityScheduleInstances', 2],
      ['arm-authorization/spec-examples/2020-10-01/GetRoleAssignmentScheduleInstancesByScope.json', 'roleAssignmentScheduleInstances', 7],
    ] as const) {
      const capture = cover(file);
      const res = await arm('GET', `/providers/Microsoft.Subscription/subscriptions/${SUB}/providers/Microsoft.Authorization/${kind}?$filter=assignedTo('${alice}')&api-version=2020-10-01`, tokens.aliceArm!);
      assert.equal(res.status, 200, res.text);
      assert.equal((res.json as { value: unknown[] }).value.length, count, file);
      assertShape(get(capture, 'responses', '200', 'body'), res.json, { exact: true }, file);
    }
  });

  test('docs + recorded az: role assignments with an ABAC condition (create 201, edit 200, listed with 2022-04-01)', async () => {
    const docs = cover('arm-authorization/docs-examples/role-assignment-with-condition.json');
    const recording = cover('arm-authorization/sdk-recordings/azure-cli_role_assignment_create_with_condition.EXCERPT.json');
    const dave = sb.users.dave!.objectId;
    const blobReader = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`;
    const docsPath = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2020-04-01-preview`;
    const body = get(docs, 'request_body') as { properties: Json };
    const created = await arm('PUT', docsPath, tokens.spArm!, { properties: { ...body.properties, principalId: dave, roleDefinitionId: blobReader } });
    assert.equal(created.status, 201, created.text);
    assertShape(get(docs, 'output'), created.json, { exact: true }, 'docs output');
    assert.equal((created.json as { properties: Json }).properties.condition, body.properties.condition);
    const edit = get(docs, 'edit_request_body') as { properties: Json };
    const edited = await arm('PUT', docsPath, tokens.spArm!, { properties: { ...edit.properties, principalId: dave, roleDefinitionId: blobReader } });
    assert.equal(edited.status, 200, edited.text);
    assert.deepEqual([(edited.json as { properties: Json }).properties.condition, (edited.json as { properties: Json }).properties.description], [edit.properties.condition, edit.properties.description]);

    const interaction = get(recording, 'recorded_interaction') as { request: { body: { properties: Json } }; response: { status: { code: number }; body: Json } };
    const recordedPath = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2020-04-01-preview`;
    const recorded = await arm('PUT', recordedPath, tokens.spArm!, { properties: { ...interaction.request.body.properties, principalId: dave, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}` } });
    assert.equal(recorded.status, interaction.response.status.code, recorded.text);
    assertShape(interaction.response.body, recorded.json, { exact: true }, 'recorded 201');
    const listed = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=principalId eq '${dave}'`, tokens.spArm!);
    const conditions = (listed.json as { value: { properties: { condition: string | null; conditionVersion: string | null } }[] }).value.map((a) => [a.properties.condition, a.properties.conditionVersion]);
    assert.deepEqual(conditions.sort(), [[edit.properties.condition, '2.0'], [interaction.request.body.properties.condition, '2.0']].sort());
  });
});

describe('ARM resources and cloud metadata', () => {
  test('arm-resources/keyvault-getVault-2023-07-01.json: the vault in access-policy mode', async () => {
    const capture = cover('arm-resources/keyvault-getVault-2023-07-01.json');
    const res = await arm('GET', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-sandbox-legacy?api-version=2023-07-01`, tokens.aliceArm!);
    assert.equal(res.status, 200, res.text);
    // hsmPoolResourceId is a placeholder of the spec example; vaults without an HSM pool do not carry it.
    assertShape(get(capture, 'responses', '200', 'body'), res.json, { ignore: ['$.properties.hsmPoolResourceId'] });
    const properties = (res.json as { properties: { enableRbacAuthorization: boolean; accessPolicies: { objectId: string; permissions: { secrets: string[] } }[] } }).properties;
    assert.equal(properties.enableRbacAuthorization, false);
    assert.deepEqual(properties.accessPolicies.find((p) => p.objectId === sb.users.alice!.objectId)?.permissions.secrets, ['get', 'list']);
  });

  test('arm-resources/storage-getProperties-2023-05-01.json: the storage account behind a firewall', async () => {
    const capture = cover('arm-resources/storage-getProperties-2023-05-01.json');
    const res = await arm('GET', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp?api-version=2023-05-01`, tokens.aliceArm!);
    assert.equal(res.status, 200, res.text);
    // The capture's account is geo-replicated (GRS: secondary location and its status, with ?$expand=geoReplicationStats),
    // publishes routing endpoints and allows a Synapse workspace by a resource rule: none of that is seeded here.
    assertShape(get(capture, 'responses', '200', 'body'), res.json, {
      ignore: ['$.properties.geoReplicationStats', '$.properties.routingPreference', '$.properties.secondaryLocation', '$.properties.statusOfSecondary',
        '$.properties.primaryEndpoints.microsoftEndpoints', '$.properties.primaryEndpoints.internetEndpoints', '$.properties.networkAcls.resourceAccessRules',
        '$.properties.isSkuConversionBlocked', '$.properties.accountMigrationInProgress', '$.tags.key1', '$.tags.key2'],
    });
    const properties = (res.json as { properties: Json }).properties;
    assert.equal(properties.allowSharedKeyAccess, false);
    assert.deepEqual(properties.networkAcls, {
      bypass: 'AzureServices', defaultAction: 'Deny',
      ipRules: ['203.0.113.0/24', '198.51.100.16/28', '192.0.2.44'].map((value) => ({ value, action: 'Allow' })),
      virtualNetworkRules: [{ id: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-sandbox-app/subnets/snet-app`, action: 'Allow', state: 'Succeeded' }],
    });
    const open = await arm('GET', `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.Storage/storageAccounts/stsandboxshared?api-version=2023-05-01`, tokens.aliceArm!);
    assert.equal(open.status, 200, open.text);
    assert.deepEqual((open.json as { properties: Json }).properties.networkAcls, { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] });
    assert.equal((open.json as { properties: Json }).properties.allowSharedKeyAccess, undefined, 'not reported until set, as in the capture');
  });

  test('arm-resources/keyvault-createVaultWithNetworkAcls-2019-09-01.json: a vault firewall has the real rule shapes', async () => {
    const capture = cover('arm-resources/keyvault-createVaultWithNetworkAcls-2019-09-01.json');
    const res = await arm('GET', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-sandbox-app?api-version=2019-09-01`, tokens.aliceArm!);
    assert.equal(res.status, 200, res.text);
    const properties = (res.json as { properties: Json }).properties;
    assert.equal(properties.publicNetworkAccess, 'Disabled');
    // kv-sandbox-app has no firewall rules (it is closed to the public altogether): its answer has no networkAcls,
    // as real vaults without rules. The rule shapes are checked on a seed with rules.
    assert.equal(properties.networkAcls, undefined);
    const body = get(capture, 'responses', '200', 'body') as Json;
    const seed = defaultSeed();
    const appGroup = seed.subscriptions.find((s) => s.id === SUB)!.resourceGroups!.find((g) => g.name === 'rg-app')!;
    const vaultSeed = appGroup.resources!.find((r) => r.name === 'kv-sandbox-app')!;
    vaultSeed.network = { defaultAction: 'Deny', ipRules: ['124.56.78.91', '10.91.4.0/24'], virtualNetworkRules: [`/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/test-vnet/subnets/subnet1`] };
    appGroup.resources!.find((r) => r.name === 'stsandboxapp')!.network = { privateEndpoints: ['petest01'] };
    const seeded = await startSandbox({ seed });
    try {
      const token = await userToken(seeded, 'alice', 'https://management.azure.com/.default');
      const withRules = await sandboxFetch(seeded, 'GET', `${seeded.resourceManager}/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-sandbox-app?api-version=2019-09-01`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(withRules.status, 200, withRules.text);
      assertShape(body, withRules.json, {}, 'vault with network rules');
      assert.deepEqual((withRules.json as { properties: Json }).properties.networkAcls, {
        defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [{ value: '124.56.78.91/32' }, { value: '10.91.4.0/24' }],
        virtualNetworkRules: [{ id: `/subscriptions/${SUB}/resourcegroups/rg-app/providers/microsoft.network/virtualnetworks/test-vnet/subnets/subnet1` }],
      });
      // A storage account's private endpoint connection, embedded in the account and on its own.
      const storageCapture = cover('arm-resources/storage-getPrivateEndpointConnection-2023-05-01.json');
      const accountId = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp`;
      const account = await sandboxFetch(seeded, 'GET', `${seeded.resourceManager}${accountId}?api-version=2023-05-01`, { headers: { Authorization: `Bearer ${token}` } });
      const embedded = (account.json as { properties: { privateEndpointConnections: Json[] } }).properties.privateEndpointConnections;
      assert.equal(embedded.length, 1, account.text);
      const expected = get(storageCapture, 'responses', '200', 'body');
      assertShape(expected, embedded[0], { exact: true }, 'embedded storage connection');
      const single = await sandboxFetch(seeded, 'GET', `${seeded.resourceManager}${String(embedded[0]!.id)}?api-version=2023-05-01`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(single.status, 200, single.text);
      assertShape(expected, single.json, { exact: true }, 'storage connection');
    } finally {
      await seeded.stop();
    }
  });

  test('arm-resources/keyvault-getPrivateEndpointConnection-2023-07-01.json: the vault\'s private endpoint, embedded and on its own', async () => {
    const vaultCapture = cover('arm-resources/keyvault-getPrivateEndpointConnection-2023-07-01.json');
    const vaultId = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-sandbox-app`;
    const vault = await arm('GET', `${vaultId}?api-version=2023-07-01`, tokens.aliceArm!);
    assert.equal(vault.status, 200, vault.text);
    const connections = (vault.json as { properties: { privateEndpointConnections: Json[] } }).properties.privateEndpointConnections;
    assert.equal(connections.length, 1);
    const expected = get(vaultCapture, 'responses', '200', 'body') as Json;
    // Embedded in the vault, connections are PrivateEndpointConnectionItem: id, etag and properties (no name, no type).
    assertShape(expected, connections[0], { ignore: ['$.name', '$.type'] }, 'embedded connection');
    const name = String(connections[0]!.id).split('/').pop()!;
    const single = await arm('GET', `${vaultId}/privateEndpointConnections/${name}?api-version=2023-07-01`, tokens.aliceArm!);
    assert.equal(single.status, 200, single.text);
    assertShape(expected, single.json, { exact: true }, 'connection');
    assert.match(String((single.json as { properties: { privateEndpoint: { id: string } } }).properties.privateEndpoint.id), /\/resourceGroups\/rg-app\/providers\/Microsoft\.Network\/privateEndpoints\/pe-kv-sandbox-app$/);
    const missing = await arm('GET', `${vaultId}/privateEndpointConnections/nope?api-version=2023-07-01`, tokens.aliceArm!);
    assert.equal(missing.status, 404, missing.text);
    // stsandboxapp has no private endpoint: asking for one is a 404.
    const storage = await arm('GET', `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp/privateEndpointConnections/x?api-version=2023-05-01`, tokens.aliceArm!);
    assert.equal(storage.status, 404, storage.text);
  });

  test('clouds: /metadata/endpoints, and the az and azure-identity constants it agrees with', async () => {
    const metadata = cover('clouds/arm-metadata-endpoints-2019-05-01.json');
    const res = await sandboxFetch(sb, 'GET', `${sb.resourceManager}/metadata/endpoints?api-version=2019-05-01`);
    assert.equal(res.status, 200, res.text);
    const clouds = res.json as { name: string; resourceManager: string; authentication: { loginEndpoint: string; audiences: string[] }; suffixes: { keyVaultDns: string } }[];
    const expected = get(metadata, 'response_body') as { name: string }[];
    assert.deepEqual(clouds.map((c) => c.name), expected.map((c) => c.name));
    for (const cloud of expected) assertShape(cloud, clouds.find((c) => c.name === cloud.name), { exact: true }, cloud.name);
    assert.equal((await sandboxFetch(sb, 'GET', `${sb.resourceManager}/metadata/endpoints?api-version=2022-09-01`)).status, 400, 'only the captured version is served');

    // `az cloud show` (docs and the Debian 2.45 package) and azure-identity's AzureAuthorityHosts name the same
    // authorities and ARM endpoints the metadata does.
    const docs = cover('clouds/az-cloud-show-AzureCloud.docs.json');
    const cli = cover('clouds/az-cloud-show.azure-cli-2.45.0.json');
    const hosts = cover('clouds/azure-identity-AzureAuthorityHosts.json');
    const trim = (url: string): string => url.replace(/\/+$/, '');
    assertShape(get(docs, 'stdout_json'), get(cli, 'AzureCloud'), { exact: true }, 'az cloud show: docs vs 2.45');
    const pairing = get(hosts, 'per_cloud_pairing_DERIVED') as Record<string, { AzureAuthorityHosts: string; activeDirectory: string }>;
    for (const cloud of clouds) {
      const shown = get(cli, cloud.name) as { endpoints: { activeDirectory: string; resourceManager: string; activeDirectoryResourceId: string }; suffixes: { keyvaultDns: string } };
      assert.equal(trim(cloud.authentication.loginEndpoint), trim(shown.endpoints.activeDirectory), cloud.name);
      assert.equal(trim(cloud.resourceManager), trim(shown.endpoints.resourceManager), cloud.name);
      assert.ok(cloud.authentication.audiences.map(trim).includes(trim(shown.endpoints.activeDirectoryResourceId)), cloud.name);
      assert.equal(`.${cloud.suffixes.keyVaultDns}`, shown.suffixes.keyvaultDns, cloud.name);
      const hostName = (get(hosts, 'AzureAuthorityHosts') as Record<string, string>)[pairing[cloud.name]!.AzureAuthorityHosts];
      assert.equal(new URL(cloud.authentication.loginEndpoint).host, hostName, cloud.name);
    }
  });
});

describe('built-in roles: the data the sandbox serves is the captured dataset', () => {
  test('raw dataset, its derived ARM shape, the name index and the key-role subset', async () => {
    const read = (file: string): unknown => { covered.add(file); return JSON.parse(readFileSync(join(realdataDir(), file), 'utf8')) as unknown; };
    const raw = read('builtin-roles/built-in-roles-raw.iam-dataset.json') as { name: string; roleName: string }[];
    const served = JSON.parse(readFileSync(join(repoRoot, 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as unknown;
    assert.deepEqual(served, raw, 'src/sandbox/data/builtin-roles.json is the captured dataset');
    const res = await arm('GET', "/providers/Microsoft.Authorization/roleDefinitions?$filter=type+eq+'BuiltInRole'&api-version=2022-04-01", tokens.spArm!);
    assert.equal(res.status, 200, res.text);
    const byName = new Map((res.json as { value: { name: string; properties: Json }[] }).value.map((r) => [r.name, r]));
    const derived = (read('builtin-roles/built-in-roles.arm-rest-shape.DERIVED.json') as { value: { name: string; properties: Json }[] }).value;
    assert.equal(byName.size, derived.length);
    for (const role of derived) {
      const answer = byName.get(role.name);
      assert.ok(answer, role.name);
      const { createdOn: _a, updatedOn: _b, createdBy: _c, updatedBy: _d, ...properties } = answer.properties;
      assert.deepEqual({ ...answer, properties }, role, role.name);
    }
    const index = read('builtin-roles/roleName-to-guid.DERIVED.json') as Record<string, string>;
    for (const [roleName, guid] of Object.entries(index)) assert.equal((byName.get(guid)?.properties as { roleName?: string } | undefined)?.roleName, roleName);
    const subset = read('builtin-roles/key-roles.subset-of-raw.json') as { name: string }[];
    const rawByName = new Map(raw.map((r) => [r.name, r]));
    for (const role of subset) assert.deepEqual(role, rawByName.get(role.name));
  });
});

describe('Microsoft Graph: memberships, organization, app registrations (added captures)', () => {
  test('checkMemberGroups (directoryObjects and /me) and getMemberGroups', async () => {
    const capture = cover('graph/checkMemberGroups-getMemberGroups.json');
    const alice = sb.users.alice!.objectId;
    const devTeam = 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4';
    const platform = '846caa2c-cbfd-418e-932d-e58ef179e80b';
    const check = await graph('POST', `/v1.0/directoryObjects/${alice}/checkMemberGroups`, tokens.spGraph!, { json: { groupIds: [devTeam, randomUUID(), platform] } });
    assert.equal(check.status, 200, check.text);
    assertShape((get(capture, 'checkMemberGroups', 'example1_directoryObject') as Json).response_body, check.json, { exact: true }, 'example 1');
    assert.deepEqual((check.json as { value: string[] }).value, [devTeam, platform], 'transitive: sg-platform-readers through sg-dev-team');
    const me = await graph('POST', '/v1.0/me/checkMemberGroups', tokens.aliceGraph!, { json: { groupIds: [platform] } });
    assertShape((get(capture, 'checkMemberGroups', 'example2_me') as Json).response_body, me.json, { exact: true }, 'example 2');
    const all = await graph('POST', `/v1.0/directoryObjects/${alice}/getMemberGroups`, tokens.spGraph!, { json: { securityEnabledOnly: true } });
    assertShape((get(capture, 'getMemberGroups', 'example') as Json).response_body, all.json, { exact: true }, 'getMemberGroups');
    assert.equal((all.json as { value: string[] }).value.length, 3);
    const tooMany = await graph('POST', '/v1.0/me/checkMemberGroups', tokens.aliceGraph!, { json: { groupIds: Array.from({ length: 21 }, () => randomUUID()) } });
    assert.equal(tooMany.status, 400, 'at most 20 groups per request');
  });

  test('get-organization: every property with a directory-wide permission', async () => {
    const capture = cover('graph/get-organization.json');
    const res = await graph('GET', '/v1.0/organization', tokens.aliceGraph!);
    assert.equal(res.status, 200, res.text);
    assertShape(get(capture, 'response_body'), res.json, { exact: true });
  });

  test('errors/Request_BadRequest_invalid_mailNickname_400: a nickname with a space', async () => {
    const capture = cover('graph/errors/Request_BadRequest_invalid_mailNickname_400.json');
    const res = await graph('POST', '/v1.0/groups', tokens.spGraph!, { json: { displayName: 'sg with space', mailEnabled: false, mailNickname: 'sg with space', securityEnabled: true } });
    assert.equal(res.status, get(capture, 'status'));
    assertShape(get(capture, 'body_invalid_value_verbatim'), res.json, { exact: true });
  });

  test('post-application-create, post-application-addPassword, post-servicePrincipal-create: then the app signs in', async () => {
    const create = cover('graph/post-application-create.json');
    const password = cover('graph/post-application-addPassword.json');
    const principal = cover('graph/post-servicePrincipal-create.json');
    const recordedApp = get(create, 'recorded_interaction') as { request: { body: Json }; response: { status: { code: number }; body: Json } };
    const app = await graph('POST', '/v1.0/applications', tokens.aliceGraph!, { json: { ...recordedApp.request.body, displayName: 'sandbox-test-app' } });
    assert.equal(app.status, recordedApp.response.status.code, app.text);
    assertShape(recordedApp.response.body, app.json, { exact: true }, 'recorded application');
    // The docs example still shows samlMetadataUrl, which the recorded (newer) answer no longer has.
    assertShape((get(create, 'docs_example') as Json).response_body, app.json, { ignore: ['$.samlMetadataUrl'] }, 'docs application');
    assert.match(String(app.headers.location), /^https:\/\/graph\.microsoft\.com\/v2\/[0-9a-f-]{36}\/directoryObjects\/[0-9a-f-]{36}\/Microsoft\.DirectoryServices\.Application$/);
    const { id, appId } = app.json as { id: string; appId: string };

    const interactions = get(password, 'recorded_interactions') as { request: { body: Json }; response: { body: Json } }[];
    const secret = await graph('POST', `/v1.0/applications/${id}/addPassword`, tokens.aliceGraph!, { json: interactions[0]!.request.body });
    assert.equal(secret.status, 200, secret.text);
    assertShape(interactions[0]!.response.body, secret.json, { exact: true }, 'recorded addPassword');
    assertShape((get(password, 'docs_example') as Json).response_body, secret.json, { ignore: ['$.@odata.context'] }, 'docs addPassword');
    const secretText = (secret.json as { secretText: string }).secretText;
    const listed = await graph('GET', `/v1.0/applications?$filter=appId%20eq%20'${appId}'`, tokens.aliceGraph!);
    assertShape(interactions[1]!.response.body, listed.json, { exact: true }, 'recorded application list');
    assert.equal((listed.json as { value: { passwordCredentials: { secretText: unknown }[] }[] }).value[0]!.passwordCredentials[0]!.secretText, null, 'the secret is shown once');

    const recordedSp = get(principal, 'recorded_interaction') as { request: { body: Json }; response: { status: { code: number }; body: Json } };
    const sp = await graph('POST', '/v1.0/servicePrincipals', tokens.aliceGraph!, { json: { ...recordedSp.request.body, appId } });
    assert.equal(sp.status, recordedSp.response.status.code, sp.text);
    assertShape(recordedSp.response.body, sp.json, { exact: true }, 'recorded service principal');
    assertShape((get(principal, 'docs_example') as Json).response_body, sp.json, { ignore: ['$.publisherName'] }, 'docs service principal');
    const again = await graph('POST', '/v1.0/servicePrincipals', tokens.aliceGraph!, { json: { appId } });
    assert.equal(again.status, 400, 'one service principal per app');
    const token = await entra(`/${sb.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: appId, client_secret: secretText, scope: 'https://management.azure.com/.default' });
    assert.equal(token.status, 200, token.text);
  });
});

describe('Entra ID: conditional access and consent', () => {
  test('errors/AADSTS53003: conditional access blocks a user', async () => {
    const capture = cover('entra-token/errors/AADSTS53003_conditional_access_blocked_400.json');
    sb.control.updateUser('dave', { conditionalAccessBlocked: true });
    const res = await entra('/organizations/oauth2/v2.0/token', { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: sb.users.dave!.upn, password: sb.users.dave!.password, scope: 'https://management.azure.com/.default openid profile offline_access' });
    assert.equal(res.status, get(capture, 'status'));
    assertShape(get(capture, 'body_verbatim'), res.json, { exact: true });
    assert.match((res.json as { error_description: string }).error_description, /^AADSTS53003: Access has been blocked by Conditional Access policies\. The access policy does not allow token issuance\./);
  });

  test('errors/AADSTS65001: a client nobody consented to for Microsoft Graph', async () => {
    const capture = cover('entra-token/errors/AADSTS65001_consent_required_400.json');
    const form = { grant_type: 'password', client_id: '5bf0d393-9dba-45da-9041-d5af51cfe3a5', username: sb.users.alice!.upn, password: sb.users.alice!.password };
    const res = await entra('/organizations/oauth2/v2.0/token', { ...form, scope: 'https://graph.microsoft.com/.default' });
    assert.equal(res.status, get(capture, 'status'));
    // The 2019 body predates error_uri, which current answers carry.
    assertShape(get(capture, 'body_2019_v2_verbatim'), res.json, { exact: true, optionalKeys: ['error_uri'] });
    assert.match((res.json as { error_description: string }).error_description, /^AADSTS65001: The user or administrator has not consented to use the application with ID '5bf0d393-9dba-45da-9041-d5af51cfe3a5' named 'Contoso Inventory Tool'\./);
    const arm = await entra('/organizations/oauth2/v2.0/token', { ...form, scope: 'https://management.azure.com/.default' });
    assert.equal(arm.status, 200, 'consented to Azure Resource Manager');
  });
});

test('the README indexes every capture', () => {
  const readme = readFileSync(join(realdataDir(), 'README.md'), 'utf8');
  const unlisted = listCaptures().filter((f) => f !== 'README.md' && !readme.includes(basename(f)));
  assert.deepEqual(unlisted, []);
});

/** Captures without a request to replay, or whose request the sandbox deliberately does not serve. */
const NOT_REPLAYABLE: Record<string, string> = {
  'arm-authorization/API_FACTS.md': 'a summary, not a capture',
  'arm-authorization/errors/ErrorResponse_schema_common-types-v2.json': 'a schema; every ARM error above is checked against real bodies',
  'arm-authorization/errors/LinkedAuthorizationFailed_403.json': 'needs resource writes with linked scopes (VMs, host groups), which the sandbox does not model',
  'entra-token/msal-fixtures/msal-builtin-endpoint-metadata.json': 'metadata MSAL ships hard-coded; no request',
  'graph/errors/graph-error-shape.md': 'a summary',
  'builtin-roles/derive.py': 'the script that made the DERIVED files (which are checked above)',
  'entra-token/errors/AADSTS65002_first_party_preauthorization.json': 'message text only: no public token-endpoint JSON body, so its error value and status are unknown and the sandbox does not invent them',
  'entra-token/errors/AADSTS50020_user_not_in_tenant.json': 'sign-in error page text only (no token-endpoint body); the sandbox\'s sign-in page offers only the tenant\'s own users',
  'README.md': 'index',
};

function listCaptures(): string[] {
  const root = realdataDir();
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(root, path));
    }
  };
  walk(root);
  return files;
}

test('every capture with a request is covered', () => {
  const uncovered = listCaptures().filter((f) => !covered.has(f) && !(f in NOT_REPLAYABLE));
  assert.deepEqual(uncovered, [], 'captures no conformance test replays');
  assert.deepEqual(Object.keys(NOT_REPLAYABLE).filter((f) => covered.has(f)), [], 'a capture listed as not replayable is replayed after all');
});
