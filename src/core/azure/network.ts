// How requests to Azure leave this machine: the proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the process
// environment, or VS Code's http.proxy / http.noProxy settings passed in), and the certificate authorities (Node's
// own plus NODE_EXTRA_CA_CERTS, read here so it holds for every request, also through a proxy and inside VS Code).
// Only the process environment counts: a workspace's .env never chooses where tokens travel.
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Agent, ClientRequest } from 'node:http';
import type { AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { readOptionalText } from '../files/boundedRead';

export interface NetworkSettings {
  /** http://host:port of the proxy; undefined: none. */
  readonly proxy: string | undefined;
  /** Hosts (exact, `.suffix`, `*.suffix` or `*`) reached without the proxy. */
  readonly noProxy: readonly string[];
  /** PEM text of extra certificate authorities, or none. */
  readonly extraCaPem: string | undefined;
  /** A file of extra certificate authorities (NODE_EXTRA_CA_CERTS), read once, asynchronously and bounded, on first use. */
  readonly extraCaFile?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function envValue(env: Env, name: string): string | undefined {
  return env[name] || env[name.toLowerCase()] || undefined;
}

/**
 * The settings the process environment gives; `overrides` (VS Code's proxy settings) win over it. A proxy URL that
 * is not http(s) is ignored rather than guessed at.
 */
export function networkSettings(env: Env = process.env, overrides: { readonly proxy?: string; readonly noProxy?: readonly string[] } = {}): NetworkSettings {
  const rawProxy = overrides.proxy || envValue(env, 'HTTPS_PROXY') || envValue(env, 'ALL_PROXY') || envValue(env, 'HTTP_PROXY');
  let proxy: string | undefined;
  if (rawProxy) {
    try {
      const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(rawProxy) ? rawProxy : `http://${rawProxy}`);
      if (url.protocol === 'http:' || url.protocol === 'https:') proxy = url.toString();
    } catch { proxy = undefined; }
  }
  const noProxy = [...(overrides.noProxy ?? []), ...(envValue(env, 'NO_PROXY') ?? '').split(',')]
    .map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  return { proxy, noProxy, extraCaPem: undefined, extraCaFile: env.NODE_EXTRA_CA_CERTS || undefined };
}

/** Whether NO_PROXY covers `host` (port given or not): curl's rules, plus `*.suffix`. */
export function bypassesProxy(url: URL, noProxy: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy.some((raw) => {
    if (raw === '*') return true;
    let entry = raw;
    const withPort = /^(.*):(\d+)$/.exec(entry);
    if (withPort && !entry.includes(']') && (entry.match(/:/g) ?? []).length === 1) {
      if (withPort[2] !== port) return false;
      entry = withPort[1]!;
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*\./, '.');
    if (entry.startsWith('.')) return host.endsWith(entry) || host === entry.slice(1);
    return host === entry || host.endsWith(`.${entry}`);
  });
}

/**
 * HttpsProxyAgent drops the agent's own TLS options; these authorities are added to the TLS connection it opens to
 * the target through the tunnel.
 */
class TrustingProxyAgent extends HttpsProxyAgent<string> {
  constructor(proxy: string, private readonly ca: readonly string[] | undefined) {
    super(proxy, { keepAlive: true });
  }

  override connect(req: ClientRequest, opts: AgentConnectOpts): ReturnType<HttpsProxyAgent<string>['connect']> {
    return super.connect(req, this.ca ? { ...opts, ca: [...this.ca] } as AgentConnectOpts : opts);
  }

  /**
   * One pool key per target host and port. agent-base guesses https from the call stack, which differs between
   * placing a request and freeing its socket, so kept-alive tunnels were never found again (a CONNECT and a TLS
   * handshake per request).
   */
  override getName(options?: { host?: string | null; hostname?: string | null; port?: number | string | null }): string {
    return `${options?.hostname ?? options?.host ?? ''}:${options?.port ?? ''}`;
  }
}

/** One agent per (settings, proxy or not); sockets kept alive between requests, never keeping a process alive. */
export class AgentPool {
  private direct: Agent | undefined;
  private proxied: Agent | undefined;
  private extraCa: Promise<string | undefined> | undefined;
  constructor(private readonly settings: NetworkSettings) {}

  /** The extra authorities' PEM: given, or read from NODE_EXTRA_CA_CERTS once (a FIFO or device there reads as none). */
  private extraCaPem(): Promise<string | undefined> {
    this.extraCa ??= this.settings.extraCaPem !== undefined || !this.settings.extraCaFile
      ? Promise.resolve(this.settings.extraCaPem)
      : readOptionalText(this.settings.extraCaFile, 'caBundle');
    return this.extraCa;
  }

  /** The agent for `url`; undefined: Node's default (no proxy, no extra authorities). */
  async agentFor(url: URL): Promise<Agent | undefined> {
    const pem = await this.extraCaPem();
    const ca = pem ? [...rootCertificates, pem] : undefined;
    if (this.settings.proxy && !bypassesProxy(url, this.settings.noProxy)) {
      this.proxied ??= new TrustingProxyAgent(this.settings.proxy, ca);
      return this.proxied;
    }
    if (!ca) return undefined;
    this.direct ??= new HttpsAgent({ keepAlive: true, ca });
    return this.direct;
  }

  destroy(): void {
    this.direct?.destroy();
    this.proxied?.destroy();
  }
}
