// The sandbox command line (`npm run sandbox -- --print-env`): the export lines, a signed-in demo developer for
// `npm start`, and a clean stop on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

test('--print-env prints the exports, --demo-home signs alice in everywhere, SIGTERM stops it', async () => {
  await ensureToolsBuilt();
  const home = mkdtempSync(join(tmpdir(), 'sandbox-cli-home-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'sandbox-cli-state-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'sandbox', 'main.ts'), '--print-env', '--state-dir', stateDir, '--demo-home', home], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    const deadline = Date.now() + 55_000;
    while (!stderr.includes('[sandbox] ready')) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`the sandbox did not get ready:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lines = stdout.trim().split('\n');
    assert.match(lines.pop()!, /^# Chromium: --ignore-certificate-errors-spki-list=[A-Za-z0-9+/]{43}=$/);
    const env = Object.fromEntries(lines.map((line) => {
      const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
      assert.ok(match, `not an export line: ${line}`);
      return [match[1]!, match[2]!.replace(/^'(.*)'$/, '$1')];
    }));
    assert.deepEqual(Object.keys(env).sort(), ['AZURE_AUTHORITY_HOST', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_DEV_AUTH_GRAPH', 'AZURE_DEV_AUTH_RESOURCE_MANAGER', 'AZURE_DEV_AUTH_SANDBOX_URL', 'AZURE_TENANT_ID', 'HTTPS_PROXY', 'HTTP_PROXY', 'NODE_EXTRA_CA_CERTS', 'NO_PROXY', 'PATH', 'REQUESTS_CA_BUNDLE'].sort());
    assert.equal(env.NODE_EXTRA_CA_CERTS, join(stateDir, 'ca.pem'));
    assert.match(readFileSync(env.NODE_EXTRA_CA_CERTS!, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    assert.ok(env.PATH!.startsWith(`${join(stateDir, 'bin')}:`));
    assert.ok(!stderr.includes(env.AZURE_CLIENT_SECRET!), 'no secret on stderr');
    const toolEnv = { PATH: env.PATH!, HOME: home, AZURE_DEV_AUTH_SANDBOX_URL: env.AZURE_DEV_AUTH_SANDBOX_URL!, NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS! };
    const show = await run('az', ['account', 'show'], { env: toolEnv, timeoutMs: 30_000 });
    assert.equal((JSON.parse(show.stdout) as { user: { name: string } }).user.name, 'alice@contososandbox.onmicrosoft.com', show.stderr);
    assert.equal((await run('azd', ['auth', 'login', '--check-status'], { env: toolEnv, timeoutMs: 30_000 })).stdout, 'Logged in to Azure as alice@contososandbox.onmicrosoft.com\n');
    assert.ok(existsSync(join(home, '.Azure', 'AzureRmContext.json')));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
});

// What the README's first screen tells a newcomer to type: a shell evaluates the sandbox's printed lines (nothing
// but exports and comments reach standard output: the project's .npmrc sends npm's banner to standard error, so it
// cannot create files or run words, with or without --silent), the sandbox
// keeps serving in the background, and in the demo tenant alice may create the security group the group wizard
// makes, which the default (restricted) tenant refuses.
test('eval "$(npm run sandbox -- --print-env --detach …)" configures a shell; the demo tenant lets alice create a group', async () => {
  await ensureToolsBuilt();
  const work = mkdtempSync(join(tmpdir(), 'sandbox-eval-'));
  const script = String.raw`
set -eu
cd "$REPO"
out=$(npm run $QUIET sandbox -- --print-env --detach --seed-preset "$PRESET")
printf '%s\n' "$out" > "$WORK/printed.txt"
eval "$out"
pid=$(printf '%s\n' "$out" | sed -n 's/.*Stop it: kill \([0-9][0-9]*\)$/\1/p')
trap 'kill "$pid" 2>/dev/null || true' EXIT
export HOME="$WORK/home-$PRESET"; mkdir -p "$HOME"
az login -u alice@contososandbox.onmicrosoft.com -p 'Alice-Sandbox-Pa55!' > /dev/null
token=$(az account get-access-token --resource https://graph.microsoft.com --query accessToken -o tsv)
curl -s -o /dev/null -w '%{http_code}\n' --noproxy '*' --cacert "$NODE_EXTRA_CA_CERTS" -X POST "$AZURE_DEV_AUTH_GRAPH/v1.0/groups" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"displayName":"app-local-dev","mailEnabled":false,"mailNickname":"app-local-dev","securityEnabled":true}'
kill "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { echo stopped; exit 0; }; sleep 0.1; done
echo "still running"
`;
  try {
    // The demo as the README writes it (npm's banner on), the restricted tenant with npm silenced.
    for (const [preset, status, quiet] of [['demo', '201', ''], ['default', '403', '--silent']] as const) {
      const r = await run('bash', ['-c', script], { cwd: work, env: { ...process.env, REPO: repoRoot, WORK: work, PRESET: preset, QUIET: quiet }, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${preset}: ${r.stderr}`);
      assert.deepEqual(r.stdout.trim().split('\n'), [status, 'stopped'], `${preset}: ${r.stderr}`);
      const printed = readFileSync(join(work, 'printed.txt'), 'utf8').trim().split('\n');
      for (const line of printed) assert.match(line, /^(export [A-Z_]+=|# )/, `only exports and comments on stdout: ${line}`);
      assert.ok(printed.some((line) => line.startsWith('export AZURE_DEV_AUTH_GRAPH=')));
    }
    assert.deepEqual(readdirSync(work).sort(), ['home-default', 'home-demo', 'printed.txt'], 'nothing printed was run as a command that made files');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
