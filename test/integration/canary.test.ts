// Nothing shows a token or a secret. Every probe path is fed answers that carry a canary token (JWT-shaped in free
// text, opaque in token fields, headers and Azure PowerShell's protocol line) and canary secrets (the configured
// client secret, managed-identity header secrets, the federated token, a refresh token), echoed back in JSON
// fields, error bodies and tool stdout and stderr. The report (`--json`), the CLI's table and verification texts
// must contain none of them, for each real version family; and each case must have reached the answer it was fed
// (its row says "<redacted>"), so a probe that never asked could not pass.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatReport } from '../../src/cli/main';
import { evaluateChain } from '../../src/core/chain/engine';
import type { ChainReport, CredentialName } from '../../src/core/chain/types';
import { REDACTED } from '../../src/core/redact';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt } from './helpers/sandbox';

const CANARY_JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IkNBTkFSWSJ9.eyJvaWQiOiJjYW5hcnktand0In0.CANARY-JWT-SIGNATURE';
const CANARY_OPAQUE = 'opaque-token-CANARY-91c2f0';
const CANARY_SECRET = 'client-secret-CANARY-5e1d77';
const CANARY_HEADER_SECRET = 'identity-header-CANARY-0b3e';
const CANARY_FEDERATED = 'federated-assertion-CANARY-77aa';
const CANARY_REFRESH = 'refresh-token-CANARY-c0ffee';
const CANARIES = [CANARY_JWT, CANARY_OPAQUE, CANARY_SECRET, CANARY_HEADER_SECRET, CANARY_FEDERATED, CANARY_REFRESH];
const VERSIONS = ['1.13.0b2', '1.23.1', '1.26.0b3'] as const;

let sb: Sandbox;
let mi: Server;
let miUrl: string;
const scratch = mkdtempSync(join(tmpdir(), 'canary-'));

/** A managed-identity endpoint whose every answer carries canaries. */
function miHandler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path.startsWith('/no-expiry')) {
    // A token without an expiry: Python quotes the whole body after "Content:".
    res.writeHead(200, { 'content-type': 'application/json', authorization: `Bearer ${CANARY_OPAQUE}` });
    res.end(JSON.stringify({ access_token: CANARY_OPAQUE, refresh_token: CANARY_OPAQUE, token_type: 'Bearer', note: `echo ${CANARY_JWT}` }));
    return;
  }
  res.writeHead(path.startsWith('/text') ? 502 : 400, { 'content-type': path.startsWith('/text') ? 'text/plain' : 'application/json' });
  const echo = `secret=${CANARY_HEADER_SECRET} Authorization: Bearer ${CANARY_OPAQUE} token ${CANARY_JWT}`;
  res.end(path.startsWith('/text') ? echo : JSON.stringify({ error: 'invalid_request', error_description: echo, access_token: CANARY_OPAQUE }));
}

function fakeTool(bin: string, name: string, stdout: string, stderr: string, rc: number): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\ncat <<'OUT'\n${stdout}\nOUT\ncat >&2 <<'ERR'\n${stderr}\nERR\nexit ${rc}\n`);
  chmodSync(path, 0o755);
}

function home(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
  mi = createServer(miHandler);
  await new Promise<void>((resolve) => mi.listen(0, '127.0.0.1', resolve));
  miUrl = `http://127.0.0.1:${(mi.address() as { port: number }).port}`;
});
after(async () => {
  await sb?.stop();
  await new Promise((resolve) => mi?.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** The base environment: no tools, an IMDS on loopback without an identity, the sandbox's CA and proxy. */
function baseEnv(dir: string, extra: Record<string, string>): Record<string, string> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const { NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, HTTPS_PROXY, HTTP_PROXY, NO_PROXY } = sb.env();
  const network = Object.fromEntries(Object.entries({ NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, HTTPS_PROXY, HTTP_PROXY, NO_PROXY })
    .filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { ...network, HOME: dir, PATH: `${bin}:/usr/bin:/bin`, ...sb.managedIdentityEnv('none'), ...extra };
}

async function reports(env: Record<string, string>): Promise<Record<string, ChainReport>> {
  const out: Record<string, ChainReport> = {};
  for (const version of VERSIONS) {
    out[version] = await evaluateChain({ env, keywordArguments: {}, azureIdentityVersion: version, versionSource: 'flag', brokerInstalled: false });
  }
  return out;
}

/** No canary anywhere a person or a program reading our output could see it, and the fed answer was reached. */
function assertClean(all: Record<string, ChainReport>, credential: CredentialName, versions: readonly string[] = VERSIONS): void {
  for (const [version, report] of Object.entries(all)) {
    const shown = [JSON.stringify(report), formatReport(report, { columns: 400 })].join('\n');
    for (const canary of CANARIES) assert.ok(!shown.includes(canary), `${version}: "${canary}" is shown`);
    if (!versions.includes(version)) continue;
    const row = report.sources.find((s) => s.credential === credential);
    assert.ok(row?.reached, `${version}: ${credential} was not reached`);
    assert.ok(row.message.includes(REDACTED), `${version}: ${credential} did not get the canary answer: ${row.message}`);
  }
}

describe('managed identity answers that carry tokens and secrets', () => {
  test('App Service: a token without expiry (quoted after "Content:" by the library)', async () => {
    const env = baseEnv(home('appservice'), { IDENTITY_ENDPOINT: `${miUrl}/no-expiry`, IDENTITY_HEADER: CANARY_HEADER_SECRET });
    // 1.23+ (MSAL's client) reports "invalid_scope" without quoting the body; the legacy client quotes it.
    assertClean(await reports(env), 'ManagedIdentityCredential', ['1.13.0b2']);
  });

  test('App Service, Azure ML and Service Fabric: error bodies echoing the header secret and a token', async () => {
    const cases: Record<string, string>[] = [
      { IDENTITY_ENDPOINT: `${miUrl}/text/appservice`, IDENTITY_HEADER: CANARY_HEADER_SECRET },
      { MSI_ENDPOINT: `${miUrl}/text/ml`, MSI_SECRET: CANARY_HEADER_SECRET },
      { IDENTITY_ENDPOINT: `${miUrl}/text/sf`, IDENTITY_HEADER: CANARY_HEADER_SECRET, IDENTITY_SERVER_THUMBPRINT: 'ab'.repeat(20) },
    ];
    for (const extra of cases) {
      assertClean(await reports(baseEnv(home(`mi-${Object.keys(extra).join('-')}`), extra)), 'ManagedIdentityCredential', ['1.13.0b2']);
    }
  });

  test('Cloud Shell: a token without expiry', async () => {
    assertClean(await reports(baseEnv(home('cloudshell'), { MSI_ENDPOINT: `${miUrl}/no-expiry` })), 'ManagedIdentityCredential');
  });

  test('IMDS: an error body with a token in a header-like line and free text', async () => {
    const env = baseEnv(home('imds'), { AZURE_POD_IDENTITY_AUTHORITY_HOST: `${miUrl}/text` });
    // MSAL's IMDS client (1.23+) reports a non-JSON answer without quoting it.
    assertClean(await reports(env), 'ManagedIdentityCredential', ['1.13.0b2']);
  });
});

describe('Entra ID answers that echo what was sent', () => {
  // Each answer echoes what its request sent (the engine knows those values) plus a token.
  const echo = (sent: string): string => `AADSTS7000215: Invalid credential provided: ${sent} token ${CANARY_JWT}`;

  test('client secret (EnvironmentCredential)', async () => {
    sb.control.reset();
    sb.control.injectFault({ route: 'entra.token', status: 401, body: { error: 'invalid_client', error_description: echo(CANARY_SECRET), access_token: CANARY_OPAQUE } });
    const env = baseEnv(home('secret'), {
      AZURE_AUTHORITY_HOST: sb.authorityHost, AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_CLIENT_SECRET: CANARY_SECRET,
    });
    assertClean(await reports(env), 'EnvironmentCredential');
  });

  test('federated token (WorkloadIdentityCredential, and the token-exchange managed identity of 1.13)', async () => {
    sb.control.reset();
    sb.control.injectFault({ route: 'entra.token', status: 400, body: { error: 'invalid_client', error_description: echo(CANARY_FEDERATED) } });
    const dir = home('workload');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, CANARY_FEDERATED);
    const env = baseEnv(dir, {
      AZURE_AUTHORITY_HOST: sb.authorityHost, AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_FEDERATED_TOKEN_FILE: tokenFile,
    });
    const all = await reports(env);
    assertClean({ '1.13.0b2': all['1.13.0b2']! }, 'ManagedIdentityCredential', ['1.13.0b2']);
    assertClean({ '1.23.1': all['1.23.1']!, '1.26.0b3': all['1.26.0b3']! }, 'WorkloadIdentityCredential', ['1.23.1', '1.26.0b3']);
  });

  test('refresh token from the shared token cache', async () => {
    sb.control.reset();
    sb.control.injectFault({ route: 'entra.token', status: 400, body: { error: 'invalid_grant', error_description: echo(CANARY_REFRESH), refresh_token: CANARY_OPAQUE } });
    const dir = home('cache');
    const account = `uid.${sb.tenantId}`;
    // MSAL keys cache entries by the authority's host, here the sandbox's.
    const environment = new URL(sb.authorityHost).host;
    const cache = {
      Account: { a: { home_account_id: account, environment, realm: sb.tenantId, username: 'alice@contoso.example', authority_type: 'MSSTS' } },
      RefreshToken: { r: { home_account_id: account, environment, credential_type: 'RefreshToken', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', family_id: '1', secret: CANARY_REFRESH } },
    };
    mkdirSync(join(dir, '.IdentityService'), { recursive: true });
    for (const name of ['msal.cache', 'msal.cache.nocae']) writeFileSync(join(dir, '.IdentityService', name), JSON.stringify(cache));
    assertClean(await reports(baseEnv(dir, { AZURE_AUTHORITY_HOST: sb.authorityHost })), 'SharedTokenCacheCredential');
  });
});

describe('developer tools whose output carries tokens and secrets', () => {
  test('az, azd and Azure PowerShell: unparsable stdout and error stderr', async () => {
    sb.control.reset();
    for (const [name, rc] of [['ok-but-garbled', 0], ['failing', 1]] as const) {
      const dir = home(`tools-${name}`);
      const env = baseEnv(dir, { AZURE_CLIENT_SECRET: CANARY_SECRET });
      const bin = join(dir, 'bin');
      const stderr = `ERROR: AADSTS50076 Authorization: Bearer ${CANARY_OPAQUE} client_secret=${CANARY_SECRET} ${CANARY_JWT}`;
      fakeTool(bin, 'az', `{"accessToken": "${CANARY_OPAQUE}", "expiresOn": "not a date", "note": "${CANARY_JWT}"}`, stderr, rc);
      fakeTool(bin, 'azd', `{"token": "${CANARY_OPAQUE}", "expiresOn": "never", "note": "${CANARY_JWT}"}`, stderr, rc);
      fakeTool(bin, 'pwsh', `WARNING: ${CANARY_JWT}\nazsdk%${CANARY_OPAQUE}%`, stderr, rc);
      const all = await reports(env);
      for (const [version, report] of Object.entries(all)) {
        const shown = [JSON.stringify(report), formatReport(report, { columns: 400 })].join('\n');
        for (const canary of CANARIES) assert.ok(!shown.includes(canary), `${name}, ${version}: "${canary}" is shown`);
      }
      // The tools' answers were read: az's row (reached in every version, nothing earlier decides) quotes them redacted.
      for (const version of VERSIONS) {
        const az = all[version]!.sources.find((s) => s.credential === 'AzureCliCredential')!;
        assert.ok(az.reached, `${version}: az not reached`);
        assert.ok(az.message.includes(REDACTED) || rc === 1, `${version}: az output was not quoted: ${az.message}`);
      }
    }
  });
});
