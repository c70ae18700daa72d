// The egress guard: a loopback HTTP proxy the sandbox's environment points HTTPS_PROXY and HTTP_PROXY at.
// CONNECT tunnels to Microsoft's own hosts (login.microsoftonline.com, management.azure.com, graph.microsoft.com ...)
// are answered by the sandbox itself, which is how MSAL's instance discovery and an unmodified `az` reach it.
// Tunnels to loopback itself are passed through (clients that ignore NO_PROXY keep reaching the sandbox).
// Everything else is refused at once, so nothing started with the sandbox's environment can leave the machine;
// plain-http requests (the IMDS probe to 169.254.169.254) get their connection closed, which is what a developer
// laptop without managed identity looks like to azure-identity.
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ControlState } from './control';
import { BLOB_HOST } from './blob';
import { INTERCEPTED_HOSTS } from './tls';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

export function createEgressProxy(target: HttpsServer, control: ControlState): HttpServer {
  const proxy = createServer((req, res) => {
    recordBlocked(control, req.method ?? 'GET', req.url ?? '', 'http');
    // No answer at all: the client sees a closed connection, not an HTTP error.
    res.socket?.destroy();
  });
  proxy.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let destination: URL | undefined;
    try { destination = new URL(`http://${req.url ?? ''}`); } catch { destination = undefined; }
    const host = (destination?.hostname ?? '').toLowerCase().replace(/^\[|\]$/g, '');
    const port = Number(destination?.port || '443');
    const intercepted = ((INTERCEPTED_HOSTS as readonly string[]).includes(host) || BLOB_HOST.test(host)) && port === 443;
    if (LOOPBACK_HOSTS.includes(host)) {
      const upstream = netConnect({ host: '127.0.0.1', port, timeout: 10_000 }, () => {
        upstream.setTimeout(0); // the connect timeout only; an open tunnel may idle
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('timeout', () => upstream.destroy(new Error('connect timeout')));
      upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
      socket.on('close', () => upstream.destroy());
      return;
    }
    if (!intercepted) {
      recordBlocked(control, 'CONNECT', req.url ?? '', 'connect');
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    control.count('egress.intercepted');
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    // Hand the raw socket to the HTTPS server: TLS (with a certificate valid for these host names) and the normal
    // routing take over from here.
    target.emit('connection', socket);
  });
  proxy.on('clientError', (_error, socket) => socket.destroy());
  return proxy;
}

function recordBlocked(control: ControlState, method: string, target: string, kind: 'http' | 'connect'): void {
  let host = target;
  let path = '';
  if (kind === 'http') {
    try {
      const url = new URL(target);
      host = url.host;
      path = url.pathname;
    } catch {
      host = target.slice(0, 200);
    }
  }
  control.record({ method, host: host.slice(0, 200), path, route: 'egress.blocked', status: 0, durationMs: 0 });
}
