/**
 * `GET /metrics`: Prometheus text exposition (docs/metrics.md), reusable by any Node HTTP server — `upshift serve`
 * mounts it (server.ts, after its Host/Origin guards); the daemon can mount the same handler.
 *
 * Access, in order:
 * 1. `Authorization: Bearer <token>` with one of the accepted tokens: the server's dashboard token, or a read-only
 *    scrape token (`UPSHIFT_METRICS_TOKEN`) — give Prometheus the latter, it grants nothing else. Prometheus sends
 *    it with `authorization: {credentials_file: …}`.
 * 2. Without a token, only when explicitly enabled (`--metrics-no-auth`, `UPSHIFT_METRICS_NO_AUTH=1`) and only from a
 *    loopback peer address (the TCP peer, not a header): a Prometheus on the same machine. Anything else → 401.
 * No query-string tokens: a scrape URL ends up in logs and target lists.
 *
 * prom-client and the collectors load on the first authorised scrape, never at start-up.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsRenderer, MetricsSources } from '../core/telemetry/index.js';
import { presentedToken, tokensEqual } from './auth.js';
import { isCrossSite, isLoopbackHost } from './guard.js';
import { apiError, sendError } from './http.js';

export interface MetricsEndpointOptions {
  sources: () => MetricsSources;
  /** Extra accepted bearer tokens (the read-only scrape token). The server's own token is passed per request. */
  tokens?: readonly string[];
  /** Answer scrapes without a token from loopback peers. Default false: the token is required. */
  allowLoopbackWithoutToken?: boolean;
  onError?: (message: string) => void;
}

/** Per request: the token of the server that mounts the handler (accepted like the scrape token). */
export interface MetricsRequestContext {
  serverToken?: string;
}

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse, ctx?: MetricsRequestContext) => Promise<void>;

/** The remote peer is this machine (127.0.0.0/8, ::1, or IPv4-mapped loopback). */
export function isLoopbackPeer(req: IncomingMessage): boolean {
  const addr = req.socket.remoteAddress ?? '';
  return isLoopbackHost(addr) || /^::ffff:127\./i.test(addr);
}

export function createMetricsHandler(opts: MetricsEndpointOptions): MetricsHandler {
  let renderer: Promise<MetricsRenderer> | null = null;
  const load = (): Promise<MetricsRenderer> => {
    renderer ??= import('../core/telemetry/metrics.js').then((m) => m.createMetrics(opts.sources()));
    renderer.catch(() => (renderer = null));
    return renderer;
  };
  return async (req, res, ctx = {}) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, apiError('METHOD_NOT_ALLOWED', 'Scrape /metrics with GET.'), { Allow: 'GET, HEAD' });
      return;
    }
    if (isCrossSite(req)) {
      sendError(res, 403, apiError('FORBIDDEN_SITE', 'Refused: the browser reports this request as coming from another site.'));
      return;
    }
    const accepted = [...(ctx.serverToken ? [ctx.serverToken] : []), ...(opts.tokens ?? [])];
    const given = presentedToken(req, new URLSearchParams(), false);
    const tokenOk = given !== null && accepted.some((t) => tokensEqual(given, t));
    if (!tokenOk && !(given === null && opts.allowLoopbackWithoutToken === true && isLoopbackPeer(req))) {
      const how = opts.allowLoopbackWithoutToken ? ' (scrapes without a token are accepted from this machine only)' : '';
      sendError(res, 401, apiError('UNAUTHORIZED', `A valid token is required to scrape /metrics: send "Authorization: Bearer <token>" with UPSHIFT_METRICS_TOKEN or the dashboard token${how}. See docs/metrics.md.`), {
        'WWW-Authenticate': 'Bearer realm="upshift-metrics"',
      });
      return;
    }
    let body: string;
    let contentType: string;
    try {
      const r = await load();
      body = await r.render();
      contentType = r.contentType;
    } catch (err) {
      opts.onError?.(`/metrics failed: ${(err as Error)?.message ?? String(err)}`);
      sendError(res, 500, apiError('METRICS_FAILED', 'The metrics could not be collected; see the log.', true));
      return;
    }
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
