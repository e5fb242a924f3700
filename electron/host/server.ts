/**
 * Browser mode's HTTP server: the built renderer, the contract as JSON over POST, and events over SSE, on
 * loopback by default. Every request passes, in order: Host check (DNS rebinding) → Origin check (CSRF) →
 * for /api/* the Fetch-Metadata check and the bearer token or session cookie (session.ts) → the route. Every response carries strict security
 * headers. The protocol is in electron/host/README.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METHOD_NAMES } from '../../shared/api/contract.js';
import { assertUsableToken, generateToken } from './auth.js';
import { authority, isCrossSite, isWildcardHost, OriginGuard, ownHostnames } from './guard.js';
import { apiError, applySecurityHeaders, SECURITY_HEADERS, sendError, sendJson } from './http.js';
import { handleApiCall } from './routes.js';
import { exchangeSession, refuseApiRequest, SessionStore } from './session.js';
import { EventHub } from './sse.js';
import { StaticFiles } from './static.js';
import type { HostServer, HostServerOptions } from './types.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_STREAMS = 16;

export async function createHostServer(opts: HostServerOptions): Promise<HostServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? generateToken();
  assertUsableToken(token);
  const onError = opts.onError ?? (() => {});
  const methods = new Set(opts.methods ?? METHOD_NAMES);
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const files = new StaticFiles(opts.staticDir);
  let guard: OriginGuard | null = null;
  let hub: EventHub | null = null;
  let sessions: SessionStore | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    applySecurityHeaders(res);
    if (guard === null || hub === null || sessions === null) {
      sendError(res, 503, apiError('STARTING', 'The server is still starting.', true));
      return;
    }
    const refusal = guard.refusal(req);
    if (refusal) {
      sendError(res, 403, apiError(refusal.code, refusal.message));
      return;
    }
    const target = req.url ?? '/';
    // Only origin-form targets ("/path?query"); absolute-form ("http://other/…") is a proxy request.
    if (!target.startsWith('/') || target.startsWith('//')) {
      sendError(res, 400, apiError('BAD_PATH', 'Refused: the request target must be a path starting with a single "/".'));
      return;
    }
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    if (rawPath === '/metrics' && opts.metrics) {
      await opts.metrics(req, res, { serverToken: token }); // its own access rules: metrics.ts
      return;
    }
    if (rawPath !== '/api' && !rawPath.startsWith('/api/')) {
      await files.serve(req, res, rawPath);
      return;
    }
    if (isCrossSite(req)) {
      sendError(res, 403, apiError('FORBIDDEN_SITE', 'Refused: the browser reports this request as coming from another site (CSRF protection).'));
      return;
    }
    if (rawPath === '/api/session') {
      // The printed token for a session cookie that every tab of this browser shares (session.ts).
      const exchanged = exchangeSession(req, token, sessions);
      if ('cookie' in exchanged) sendJson(res, 200, { result: { session: 'created' } }, { 'Set-Cookie': exchanged.cookie });
      else sendError(res, exchanged.status, exchanged.error, exchanged.headers);
      return;
    }
    const isEvents = rawPath === '/api/events';
    const refused = refuseApiRequest(req, query, token, sessions, isEvents);
    if (refused) {
      sendError(res, refused.status, refused.error, refused.headers);
      return;
    }
    if (isEvents) {
      if (req.method !== 'GET') {
        sendError(res, 405, apiError('METHOD_NOT_ALLOWED', 'Open /api/events with GET (EventSource).'), { Allow: 'GET' });
      } else if (hub.full) {
        sendError(res, 503, apiError('TOO_MANY_STREAMS', 'Too many event streams are open; close another dashboard tab and retry.', true), { 'Retry-After': '5' });
      } else {
        hub.open(req, res);
      }
      return;
    }
    await handleApiCall(req, res, rawPath.slice('/api/'.length), { api: opts.api, methods, maxBodyBytes, onError });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      onError(`Request ${req.method ?? '?'} failed: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) sendError(res, 500, apiError('INTERNAL', 'The request failed unexpectedly.'));
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    // A request Node could not even parse (malformed, headers too large): answered here, still with our headers.
    const headers = Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: opts.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  guard = new OriginGuard(ownHostnames(host, opts.allowedHostnames), port);
  sessions = new SessionStore(port);
  hub = new EventHub(opts.api, {
    heartbeatMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxStreams: opts.maxStreams ?? DEFAULT_MAX_STREAMS,
    replayEvents: opts.replayEvents ?? 500,
    onError,
  });

  let closing: Promise<void> | null = null;
  const liveHub = hub;
  return {
    url: `http://${authority(isWildcardHost(host) ? '127.0.0.1' : host, port)}`,
    token,
    port,
    streams: () => liveHub.size,
    close() {
      closing ??= new Promise<void>((resolve) => {
        liveHub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
