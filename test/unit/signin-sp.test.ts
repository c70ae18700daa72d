// The service principal for local development, its pure parts: taking its three variables out of .env with every
// other byte kept, the az commands equivalent to each step (quoted for their shell), and the protocol's checks of
// what the page may send: end dates within two years, names without control characters, no field for a secret.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'dotenv';
import { EnvFileError, planEnvRemoval, planEnvUpdate } from '../../src/core/signin/envFile';
import {
  addAppOwnerCommand, administratorRequest, createAppCommand, createServicePrincipalCommand, deleteAppCommand, deleteCredentialCommand, renderCommand,
  resetCredentialCommand, showServicePrincipalCommand,
} from '../../src/core/team/commands';
import {
  daysFromToday, localDevNameProblem, MAX_SECRET_DAYS, parseResult, secretEndDateProblem, toExtensionSchema, utcDate,
} from '../../src/webview/protocol';

const KEYS = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET'] as const;
const APP_ID = '65b3768b-5d38-4a6b-9b1b-8f0e2a4c1d7e';
const OBJECT_ID = 'f47ab2d2-a7f4-4983-a3a3-f25dcd2fe2a9';
const KEY_ID = '0c7cd6a1-0d35-4bd4-9a26-0e3b7d2f1e55';

describe('planEnvRemoval', () => {
  test('removes the three lines written for a service principal; every other byte stays', () => {
    const before = '# local settings\nexport X=1\r\nSTORAGE_URL=https://st.blob.core.windows.net # blob\n\n# end\n';
    const written = planEnvUpdate(before, { AZURE_CLIENT_ID: APP_ID, AZURE_TENANT_ID: 't', AZURE_CLIENT_SECRET: 's3cret' }).text;
    const plan = planEnvRemoval(written, KEYS);
    assert.equal(plan.text, before);
    assert.deepEqual(plan.removed, [...KEYS]);
    assert.deepEqual(plan.remaining, []);
  });

  test('lines in the middle go with their own ending (CRLF or LF); export prefixes, indentation and duplicates are all taken out', () => {
    const text = 'A=1\r\n  export AZURE_CLIENT_ID=old\r\nB=2\nAZURE_CLIENT_ID=new\nC=3\r\nAZURE_TENANT_ID: t\nD=4';
    const plan = planEnvRemoval(text, KEYS);
    assert.equal(plan.text, 'A=1\r\nB=2\nC=3\r\nD=4');
    assert.deepEqual(plan.removed, ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID']);
    assert.equal(parse(plan.text).AZURE_CLIENT_ID, undefined, 'an earlier duplicate does not become the value read');
  });

  test('a last line without a final newline, a multi-line quoted value, and a byte-order mark', () => {
    assert.equal(planEnvRemoval('A=1\nAZURE_CLIENT_SECRET=x', KEYS).text, 'A=1\n');
    assert.equal(planEnvRemoval('AZURE_CLIENT_SECRET="one\ntwo \\" still\nthree"\r\nNEXT=kept\r\n', KEYS).text, 'NEXT=kept\r\n');
    assert.equal(planEnvRemoval('\uFEFFAZURE_CLIENT_ID=x\nA=1\n', KEYS).text, '\uFEFFA=1\n');
    assert.equal(planEnvRemoval('AZURE_CLIENT_ID=x', KEYS).text, '');
  });

  test('comments that mention the variables, other variables with the same prefix, and a file without them stay as they are', () => {
    const text = '# AZURE_CLIENT_ID=commented out\nAZURE_CLIENT_ID_OLD=keep\nMY_AZURE_CLIENT_ID=keep\n';
    const plan = planEnvRemoval(text, KEYS);
    assert.equal(plan.text, text);
    assert.deepEqual([plan.removed, plan.remaining], [[], []]);
  });

  test('an invalid key is refused, naming the key and nothing else', () => {
    assert.throws(() => planEnvRemoval('A=1', ['1BAD']), (error: unknown) => error instanceof EnvFileError && error.kind === 'invalid-key');
  });
});

describe('the equivalent az commands', () => {
  test('create: app registration for this tenant only, its service principal, a secret appended with an end date', () => {
    assert.equal(renderCommand(createAppCommand('orders-api-local-dev-alice'), 'bash'),
      'az ad app create \\\n  --display-name orders-api-local-dev-alice \\\n  --sign-in-audience AzureADMyOrg');
    assert.equal(renderCommand(createServicePrincipalCommand(APP_ID), 'bash'), `az ad sp create \\\n  --id ${APP_ID}`);
    assert.equal(renderCommand(resetCredentialCommand(APP_ID, '2030-01-31'), 'bash'),
      `az ad app credential reset \\\n  --id ${APP_ID} \\\n  --end-date 2030-01-31 \\\n  --append`);
    assert.equal(renderCommand(resetCredentialCommand(APP_ID, '2030-01-31'), 'powershell'),
      `az ad app credential reset \`\n  --id ${APP_ID} \`\n  --end-date 2030-01-31 \`\n  --append`);
  });

  test('rotate, delete, hand over and look up', () => {
    assert.deepEqual(deleteCredentialCommand(APP_ID, KEY_ID), ['az', 'ad', 'app', 'credential', 'delete', '--id', APP_ID, '--key-id', KEY_ID]);
    assert.deepEqual(deleteAppCommand(APP_ID), ['az', 'ad', 'app', 'delete', '--id', APP_ID]);
    assert.deepEqual(addAppOwnerCommand(APP_ID, OBJECT_ID), ['az', 'ad', 'app', 'owner', 'add', '--id', APP_ID, '--owner-object-id', OBJECT_ID]);
    assert.equal(renderCommand(showServicePrincipalCommand(APP_ID), 'bash'),
      `az ad sp show \\\n  --id ${APP_ID} \\\n  --query '{name: displayName, appId: appId, objectId: id}'`);
  });

  test('a name typed by the user and placeholders are quoted for each shell, never shell syntax', () => {
    const name = "it's $(rm -rf ~) `x`";
    assert.equal(renderCommand(createAppCommand(name), 'bash').split('\n')[1], `  --display-name 'it'\\''s $(rm -rf ~) \`x\`' \\`);
    assert.equal(renderCommand(createAppCommand(name), 'powershell').split('\n')[1], "  --display-name 'it''s $(rm -rf ~) `x`' `");
    assert.equal(renderCommand(createServicePrincipalCommand('<app-id>'), 'bash'), "az ad sp create \\\n  --id '<app-id>'");
  });

  test('the administrator request carries the create commands', () => {
    const text = administratorRequest('create the app registration "a-local-dev-alice"', 'Why.', [createAppCommand('a-local-dev-alice'), createServicePrincipalCommand('<app-id>')]);
    assert.match(text, /az ad app create \\\n {2}--display-name a-local-dev-alice/);
    assert.match(text, /az ad sp create `\n {2}--id '<app-id>'/);
  });
});

describe('what the page may send about a service principal', () => {
  const now = Date.parse('2025-03-10T12:00:00Z');

  test('end dates: after today, at most two years away, real dates only', () => {
    assert.equal(utcDate(now), '2025-03-10');
    assert.equal(daysFromToday(90, now), '2025-06-08');
    assert.equal(secretEndDateProblem('2025-03-11', now), null);
    assert.equal(secretEndDateProblem(daysFromToday(MAX_SECRET_DAYS, now), now), null);
    assert.match(secretEndDateProblem(daysFromToday(MAX_SECRET_DAYS + 1, now), now) ?? '', /at most two years/);
    assert.match(secretEndDateProblem('2025-03-10', now) ?? '', /after today/);
    assert.match(secretEndDateProblem('2025-02-30', now) ?? '', /not a date/);
    assert.match(secretEndDateProblem('10/03/2026', now) ?? '', /Choose the date/);
  });

  test('names: required, at most 120 characters, no control characters or line breaks', () => {
    assert.equal(localDevNameProblem('orders-api-local-dev-alice'), null);
    assert.match(localDevNameProblem('  ') ?? '', /required/);
    assert.match(localDevNameProblem('x'.repeat(121)) ?? '', /at most 120/);
    assert.match(localDevNameProblem('a\nb') ?? '', /control characters/);
    assert.match(localDevNameProblem('a\u2028b') ?? '', /control characters/);
  });

  test('requests are validated; none has a field for a secret', () => {
    const ok = (request: unknown) => toExtensionSchema.safeParse({ type: 'request', id: 1, request }).success;
    const end = daysFromToday(90);
    assert.ok(ok({ method: 'spState' }));
    assert.ok(ok({ method: 'createLocalDevApp', displayName: 'a-local-dev-alice', secretEndDate: end, groupId: null }));
    assert.equal(ok({ method: 'createLocalDevApp', displayName: 'a-local-dev-alice', secretEndDate: daysFromToday(MAX_SECRET_DAYS + 5), groupId: null }), false);
    assert.equal(ok({ method: 'createLocalDevApp', displayName: 'a\r\nb', secretEndDate: end, groupId: null }), false);
    assert.equal(ok({ method: 'createLocalDevApp', displayName: 'a', secretEndDate: end, groupId: 'not-a-guid' }), false);
    assert.ok(ok({ method: 'useExistingServicePrincipal', clientId: APP_ID, tenant: 'contoso.onmicrosoft.com' }));
    assert.equal(ok({ method: 'useExistingServicePrincipal', clientId: 'abc', tenant: 'contoso.onmicrosoft.com' }), false);
    assert.equal(ok({ method: 'useExistingServicePrincipal', clientId: APP_ID, tenant: 'not a tenant' }), false);
    assert.ok(ok({ method: 'rotateLocalDevSecret', appObjectId: OBJECT_ID, secretEndDate: end }));
    assert.equal(ok({ method: 'deleteLocalDevApp', appObjectId: '../applications' }), false);
    // A secret put into a request by a page is dropped by the schema, never passed on.
    const parsed = toExtensionSchema.parse({ type: 'request', id: 1, request: { method: 'useExistingServicePrincipal', clientId: APP_ID, tenant: 'contoso.onmicrosoft.com', secret: 'x' } });
    assert.equal(JSON.stringify(parsed).includes('secret"'), false);
  });

  test('results carry ids, names and dates: a secret in an answer is stripped', () => {
    const app = { appObjectId: OBJECT_ID, appId: APP_ID, servicePrincipalId: OBJECT_ID, displayName: 'a-local-dev-alice', keyId: KEY_ID, secretEndDateTime: '2030-01-31T00:00:00Z', tenantId: 't' };
    const env = { file: '.env', created: false, keys: ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET'], git: 'ignored-now' };
    const answer = parseResult('createLocalDevApp', { app: { ...app, secretText: 'leaked' }, env, membership: null, secret: 'leaked' });
    assert.ok(answer);
    assert.equal(JSON.stringify(answer).includes('leaked'), false);
    assert.equal(parseResult('createLocalDevApp', { app, env: { ...env, keys: ['AZURE_CLIENT_SECRET=leaked'] }, membership: null }), undefined);
    assert.ok(parseResult('deleteLocalDevApp', { outcome: 'deleted', env: 'removed', envProblem: null }));
  });
});
