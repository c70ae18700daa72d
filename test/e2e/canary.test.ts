// Nothing shows a token or a secret, in a real VS Code. Each test puts the workspace in one state whose probe
// answers carry canaries: a JWT-shaped token in free text, an opaque token in token fields (access_token,
// accessToken, "token"), an Authorization header and Azure PowerShell's azsdk% line, and the secrets the
// environment holds (AZURE_CLIENT_SECRET, IDENTITY_HEADER, MSI_SECRET) echoed back by a managed-identity endpoint
// on loopback, by the sandbox's Entra ID and by fake az, azd and pwsh. Then it reads everything a person can see:
// every row of the Credential Chain view with its description and its tooltip (hovered), the headline, the status
// bar and its tooltip, what Copy Details puts on the clipboard for every source row, the notifications and the whole
// log. None may contain a canary; and the row that got the canary answer must quote it as "<redacted>", so a test
// that never reached the answer cannot pass.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { ALL_CREDENTIALS } from '../../src/core/chain/types';
import { displayName } from '../../src/core/presentation/chainRows';
import { REDACTED } from '../../src/core/redact';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { pythonRowLabel } from '../../src/core/presentation/snapshotView';
import { describeInVSCode } from '../harness/e2e';
import { ensurePythonAzureIdentityEnvs, type PythonAzureIdentityEnv } from '../harness/python-envs.mjs';
import type { TreeRow } from '../harness/vscode';

const STATUS = 'azureDevAuth.status';
const CHAIN = 'Credential Chain';

// Every canary spells CANARY in capitals (the JWT in its signature), a word no real message contains, so finding
// the word anywhere is a leak even when a redaction cut a canary in half.
const CANARY_JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IkNBTkFSWSJ9.eyJvaWQiOiJjYW5hcnktand0In0.CANARY-JWT-SIGNATURE';
const CANARY_TOKEN = 'opaque-token-CANARY-91c2f0';
const CANARY_SECRET = 'client-secret-CANARY-5e1d77';
const CANARY_HEADER_SECRET = 'identity-header-CANARY-0b3e';
const NEEDLES = ['CANARY', CANARY_JWT, ...CANARY_JWT.split('.'), CANARY_TOKEN, CANARY_SECRET, CANARY_HEADER_SECRET];

const SOURCE_LABELS: ReadonlySet<string> = new Set(ALL_CREDENTIALS.map((c) => displayName(c)));
const DEBIAN_PYTHON = '/usr/bin/python3';

let sandbox: Sandbox;
let mi: Server;
let miUrl: string;
let scratch: string;
let bin: string;
/** A newer azure-identity (1.26 from Debian sid, else 1.23 from Debian 13): its chain has azd, 1.13's does not. */
let newer: PythonAzureIdentityEnv | undefined;
/** Header secrets the managed-identity endpoint received: proof that the probe sent the canary and got its answer. */
const receivedHeaderSecrets: string[] = [];

/**
 * A managed-identity endpoint whose every answer carries canaries. Error answers echo the header secret the
 * request carried, as a misbehaving proxy in front of an endpoint might.
 */
function managedIdentity(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const path = new URL(req.url ?? '/', 'http://loopback').pathname;
  const sent = String(req.headers['x-identity-header'] ?? req.headers.secret ?? '');
  if (sent) receivedHeaderSecrets.push(sent);
  if (path === '/no-expiry') {
    // A token without expires_on: azure-identity 1.13 quotes the whole body after "Content:".
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: CANARY_TOKEN, token_type: 'Bearer', resource: 'https://management.azure.com', note: `issued ${CANARY_JWT}` }));
    return;
  }
  if (path === '/echo-text') {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`upstream refused the request with header ${sent}\nAuthorization: Bearer ${CANARY_TOKEN}\nlast token ${CANARY_JWT}`);
    return;
  }
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'invalid_request', error_description: `bad secret ${sent}; last token ${CANARY_JWT}`, access_token: CANARY_TOKEN }));
}

/** A stand-in for a developer tool: prints `stdout` and `stderr` whatever it is asked, and exits with `rc`. */
function fakeTool(name: string, stdout: string, stderr: string, rc: number): void {
  const file = join(bin, name);
  writeFileSync(file, `#!/bin/sh\ncat <<'OUT'\n${stdout}\nOUT\ncat >&2 <<'ERR'\n${stderr}\nERR\nexit ${rc}\n`);
  chmodSync(file, 0o755);
}

/** The tools as on a machine where they work: no canary, and not signed in. */
function quietTools(): void {
  for (const name of ['az', 'azd']) fakeTool(name, '', "ERROR: Please run 'az login' to setup account.", 1);
  fakeTool('pwsh', '', 'Run Connect-AzAccount to login.', 1);
}

/** Tools whose output carries the canaries: unparsable stdout (rc 0) or error text on stderr (rc 1). */
function canaryTools(rc: 0 | 1): void {
  if (rc === 0) {
    fakeTool('az', `{"accessToken": "${CANARY_TOKEN}", "expiresOn": "not a date", "note": "${CANARY_JWT}"}`, '', 0);
    fakeTool('azd', `{"token": "${CANARY_TOKEN}", "expiresOn": "never", "note": "${CANARY_JWT}"}`, '', 0);
    // No word starts with "azsdk%", so Python quotes the whole output, token line included.
    fakeTool('pwsh', `WARNING: ${CANARY_JWT} token=${CANARY_TOKEN}\nresult:azsdk%${CANARY_TOKEN}%1700000000`, '', 0);
    return;
  }
  // One canary a line: a redaction that swallows the rest of a line must not hide whether the others are caught.
  const stderr = [
    'ERROR: AADSTS50076: multi-factor authentication is required.',
    `Authorization: Bearer ${CANARY_TOKEN}`,
    `request: grant_type=client_credentials&client_secret=${CANARY_SECRET}`,
    `last token ${CANARY_JWT}`,
    `the secret in use is ${CANARY_SECRET}`,
  ].join('\n');
  for (const name of ['az', 'azd', 'pwsh']) fakeTool(name, '', stderr, 1);
}

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  mi = createServer(managedIdentity);
  await new Promise<void>((resolve) => mi.listen(0, '127.0.0.1', resolve));
  miUrl = `http://127.0.0.1:${(mi.address() as { port: number }).port}`;
  scratch = mkdtempSync(join(tmpdir(), 'ada-leaks-'));
  bin = join(scratch, 'bin');
  mkdirSync(bin);
  quietTools();
  const envs = await ensurePythonAzureIdentityEnvs();
  newer = [envs.debiansid, envs.debian13].find((e) => e && !e.problem && e.azureIdentityVersion);
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(join(scratch, 'tool-home'));
  return {
    // The proxy, the sandbox's CA, and an IMDS on loopback that has no identity: every probe stays on loopback.
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [bin],
    settings: { 'azureDevAuth.pythonPath': DEBIAN_PYTHON },
  };
});

after(async () => {
  await sandbox?.stop();
  await new Promise((resolve) => (mi ? mi.close(resolve) : resolve(undefined)));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const row = (rows: readonly TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);

interface State {
  readonly python: string;
  readonly version: string;
  /** The workspace .env: what the state feeds the chain (the interpreter goes to the workspace settings). */
  readonly env: Readonly<Record<string, string>>;
  /** The rows that show this state's report, so an earlier check's rows are never read as this one's. */
  readonly ready: (rows: readonly TreeRow[]) => boolean;
  /** For states whose rows look like the previous state's: a row whose tooltip tells them apart. */
  readonly tooltip?: { readonly label: string; readonly pattern: RegExp };
}

/** Puts the workspace in `state` (the extension re-checks on its own) and waits until the view shows it. */
async function enter(state: State): Promise<TreeRow[]> {
  const { vscode } = suite;
  const dotenv = Object.entries(state.env).map(([k, v]) => `${k}=${v}`).join('\n');
  writeFileSync(join(vscode.workspace, '.env'), `${dotenv}\n`);
  mkdirSync(join(vscode.workspace, '.vscode'), { recursive: true });
  writeFileSync(join(vscode.workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'azureDevAuth.pythonPath': state.python }, null, 2));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await vscode.waitForRows(CHAIN, (rs) =>
      rs[0]?.label === pythonRowLabel(state.python)
      // "azure-identity 1.26.0b3 + broker" when the broker package is installed too.
      && rs[0].description.startsWith(`azure-identity ${state.version}`)
      && !rs.some((r) => r.description.includes('checking'))
      && state.ready(rs), Math.max(1_000, deadline - Date.now()));
    if (!state.tooltip) return rows;
    const tooltip = await vscode.rowTooltip(CHAIN, state.tooltip.label).catch(() => '');
    if (state.tooltip.pattern.test(tooltip)) return rows;
    if (Date.now() > deadline) {
      throw new Error(`the tooltip of "${state.tooltip.label}" never matched ${state.tooltip.pattern}; last seen:\n${tooltip}`);
    }
    await vscode.page.waitForTimeout(250);
  }
}

interface Shown {
  readonly where: string;
  readonly text: string;
}

/** Everything of the extension a person can see or copy now, each with where it was seen. */
async function everythingShown(): Promise<Shown[]> {
  const { vscode } = suite;
  const shown: Shown[] = [];
  const rows = await vscode.treeRows(CHAIN);
  const headline = rows.find((r) => /^The (chain|last check|check) /.test(r.label));
  if (headline) shown.push({ where: 'headline', text: headline.label });
  for (const r of rows) {
    shown.push({ where: `row "${r.label}"`, text: [r.label, r.description, r.ariaLabel].join('\n') });
    shown.push({ where: `tooltip of "${r.label}"`, text: await vscode.rowTooltip(CHAIN, r.label) });
  }
  const item = await vscode.statusBarItem(STATUS);
  shown.push({ where: 'status bar', text: `${item.text}\n${item.ariaLabel}` });
  shown.push({ where: 'status bar tooltip', text: await vscode.statusBarTooltip(STATUS) });
  for (const r of rows.filter((x) => SOURCE_LABELS.has(x.label))) {
    const copied = await vscode.clipboardAfter(() => vscode.rowContextMenu(CHAIN, r.label, 'Copy Details'));
    shown.push({ where: `Copy Details of "${r.label}"`, text: copied });
  }
  shown.push({ where: 'notifications', text: (await vscode.notifications()).join('\n') });
  await vscode.runCommand('Azure Dev Auth: Show Log');
  assert.equal(await vscode.outputChannelName(), 'Azure Dev Auth');
  shown.push({ where: 'log', text: await vscode.copyOutputText() });
  return shown;
}

/** No canary, nor any piece of one, anywhere. */
function assertNoCanary(shown: readonly Shown[]): void {
  const leaks = shown.flatMap(({ where, text }) => NEEDLES.filter((n) => text.includes(n)).map((n) => `${where} shows "${n}":\n${text}`));
  assert.deepEqual(leaks, [], leaks.join('\n\n'));
}

/** The canary answer was reached: `where` quotes it, redacted. */
function assertQuotedRedacted(shown: readonly Shown[], where: string, also?: RegExp): void {
  const found = shown.find((s) => s.where === where);
  assert.ok(found, `nothing was seen at ${where}`);
  assert.ok(found.text.includes(REDACTED), `${where} does not quote the canary answer:\n${found.text}`);
  if (also) assert.match(found.text, also);
}

/** Both the tooltip and Copy Details of a source row quote its canary answer, redacted. */
function assertRowQuotes(shown: readonly Shown[], label: string, also?: RegExp): void {
  assertQuotedRedacted(shown, `tooltip of "${label}"`, also);
  assertQuotedRedacted(shown, `Copy Details of "${label}"`, also);
}

// ---------- managed identity (azure-identity 1.13, whose legacy client quotes what the endpoint answered) ----------

suite.test('App Service managed identity answers a token without expiry', async () => {
  await suite.vscode.waitForRows(CHAIN, (rows) => row(rows, 'Managed Identity')?.description === 'unavailable', 60_000);
  receivedHeaderSecrets.length = 0;
  await enter({
    python: DEBIAN_PYTHON, version: '1.13.0b2',
    env: { IDENTITY_ENDPOINT: `${miUrl}/no-expiry`, IDENTITY_HEADER: CANARY_HEADER_SECRET },
    ready: (rows) => row(rows, 'Managed Identity')?.description === 'stops the chain',
    tooltip: { label: 'Managed Identity', pattern: /token_type/ },
  });
  assert.ok(receivedHeaderSecrets.includes(CANARY_HEADER_SECRET), 'the probe never asked the endpoint');
  const shown = await everythingShown();
  assertNoCanary(shown);
  assertRowQuotes(shown, 'Managed Identity', /Content:[\s\S]*token_type/);
  // The headline quotes the failure too.
  assertQuotedRedacted(shown, 'headline', /^The chain fails at Managed Identity: Unexpected response/);
});

suite.test('App Service managed identity: a plain-text error echoing the header secret and a bearer token', async () => {
  receivedHeaderSecrets.length = 0;
  await enter({
    python: DEBIAN_PYTHON, version: '1.13.0b2',
    env: { IDENTITY_ENDPOINT: `${miUrl}/echo-text`, IDENTITY_HEADER: CANARY_HEADER_SECRET },
    ready: (rows) => row(rows, 'Managed Identity')?.description === 'stops the chain',
    tooltip: { label: 'Managed Identity', pattern: /text\/plain/ },
  });
  assert.ok(receivedHeaderSecrets.includes(CANARY_HEADER_SECRET), 'the probe never asked the endpoint');
  const shown = await everythingShown();
  assertNoCanary(shown);
  assertRowQuotes(shown, 'Managed Identity', /text\/plain/);
});

suite.test('Azure ML managed identity: a JSON error echoing MSI_SECRET with an access_token field', async () => {
  receivedHeaderSecrets.length = 0;
  await enter({
    python: DEBIAN_PYTHON, version: '1.13.0b2',
    env: { MSI_ENDPOINT: `${miUrl}/echo-json`, MSI_SECRET: CANARY_HEADER_SECRET },
    ready: (rows) => row(rows, 'Managed Identity')?.description === 'stops the chain',
    tooltip: { label: 'Managed Identity', pattern: /invalid_request/ },
  });
  assert.ok(receivedHeaderSecrets.includes(CANARY_HEADER_SECRET), 'the probe never asked the endpoint');
  const shown = await everythingShown();
  assertNoCanary(shown);
  assertRowQuotes(shown, 'Managed Identity', /invalid_request[\s\S]*access_token/);
});

// ---------- Entra ID echoing the client secret ----------

suite.test('Entra ID rejects the client secret and echoes it; Verify with Python runs the real library on it', async () => {
  const { vscode } = suite;
  sandbox.control.reset();
  sandbox.control.injectFault({
    route: 'entra.token', status: 401,
    body: {
      error: 'invalid_client',
      error_description: `AADSTS7000215: Invalid client secret provided. The secret sent was '${CANARY_SECRET}'. Last token ${CANARY_JWT}`,
      access_token: CANARY_TOKEN,
    },
  });
  try {
    await enter({
      python: DEBIAN_PYTHON, version: '1.13.0b2',
      env: {
        AZURE_AUTHORITY_HOST: sandbox.authorityHost, AZURE_TENANT_ID: sandbox.tenantId,
        AZURE_CLIENT_ID: sandbox.servicePrincipal.clientId, AZURE_CLIENT_SECRET: CANARY_SECRET,
      },
      ready: (rows) => row(rows, 'Environment')?.description === 'stops the chain',
    });
    // The real azure-identity gets the same answer; what it says differently goes to the log.
    await vscode.runCommand('Azure Dev Auth: Verify with Python');
    const verdict = await vscode.waitForNotification(/Python (agrees|disagrees)/, 90_000);
    const shown = [{ where: 'Verify with Python notification', text: verdict }, ...await everythingShown()];
    assertNoCanary(shown);
    assertRowQuotes(shown, 'Environment', /AADSTS7000215/);
    assertQuotedRedacted(shown, 'headline', /^The chain fails at Environment: Authentication failed: AADSTS7000215/);
    assert.match(shown.find((s) => s.where === 'log')!.text, /Verify with Python \(.*\): (agrees|DISAGREES)/);
  } finally {
    sandbox.control.reset();
  }
});

// ---------- az, azd and pwsh printing tokens (a newer azure-identity, whose chain has azd) ----------

const toolsEnv = { AZURE_CLIENT_SECRET: CANARY_SECRET };

suite.test('az, azd and pwsh print tokens in output that cannot be parsed', async (t) => {
  if (!newer) return skipOrFail(t);
  canaryTools(0);
  await enter({
    python: newer.python, version: newer.azureIdentityVersion!, env: toolsEnv,
    ready: (rows) => row(rows, 'Azure Developer CLI')?.description === 'unavailable',
    tooltip: { label: 'Azure PowerShell', pattern: /Get-AzAccessToken/ },
  });
  const shown = await everythingShown();
  assertNoCanary(shown);
  assertRowQuotes(shown, 'Azure CLI', /Unexpected output from Azure CLI/);
  assertRowQuotes(shown, 'Azure PowerShell', /Unexpected output from Get-AzAccessToken[\s\S]*azsdk%/);
  assertRowQuotes(shown, 'Azure Developer CLI', /Unexpected output from Azure Developer CLI/);
});

suite.test('az, azd and pwsh fail with tokens and the client secret on stderr', async (t) => {
  if (!newer) return skipOrFail(t);
  canaryTools(1);
  await enter({
    python: newer.python, version: newer.azureIdentityVersion!, env: toolsEnv,
    ready: (rows) => row(rows, 'Azure Developer CLI')?.description === 'unavailable',
    tooltip: { label: 'Azure CLI', pattern: /AADSTS50076/ },
  });
  const shown = await everythingShown();
  assertNoCanary(shown);
  assertRowQuotes(shown, 'Azure CLI', /AADSTS50076[\s\S]*client_secret=/);
  assertRowQuotes(shown, 'Azure Developer CLI', /AADSTS50076[\s\S]*client_secret=/);
});

/** Without a newer azure-identity the azd path cannot be probed: a skip with the reason, a failure under CI. */
function skipOrFail(t: { skip: (message: string) => void }): void {
  const why = 'no interpreter with azure-identity 1.23 or later in the test cache (run `npm test -- integration` once to fetch it)';
  if (process.env.CI === 'true' || process.env.CI === '1') assert.fail(why);
  t.skip(why);
}
