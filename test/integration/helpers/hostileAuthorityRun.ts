// Run by hostile-endpoints.test.ts inside a private mount and network namespace whose /etc/hosts maps evil.example
// and login.microsoftonline.com to 127.0.0.1. One HTTPS server on 127.0.0.1:443 plays a hostile authority (and a
// discovery service that vouches for it); an HTTP server plays an Azure Arc endpoint whose challenge names files
// outside the Arc agent's folder. Every case runs the real engine; the servers record every request, and the
// results go to stdout as JSON for the test to judge.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateChain } from '../../../src/core/chain/engine';
import type { ChainReport, KeywordArguments } from '../../../src/core/chain/types';
import { createHostTls } from '../../../src/sandbox/tls';

export const CANARY_FEDERATED_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjYW5hcnktZmVkZXJhdGVkIn0.FEDERATED-CANARY';
export const CANARY_CLIENT_SECRET = 'client-secret-CANARY-7f3a';
export const CANARY_SSH_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-CANARY\n-----END OPENSSH PRIVATE KEY-----\n';
export const CANARY_KEY_FILE = 'ARC-KEY-FILE-CANARY';

export interface ReceivedRequest { readonly server: string; readonly method: string; readonly host: string; readonly url: string; readonly headers: Record<string, unknown>; readonly body: string }
export interface CaseResult { readonly reports: Record<string, ChainReport>; readonly received: ReceivedRequest[] }
export interface HostileRun { readonly cases: Record<string, CaseResult>; readonly sshKeyPath: string; readonly outsideKeyPath: string }

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'hostile-'));
  const home = join(scratch, 'home');
  const bin = join(scratch, 'empty-bin');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(bin);
  const sshKeyPath = join(home, '.ssh', 'id_rsa');
  writeFileSync(sshKeyPath, CANARY_SSH_KEY, { mode: 0o600 });
  // Named like an Arc key but outside /var/opt/azcmagent/tokens.
  const outsideKeyPath = join(scratch, 'himds.key');
  writeFileSync(outsideKeyPath, CANARY_KEY_FILE);
  const tokenFile = join(scratch, 'federated-token');
  writeFileSync(tokenFile, CANARY_FEDERATED_TOKEN);

  const tls = await createHostTls(['evil.example', 'login.microsoftonline.com']);
  const caFile = join(scratch, 'ca.pem');
  writeFileSync(caFile, tls.ca.certPem);

  let received: ReceivedRequest[] = [];
  const record = (server: string, req: IncomingMessage): Promise<string> => new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ server, method: req.method ?? '', host: String(req.headers.host ?? ''), url: req.url ?? '', headers: { ...req.headers }, body });
      resolve(body);
    });
  });
  const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  const token = (): Record<string, unknown> => ({
    token_type: 'Bearer', expires_in: 3600,
    access_token: unsignedJwt({ appid: CLIENT_ID, tid: TENANT, oid: '11111111-2222-3333-4444-555555555555', idtyp: 'app' }),
  });

  // The hostile authority, and a discovery answer that vouches for it (as if MSAL's validation were fooled).
  const authority = createHttpsServer({ key: tls.server.keyPem, cert: tls.server.certPem }, (req, res) => {
    void record('authority', req).then(() => {
      const url = new URL(req.url ?? '/', 'https://evil.example');
      if (url.pathname === '/common/discovery/instance') {
        json(res, 200, { tenant_discovery_endpoint: `https://evil.example/${TENANT}/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [] });
      } else if (url.pathname.endsWith('/.well-known/openid-configuration')) {
        json(res, 200, { token_endpoint: `https://evil.example/${TENANT}/oauth2/v2.0/token`, issuer: `https://evil.example/${TENANT}/v2.0` });
      } else if (url.pathname.endsWith('/oauth2/v2.0/token')) {
        json(res, 200, token());
      } else {
        json(res, 404, { error: 'not_found' });
      }
    });
  });
  await new Promise<void>((resolve) => authority.listen(443, '127.0.0.1', resolve));

  // An Azure Arc endpoint whose challenge names whatever file this run chooses.
  let challengeFile = sshKeyPath;
  const arc = createHttpServer((req, res) => {
    void record('arc', req).then(() => {
      if (req.headers.authorization) json(res, 200, { ...token(), expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: 'https://management.azure.com' });
      else json(res, 401, { error: 'unauthorized' }, { 'www-authenticate': `Basic realm=${challengeFile}` });
    });
  });
  await new Promise<void>((resolve) => arc.listen(0, '127.0.0.1', resolve));
  const arcPort = (arc.address() as { port: number }).port;

  const base = {
    HOME: home, PATH: bin, REQUESTS_CA_BUNDLE: caFile,
    // No IMDS beyond loopback: a closed port answers the probe at once.
    AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9',
  };
  const federated = { ...base, AZURE_AUTHORITY_HOST: 'https://evil.example', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE: tokenFile };
  const secret = { ...base, AZURE_AUTHORITY_HOST: 'https://evil.example', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID, AZURE_CLIENT_SECRET: CANARY_CLIENT_SECRET };
  const arcEnv = { ...base, IDENTITY_ENDPOINT: `http://127.0.0.1:${arcPort}/metadata/identity/oauth2/token`, IMDS_ENDPOINT: `http://127.0.0.1:${arcPort}` };

  const cases: Record<string, CaseResult> = {};
  const run = async (
    name: string, env: Record<string, string>, versions: readonly string[], allowedHosts: readonly string[] = [], keywordArguments: KeywordArguments = {},
  ): Promise<void> => {
    received = [];
    const reports: Record<string, ChainReport> = {};
    for (const version of versions) {
      reports[version] = await evaluateChain({ env, keywordArguments, azureIdentityVersion: version, versionSource: 'flag', brokerInstalled: false, allowedHosts });
    }
    cases[name] = { reports, received };
  };
  const ALL = ['1.13.0b2', '1.23.1', '1.26.0b3'];
  await run('federated-token', federated, ALL);
  await run('federated-token-allowed', federated, ['1.23.1'], ['evil.example']);
  await run('client-secret', secret, ALL);
  await run('client-secret-allowed', secret, ['1.23.1'], ['evil.example']);
  // The code's own DefaultAzureCredential(authority="https://evil.example"), with no AZURE_AUTHORITY_HOST at all.
  const { AZURE_AUTHORITY_HOST: _publicCloud, ...secretWithoutHost } = secret;
  await run('client-secret-authority-keyword', secretWithoutHost, ALL, [], { authority: 'https://evil.example' });
  challengeFile = sshKeyPath;
  await run('arc-ssh-key', arcEnv, ALL);
  challengeFile = outsideKeyPath;
  await run('arc-key-outside-folder', arcEnv, ALL);

  authority.close();
  arc.close();
  const result: HostileRun = { cases, sshKeyPath, outsideKeyPath };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// The test imports the canaries from here; only the namespaced child runs the servers.
if (process.env.AZURE_DEV_AUTH_HOSTILE_RUN === '1') {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
