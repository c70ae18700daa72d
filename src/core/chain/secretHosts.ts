// Where a probe may send a secret. The view probes on its own (at startup, when `.env` changes) with variables a
// cloned repository controls, so it must be safer than the library: Python sends a client secret, a federated
// token, an assertion, a password or a refresh token wherever AZURE_AUTHORITY_HOST (or a discovery document) points
// only when the developer runs the app; we would send it just because a folder was opened. So a secret goes only to
// a Microsoft Entra authority (azure-identity's AzureAuthorityHosts), to loopback, or to a host the developer
// allowed for this workspace ("Check with <host>", `--allow-host`).
import { isIP } from 'node:net';

/** azure-identity's AzureAuthorityHosts: public cloud, Azure China, Azure US Government. */
export const MICROSOFT_AUTHORITY_HOSTS: readonly string[] = [
  'login.microsoftonline.com', 'login.chinacloudapi.cn', 'login.microsoftonline.us',
];

/** What a probe would send, for the row's message ("would send the federated token to …"). */
export type SecretKind = 'client secret' | 'certificate assertion' | 'password' | 'federated token' | 'refresh token';

/** Host names compare without case, trailing dot or IPv6 brackets. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

export function isLoopbackHost(host: string): boolean {
  const h = normalizeHost(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** MSAL's regional endpoints (AZURE_REGIONAL_AUTHORITY_NAME): `<region>.login.microsoft.com`, one DNS label. */
const REGIONAL_AUTHORITY = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.login\.microsoft\.com$/;

export function isMicrosoftAuthorityHost(host: string): boolean {
  const h = normalizeHost(host);
  return MICROSOFT_AUTHORITY_HOSTS.includes(h) || REGIONAL_AUTHORITY.test(h);
}

/** May a probe send a secret to `host` without asking? */
export function secretMayGoTo(host: string, allowedHosts: readonly string[]): boolean {
  const h = normalizeHost(host);
  return isMicrosoftAuthorityHost(h) || isLoopbackHost(h) || allowedHosts.some((a) => normalizeHost(a) === h);
}

/**
 * Thrown where a request would carry a secret to a host that is neither Microsoft's nor loopback nor allowed.
 * Probes turn it into a "not checked" row; nothing was sent.
 */
export class UncheckedHostError extends Error {
  constructor(readonly host: string, readonly what: SecretKind) {
    super(`would send the ${what} to ${host}: not checked`);
    this.name = 'UncheckedHostError';
  }
}

/** Throws UncheckedHostError unless `url`'s host may receive `what`. */
export function assertSecretMayGoTo(url: string, what: SecretKind, allowedHosts: readonly string[]): void {
  const host = new URL(url).hostname;
  if (!secretMayGoTo(host, allowedHosts)) throw new UncheckedHostError(normalizeHost(host), what);
}
