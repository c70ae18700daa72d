// HTTP(S) for the probes, configured from the *modelled* environment the way Python's `requests` would be: the CA
// bundle it names (the engine's own Node process may have started before that CA existed), and HTTPS_PROXY /
// HTTP_PROXY / NO_PROXY. Every request has a timeout and honours an AbortSignal. Errors carry the text Python's
// stack (requests/urllib3 inside azure-core) would show, since that text ends up in the chain's messages.
import { readBoundedText } from '../files/boundedRead';
import { request as httpRequestRaw, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export type NetworkErrorKind = 'connect' | 'connect-timeout' | 'read-timeout' | 'dns' | 'tls' | 'closed' | 'aborted';

/** The request got no HTTP answer. `pythonMessage` is what requests/urllib3 would say about it. */
export class NetworkError extends Error {
  constructor(
    readonly kind: NetworkErrorKind,
    readonly pythonMessage: string,
    readonly code: string | undefined,
  ) {
    super(pythonMessage);
    this.name = 'NetworkError';
  }
}

export interface HttpRequestOptions {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** application/x-www-form-urlencoded body. */
  readonly form?: Readonly<Record<string, string>>;
  /** The modelled environment: CA bundle and proxy variables are read from it. */
  readonly env: Readonly<Record<string, string>>;
  /** Whole request. */
  readonly timeoutMs: number;
  /** TCP connect only (IMDS probes use a short one). */
  readonly connectTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** false only where Python disables verification too (Service Fabric). */
  readonly verifyTls?: boolean;
}

const CA_VARIABLES = ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS'] as const;

/** The system roots plus every CA file the environment names (unreadable files are skipped, as a missing bundle would fail later anyway). */
export async function trustedCertificates(env: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<string[]> {
  const extra: string[] = [];
  for (const name of CA_VARIABLES) {
    const file = env[name];
    if (!file) continue;
    // A missing, non-regular or oversized bundle is skipped: the request then fails TLS verification like Python's would.
    try { extra.push(await readBoundedText(file, 'caBundle', { signal })); } catch { /* skipped */ }
  }
  return [...rootCertificates, ...extra];
}

// A TLS context holding ~150 root certificates costs tens of milliseconds of CPU to build; every probe's requests
// share one per set of CA files (keyed by their content, so an edited bundle is picked up).
const secureContexts = new Map<string, SecureContext>();

async function secureContextFor(env: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<SecureContext> {
  const ca = await trustedCertificates(env, signal);
  const key = ca.slice(rootCertificates.length).join('\n');
  let context = secureContexts.get(key);
  if (!context) {
    if (secureContexts.size > 16) secureContexts.clear();
    context = createSecureContext({ ca });
    secureContexts.set(key, context);
  }
  return context;
}

function proxyVariable(env: Readonly<Record<string, string>>, scheme: 'http' | 'https'): string | undefined {
  // urllib.request.getproxies_environment: lower-case names win over upper-case ones.
  return env[`${scheme}_proxy`] || env[`${scheme.toUpperCase()}_PROXY`] || env.all_proxy || env.ALL_PROXY || undefined;
}

/** requests' should_bypass_proxies: NO_PROXY host suffixes, exact IPs and CIDR ranges, or '*'. */
export function bypassesProxy(env: Readonly<Record<string, string>>, host: string, port: number): boolean {
  const raw = env.no_proxy ?? env.NO_PROXY ?? '';
  const entries = raw.replace(/\s/g, '').split(',').filter(Boolean);
  if (entries.includes('*')) return true;
  const bareHost = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bareHost)) {
    return entries.some((entry) => {
      if (entry.includes('/')) return inCidr(bareHost, entry);
      return entry === bareHost;
    });
  }
  const hostWithPort = `${bareHost}:${port}`;
  return entries.some((entry) => {
    const e = entry.toLowerCase().replace(/^\./, '');
    return bareHost === e || bareHost.endsWith(`.${e}`) || hostWithPort === e || hostWithPort.endsWith(`.${e}`);
  });
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || isIP(base) !== 4 || isIP(ip) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const toInt = (a: string): number => a.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

const ERRNO: Readonly<Record<string, string>> = {
  ECONNREFUSED: '[Errno 111] Connection refused',
  ECONNRESET: '[Errno 104] Connection reset by peer',
  ENETUNREACH: '[Errno 101] Network is unreachable',
  EHOSTUNREACH: '[Errno 113] No route to host',
  ENOTFOUND: '[Errno -2] Name or service not known',
  EAI_AGAIN: '[Errno -3] Temporary failure in name resolution',
};

function connectionClass(url: URL): string {
  return url.protocol === 'https:' ? 'HTTPSConnection' : 'HTTPConnection';
}

/** "HTTPSConnectionPool(host='x', port=443): Max retries exceeded with url: /p (Caused by …)" — requests' wording. */
function pythonConnectionMessage(url: URL, cause: string): string {
  const pool = url.protocol === 'https:' ? 'HTTPSConnectionPool' : 'HTTPConnectionPool';
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${pool}(host='${url.hostname}', port=${port}): Max retries exceeded with url: ${url.pathname}${url.search} (Caused by ${cause})`;
}

/**
 * The text azure-core's ServiceRequestError carries for a request that got no answer: urllib3's own reason
 * (what both 1.13.0b2 and 1.23.1 print, e.g. "<urllib3.connection.HTTPSConnection object at 0x…>: Failed to
 * establish a new connection: [Errno 111] Connection refused"). Python prints an object address; we cannot.
 */
function classify(url: URL, error: NodeJS.ErrnoException, connectTimeoutMs: number | undefined): NetworkError {
  const code = error.code;
  const conn = `<urllib3.connection.${connectionClass(url)} object at 0x…>`;
  if (code === 'ADA_CONNECT_TIMEOUT') {
    const seconds = (connectTimeoutMs ?? 0) / 1000;
    return new NetworkError('connect-timeout', `(${conn}, 'Connection to ${url.hostname} timed out. (connect timeout=${seconds})')`, code);
  }
  if (code === 'ADA_READ_TIMEOUT') {
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return new NetworkError('read-timeout', `${url.protocol === 'https:' ? 'HTTPS' : 'HTTP'}ConnectionPool(host='${url.hostname}', port=${port}): Read timed out.`, code);
  }
  if (code === 'ABORT_ERR') return new NetworkError('aborted', 'The request was cancelled.', code);
  if (code === 'ECONNRESET') return new NetworkError('closed', `('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))`, code);
  if (code && ERRNO[code] && (error as ProxyConnectError).toProxy) {
    // Through azure-core a proxy that cannot be reached reads as urllib3's ProxyError arguments.
    return new NetworkError('connect', `('Cannot connect to proxy.', NewConnectionError('${conn}: Failed to establish a new connection: ${ERRNO[code]}'))`, code);
  }
  if (code && ERRNO[code]) {
    const kind: NetworkErrorKind = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'dns' : 'connect';
    return new NetworkError(kind, `${conn}: Failed to establish a new connection: ${ERRNO[code]}`, code);
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(code)) {
    return new NetworkError('tls', pythonConnectionMessage(url, `SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:992)'))`), code);
  }
  // Through azure-core (every version run here) a proxy problem reads as urllib3's ProxyError arguments.
  if (code === 'ERR_PROXY_TUNNEL') return new NetworkError('connect', `('Cannot connect to proxy.', OSError('Tunnel connection failed: ${error.message}'))`, code);
  // A server that accepts and then closes without answering: what an IMDS probe through an egress guard sees.
  return new NetworkError('closed', `('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))`, code);
}

function errorWithCode(code: string, message = code): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(message);
  error.code = code;
  return error;
}

/** An error connecting to the proxy itself (not to the host behind it). */
type ProxyConnectError = NodeJS.ErrnoException & { toProxy?: boolean };

/** Opens a CONNECT tunnel through an HTTP proxy; resolves with the raw socket to the target. */
function openTunnel(proxy: URL, host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = httpRequestRaw({
      host: proxy.hostname, port: Number(proxy.port || 80), method: 'CONNECT', path: `${host}:${port}`,
      headers: { host: `${host}:${port}` }, signal,
    });
    req.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(errorWithCode('ERR_PROXY_TUNNEL', `${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim()));
      }
    });
    req.once('error', (error: ProxyConnectError) => {
      error.toProxy = true;
      reject(error);
    });
    req.end();
  });
}

export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const url = new URL(options.url);
  const isHttps = url.protocol === 'https:';
  const port = Number(url.port || (isHttps ? 443 : 80));
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(errorWithCode('ABORT_ERR'));
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let timeoutCode: string | undefined;
  const overall = setTimeout(() => { timeoutCode = 'ADA_READ_TIMEOUT'; controller.abort(); }, options.timeoutMs);
  let connectTimer: NodeJS.Timeout | undefined;
  if (options.connectTimeoutMs !== undefined) {
    connectTimer = setTimeout(() => { timeoutCode = 'ADA_CONNECT_TIMEOUT'; controller.abort(); }, options.connectTimeoutMs);
  }
  const connected = (): void => { if (connectTimer) clearTimeout(connectTimer); connectTimer = undefined; };
  const body = options.form ? new URLSearchParams(options.form as Record<string, string>).toString() : undefined;
  const headers: OutgoingHttpHeaders = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = Buffer.byteLength(body);
  }
  const proxyText = bypassesProxy(options.env, url.hostname, port) ? undefined : proxyVariable(options.env, isHttps ? 'https' : 'http');
  const proxy = proxyText ? new URL(/^\w+:\/\//.test(proxyText) ? proxyText : `http://${proxyText}`) : undefined;
  try {
    const secureContext = isHttps ? await secureContextFor(options.env, controller.signal) : undefined;
    const rejectUnauthorized = options.verifyTls !== false;
    const response = await new Promise<HttpResponse>((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        connected();
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const flat: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString('utf8') });
        });
      };
      const start = async (): Promise<void> => {
        if (isHttps && proxy) {
          const raw = await openTunnel(proxy, url.hostname, port, controller.signal);
          const req = httpsRequestRaw(url, {
            // No `agent`: only then does Node use createConnection (our tunnelled TLS socket).
            method: options.method, headers, signal: controller.signal,
            createConnection: () => tlsConnect({ socket: raw, servername: isIP(url.hostname) ? undefined : url.hostname, secureContext, rejectUnauthorized }),
          }, onResponse);
          req.on('error', reject);
          req.end(body);
          return;
        }
        if (!isHttps && proxy) {
          // Plain HTTP through a proxy: absolute-form request to the proxy, as requests does.
          const req = httpRequestRaw({
            host: proxy.hostname, port: Number(proxy.port || 80), method: options.method, path: url.href,
            headers: { ...headers, host: url.host }, signal: controller.signal, agent: false,
          }, onResponse);
          req.on('socket', (s: Socket) => s.once('connect', connected));
          req.on('error', reject);
          req.end(body);
          return;
        }
        const req = (isHttps ? httpsRequestRaw : httpRequestRaw)(url, {
          method: options.method, headers, signal: controller.signal, agent: false,
          ...(isHttps ? { secureContext, rejectUnauthorized } : {}),
        }, onResponse);
        req.on('socket', (s: Socket) => s.once(isHttps ? 'secureConnect' : 'connect', connected));
        req.on('error', reject);
        req.end(body);
      };
      start().catch(reject);
    });
    return response;
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (timeoutCode) throw classify(url, errorWithCode(timeoutCode), options.connectTimeoutMs);
    if (options.signal?.aborted) throw classify(url, errorWithCode('ABORT_ERR'), undefined);
    throw classify(url, err, options.connectTimeoutMs);
  } finally {
    clearTimeout(overall);
    if (connectTimer) clearTimeout(connectTimer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** JSON body or undefined (Python's ContentDecodePolicy also tolerates a missing content type). */
export function jsonBody(response: HttpResponse): unknown {
  if (!response.body.trim()) return undefined;
  try { return JSON.parse(response.body) as unknown; } catch { return undefined; }
}
