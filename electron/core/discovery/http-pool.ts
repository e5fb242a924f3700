import type http from 'node:http';
import type https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type tls from 'node:tls';
import { nodeHttp, nodeHttps, nodeTls } from '../net/builtins.js';
import { proxyFor, tunnel } from '../source/github/http.js';
import { tlsOptions, trustKey, type TlsTrust } from './tls-trust.js';

export type { TlsTrust } from './tls-trust.js';

/**
 * HTTP/1.1: one keep-alive agent per origin (and proxy and TLS trust), so checking 200 projects on one host opens a
 * handful of connections instead of 200 TLS handshakes. Free sockets are unref'd by Node, so an idle pool never
 * keeps the CLI alive. https:// hosts whose server offers h2 use one HTTP/2 session instead (h2-session.ts); the
 * TLS connection that found out a server speaks only HTTP/1.1 is handed to this pool as its first socket, so
 * asking costs no extra handshake.
 */
const agents = new Map<string, http.Agent>();

/** At most this many connections per origin: the engine checks 8 projects at a time; a few more for bursts. */
const MAX_SOCKETS_PER_ORIGIN = 12;

/** The pool key of an origin: connections through another proxy or under another trust are never shared. */
export function poolKey(url: URL, proxy: URL | null, trust: TlsTrust): string {
  return `${url.protocol}//${url.host}|${proxy?.href ?? ''}|${trustKey(trust)}`;
}

/** TLS connections negotiated as HTTP/1.1 by the HTTP/2 probe, waiting for the pool's next new connection. */
const spares = new Map<string, tls.TLSSocket>();
/** A spare not taken within this time is closed (the server would close it anyway). */
const SPARE_MS = 5_000;

/** A spare's own error listener (a reset while it waits must not be an uncaught error); removed when it is taken. */
const spareErrors = new WeakMap<tls.TLSSocket, () => void>();

export function addSpareSocket(key: string, socket: tls.TLSSocket): void {
  spares.get(key)?.destroy();
  spares.set(key, socket);
  const onError = () => socket.destroy();
  spareErrors.set(socket, onError);
  socket.on('error', onError);
  const timer = setTimeout(() => {
    if (spares.get(key) === socket) {
      spares.delete(key);
      socket.destroy();
    }
  }, SPARE_MS);
  timer.unref();
  socket.unref();
  socket.once('close', () => {
    clearTimeout(timer);
    if (spares.get(key) === socket) spares.delete(key);
  });
}

function takeSpare(key: string): tls.TLSSocket | undefined {
  const s = spares.get(key);
  if (!s) return undefined;
  spares.delete(key);
  if (s.destroyed || !s.writable) return undefined;
  const onError = spareErrors.get(s);
  if (onError) s.removeListener('error', onError);
  s.ref();
  return s;
}

export function agentFor(url: URL, env: NodeJS.ProcessEnv, trust: TlsTrust): http.Agent {
  const proxy = proxyFor(url, env);
  const key = poolKey(url, proxy, trust);
  let agent = agents.get(key);
  if (!agent) {
    const secure = url.protocol === 'https:';
    agent = proxy ? tunnelAgent(key, url, proxy, trust) : secure ? spareAwareHttpsAgent(key, trust) : new (nodeHttp().Agent)({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_ORIGIN });
    agents.set(key, agent);
  }
  return agent;
}

function spareAwareHttpsAgent(key: string, trust: TlsTrust): https.Agent {
  class PooledHttpsAgent extends nodeHttps().Agent {
    override createConnection(...args: Parameters<https.Agent['createConnection']>): ReturnType<https.Agent['createConnection']> {
      return takeSpare(key) ?? super.createConnection(...args);
    }
  }
  return new PooledHttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_ORIGIN, ...tlsOptions(trust) });
}

/**
 * An agent whose connections are CONNECT tunnels through `proxy` (TLS to the target inside the tunnel for https),
 * the same tunnel the GitHub client uses, kept alive like a direct connection.
 */
function tunnelAgent(key: string, url: URL, proxy: URL, trust: TlsTrust): http.Agent {
  const secure = url.protocol === 'https:';
  const Base = secure ? nodeHttps().Agent : nodeHttp().Agent;
  const port = Number(url.port || (secure ? 443 : 80));
  class TunnelAgent extends Base {
    override createConnection(_options: unknown, callback?: (err: Error | null, socket: Socket) => void): undefined {
      const spare = secure ? takeSpare(key) : undefined;
      if (spare) {
        process.nextTick(() => callback?.(null, spare));
        return undefined;
      }
      tunnel(proxy, url.hostname, port, AbortSignal.timeout(30_000)).then(
        (raw) => {
          const socket = secure ? nodeTls().connect({ socket: raw, host: url.hostname, ...servername(url), ALPNProtocols: ['http/1.1'], ...tlsOptions(trust) }) : raw;
          callback?.(null, socket);
        },
        (e: Error) => callback?.(e, undefined as unknown as Socket),
      );
      return undefined;
    }
  }
  return new TunnelAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_ORIGIN });
}

/** SNI carries host names only, never an IP address (RFC 6066 §3). */
export function servername(url: URL): { servername?: string } {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? {} : { servername: host };
}

/** Origins that advertised protocol v2 with ls-refs (and SHA-1) in this process: later remotes skip the advertisement. */
export const v2Origins = new Set<string>();

/** Closes every pooled HTTP/1.1 connection and spare socket (see closeHttpPool in transport.ts). */
export function closeAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
  for (const s of spares.values()) s.destroy();
  spares.clear();
  v2Origins.clear();
}
