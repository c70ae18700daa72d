// An endpoint passed through a name, in a real VS Code against the sandbox, signed in as alice through the fake az:
// the demo app reads AZURE_STORAGE_ACCOUNT_URL (set in .env) into a module-level ACCOUNT_URL and passes the name;
// hovering the construction says read yes, write no "from AZURE_STORAGE_ACCOUNT_URL through ACCOUNT_URL"; a name
// assigned twice says why it is unknown. A job file that is never opened builds its client from an f-string of a
// literal name: the Problems panel lists it all the same.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';

const ACCESS = 'Access';
const STORAGE_INSIGHT = 'stsandboxapp: read only';
const DEMO = join(__dirname, '..', 'fixtures', 'demo-workspace');
const APP = [
  'import os',
  '',
  'from azure.identity import DefaultAzureCredential',
  'from azure.storage.blob import BlobServiceClient',
  '',
  'ACCOUNT_URL = os.environ["AZURE_STORAGE_ACCOUNT_URL"]',
  'BACKUP_URL = "https://stsandboxapp.blob.core.windows.net"',
  'if os.environ.get("USE_SECONDARY"):',
  '    BACKUP_URL = "https://stsandboxapp-secondary.blob.core.windows.net"',
  '',
  '',
  'def main() -> None:',
  '    credential = DefaultAzureCredential()',
  '    blobs = BlobServiceClient(ACCOUNT_URL, credential=credential)',
  '    backup = BlobServiceClient(BACKUP_URL, credential=credential)',
  '    return blobs, backup',
  '',
].join('\n');
const JOB = [
  'from azure.identity import DefaultAzureCredential',
  'from azure.storage.blob import BlobServiceClient',
  '',
  'ACCOUNT = "stsandboxapp"',
  '',
  '',
  'def archive():',
  '    archive_blobs = BlobServiceClient(account_url=f"https://{ACCOUNT}.blob.core.windows.net", credential=DefaultAzureCredential())',
  '    return archive_blobs',
  '',
].join('\n');

let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const account = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { ...Object.fromEntries(readdirSync(DEMO).map((f) => [f, readFileSync(join(DEMO, f), 'utf8')])), 'app.py': APP, 'jobs/archive.py': JOB },
    viewport: { width: 1600, height: 1100 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Where the editor draws `BlobServiceClient` on the line `line` matches: the point a person rests the pointer on. */
async function clientPoint(line: RegExp): Promise<{ x: number; y: number }> {
  const row = suite.vscode.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: line }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const point = await row.evaluate((el) => {
    const index = (el.textContent ?? '').indexOf('BlobServiceClient');
    if (index < 0) return null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let offset = index + 4;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.textContent?.length ?? 0;
      if (offset < length) {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        const rect = range.getBoundingClientRect();
        return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      }
      offset -= length;
    }
    return null;
  });
  assert.ok(point, 'the editor shows the BlobServiceClient call');
  return point;
}

/** Hovers the construction on `line` until the product's hover shows `pattern`. */
async function clientHover(line: RegExp, pattern: RegExp): Promise<string> {
  const { page } = suite.vscode;
  const hover = page.locator('.monaco-hover:visible .hover-contents', { hasText: /Azure Dev Auth · BlobServiceClient/ }).last();
  let last = '';
  for (let attempt = 1; attempt <= 20; attempt++) {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    const { x, y } = await clientPoint(line);
    await page.mouse.move(x, y);
    await page.mouse.move(x + 1, y);
    try {
      await hover.waitFor({ state: 'visible', timeout: 5_000 });
      last = await hover.innerText();
      if (pattern.test(last)) return last;
    } catch { /* not shown yet: point again */ }
    await page.waitForTimeout(1_000);
  }
  assert.fail(`the hover did not show ${pattern}: ${last}`);
}

suite.test('a client given a name read from os.environ: the hover says read yes, write no through the name; a name assigned twice says why it is unknown', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openView(ACCESS);
  await vscode.waitForRows(ACCESS, (rows) => rows.some((r) => r.label === STORAGE_INSIGHT), 90_000);
  await vscode.openFile('app.py');
  const text = await clientHover(/blobs\s=\sBlobServiceClient\(/, /read yes/);
  assert.match(text, /Alice Developer on storage account stsandboxapp \(from AZURE_STORAGE_ACCOUNT_URL through ACCOUNT_URL\): read yes, write no — add Storage Blob Data Contributor/);
  await vscode.screenshot('client-hover-name');
  const unknown = await clientHover(/backup\s=\sBlobServiceClient\(/, /unknown until the code runs/);
  assert.match(unknown, /The endpoint is unknown until the code runs \(BACKUP_URL\): BACKUP_URL is assigned more than once \(lines 7, 9\)/);
});

suite.test('a job never opened, whose client is built from an f-string of a literal name: the Problems panel lists it', async () => {
  const { page } = suite.vscode;
  if (!(await page.locator('.markers-panel').isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10_000 });
  }
  const expected = 'Alice Developer cannot do everything this client offers on storage account stsandboxapp: read yes, write no — add Storage Blob Data Contributor.';
  const deadline = Date.now() + 60_000;
  let rows: string[] = [];
  while (Date.now() < deadline) {
    rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((all) => all.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
    if (rows.some((r) => /in file archive\.py\b/.test(r)) && rows.filter((r) => r.includes(expected)).length >= 2) break;
    await page.waitForTimeout(250);
  }
  assert.ok(rows.some((r) => /in file archive\.py\b/.test(r)), JSON.stringify(rows));
  assert.equal(await page.locator('.tabs-container .tab', { hasText: 'archive.py' }).count(), 0, 'archive.py was never opened');
  await suite.vscode.screenshot('client-problems-workspace');
});
