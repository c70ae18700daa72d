// `npm start`: builds and packages the extension, then opens it in a real VS Code (code-server) on 127.0.0.1
// with a demo Python workspace, and prints the address to open. Stops everything on Ctrl+C.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, REPO_ROOT, startCodeServer } from './vscode';
// @ts-expect-error plain ESM helper without type declarations
import { ensureCodeServer, ensureDebianPackages } from './toolchain.mjs';

async function main(): Promise<void> {
  ensureDebianPackages();
  ensureCodeServer();
  const build = spawnSync('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);

  const root = mkdtempSync(join(tmpdir(), 'azure-dev-auth-start-'));
  const demo = join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');
  const workspaceFiles = Object.fromEntries(readdirSync(demo).map((f) => [f, readFileSync(join(demo, f), 'utf8')]));
  const port = Number(process.env.PORT ?? 8080);
  const server = await startCodeServer({ root, port, workspaceFiles }).catch(async (error) => {
    if (process.env.PORT) throw error;
    console.warn(`port ${port} is taken; using a free one`);
    return startCodeServer({ root, workspaceFiles });
  });
  console.log(`\nAzure Dev Auth is running in VS Code at ${server.url}?folder=${encodeURIComponent(server.dirs.workspace)}`);
  console.log('Open that address in a browser. Press Ctrl+C to stop.\n');

  const stop = () => {
    killGroup(server.child);
    setTimeout(() => { rmSync(root, { recursive: true, force: true }); process.exit(0); }, 500);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.child.on('exit', (code) => {
    console.log(`code-server exited (${code})`);
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
