// `npm run bench -- code`: analysing a workspace of 2,000 Python files for their credential constructions with the
// real Python grammar (tree-sitter in WebAssembly), then again with nothing changed, then after one file changed.
// Goal: the first analysis under 2 s, and nothing re-parsed that did not change. Then the Problems panel's workspace
// pass over the same index: every file's track-1 and SDK-client problems, as after a chain check or an Access refresh
// (clients are judged without an Access report here: the reading of the endpoint, through names and .env, is what is
// timed). Prints numbers, never asserts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFile, readFileSync, rmSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { clientAccess, clientDiagnosticMessage } from '../../src/core/code/clientAccess';
import { CredentialIndex, type SourceFile } from '../../src/core/code/credentialIndex';
import { ParsePool } from '../../src/core/code/parsePool';
import { legacyAuthProblems } from '../../src/core/code/legacyAuth';

const FILES = 2000;
const REPO = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ada-code-bench-'));

function source(i: number): string {
  // A realistic mix: a third of the files use azure-identity, in the shapes real code has; the rest are plain modules.
  const body = Array.from({ length: 40 }, (_, j) => `def handler_${i}_${j}(request, *args, **kwargs):\n    value = request.get("key_${j}")\n    return {"id": ${j}, "value": value}\n`).join('\n');
  if (i % 3 !== 0) return `"""Module ${i}."""\nimport json\n\n${body}`;
  return [
    'import os',
    'from azure.identity import DefaultAzureCredential as DAC, ChainedTokenCredential, AzureCliCredential, ManagedIdentityCredential',
    'from azure.storage.blob import BlobServiceClient',
    '',
    `credential_${i} = DAC(`,
    '    exclude_managed_identity_credential=True,',
    `    process_timeout=${10 + (i % 20)},`,
    '    additionally_allowed_tenants=["*"],',
    ')',
    'fallback = ChainedTokenCredential(ManagedIdentityCredential(client_id=os.environ["CLIENT_ID"]), AzureCliCredential())',
    `blobs = BlobServiceClient(account_url="https://st${i}.blob.core.windows.net", credential=credential_${i})`,
    'ACCOUNT_URL = os.environ["AZURE_STORAGE_ACCOUNT_URL"]',
    `NAME = "st${i}"`,
    'archive = BlobServiceClient(ACCOUNT_URL, credential=fallback)',
    'backup = BlobServiceClient(f"https://{NAME}.blob.core.windows.net", fallback)',
    'from azure.common.client_factory import get_client_from_cli_profile',
    'from azure.mgmt.compute import ComputeManagementClient',
    'compute = get_client_from_cli_profile(ComputeManagementClient)',
    '',
    body,
  ].join('\n');
}

async function main(): Promise<void> {
  const paths: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const path = join(dir, `module_${i}.py`);
    writeFileSync(path, source(i));
    paths.push(path);
  }
  const stamp = (path: string): SourceFile => { const s = statSync(path); return { path, mtimeMs: s.mtimeMs, size: s.size }; };
  // Read as the extension reads a workspace's files (fs.readFile with a callback, see workspaceProblems.ts).
  const read = (path: string) => new Promise<string>((resolve, reject) => readFile(path, 'utf8', (error, text) => (error ? reject(error) : resolve(text))));
  const bytes = paths.reduce((sum, p) => sum + statSync(p).size, 0);

  // As the extension analyses a workspace: the files parsed in worker threads (started, and their grammar loaded,
  // within the timed analysis). Then, for comparison, the same files parsed in this one thread, whose grammar was
  // loaded beforehand.
  // The bundled worker, as VS Code and the CLI run it (built now if this checkout has no build).
  const bundled = join(REPO, 'dist', 'parseWorker.js');
  if (!existsSync(bundled)) execFileSync(process.execPath, ['build.mjs'], { cwd: REPO, stdio: 'ignore' });
  const pool = new ParsePool({ script: bundled });
  const index = new CredentialIndex((text, signal) => pool.facts(text, signal));
  // How long the event loop waited at worst while the workspace was read: in VS Code, the extension host's pause.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t0 = performance.now();
  const first = await index.update(paths.map(stamp), read);
  const firstMs = performance.now() - t0;
  delay.disable();
  const calls = index.all().reduce((sum, f) => sum + f.calls.length, 0);

  const inThread = new CredentialIndex();
  await inThread.update([stamp(paths[0]!)], read); // loads the WebAssembly runtime and grammar once, not timed
  const threadDelay = monitorEventLoopDelay({ resolution: 1 });
  threadDelay.enable();
  const tt = performance.now();
  await inThread.update(paths.map(stamp), read);
  const threadMs = performance.now() - tt;
  threadDelay.disable();
  const threadCalls = inThread.all().reduce((sum, f) => sum + f.calls.length, 0);
  if (threadCalls !== calls) throw new Error(`the workers found ${calls} constructions, this thread ${threadCalls}`);

  const t1 = performance.now();
  const again = await index.update(paths.map(stamp), read);
  const againMs = performance.now() - t1;

  const changed = paths[3]!;
  writeFileSync(changed, `${readFileSync(changed, 'utf8')}\nextra = DAC(exclude_cli_credential=True)\n`);
  utimesSync(changed, new Date(), new Date(Date.now() + 1000));
  const t2 = performance.now();
  const one = await index.update(paths.map(stamp), read);
  const oneMs = performance.now() - t2;

  console.log(`code: ${FILES} Python files, ${(bytes / 1024 / 1024).toFixed(1)} MB, ${calls} credential constructions found`);
  // Files read and files parsed differ: a file naming neither the Azure SDKs nor openai is read, never parsed.
  console.log(`  first analysis      ${firstMs.toFixed(0)} ms (${first.read} files read, ${first.parsed} parsed in ${pool.size} worker threads, started within it; goal 2000 ms: ratio ${(firstMs / 2000).toFixed(2)})`);
  console.log(`  longest pause of the event loop during it: ${(delay.max / 1e6).toFixed(0)} ms (goal under 50 ms)`);
  console.log(`  the same in this thread: ${threadMs.toFixed(0)} ms, longest pause ${(threadDelay.max / 1e6).toFixed(0)} ms (workers/thread: ${(firstMs / threadMs).toFixed(2)})`);
  console.log(`  nothing changed     ${againMs.toFixed(0)} ms (${again.read} files read, ${again.parsed} parsed)`);
  console.log(`  one file changed    ${oneMs.toFixed(0)} ms (${one.read} file read, ${one.parsed} parsed)`);

  // The Problems panel's pass over every file of the index (what a chain check or an Access refresh redraws).
  const env = { AZURE_STORAGE_ACCOUNT_URL: 'https://stsandboxapp.blob.core.windows.net' };
  const t3 = performance.now();
  let problems = 0;
  let clients = 0;
  let resolved = 0;
  for (const path of paths) {
    const facts = index.factsIn(path);
    if (!facts) continue;
    problems += legacyAuthProblems(facts.legacy, undefined).length;
    for (const call of facts.clients) {
      clients++;
      if (call.endpoint && call.endpoint.kind !== 'unknown') resolved++;
      if (clientDiagnosticMessage(clientAccess(call, { access: undefined, env, definitions: undefined })) !== undefined) problems++;
    }
  }
  const problemsMs = performance.now() - t3;
  console.log(`  workspace problems  ${problemsMs.toFixed(0)} ms (${FILES} files, ${problems} problems, ${clients} clients, ${resolved} endpoints known; no re-parse)`);
  console.log(`  first analysis + problems ${(firstMs + problemsMs).toFixed(0)} ms (goal 2000 ms: ratio ${((firstMs + problemsMs) / 2000).toFixed(2)})`);
  pool.dispose();
  rmSync(dir, { recursive: true, force: true });
}

void main();
