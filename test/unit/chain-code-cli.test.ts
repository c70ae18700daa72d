// `azure-dev-auth chain --code FILE[:LINE]`: which call of the file is modelled, what the model takes from it (as the
// Credential Chain view does), what it cannot know, and how a hostile file is refused or shown.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { formatReport, main, parseChainArgs } from '../../src/cli/main';
import { codeCallIn, codeCallLines, parseCodeLocation } from '../../src/core/code/codeModel';
import type { ChainReport } from '../../src/core/chain/types';

const scratch = mkdtempSync(join(tmpdir(), 'chain-code-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const APP = [
  'import os',
  'from azure.identity import DefaultAzureCredential as DAC, ChainedTokenCredential, AzureCliCredential, EnvironmentCredential',
  '',
  'def make(flag, **kw):',
  '    first = DAC(',
  '        exclude_cli_credential=True,',
  '        exclude_environment_credential=flag,',
  '        process_timeout=7,',
  '        managed_identity_client_id="00000000-0000-0000-0000-000000000001", additionally_allowed_tenants=["*"],',
  '        **kw,',
  '    )',
  '    second = ChainedTokenCredential(EnvironmentCredential(), AzureCliCredential(tenant_id="contoso.onmicrosoft.com"), app.fallback)',
  '    third = AzureCliCredential(tenant_id="fabrikam.onmicrosoft.com", process_timeout=timeout(), subscription="x")',
  '    return first, second, third',
].join('\n');

test('--code FILE[:LINE]: the line is optional and at least 1', () => {
  assert.deepEqual(parseCodeLocation('app.py'), { file: 'app.py' });
  assert.deepEqual(parseCodeLocation('src/app.py:12'), { file: 'src/app.py', line: 12 });
  assert.deepEqual(parseCodeLocation('C:12'), { file: 'C', line: 12 });
  assert.throws(() => parseCodeLocation('app.py:0'), /the line must be 1 or more/);
  assert.deepEqual(parseChainArgs(['--code', 'app.py:5', '--exclude', 'AzureCliCredential']).code, { file: 'app.py', line: 5 });
  assert.deepEqual(parseChainArgs(['--code=app.py']).code, { file: 'app.py' });
});

test('the first call, or the one at or after the line; DefaultAzureCredential as the view models it', async () => {
  const first = await codeCallIn(APP, { file: 'app.py' });
  assert.equal(first.credential, 'DefaultAzureCredential');
  assert.equal(first.where, 'DefaultAzureCredential at app.py:5');
  assert.equal(first.call, 'DefaultAzureCredential(exclude_cli_credential=True, process_timeout=7, managed_identity_client_id="00000000-0000-0000-0000-000000000001")');
  assert.ok(first.credential === 'DefaultAzureCredential');
  assert.deepEqual(first.keywordArguments, {
    exclude: { AzureCliCredential: true }, processTimeoutSeconds: 7, managedIdentityClientId: '00000000-0000-0000-0000-000000000001',
  });
  assert.deepEqual(first.notKnown, ['exclude_environment_credential', '**kwargs']);
  assert.deepEqual(first.notModelled, []);
  // It matters only for a token of another tenant (get_token(..., tenant_id=…)); the check asks for the default one.
  assert.deepEqual(first.noEffect, ['additionally_allowed_tenants']);
  // A line inside the multi-line call is that call; a line after it is the next one.
  assert.equal((await codeCallIn(APP, { file: 'app.py', line: 8 })).line, 5);
  const chained = await codeCallIn(APP, { file: 'app.py', line: 12 });
  assert.equal(chained.where, 'ChainedTokenCredential at app.py:12');
  assert.ok(chained.credential === 'ChainedTokenCredential');
  assert.deepEqual(chained.members.map((m) => (m.kind === 'credential' ? m.credential : m.text)), ['EnvironmentCredential', 'AzureCliCredential', 'app.fallback']);
  assert.deepEqual(chained.notKnown, ['member 3 (app.fallback)']);
  assert.equal(chained.call, 'ChainedTokenCredential(EnvironmentCredential(), AzureCliCredential(tenant_id="contoso.onmicrosoft.com"), app.fallback)');
  // A credential built on its own is modelled alone; the chain's own members (line 12) are not.
  const lone = await codeCallIn(APP, { file: 'app.py', line: 13 });
  assert.ok('lone' in lone);
  assert.equal(lone.where, 'AzureCliCredential at app.py:13');
  assert.equal(lone.call, 'AzureCliCredential(tenant_id="fabrikam.onmicrosoft.com", subscription=…, process_timeout=…)');
  assert.deepEqual(lone.notKnown, ['process_timeout']);
  assert.deepEqual(lone.notModelled, ['subscription']);
  assert.deepEqual(codeCallLines(lone, { applied: [], notApplied: ['--exclude AzureCliCredential'] }), [
    'Code: AzureCliCredential at app.py:13 — built on its own',
    `  ${lone.call}`,
    '  Not known from the source: process_timeout',
    '  Not modelled (checked as if not passed): subscription',
    '  Not applied: --exclude AzureCliCredential — AzureCliCredential has no such keywords',
  ]);
  await assert.rejects(codeCallIn(APP, { file: 'app.py', line: 14 }), /builds no credential that the chain models at or after line 14/);
  // Without a line, DefaultAzureCredential comes before a credential built on its own, wherever it is.
  assert.equal((await codeCallIn('from azure.identity import *\nside = AzureCliCredential()\nmain = DefaultAzureCredential()\n', { file: 'x.py' })).credential, 'DefaultAzureCredential');
  assert.equal((await codeCallIn('from azure.identity import *\nonly = ManagedIdentityCredential(client_id="abc")\n', { file: 'x.py' })).call, 'ManagedIdentityCredential(client_id="abc")');
  await assert.rejects(codeCallIn('DefaultAzureCredential()\n', { file: 'x.py' }), /imported from azure\.identity/);
  assert.deepEqual(codeCallLines(chained, { applied: [], notApplied: ['--exclude AzureCliCredential'] }), [
    'Code: ChainedTokenCredential at app.py:12 — 3 members, in the order written',
    `  ${chained.call}`,
    '  Not known from the source: member 3 (app.fallback)',
    '  Not applied: --exclude AzureCliCredential — ChainedTokenCredential has no such keywords',
  ]);
});

test('a file --code names is read only when it is a regular file of at most 1 MB: usage errors, exit status 2', async (t) => {
  const fifo = join(scratch, 'app-fifo.py');
  execFileSync('mkfifo', [fifo]);
  const big = join(scratch, 'big.py');
  writeFileSync(big, `from azure.identity import DefaultAzureCredential\n${'#'.repeat(1024 * 1024)}\nDefaultAzureCredential()\n`);
  const none = join(scratch, 'none.py');
  writeFileSync(none, 'print("no credential here")\n');
  const errors: string[] = [];
  const originalErr = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { errors.push(String(chunk)); return true; }) as typeof process.stderr.write;
  t.after(() => { process.stderr.write = originalErr; });
  const started = Date.now();
  // --azure-identity-version: nothing else is asked before the file is read (no interpreter, no source).
  assert.equal(await main(['chain', '--code', fifo, '--azure-identity-version', '1.23.1']), 2);
  assert.equal(await main(['chain', '--code', big, '--azure-identity-version', '1.23.1']), 2);
  assert.equal(await main(['chain', '--code', `${none}:1`, '--azure-identity-version', '1.23.1']), 2);
  assert.equal(await main(['chain', '--code', scratch, '--azure-identity-version', '1.23.1']), 2);
  process.stderr.write = originalErr;
  assert.ok(Date.now() - started < 5000, 'a FIFO without a writer does not hang the read');
  assert.match(errors[0]!, /named pipe \(FIFO\), not a regular file/);
  assert.match(errors[1]!, /larger than|too large|1 MB|MiB/i);
  assert.match(errors[2]!, /builds no credential that the chain models/);
  assert.match(errors[3]!, /a directory, not a regular file/);
});

test('the header names the call; what the file writes stays text in the terminal', async () => {
  // A member written as a call whose string holds ESC and a right-to-left override: shown escaped, never obeyed.
  const source = 'from azure.identity import ChainedTokenCredential, AzureCliCredential\n'
    + 'c = ChainedTokenCredential(AzureCliCredential(), make("\u001b[2J\u202eevil"))\n';
  const model = await codeCallIn(source, { file: 'app.py' });
  const report: ChainReport = {
    azureIdentityVersion: '1.23.1', versionSource: 'flag', verification: null, sources: [],
    verdict: { outcome: 'failure', credential: null, message: 'no token' },
    code: { ...model, overrides: { applied: [], notApplied: [] } },
  };
  const text = formatReport(report, { columns: 100 });
  const lines = text.split('\n');
  assert.equal(lines[0], 'Code: ChainedTokenCredential at app.py:2 — 2 members, in the order written');
  assert.match(text, /make\("\\x1B\[2J\\u202Eevil"\)/);
  // eslint-disable-next-line no-control-regex -- the point: no raw control or direction character reaches the terminal
  assert.doesNotMatch(text, /[\u001b\u202e]/);
});
