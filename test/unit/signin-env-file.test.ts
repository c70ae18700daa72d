// Writing a service principal into .env: every line the edit does not own stays byte for byte, values read back
// exactly through the dotenv package (and python-dotenv when an interpreter has it), values no quoting can carry are
// refused without being quoted in the message; .gitignore gets its entry; the old AZURE_AUTH_LOCATION file is read
// only when the variable comes from the process environment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'dotenv';
import { parseDotEnv } from '../../src/core/chain/env';
import { AUTH_FILE_MAX_BYTES, parseAuthFile, readAuthFile } from '../../src/core/signin/authFile';
import { EnvFileError, planEnvUpdate, planGitignoreUpdate } from '../../src/core/signin/envFile';

const scratch = mkdtempSync(join(tmpdir(), 'signin-env-file-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const CANARY = 'canary-5ecret-value';

describe('planEnvUpdate', () => {
  test('other lines stay byte for byte: comments, blank lines, CRLF, export prefixes, duplicates, no final newline', () => {
    const existing = '# settings for the app\r\n\r\nexport STORAGE_URL=https://st.blob.core.windows.net # blob\r\n'
      + 'AZURE_CLIENT_ID=first-duplicate\r\n  OTHER = \'x y\'\r\nAZURE_CLIENT_ID=old-client\r\nLAST=1';
    const plan = planEnvUpdate(existing, { AZURE_CLIENT_ID: 'new-client', AZURE_TENANT_ID: 'tenant', AZURE_CLIENT_SECRET: 'secret' });
    assert.equal(plan.text, '# settings for the app\r\n\r\nexport STORAGE_URL=https://st.blob.core.windows.net # blob\r\n'
      + 'AZURE_CLIENT_ID=first-duplicate\r\n  OTHER = \'x y\'\r\nAZURE_CLIENT_ID=\'new-client\'\r\nLAST=1'
      + '\r\nAZURE_TENANT_ID=\'tenant\'\r\nAZURE_CLIENT_SECRET=\'secret\'\r\n');
    assert.deepEqual([plan.added, plan.replaced, plan.unchanged], [['AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET'], ['AZURE_CLIENT_ID'], []]);
    // The last assignment wins in both parsers, so replacing it is what makes the new value effective.
    assert.equal(parse(plan.text).AZURE_CLIENT_ID, 'new-client');
    assert.equal(parse(plan.text).STORAGE_URL, 'https://st.blob.core.windows.net');
  });

  test('LF files stay LF; a file that ends with a newline gets none added before the new keys', () => {
    const plan = planEnvUpdate('A=1\n', { AZURE_TENANT_ID: 't' });
    assert.equal(plan.text, "A=1\nAZURE_TENANT_ID='t'\n");
    assert.equal(planEnvUpdate(undefined, { AZURE_TENANT_ID: 't' }).text, "AZURE_TENANT_ID='t'\n", 'a new file');
    assert.equal(planEnvUpdate('', { AZURE_TENANT_ID: 't' }).text, "AZURE_TENANT_ID='t'\n", 'an empty file');
    assert.equal(planEnvUpdate('A=1', { B: '2' }).text, "A=1\nB='2'\n", 'no final newline');
  });

  test('an existing key keeps its place, indentation and export prefix; its value and comment are replaced', () => {
    const plan = planEnvUpdate('X=1\n  export AZURE_TENANT_ID="old" # from the portal\nY=2\n', { AZURE_TENANT_ID: 'new' });
    assert.equal(plan.text, "X=1\n  export AZURE_TENANT_ID='new'\nY=2\n");
    assert.deepEqual(plan.replaced, ['AZURE_TENANT_ID']);
    const colon = planEnvUpdate('AZURE_TENANT_ID: old\n', { AZURE_TENANT_ID: 'new' });
    assert.equal(colon.text, "AZURE_TENANT_ID='new'\n", 'the dotenv package also reads KEY: value');
  });

  test('a quoted value over several lines is replaced as a whole; the lines after it stay', () => {
    const existing = 'AZURE_CLIENT_SECRET="first\nsecond \\" still\nthird"\nNEXT=kept\r\n';
    const plan = planEnvUpdate(existing, { AZURE_CLIENT_SECRET: 'one-line' });
    assert.equal(plan.text, "AZURE_CLIENT_SECRET='one-line'\nNEXT=kept\r\n");
    const unclosed = planEnvUpdate("AZURE_CLIENT_SECRET='never closed\nNEXT=kept\n", { AZURE_CLIENT_SECRET: 'v' });
    assert.equal(unclosed.text, "AZURE_CLIENT_SECRET='v'\nNEXT=kept\n", 'an unclosed quote ends with its line');
  });

  test('the same value is left alone: no edit at all', () => {
    const existing = "# c\nAZURE_CLIENT_ID=abc # note\nAZURE_TENANT_ID='t'";
    const plan = planEnvUpdate(existing, { AZURE_CLIENT_ID: 'abc', AZURE_TENANT_ID: 't' });
    assert.equal(plan.text, existing);
    assert.deepEqual([plan.added, plan.replaced, plan.unchanged], [[], [], ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID']]);
  });

  test('a byte-order mark and lone CR line endings survive', () => {
    const plan = planEnvUpdate('\uFEFFAZURE_TENANT_ID=old\rA=1\r', { AZURE_TENANT_ID: 'new' });
    assert.equal(plan.text, "\uFEFFAZURE_TENANT_ID='new'\rA=1\r");
  });

  const ROUND_TRIP = [
    'Abc8Q~Zx.yW_1-2v3u4t5s6r7q8p9o0nMlKjIhGf', // the alphabet of current Entra secrets
    '[6gyXA5S20@MN+WRXAJ]I-TO7g1:h2P8', // the older kind (Graph's addPassword docs)
    'with # hash', ' leading and trailing ', "it's", 'say "hi"', 'a\\b', 'key=value=more', 'back`tick`', '$HOME and $1', '', 'ünïcödé',
  ];

  test('values read back exactly through the dotenv package and through this extension\'s reader', () => {
    for (const value of ROUND_TRIP) {
      const text = planEnvUpdate('# before\n', { AZURE_CLIENT_SECRET: value, AFTER: 'x' }).text;
      assert.equal(parse(text).AZURE_CLIENT_SECRET, value, `dotenv: ${JSON.stringify(value)} in ${JSON.stringify(text)}`);
      assert.equal(parse(text).AFTER, 'x');
      assert.equal(parseDotEnv(text, {}).AZURE_CLIENT_SECRET, value, `parseDotEnv: ${JSON.stringify(value)}`);
    }
  });

  test('values read back exactly through python-dotenv (when an interpreter has it)', (t) => {
    const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import dotenv'], { stdio: 'ignore', timeout: 20_000 }).status === 0);
    if (!python) { t.skip('no interpreter with python-dotenv'); return; }
    const files = ROUND_TRIP.map((value, i) => {
      const file = join(scratch, `round-trip-${i}.env`);
      writeFileSync(file, planEnvUpdate('# before\n', { AZURE_CLIENT_SECRET: value, AFTER: 'x' }).text);
      return file;
    });
    const script = 'import json, sys\nfrom dotenv import dotenv_values\nprint(json.dumps([dotenv_values(f) for f in sys.argv[1:]]))';
    const r = spawnSync(python, ['-c', script, ...files], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const read = JSON.parse(r.stdout) as Record<string, string>[];
    ROUND_TRIP.forEach((value, i) => {
      assert.equal(read[i]!.AZURE_CLIENT_SECRET, value, `python-dotenv: ${JSON.stringify(value)}`);
      assert.equal(read[i]!.AFTER, 'x');
    });
  });

  test('values .env cannot carry, and invalid keys, are refused without the value in the message', () => {
    const refused: [string, EnvFileError['kind']][] = [
      [`${CANARY}\nX=1`, 'invalid-value'], [`${CANARY}\r`, 'invalid-value'], [`${CANARY}\0`, 'invalid-value'], [`${CANARY}\u2028`, 'invalid-value'],
      [`${CANARY}\${HOME}`, 'unquotable-value'], [`${CANARY}'\\`, 'unquotable-value'], [`${CANARY}'"`, 'unquotable-value'],
      [`${CANARY}\\\\`, 'unquotable-value'], [`${CANARY}\\`, 'unquotable-value'], [`${CANARY}\\$x`, 'unquotable-value'],
    ];
    for (const [value, kind] of refused) {
      assert.throws(() => planEnvUpdate('A=1\n', { AZURE_CLIENT_SECRET: value }), (error: unknown) => {
        assert.ok(error instanceof EnvFileError, String(error));
        assert.equal(error.kind, kind, JSON.stringify(value));
        assert.ok(!error.message.includes(CANARY), error.message);
        assert.match(error.message, /AZURE_CLIENT_SECRET/);
        return true;
      });
    }
    for (const key of ['1A', 'A-B', '', 'A B', 'A=B', 'export X', 'É']) {
      assert.throws(() => planEnvUpdate(undefined, { [key]: 'v' }), (error: unknown) => error instanceof EnvFileError && error.kind === 'invalid-key', key);
    }
  });
});

describe('planGitignoreUpdate', () => {
  test('appends the entry as its own line and keeps every byte', () => {
    assert.equal(planGitignoreUpdate(undefined), '.env\n');
    assert.equal(planGitignoreUpdate(''), '.env\n');
    assert.equal(planGitignoreUpdate('node_modules/\n# build\ndist'), 'node_modules/\n# build\ndist\n.env\n');
    assert.equal(planGitignoreUpdate('node_modules/\r\n'), 'node_modules/\r\n.env\r\n');
    assert.equal(planGitignoreUpdate('x\n', 'local*.env'), 'x\nlocal\\*.env\n', 'glob characters match themselves');
    assert.equal(planGitignoreUpdate('x\n', '#notes'), 'x\n\\#notes\n');
    assert.throws(() => planGitignoreUpdate('x\n', '.env\n*'), EnvFileError);
  });
});

describe('AZURE_AUTH_LOCATION auth file', () => {
  const valid = {
    clientId: '6a1d6c5b-2ad4-4c3f-9b1e-2f1c0c1d2e3f', clientSecret: CANARY, subscriptionId: 'adca4246-6e3e-4a79-a53f-26fe8244f8bc',
    tenantId: '48337339-9daf-40bb-b2c4-6fdbad938cad', activeDirectoryEndpointUrl: 'https://login.microsoftonline.com',
    resourceManagerEndpointUrl: 'https://management.azure.com/', activeDirectoryGraphResourceId: 'https://graph.windows.net/',
    sqlManagementEndpointUrl: 'https://management.core.windows.net:8443/', galleryEndpointUrl: 'https://gallery.azure.com/',
    managementEndpointUrl: 'https://management.core.windows.net/', someFutureField: { nested: true },
  };

  test('the credential from the --sdk-auth format; unknown fields ignored; a byte-order mark allowed', () => {
    const parsed = parseAuthFile(`\uFEFF${JSON.stringify(valid, null, 2)}`);
    assert.deepEqual(parsed, {
      ok: true, clientId: valid.clientId, tenantId: valid.tenantId, clientSecret: CANARY, subscriptionId: valid.subscriptionId, authorityHost: 'https://login.microsoftonline.com',
    });
  });

  test('unusable files say why, naming fields and never quoting the text', () => {
    const cases: [string, RegExp][] = [
      [`{"clientSecret": "${CANARY}", oops}`, /not valid JSON/],
      ['[1, 2]', /not a JSON object/],
      [JSON.stringify({ ...valid, clientSecret: '' }), /clientSecret is missing or empty/],
      [JSON.stringify({ ...valid, clientId: CANARY }), /clientId is missing or not a GUID/],
      [JSON.stringify({ ...valid, tenantId: undefined }), /tenantId is missing/],
      [JSON.stringify({ ...valid, activeDirectoryEndpointUrl: 'http://login.example' }), /activeDirectoryEndpointUrl is not an https URL/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseAuthFile(text);
      assert.equal(parsed.ok, false, text);
      if (parsed.ok) continue;
      assert.match(parsed.reason, reason);
      assert.ok(!parsed.reason.includes(CANARY), parsed.reason);
    }
  });

  test('read only when the variable comes from the process environment; the file is never modified', async () => {
    const file = join(scratch, 'my.azureauth');
    writeFileSync(file, JSON.stringify(valid), { mode: 0o600 });
    const before = statSync(file);
    const fromDotenv = await readAuthFile(file, { origin: 'dotenv' });
    assert.equal(fromDotenv.ok, false);
    assert.match(fromDotenv.ok ? '' : fromDotenv.reason, /workspace \.env/);
    const fromProcess = await readAuthFile(file, { origin: 'process' });
    assert.equal(fromProcess.ok && fromProcess.clientSecret, CANARY);
    const relative = await readAuthFile('my.azureauth', { origin: 'process', cwd: scratch });
    assert.equal(relative.ok, true);
    const now = statSync(file);
    assert.deepEqual([now.mtimeMs, now.size, now.mode], [before.mtimeMs, before.size, before.mode]);
    assert.equal(readFileSync(file, 'utf8'), JSON.stringify(valid));
  });

  test('too large, missing, a directory or a FIFO: a reason, no hang', async () => {
    const big = join(scratch, 'big.azureauth');
    writeFileSync(big, JSON.stringify({ ...valid, padding: 'x'.repeat(AUTH_FILE_MAX_BYTES) }));
    assert.match((await readAuthFile(big, { origin: 'process' }) as { reason: string }).reason, /larger than 64 KB/);
    assert.match((await readAuthFile(join(scratch, 'missing'), { origin: 'process' }) as { reason: string }).reason, /does not exist/);
    assert.match((await readAuthFile(scratch, { origin: 'process' }) as { reason: string }).reason, /not a regular file/);
    assert.match((await readAuthFile('relative.json', { origin: 'process' }) as { reason: string }).reason, /relative path/);
    const fifo = join(scratch, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status === 0) {
      assert.match((await readAuthFile(fifo, { origin: 'process' }) as { reason: string }).reason, /not a regular file/);
    }
  });
});
