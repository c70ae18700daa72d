// Helpers for tests that drive the sandbox tenant: HTTPS calls that trust its throw-away CA, building the fake
// tools on demand, locating the shared real captures, and running child processes with a hard timeout.
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Sandbox } from '../../../src/sandbox/server';

function findRepoRoot(): string {
  for (const start of [typeof __dirname === 'string' ? __dirname : '', process.cwd()]) {
    let dir = start ? resolve(start) : '';
    for (let i = 0; dir && i < 8; i++) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && /"name":\s*"azure-dev-auth"/.test(readFileSync(pkg, 'utf8'))) return dir;
      const parent = resolve(dir, '..');
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error('cannot find the azure-dev-auth repository root');
}

export const repoRoot = findRepoRoot();

/**
 * The real captures the sandbox must match: a copy of the shared realdata set (its README names every source) kept
 * in test/fixtures/realdata, so a clone anywhere can run the conformance tests. The sandbox serves the built-in roles
 * from its own copy, src/sandbox/data/builtin-roles.json, which the conformance tests compare with the captured set.
 */
export function realdataDir(): string {
  const dir = join(repoRoot, 'test', 'fixtures', 'realdata');
  if (!existsSync(join(dir, 'README.md'))) {
    throw new Error(`The real captures are missing: expected ${dir}. Conformance tests compare the sandbox against them.`);
  }
  return dir;
}

export function readCapture(relativePath: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(realdataDir(), relativePath), 'utf8')) as Record<string, unknown>;
}

export interface HttpsResult { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: unknown }

/** One HTTPS request that trusts the sandbox CA (this process started before the CA existed). */
export function sandboxFetch(
  sandbox: Pick<Sandbox, 'caFile'>,
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; form?: Record<string, string>; json?: unknown; timeoutMs?: number } = {},
): Promise<HttpsResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined = options.body;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  }
  const ca = readFileSync(sandbox.caFile, 'utf8');
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(url, { method, headers, ca, timeout: options.timeoutMs ?? 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Bearer token for a seeded principal straight from the sandbox's token endpoint. */
export async function clientCredentialsToken(sandbox: Sandbox, scope = 'https://management.azure.com/.default'): Promise<string> {
  const res = await sandboxFetch(sandbox, 'POST', `${sandbox.url}/${sandbox.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: 'client_credentials', client_id: sandbox.servicePrincipal.clientId, client_secret: sandbox.servicePrincipal.clientSecret, scope },
  });
  const body = res.json as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return body.access_token;
}

export async function userToken(sandbox: Sandbox, user: string, scope = 'https://management.azure.com/.default'): Promise<string> {
  const u = sandbox.users[user];
  if (!u) throw new Error(`unknown user ${user}`);
  const res = await sandboxFetch(sandbox, 'POST', `${sandbox.url}/organizations/oauth2/v2.0/token`, {
    form: { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: u.upn, password: u.password, scope: `${scope} openid profile offline_access` },
  });
  const body = res.json as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return body.access_token;
}

const TOOLS = ['az', 'azd', 'pwsh'] as const;

function newestMtime(dir: string): number {
  return Math.max(...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(dir, f)).mtimeMs));
}

/**
 * Builds dist/tools/{az,azd,pwsh}.js when missing or older than their sources, with the same esbuild settings as
 * build.mjs but only these entry points (the rest of the product may be mid-change while sandbox tests run).
 */
export async function ensureToolsBuilt(): Promise<void> {
  const toolsSrc = join(repoRoot, 'src', 'sandbox', 'tools');
  const newestSource = Math.max(newestMtime(toolsSrc), newestMtime(join(repoRoot, 'src', 'sandbox')));
  const outputs = TOOLS.map((t) => join(repoRoot, 'dist', 'tools', `${t}.js`));
  if (outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= newestSource)) return;
  await build({
    entryPoints: Object.fromEntries(TOOLS.map((t) => [`tools/${t}`, join(toolsSrc, `${t}.ts`)])),
    outdir: join(repoRoot, 'dist'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none',
  });
}

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }

/** Runs a process to completion with a hard timeout (the process group is killed when it expires). */
export function run(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr?.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolvePromise({ code, signal, stdout, stderr, timedOut }); });
    child.stdin?.on('error', () => undefined); // the child may exit before reading its input
    child.stdin?.end(options.input ?? '');
  });
}
