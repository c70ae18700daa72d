// A service principal per developer for local development, against the sandbox, as the developer signed in to the
// fake az: create (the app, its service principal and exactly one secret, which signs in at once), written to a
// .env that Python's azure-identity reads, rotate (the old secret answers AADSTS7000215), delete (the service
// principal, its role assignments and memberships go too), a tenant that restricts app registration, and the
// failures in between. Then the local side: git's view of .env in a real repository, and writing .env in place.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'dotenv';
import { decodeJwt } from 'jose';
import { EnvFileError, gitIgnoreStatus, planEnvUpdate, planGitignoreUpdate, readWorkspaceTextFile, writeEnvFile, writeGitignore } from '../../src/core/signin/envFile';
import type { LocalDevApp, LocalDevAppSummary, RotateResult } from '../../src/core/signin/servicePrincipals';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { defaultSeed } from '../../src/sandbox/seed';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { clientCredentialsToken, ensureToolsBuilt, readCapture, repoRoot, run, sandboxFetch, userToken, type HttpsResult } from './helpers/sandbox';
import { shapeDifferences } from './helpers/sandboxShape';

const PYTHON = '/usr/bin/python3';
const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const DEV_TEAM = 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4';
const APP_NAME = 'orders-api-local-dev-alice';

let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'signin-sp-'));
const tokens: Record<string, string> = {};

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
  mkdirSync(join(scratch, 'alice'));
  await signInDemoDeveloper(sb, join(scratch, 'alice'), 'alice', ['az']);
  tokens.spGraph = await clientCredentialsToken(sb, 'https://graph.microsoft.com/.default');
  tokens.spArm = await clientCredentialsToken(sb);
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Outcome<T> { actor?: { id: string; detail: string }; tenantId?: string | null; name?: string; result?: T; error: { kind: string; message: string } | null }

/** One operation in a child process (it must trust the sandbox's CA from its start), as alice through az. */
async function operation<T>(op: Record<string, unknown>): Promise<Outcome<T>> {
  const cloud = {
    name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com', portal: sb.url, storageSuffix: 'core.windows.net', keyVaultSuffix: 'vault.azure.net', serviceBusSuffix: 'servicebus.windows.net',
  };
  const r = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'helpers', 'signinRun.ts'), JSON.stringify({ cloud, folderName: 'Orders API', operation: op })], {
    env: { ...sb.toolEnv(join(scratch, 'alice')), NODE_EXTRA_CA_CERTS: sb.caFile }, cwd: repoRoot, timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome<T>;
}

const inDays = (days: number): string => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();

async function graph(method: string, path: string, json?: unknown): Promise<HttpsResult> {
  return sandboxFetch(sb, method, `${sb.graph}${path}`, { headers: { Authorization: `Bearer ${tokens.spGraph!}` }, ...(json !== undefined ? { json } : {}) });
}

async function appsNamed(name: string): Promise<{ id: string; appId: string; signInAudience: string; passwordCredentials: { keyId: string; secretText: unknown }[] }[]> {
  const res = await graph('GET', `/v1.0/applications?$filter=${encodeURIComponent(`displayName eq '${name}'`)}`);
  assert.equal(res.status, 200, res.text);
  return (res.json as { value: never[] }).value;
}

async function servicePrincipalsOf(appId: string): Promise<{ id: string }[]> {
  const res = await graph('GET', `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`);
  assert.equal(res.status, 200, res.text);
  return (res.json as { value: never[] }).value;
}

function clientCredentials(tenantId: string, clientId: string, secret: string): Promise<HttpsResult> {
  return sandboxFetch(sb, 'POST', `${sb.url}/${tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://management.azure.com/.default' },
  });
}

describe('a service principal for local development', () => {
  let app: LocalDevApp;
  let envFolder: string;

  test('create: the sandbox holds the app, its service principal and exactly one secret, which signs in at once', async () => {
    sb.control.reset();
    const outcome = await operation<LocalDevApp>({ op: 'create', secretEndDateTime: inDays(90) });
    assert.equal(outcome.error, null, outcome.error?.message);
    assert.equal(outcome.name, APP_NAME);
    app = outcome.result!;
    assert.equal(app.tenantId, sb.tenantId, "the token's tid");
    assert.equal(outcome.tenantId, sb.tenantId);
    const apps = await appsNamed(APP_NAME);
    assert.equal(apps.length, 1);
    assert.deepEqual([apps[0]!.id, apps[0]!.appId, apps[0]!.signInAudience], [app.appObjectId, app.appId, 'AzureADMyOrg']);
    assert.deepEqual(apps[0]!.passwordCredentials.map((p) => [p.keyId, p.secretText]), [[app.secret.keyId, null]], 'one secret, its text never shown again');
    assert.deepEqual((await servicePrincipalsOf(app.appId)).map((p) => p.id), [app.servicePrincipalId]);
    assert.equal(Date.parse(app.secret.endDateTime) > Date.now() + 80 * 24 * 3600 * 1000, true, 'the end date asked for');
    const token = await clientCredentials(app.tenantId, app.appId, app.secret.secretText);
    assert.equal(token.status, 200, token.text);
    const claims = decodeJwt((token.json as { access_token: string }).access_token);
    assert.deepEqual([claims.appid, claims.oid, claims.idtyp], [app.appId, app.servicePrincipalId, 'app']);
    assert.ok(!JSON.stringify(sb.control.requestLog()).includes(app.secret.secretText), 'the request log never holds the secret');
  });

  test('.env: written in place, git-ignored, and Python azure-identity\'s EnvironmentCredential signs in with it', async (t) => {
    envFolder = join(scratch, 'workspace');
    mkdirSync(envFolder);
    const existing = '# Orders API\r\nSTORAGE_URL=https://stsandboxapp.blob.core.windows.net\r\nexport AZURE_CLIENT_ID=someone-else';
    writeFileSync(join(envFolder, '.env'), existing, { mode: 0o644 });
    chmodSync(join(envFolder, '.env'), 0o644);
    const plan = planEnvUpdate(await readWorkspaceTextFile(envFolder), { AZURE_CLIENT_ID: app.appId, AZURE_TENANT_ID: app.tenantId, AZURE_CLIENT_SECRET: app.secret.secretText });
    assert.deepEqual([plan.replaced, plan.added], [['AZURE_CLIENT_ID'], ['AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET']]);
    assert.deepEqual(await writeEnvFile(envFolder, plan, { expected: existing }), { created: false, narrowedFrom: 0o644 });
    const written = readFileSync(join(envFolder, '.env'), 'utf8');
    assert.ok(written.startsWith('# Orders API\r\nSTORAGE_URL=https://stsandboxapp.blob.core.windows.net\r\nexport AZURE_CLIENT_ID='), written.split('\r\n')[0]);
    assert.equal(statSync(join(envFolder, '.env')).mode & 0o777, 0o600, 'a file that now holds a secret is readable by its owner only');

    const probe = await run(PYTHON, ['-c', 'import azure.identity'], { timeoutMs: 30_000 });
    if (probe.code !== 0) { t.skip(`Debian's azure-identity is missing (apt-get install python3-azure): ${probe.stderr.trim()}`); return; }
    // The variables as the app gets them from .env (Debian's Python has no python-dotenv; the dotenv package reads
    // the file the same way, which the unit tests check value by value).
    const fromFile = parse(readFileSync(join(envFolder, '.env')));
    const code = [
      'import base64, json',
      'from azure.identity import EnvironmentCredential',
      'try:',
      '    token = EnvironmentCredential().get_token("https://management.azure.com/.default").token',
      '    payload = token.split(".")[1]',
      '    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))',
      '    print(json.dumps({"appid": claims.get("appid"), "tid": claims.get("tid")}))',
      'except Exception as e:',
      '    print(json.dumps({"error": type(e).__name__}))',
    ].join('\n');
    const { AZURE_CLIENT_ID: _id, AZURE_CLIENT_SECRET: _secret, AZURE_TENANT_ID: _tenant, ...network } = sb.env();
    const r = await run(PYTHON, ['-c', code], {
      env: { ...network, ...sb.managedIdentityEnv('none'), HOME: join(scratch, 'alice'), PYTHONDONTWRITEBYTECODE: '1',
        AZURE_CLIENT_ID: fromFile.AZURE_CLIENT_ID!, AZURE_TENANT_ID: fromFile.AZURE_TENANT_ID!, AZURE_CLIENT_SECRET: fromFile.AZURE_CLIENT_SECRET! },
      timeoutMs: 60_000,
    });
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'), { appid: app.appId, tid: sb.tenantId }, r.stderr.slice(-2000));
  });

  test('find: the app by the start of its name, with its secret\'s key id and no secret text', async () => {
    const outcome = await operation<LocalDevAppSummary[]>({ op: 'find', prefix: 'orders-api-local-dev' });
    assert.equal(outcome.error, null, outcome.error?.message);
    assert.deepEqual(outcome.result!.map((a) => [a.appObjectId, a.displayName, a.secrets.map((s) => s.keyId)]), [[app.appObjectId, APP_NAME, [app.secret.keyId]]]);
    assert.ok(!JSON.stringify(outcome.result).includes(app.secret.secretText));
  });

  test('rotate: the new secret signs in, the old one answers AADSTS7000215, the app still has one secret', async () => {
    const outcome = await operation<RotateResult>({ op: 'rotate', appObjectId: app.appObjectId, oldKeyId: app.secret.keyId, secretEndDateTime: inDays(30) });
    assert.equal(outcome.error, null, outcome.error?.message);
    const rotated = outcome.result!;
    assert.deepEqual([rotated.oldSecretRemoved, rotated.removalProblem], [true, null]);
    assert.notEqual(rotated.secret.keyId, app.secret.keyId);
    assert.equal((await clientCredentials(app.tenantId, app.appId, rotated.secret.secretText)).status, 200);
    const old = await clientCredentials(app.tenantId, app.appId, app.secret.secretText);
    assert.equal(old.status, 401);
    const capture = readCapture('entra-token/errors/AADSTS7000215_invalid_client_secret_401.json');
    assert.deepEqual(shapeDifferences(capture.body, old.json, { exact: true }), []);
    assert.match((old.json as { error_description: string }).error_description, new RegExp(`^AADSTS7000215: Invalid client secret provided\\..*'${app.appId}'`));
    assert.deepEqual((await appsNamed(APP_NAME))[0]!.passwordCredentials.map((p) => p.keyId), [rotated.secret.keyId]);
    // The new secret replaces the old one in .env; the other two lines are the same.
    const before = readFileSync(join(envFolder, '.env'), 'utf8');
    const plan = planEnvUpdate(before, { AZURE_CLIENT_ID: app.appId, AZURE_TENANT_ID: app.tenantId, AZURE_CLIENT_SECRET: rotated.secret.secretText });
    assert.deepEqual([plan.replaced, plan.unchanged, plan.added], [['AZURE_CLIENT_SECRET'], ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID'], []]);
    await writeEnvFile(envFolder, plan, { expected: before });
    assert.equal(parse(readFileSync(join(envFolder, '.env'))).AZURE_CLIENT_SECRET, rotated.secret.secretText);
    app = { ...app, secret: rotated.secret };
  });

  test('rotate when the old secret cannot be removed: the new secret is still returned, and the problem said', async () => {
    sb.control.injectFault({ route: 'graph.applications.removePassword', status: 400, times: 1 });
    try {
      const outcome = await operation<RotateResult>({ op: 'rotate', appObjectId: app.appObjectId, oldKeyId: app.secret.keyId, secretEndDateTime: inDays(30) });
      assert.equal(outcome.error, null, outcome.error?.message);
      assert.equal(outcome.result!.oldSecretRemoved, false);
      assert.match(outcome.result!.removalProblem ?? '', new RegExp(`could not be removed.*still signs in.*${app.secret.keyId}`));
      assert.equal((await clientCredentials(app.tenantId, app.appId, outcome.result!.secret.secretText)).status, 200);
      assert.equal((await appsNamed(APP_NAME))[0]!.passwordCredentials.length, 2);
    } finally {
      sb.control.clearFaults();
    }
    // As the app's owner (the seeded service principal lacks Application.ReadWrite.All: 403).
    assert.equal((await graph('POST', `/v1.0/applications/${app.appObjectId}/removePassword`, { keyId: app.secret.keyId })).status, 403);
    const alice = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
    const unknownKey = await sandboxFetch(sb, 'POST', `${sb.graph}/v1.0/applications/${app.appObjectId}/removePassword`, { headers: { Authorization: `Bearer ${alice}` }, json: { keyId: randomUUID() } });
    assert.equal(unknownKey.status, 400, 'a key id the app does not have');
    assert.deepEqual(shapeDifferences(readCapture('graph/errors/Authorization_RequestDenied_403.json').body, unknownKey.json, { exact: true }), [], 'Graph\'s error shape');
  });

  test('delete: the app and its service principal go, and with them its group membership and role assignment', async () => {
    const member = await graph('POST', `/v1.0/groups/${DEV_TEAM}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${app.servicePrincipalId}` });
    assert.equal(member.status, 204, member.text);
    const scope = `/subscriptions/${SUB}/resourceGroups/rg-app`;
    const assignment = await sandboxFetch(sb, 'PUT', `${sb.resourceManager}${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, {
      headers: { Authorization: `Bearer ${tokens.spArm!}` },
      json: { properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: app.servicePrincipalId, principalType: 'ServicePrincipal' } },
    });
    assert.equal(assignment.status, 201, assignment.text);
    const assignments = async (): Promise<unknown[]> => {
      const res = await sandboxFetch(sb, 'GET', `${sb.resourceManager}/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${app.servicePrincipalId}'`)}`,
        { headers: { Authorization: `Bearer ${tokens.spArm!}` } });
      return (res.json as { value: unknown[] }).value;
    };
    assert.equal((await assignments()).length, 1);

    const outcome = await operation<string>({ op: 'remove', appObjectId: app.appObjectId });
    assert.deepEqual([outcome.error, outcome.result], [null, 'deleted']);
    assert.equal((await graph('GET', `/v1.0/applications/${app.appObjectId}`)).status, 404);
    assert.deepEqual(await servicePrincipalsOf(app.appId), []);
    const members = await graph('GET', `/v1.0/groups/${DEV_TEAM}/members`);
    assert.ok(!(members.json as { value: { id: string }[] }).value.some((m) => m.id === app.servicePrincipalId), 'no longer a member');
    assert.deepEqual(await assignments(), []);
    const signIn = await clientCredentials(app.tenantId, app.appId, app.secret.secretText);
    assert.match((signIn.json as { error_description?: string }).error_description ?? '', /^AADSTS700016/, 'the app is gone from the directory');
    const again = await operation<string>({ op: 'remove', appObjectId: app.appObjectId });
    assert.deepEqual([again.error, again.result], [null, 'not-found']);
  });
});

describe('when creating fails', () => {
  test('a tenant where users may not register applications: forbidden, with the explanation, nothing created', async () => {
    const restricted = defaultSeed();
    restricted.tenant.usersCanRegisterApplications = false;
    // An Application Administrator still may (dave, in this seed only).
    restricted.users.find((u) => u.key === 'dave')!.directoryRoles = ['Application Administrator'];
    sb.control.reseed(restricted);
    const createdBefore = sb.control.counters()['graph.applications.created'] ?? 0;
    try {
      const outcome = await operation<LocalDevApp>({ op: 'create', secretEndDateTime: inDays(90) });
      assert.equal(outcome.error?.kind, 'forbidden', JSON.stringify(outcome));
      assert.match(outcome.error!.message, /"Users can register applications" is off/);
      assert.match(outcome.error!.message, /Application Administrator or Cloud Application Administrator/);
      assert.deepEqual(await appsNamed(APP_NAME), []);
      assert.equal(sb.control.counters()['graph.applications.created'] ?? 0, createdBefore);
      const alice = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
      const raw = await sandboxFetch(sb, 'POST', `${sb.graph}/v1.0/applications`, { headers: { Authorization: `Bearer ${alice}` }, json: { displayName: 'x' } });
      assert.equal(raw.status, 403);
      assert.deepEqual(shapeDifferences(readCapture('graph/errors/Authorization_RequestDenied_403.json').body, raw.json, { exact: true }), []);
      assert.equal((raw.json as { error: { code: string } }).error.code, 'Authorization_RequestDenied');
      const dave = await userToken(sb, 'dave', 'https://graph.microsoft.com/.default');
      assert.equal((await sandboxFetch(sb, 'POST', `${sb.graph}/v1.0/applications`, { headers: { Authorization: `Bearer ${dave}` }, json: { displayName: 'by-admin' } })).status, 201);
    } finally {
      sb.control.reseed(defaultSeed());
    }
  });

  test('a step failing after the app exists deletes the app again', async () => {
    sb.control.reset();
    sb.control.injectFault({ route: 'graph.applications.addPassword', status: 500, times: 1 });
    const outcome = await operation<LocalDevApp>({ op: 'create', secretEndDateTime: inDays(90) });
    assert.equal(outcome.error?.kind, 'failed', JSON.stringify(outcome));
    assert.match(outcome.error!.message, /client secret could not be added.*deleted again/);
    assert.deepEqual(await appsNamed(APP_NAME), []);
    assert.equal(sb.control.counters()['graph.applications.deleted'], 1);
  });

  test('cancelled while the secret is added: cancelled, and the app is deleted again', async () => {
    sb.control.reset();
    sb.control.injectFault({ route: 'graph.applications.addPassword', latencyMs: 4_000, times: 1 });
    const outcome = await operation<LocalDevApp>({ op: 'create', secretEndDateTime: inDays(90), cancelAfterMs: 2_500 });
    assert.match(outcome.error?.message ?? '', /cancelled.*deleted again/, JSON.stringify(outcome));
    assert.deepEqual(await appsNamed(APP_NAME), []);
  });

  test('an answer cut off after Graph made the app: the app is found, not made twice', async () => {
    sb.control.reset();
    sb.control.injectFault({ route: 'graph.applications.create', truncate: true, times: 1 });
    const outcome = await operation<LocalDevApp>({ op: 'create', secretEndDateTime: inDays(90) });
    assert.equal(outcome.error, null, outcome.error?.message);
    const apps = await appsNamed(APP_NAME);
    assert.deepEqual(apps.map((a) => a.id), [outcome.result!.appObjectId]);
    assert.equal(sb.control.counters()['graph.applications.created'], 1);
    assert.equal((await clientCredentials(sb.tenantId, outcome.result!.appId, outcome.result!.secret.secretText)).status, 200);
    sb.control.reset();
  });
});

describe('the workspace side: git and .env on disk', () => {
  const git = (cwd: string, ...args: string[]): void => { execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'ignore', timeout: 30_000 }); };

  test('gitIgnoreStatus in a real repository: untracked and not ignored, then ignored, then tracked', async () => {
    const plain = mkdtempSync(join(scratch, 'plain-'));
    assert.deepEqual(await gitIgnoreStatus(plain), { inRepository: false, ignored: false, tracked: false });
    const repo = mkdtempSync(join(scratch, 'repo-'));
    git(repo, 'init', '-q');
    writeFileSync(join(repo, '.env'), 'A=1\n');
    assert.deepEqual(await gitIgnoreStatus(repo), { inRepository: true, ignored: false, tracked: false });
    await writeGitignore(repo, planGitignoreUpdate(await readWorkspaceTextFile(repo, '.gitignore')));
    assert.equal(readFileSync(join(repo, '.gitignore'), 'utf8'), '.env\n');
    assert.deepEqual(await gitIgnoreStatus(repo), { inRepository: true, ignored: true, tracked: false });
    git(repo, 'add', '-f', '.env');
    assert.deepEqual(await gitIgnoreStatus(repo), { inRepository: true, ignored: true, tracked: true });
    const sub = join(repo, 'service');
    mkdirSync(sub);
    assert.deepEqual(await gitIgnoreStatus(sub), { inRepository: true, ignored: true, tracked: false }, 'a folder inside the repository: the root .gitignore applies');
  });

  test('no git, a cancelled check, and a repository whose config would run a program', async () => {
    const repo = mkdtempSync(join(scratch, 'hostile-'));
    git(repo, 'init', '-q');
    writeFileSync(join(repo, '.env'), 'A=1\n');
    git(repo, 'add', '-f', '.env');
    // A cloned repository's config may name a program for git to run whenever it reads the index.
    const marker = join(scratch, 'fsmonitor-ran');
    git(repo, 'config', 'core.fsmonitor', `touch ${marker}`);
    assert.deepEqual(await gitIgnoreStatus(repo), { inRepository: true, ignored: false, tracked: true });
    assert.equal(existsSync(marker), false, 'core.fsmonitor from the repository did not run');
    assert.deepEqual(await gitIgnoreStatus(repo, '.env', { env: { PATH: join(scratch, 'no-such-dir') } }), { inRepository: false, ignored: false, tracked: false });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(gitIgnoreStatus(repo, '.env', { signal: controller.signal }), (error: unknown) => error instanceof EnvFileError && error.kind === 'git');
  });

  test('writeEnvFile: a new file is 0600, an existing one keeps its mode and the lines it does not own; links and changed files refused', async () => {
    const folder = mkdtempSync(join(scratch, 'write-'));
    const created = planEnvUpdate(undefined, { AZURE_CLIENT_ID: 'id' });
    assert.deepEqual(await writeEnvFile(folder, created), { created: true });
    assert.equal(statSync(join(folder, '.env')).mode & 0o777, 0o600);
    const existing = '\uFEFF# keep\r\nexport A="1"\r\n\r\nAZURE_CLIENT_ID=old # comment';
    writeFileSync(join(folder, '.env'), existing);
    chmodSync(join(folder, '.env'), 0o640);
    const plan = planEnvUpdate(await readWorkspaceTextFile(folder), { AZURE_CLIENT_ID: 'new' });
    await writeEnvFile(folder, plan, { expected: existing });
    assert.equal(readFileSync(join(folder, '.env'), 'utf8'), "\uFEFF# keep\r\nexport A=\"1\"\r\n\r\nAZURE_CLIENT_ID='new'");
    assert.equal(statSync(join(folder, '.env')).mode & 0o777, 0o640);
    await assert.rejects(writeEnvFile(folder, plan, { expected: existing }), (error: unknown) => error instanceof EnvFileError && error.kind === 'changed');
    const linked = mkdtempSync(join(scratch, 'linked-'));
    writeFileSync(join(scratch, 'outside.txt'), 'not yours\n');
    symlinkSync(join(scratch, 'outside.txt'), join(linked, '.env'));
    await assert.rejects(readWorkspaceTextFile(linked), (error: unknown) => error instanceof EnvFileError && error.kind === 'not-a-file');
    await assert.rejects(writeEnvFile(linked, created), (error: unknown) => error instanceof EnvFileError && error.kind === 'not-a-file');
    assert.equal(readFileSync(join(scratch, 'outside.txt'), 'utf8'), 'not yours\n');
    writeFileSync(join(folder, 'latin1.env'), Buffer.from([0x41, 0x3d, 0xe9, 0x0a]));
    await assert.rejects(readWorkspaceTextFile(folder, 'latin1.env'), (error: unknown) => error instanceof EnvFileError && error.kind === 'not-utf8');
  });
});
