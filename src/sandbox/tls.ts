// Throw-away X.509 material for the sandbox: a CA made at start, a server certificate for loopback and for the
// Microsoft host names the egress proxy intercepts, and a client certificate for the seeded service principal.
// node-forge builds the certificates; key pairs come from Node's crypto (native, milliseconds instead of the
// seconds forge's pure-JS RSA needs).
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface PemKeyPair { certPem: string; keyPem: string }

export interface SandboxTls {
  ca: PemKeyPair;
  server: PemKeyPair;
  /** Client certificate of the seeded service principal (certificate-assertion grant). */
  clientCert: PemKeyPair & { thumbprintSha1Hex: string; thumbprintSha256Hex: string };
}

/** Hosts the egress proxy answers itself instead of letting the request leave the machine. */
export const INTERCEPTED_HOSTS = [
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'management.azure.com',
  'management.core.windows.net',
  'graph.microsoft.com',
] as const;

interface RsaKeys { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; keyPem: string }

const generateRsa = promisify(generateKeyPair);

/** Key generation runs on libuv's thread pool, so the three key pairs are made in parallel. */
async function newRsaKeyPair(): Promise<RsaKeys> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { publicKey, privateKey: forgeKey, keyPem };
}

function serialNumber(): string {
  // Positive (leading nibble < 8) random serial, as RFC 5280 asks.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000); // tolerate small clock skew between processes
  cert.validity.notAfter = new Date(now + days * 24 * 60 * 60 * 1000);
}

function makeCa(keys: RsaKeys): { pem: PemKeyPair; cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 30);
  const subject = [
    { name: 'commonName', value: `Azure Dev Auth Sandbox CA ${randomBytes(4).toString('hex')}` },
    { name: 'organizationName', value: 'Azure Dev Auth sandbox (throw-away)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { pem: { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem }, cert, key: keys.privateKey };
}

function makeLeaf(
  ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  keys: RsaKeys,
  commonName: string,
  extensions: object[],
): { pem: PemKeyPair; cert: forge.pki.Certificate } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 30);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
    ...extensions,
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { pem: { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem }, cert };
}

function derThumbprint(cert: forge.pki.Certificate, algorithm: 'sha1' | 'sha256'): string {
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return createHash(algorithm).update(der).digest('hex');
}

export async function createSandboxTls(clientCertSubject: string): Promise<SandboxTls> {
  const [caKeys, serverKeys, clientKeys] = await Promise.all([newRsaKeyPair(), newRsaKeyPair(), newRsaKeyPair()]);
  const ca = makeCa(caKeys);
  const server = makeLeaf(ca, serverKeys, '127.0.0.1', [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
        ...INTERCEPTED_HOSTS.map((value) => ({ type: 2, value })),
        // Blob storage's data plane, one host per account (blob.ts).
        { type: 2, value: '*.blob.core.windows.net' },
      ],
    },
  ]);
  const client = makeLeaf(ca, clientKeys, clientCertSubject, [
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  return {
    ca: ca.pem,
    server: server.pem,
    clientCert: {
      ...client.pem,
      thumbprintSha1Hex: derThumbprint(client.cert, 'sha1'),
      thumbprintSha256Hex: derThumbprint(client.cert, 'sha256'),
    },
  };
}

/**
 * A throw-away CA and a server certificate for the given host names, for a stand-in of a host that is *not*
 * Microsoft's (the tests' hostile authority): the process under test trusts the CA through its CA-bundle variables.
 */
export async function createHostTls(hosts: readonly string[]): Promise<{ ca: PemKeyPair; server: PemKeyPair }> {
  const [caKeys, serverKeys] = await Promise.all([newRsaKeyPair(), newRsaKeyPair()]);
  const ca = makeCa(caKeys);
  const server = makeLeaf(ca, serverKeys, hosts[0] ?? 'localhost', [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, ...hosts.map((value) => ({ type: 2, value }))] },
  ]);
  return { ca: ca.pem, server: server.pem };
}
