import type { MetricsHandler } from './metrics.js';

/**
 * What browser mode needs from the engine, and what it hands back. `HostApi` is deliberately the smallest slice
 * of `UpshiftService` (electron/core/service) the HTTP host uses, so the host can be tested with a fake and the
 * real service satisfies it structurally.
 */

/** The engine as the host sees it: untyped in, untyped out. The service validates every input itself (zod). */
export interface HostApi {
  /** Runs one contract method; rejects with an ApiError-like `{code, message, retryable, details}`. */
  call(method: string, input: unknown): Promise<unknown>;
  /** Subscribes to contract events; returns the unsubscribe function. */
  subscribe(listener: (event: unknown) => void): () => void;
}

export interface HostServerOptions {
  api: HostApi;
  /** The built renderer (index.html + assets). Null, or a folder without index.html: a built-in "not built" page. */
  staticDir: string | null;
  /** Interface to bind. Loopback by default; anything else exposes the dashboard to the network. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The bearer token; a fresh random 256-bit one when omitted. At least 32 characters of [A-Za-z0-9_-]. */
  token?: string;
  /** Contract method names served under /api/<method>; default: every method of shared/api/contract.ts. */
  methods?: readonly string[];
  /** Largest accepted JSON body, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Interval of the SSE comment heartbeat (default 15 s), which keeps proxies and idle timers from closing streams. */
  heartbeatMs?: number;
  /** Concurrent /api/events streams allowed (default 16). */
  maxStreams?: number;
  /** Events kept for replay to a reconnecting EventSource (`Last-Event-ID`); default 500. */
  replayEvents?: number;
  /** Extra `host[:port]`-less host names accepted in Host/Origin (e.g. a LAN name when bound to 0.0.0.0). */
  allowedHostnames?: readonly string[];
  /** Serves `GET /metrics` (Prometheus; metrics.ts decides who may scrape). Absent: /metrics is a static path (404). */
  metrics?: MetricsHandler;
  /** Told about unexpected failures (500s, broken event serialisation); never about tokens. */
  onError?: (message: string) => void;
}

export interface HostServer {
  /** The origin, e.g. `http://127.0.0.1:43117` (no token: add `/#token=…` for a browser). */
  url: string;
  token: string;
  port: number;
  /** Event streams open right now (for tests and the idle benchmark). */
  streams(): number;
  /** Ends every event stream, stops listening and unsubscribes from the api. Idempotent. */
  close(): Promise<void>;
}
