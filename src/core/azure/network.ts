// How requests to Azure leave this machine: the proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the process
// environment, or VS Code's http.proxy / http.noProxy settings passed in), and the certificate authorities (Node's
// own plus NODE_EXTRA_CA_CERTS, read here so it holds for every request, also through a proxy and inside VS Code).
// Only the process environment counts: a workspace's .env never chooses where tokens travel.
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Agent, ClientRequest } from 'node:http';
import type { AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';

export interface NetworkSettings {
  /** http://host:port of the proxy; undefined: none. */
  readonly proxy: string | undefined;
  /** Hosts (exact, `.suffix`, `*.suffix` or `*`) reached without the proxy. */
  readonly noProxy: readonly string[];
  /** PEM text of extra certificate authorities, or none. */
  readonly extraCaPem: string | undefined;
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
  let extraCaPem: string | undefined;
  const caFile = env.NODE_EXTRA_CA_CERTS;
  if (caFile) {
    try { extraCaPem = readFileSync(caFile, 'utf8'); } catch { extraCaPem = undefined; }
  }
  return { proxy, noProxy, extraCaPem };
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
  constructor(private readonly settings: NetworkSettings) {}

  /** The agent for `url`; undefined: Node's default (no proxy, no extra authorities). */
  agentFor(url: URL): Agent | undefined {
    const ca = this.settings.extraCaPem ? [...rootCertificates, this.settings.extraCaPem] : undefined;
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
