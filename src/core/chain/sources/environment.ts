// EnvironmentCredential: a service principal (secret or certificate) or a user (username/password) configured by
// environment variables. Python tests each set with `is not None`, so an empty value counts as set — and then the
// credential's constructor rejects it, which makes DefaultAzureCredential() itself raise.
import { createHash, createPrivateKey, createSign, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { FileRefusedError, readBoundedFile } from '../../files/boundedRead';
import { tokenFacts } from '../claims';
import { msalDiscover, msalFailureMessage, msalUserRealm, postToken } from '../entra';
import { UncheckedHostError } from '../secretHosts';
import {
  constructorError, entraContext, fileNotFoundMessage, isSet, MANAGEMENT_SCOPE, notChecked, type Probe, type ProbeContext, type ProbeResult,
} from './common';

/** A failed MSAL request: "not checked" when the host gate stopped it, else MSAL's "Authentication failed: …". */
function msalFailure(error: unknown): ProbeResult {
  if (error instanceof UncheckedHostError) return notChecked(error);
  return { kind: 'failed', message: msalFailureMessage(error) };
}

const SECRET_VARS = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID'];
const CERT_VARS = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_TENANT_ID'];
const USER_VARS = ['AZURE_CLIENT_ID', 'AZURE_USERNAME', 'AZURE_PASSWORD'];

const VALID_TENANT = /^[A-Za-z0-9.-]+$/;

export type EnvironmentConfiguration = 'secret' | 'certificate' | 'username-password' | 'none';

export function environmentConfiguration(env: Readonly<Record<string, string>>): EnvironmentConfiguration {
  if (SECRET_VARS.every((v) => isSet(env, v))) return 'secret';
  if (CERT_VARS.every((v) => isSet(env, v))) return 'certificate';
  if (USER_VARS.every((v) => isSet(env, v))) return 'username-password';
  return 'none';
}

interface LoadedCertificate {
  readonly key: KeyObject;
  /** SHA-1 thumbprint, base64url, for the assertion's x5t header. */
  readonly x5t: string;
}

class CertificateLoadError extends Error {
  constructor(readonly exceptionType: string, message: string) { super(message); }
}

/** get_client_credential(): PEM (key + certificate) or PKCS12, with the optional password. */
export async function loadCertificate(path: string, password: string | undefined, signal?: AbortSignal): Promise<LoadedCertificate> {
  if (!path) {
    throw new CertificateLoadError('ValueError', 'CertificateCredential requires a value for either "certificate_path" or "certificate_data"');
  }
  let data: Buffer;
  try {
    data = await readBoundedFile(path, 'certificate', { signal });
  } catch (error) {
    if (!(error instanceof FileRefusedError)) throw error;
    // Where Python would hang (a FIFO) or read without end (/dev/zero), the row says why nothing was read.
    if ((error.reason === 'not-regular' && error.code !== 'EISDIR') || error.reason === 'too-large') throw new CertificateLoadError('OSError', error.message);
    const code = error.code;
    if (code === 'ENOENT') throw new CertificateLoadError('FileNotFoundError', fileNotFoundMessage(path));
    if (code === 'EISDIR') throw new CertificateLoadError('IsADirectoryError', `[Errno 21] Is a directory: '${path}'`);
    if (code === 'EACCES') throw new CertificateLoadError('PermissionError', `[Errno 13] Permission denied: '${path}'`);
    throw new CertificateLoadError('OSError', (error as Error).message);
  }
  const thumbprint = (der: Buffer): string => createHash('sha1').update(der).digest('base64url');
  if (data.includes('-----BEGIN')) {
    const text = data.toString('utf8');
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: text, format: 'pem', ...(password ? { passphrase: password } : {}) });
    } catch {
      if (/ENCRYPTED/.test(text) && !password) throw new CertificateLoadError('TypeError', 'Password was not given but private key is encrypted');
      throw new CertificateLoadError('ValueError', 'Could not deserialize key data. The data may be in an incorrect format, it may be encrypted with an unsupported algorithm, or it may be an unsupported key type (e.g. EC curves with explicit parameters).');
    }
    const certMatch = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
    if (!certMatch) throw new CertificateLoadError('ValueError', 'Unable to load PEM file. See https://cryptography.io/en/latest/faq/#why-can-t-i-import-my-pem-file for more details. MalformedFraming');
    const cert = new X509Certificate(certMatch[0]);
    if (key.asymmetricKeyType !== 'rsa') throw new CertificateLoadError('ValueError', 'The certificate must have an RSA private key because RS256 is used for signing');
    return { key, x5t: thumbprint(cert.raw) };
  }
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')));
    const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password ?? '');
    const keyBags = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
    const plainKeyBags = p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? [];
    const keyBag = [...keyBags, ...plainKeyBags].find((b) => b.key);
    const certBag = (p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []).find((b) => b.cert);
    if (!keyBag?.key) throw new CertificateLoadError('ValueError', 'The certificate must include its private key');
    if (!certBag?.cert) throw new CertificateLoadError('ValueError', 'Failed to deserialize certificate in PEM or PKCS12 format');
    const key = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
    const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certBag.cert)).getBytes(), 'binary');
    return { key, x5t: thumbprint(der) };
  } catch (error) {
    if (error instanceof CertificateLoadError) throw error;
    throw new CertificateLoadError('ValueError', 'Failed to deserialize certificate in PEM or PKCS12 format');
  }
}

/** The client assertion MSAL signs for a certificate credential (RS256, x5t = SHA-1 thumbprint). */
function clientAssertion(cert: LoadedCertificate, clientId: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5t: cert.x5t })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, exp: now + 600, iat: now })).toString('base64url');
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(cert.key).toString('base64url')}`;
}


/** Public-cloud aliases whose regional token service is <region>.login.microsoft.com (MSAL's list). */
const PUBLIC_CLOUD_INSTANCES = ['login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'sts.windows.net'];

/**
 * Where MSAL sends a confidential client's token request when AZURE_REGIONAL_AUTHORITY_NAME names a region (every
 * version azure-identity passes it as azure_region): the regional token service, after discovery at the central
 * authority. "tryautodetect"/"True" would ask IMDS for the region; that is not modelled (the central endpoint stays).
 */
function regionalTokenEndpoint(env: Readonly<Record<string, string>>, centralEndpoint: string): string {
  const region = (env.AZURE_REGIONAL_AUTHORITY_NAME ?? '').trim();
  if (!region || ['tryautodetect', 'true'].includes(region.toLowerCase())) return centralEndpoint;
  const url = new URL(centralEndpoint);
  url.host = PUBLIC_CLOUD_INSTANCES.includes(url.hostname) ? `${region}.login.microsoft.com` : `${region}.${url.host}`;
  return url.toString();
}

export const environmentProbe: Probe = {
  credential: 'EnvironmentCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    const { env, behaviour } = ctx;
    const m = behaviour.messages;
    const configuration = environmentConfiguration(env);
    if (configuration === 'none') return { kind: 'unavailable', message: m.environmentUnavailable };
    const clientId = env.AZURE_CLIENT_ID ?? '';
    const tenant = env.AZURE_TENANT_ID ?? '';
    const fail = (exceptionType: string, message: string): ProbeResult => constructorError('EnvironmentCredential', exceptionType, message);

    if (configuration === 'secret') {
      const secret = env.AZURE_CLIENT_SECRET ?? '';
      if (!clientId) return fail('ValueError', m.secretClientId);
      if (!secret) return fail('ValueError', m.secretEmpty);
      if (!tenant) return fail('ValueError', m.secretTenant);
      if (!VALID_TENANT.test(tenant)) return fail('ValueError', m.invalidTenant);
      try {
        const endpoint = await msalDiscover(entraContext(ctx), ctx.authority, tenant);
        const token = await postToken(entraContext(ctx), regionalTokenEndpoint(env, endpoint), {
          grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: MANAGEMENT_SCOPE,
        }, 'client secret');
        return { kind: 'token', facts: tokenFacts(token.accessToken, token.expiresOn) };
      } catch (error) {
        return msalFailure(error);
      }
    }

    if (configuration === 'certificate') {
      let cert: LoadedCertificate;
      try {
        cert = await loadCertificate(env.AZURE_CLIENT_CERTIFICATE_PATH ?? '', env.AZURE_CLIENT_CERTIFICATE_PASSWORD || undefined, ctx.signal);
      } catch (error) {
        if (error instanceof CertificateLoadError) return fail(error.exceptionType, error.message);
        throw error;
      }
      // MsalCredential falls back to "organizations" for an empty tenant, then validates it.
      const certTenant = tenant || 'organizations';
      if (!VALID_TENANT.test(certTenant)) return fail('ValueError', m.invalidTenant);
      try {
        const endpoint = await msalDiscover(entraContext(ctx), ctx.authority, certTenant);
        const token = await postToken(entraContext(ctx), regionalTokenEndpoint(env, endpoint), {
          grant_type: 'client_credentials', client_id: clientId, scope: MANAGEMENT_SCOPE,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientAssertion(cert, clientId, endpoint),
        }, 'certificate assertion');
        return { kind: 'token', facts: tokenFacts(token.accessToken, token.expiresOn) };
      } catch (error) {
        return msalFailure(error);
      }
    }

    // Username and password: a public client; the tenant is optional ("organizations").
    const userTenant = tenant || 'organizations';
    if (!VALID_TENANT.test(userTenant)) return fail('ValueError', m.invalidTenant);
    const username = env.AZURE_USERNAME ?? '';
    try {
      const endpoint = await msalDiscover(entraContext(ctx), ctx.authority, userTenant);
      await msalUserRealm(entraContext(ctx), ctx.authority, username);
      const token = await postToken(entraContext(ctx), endpoint, {
        grant_type: 'password', client_id: clientId, username, password: env.AZURE_PASSWORD ?? '',
        scope: `${MANAGEMENT_SCOPE} offline_access openid profile`, client_info: '1',
      }, 'password');
      return { kind: 'token', facts: tokenFacts(token.accessToken, token.expiresOn) };
    } catch (error) {
      return msalFailure(error);
    }
  },
};
