import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import { proxyFor, tunnel } from '../source/github/http.js';

/**
 * One keep-alive agent per origin (and proxy), so checking 200 projects on one host opens a handful of
 * connections instead of 200 TLS handshakes. Free sockets are unref'd by Node, so an idle pool never keeps the
 * CLI alive. HTTP/2 is not used: Node's http2 client has no agent pooling of its own, and the requests here are
 * two small round trips per remote, where the saving is the handshake keep-alive already removes.
 */
const agents = new Map<string, http.Agent>();

/** At most this many connections per origin: the engine checks 8 projects at a time; a few more for bursts. */
const MAX_SOCKETS_PER_ORIGIN = 12;

export function agentFor(url: URL, env: NodeJS.ProcessEnv = process.env): http.Agent {
  const proxy = proxyFor(url, env);
  const caFile = env.GIT_SSL_CAINFO?.trim() || null;
  const key = `${url.protocol}//${url.host}|${proxy?.href ?? ''}|${caFile ?? ''}`;
  let agent = agents.get(key);
  if (!agent) {
    const ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
    agent = proxy
      ? tunnelAgent(url, proxy, ca)
      : url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_ORIGIN, ...(ca ? { ca } : {}) })
        : new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_ORIGIN });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * An agent whose connections are CONNECT tunnels through `proxy` (TLS to the target inside the tunnel for https),
 * the same tunnel the GitHub client uses, kept alive like a direct connection. GIT_SSL_CAINFO replaces the trusted
 * certificates, as it does for git (curl's CAINFO).
 */
function tunnelAgent(url: URL, proxy: URL, ca: string | undefined): http.Agent {
  const secure = url.protocol === 'https:';
  const Base = secure ? https.Agent : http.Agent;
  const port = Number(url.port || (secure ? 443 : 80));
  class TunnelAgent extends Base {
    override createConnection(_options: unknown, callback?: (err: Error | null, socket: Socket) => void): undefined {
      tunnel(proxy, url.hostname, port, AbortSignal.timeout(30_000)).then(
        (raw) => {
          const servername = isIP(url.hostname) ? undefined : url.hostname;
          const socket = secure ? tls.connect({ socket: raw, host: url.hostname, ...(servername ? { servername } : {}), ALPNProtocols: ['http/1.1'], ...(ca ? { ca } : {}) }) : raw;
          callback?.(null, socket);
        },
        (e: Error) => callback?.(e, undefined as unknown as Socket),
      );
      return undefined;
    }
  }
  return new TunnelAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_ORIGIN });
}

/** Origins that advertised protocol v2 with ls-refs (and SHA-1) in this process: later remotes skip the advertisement. */
export const v2Origins = new Set<string>();

/** Closes every pooled connection (tests, and a long-lived process that wants its sockets back). */
export function closeHttpPool(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
  v2Origins.clear();
}
