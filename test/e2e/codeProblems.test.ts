// The Problems panel in a real VS Code against the sandbox: an exclude_cli_credential=True in the code while az is
// the only source signed in is a warning on the keyword, whose quick fix removes it (and the chain then finds
// alice); a .env holding AZURE_CLIENT_SECRET that git tracks is a warning whose quick fixes add the .gitignore line
// and copy the `git rm --cached` command, which real bash runs — and the repository's core.fsmonitor program, which
// git itself would run, never runs.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { quoteBash } from '../../src/core/team/commands';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';

let sandbox: Sandbox;
let home: string;

async function az(args: string[]): Promise<void> {
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), args, { env, timeout: 30_000 });
}

const APP = [
  'from azure.identity import DefaultAzureCredential',
  '',
  'credential = DefaultAzureCredential(',
  '    exclude_cli_credential=True,',
  '    process_timeout=30,',
  ')',
  '',
].join('\n');
const TENANT_APP = [
  'from azure.identity import DefaultAzureCredential',
  '',
  'credential = DefaultAzureCredential(tenant_id="contoso.example", process_timeout=30)',
  '',
].join('\n');
const ENV = 'AZURE_CLIENT_ID=00000000-0000-0000-0000-00000000c11e\nAZURE_CLIENT_SECRET=not-a-real-secret\n';

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  await az(['login', '--username', alice.upn, '--password', alice.password]);
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { 'app.py': APP, 'tenant.py': TENANT_APP, '.env': ENV },
    viewport: { width: 1400, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** The Problems panel's entries (their accessible labels, which hold the message). */
async function problems(): Promise<string[]> {
  const { page } = suite.vscode;
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
}

async function waitForProblems(predicate: (entries: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await problems();
    if (predicate(last)) return last;
    await suite.vscode.page.waitForTimeout(250);
  }
  assert.fail(`the Problems panel did not become as expected: ${JSON.stringify(last)}`);
}

async function showProblems(): Promise<void> {
  const { page } = suite.vscode;
  if (await page.locator('.markers-panel').isVisible().catch(() => false)) return;
  await suite.vscode.runCommand('Problems: Focus on Problems View');
  await page.locator('.markers-panel').waitFor({ state: 'visible' });
}

/** Opens the problem in its editor (as a double click in the panel does) and applies the quick fix with this title. */
async function quickFix(problem: RegExp, title: string): Promise<void> {
  const { page } = suite.vscode;
  await page.locator('.markers-panel .monaco-list-row', { hasText: problem }).first().dblclick();
  const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  // The editor may still be opening (the first time a file is shown): ask again until the menu is there.
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+.');
    if (await item.waitFor({ state: 'visible', timeout: 4_000 }).then(() => true, () => false)) {
      await item.click();
      return;
    }
    await page.keyboard.press('Escape');
    await page.locator('.editor-group-container.active .view-lines').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await page.locator('.markers-panel .monaco-list-row', { hasText: problem }).first().dblclick();
  }
  assert.fail(`no quick fix "${title}"`);
}

/** Real git with no config of the user's or the system's, no hooks and no fsmonitor: the test's own setup. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', ...args], {
    cwd, encoding: 'utf8', env: {
      PATH: process.env.PATH ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com',
    },
  });
}

suite.test('exclude_cli_credential=True while az is the only source signed in: a warning on the keyword, and "Remove" makes the chain find alice', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openFile('app.py');
  await showProblems();
  await waitForProblems((e) => e.some((p) => p.includes('exclude_cli_credential=True leaves out Azure CLI')));
  const found = (await problems()).find((p) => p.includes('exclude_cli_credential=True'))!;
  assert.match(found, /leaves out Azure CLI, the only source signed in \(as alice@[^)]+\): DefaultAzureCredential finds no token/);
  await quickFix(/exclude_cli_credential=True leaves out/, 'Remove exclude_cli_credential=True');
  // The edit, in the editor: the keyword's line is gone, the rest of the call stays.
  await vscode.page.waitForFunction(() => !document.querySelector('.editor-group-container.active .view-lines')?.textContent?.includes('exclude_cli_credential'));
  const lensText = vscode.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration');
  await vscode.page.waitForFunction(() => [...document.querySelectorAll('.editor-group-container.active .codelens-decoration')].some((e) => e.textContent?.startsWith('→ alice')), undefined, { timeout: 60_000 });
  assert.match((await lensText.allInnerTexts())[0]!, /^→ alice through Azure CLI/);
  await waitForProblems((e) => !e.some((p) => p.includes('exclude_cli_credential')));
});

suite.test('DefaultAzureCredential(tenant_id=…): an error on the keyword (the interpreter\'s azure-identity raises TypeError), and "Remove" makes the chain find alice', async () => {
  const { vscode } = suite;
  await vscode.openFile('tenant.py');
  await showProblems();
  await waitForProblems((e) => e.some((p) => p.includes('DefaultAzureCredential takes no tenant_id')));
  const found = (await problems()).find((p) => p.includes('takes no tenant_id'))!;
  assert.match(found, /azure-identity 1\.13\.0b2 raises TypeError when it is built, so the app never gets a token/);
  // The lens above the call says the same thing the chain says: the constructor raises.
  await vscode.page.waitForFunction(() => [...document.querySelectorAll('.editor-group-container.active .codelens-decoration')].some((e) => /TypeError/.test(e.textContent ?? '')), undefined, { timeout: 60_000 });
  await quickFix(/takes no tenant_id/, 'Remove tenant_id=…');
  await vscode.page.waitForFunction(() => !document.querySelector('.editor-group-container.active .view-lines')?.textContent?.includes('tenant_id'));
  await vscode.page.waitForFunction(() => [...document.querySelectorAll('.editor-group-container.active .codelens-decoration')].some((e) => e.textContent?.startsWith('→ alice')), undefined, { timeout: 60_000 });
  await waitForProblems((e) => !e.some((p) => p.includes('tenant_id')));
});

suite.test('a .env with AZURE_CLIENT_SECRET that git tracks: a warning; the .gitignore line and the copied git rm --cached (run by bash) clear it; core.fsmonitor never runs', async () => {
  const { vscode } = suite;
  const workspace = vscode.workspace;
  const marker = join(workspace, '..', 'fsmonitor-ran');
  const monitor = join(workspace, '..', 'monitor.sh');
  writeFileSync(monitor, `#!/bin/sh\ntouch '${marker}'\n`);
  chmodSync(monitor, 0o755);
  git(workspace, 'init', '-q');
  git(workspace, 'add', '.env', 'app.py');
  // The usual leak: the .env was committed.
  git(workspace, 'commit', '-q', '-m', 'app');
  git(workspace, 'config', 'core.fsmonitor', monitor);
  // The developer edits the .env (the chain checks again).
  appendFileSync(join(workspace, '.env'), '# local settings\n');
  await showProblems();
  await waitForProblems((e) => e.some((p) => p.includes('git tracks .env, which holds AZURE_CLIENT_SECRET')));

  await quickFix(/git tracks \.env/, 'Add /.env to .gitignore');
  // The file is created, then the line is written and saved.
  const ignoreFile = join(workspace, '.gitignore');
  const read = () => (existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : undefined);
  const deadline = Date.now() + 15_000;
  while (read() !== '/.env\n' && Date.now() < deadline) await vscode.page.waitForTimeout(200);
  assert.equal(read(), '/.env\n');
  // Ignoring does not untrack: the warning stays.
  await vscode.page.waitForTimeout(1500);
  assert.ok((await problems()).some((p) => p.includes('git tracks .env')));

  const copied = await vscode.clipboardAfter(() => quickFix(/git tracks \.env/, 'Copy "git rm --cached" (bash)'));
  assert.equal(copied, `git -C ${quoteBash(workspace)} rm --cached -- .env`);
  execFileSync('bash', ['-c', copied], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_PARAMETERS: "'core.fsmonitor'='false'" } });
  assert.equal(git(workspace, 'ls-files').split('\n').filter(Boolean).join(','), 'app.py');
  await waitForProblems((e) => !e.some((p) => p.includes('git tracks')));
  assert.ok(!existsSync(marker), 'the repository\'s core.fsmonitor program ran');
});

suite.test('AZURE_TOKEN_CREDENTIALS in the .env that the interpreter\'s azure-identity does not read: a warning, and the quick fix removes the line', async () => {
  const { vscode } = suite;
  const envFile = join(vscode.workspace, '.env');
  appendFileSync(envFile, 'AZURE_TOKEN_CREDENTIALS=dev\n');
  await showProblems();
  // The Debian build in /usr/bin/python3 is older than 1.23, where the variable came in.
  const entries = await waitForProblems((e) => e.some((p) => p.includes('does not read AZURE_TOKEN_CREDENTIALS')));
  assert.match(entries.find((p) => p.includes('AZURE_TOKEN_CREDENTIALS'))!, /azure-identity \S+ does not read AZURE_TOKEN_CREDENTIALS \(it came in 1\.23\): "dev" narrows nothing/);
  await quickFix(/does not read AZURE_TOKEN_CREDENTIALS/, 'Remove AZURE_TOKEN_CREDENTIALS from .env');
  await waitForProblems((e) => !e.some((p) => p.includes('AZURE_TOKEN_CREDENTIALS')));
  await vscode.page.waitForFunction(() => !document.querySelector('.editor-group-container.active .view-lines')?.textContent?.includes('AZURE_TOKEN_CREDENTIALS'));
});
