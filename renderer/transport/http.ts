/**
 * Browser-mode transport: `POST api/<method>`, JSON in, `{result}` or `{error}` out; events over Server-Sent Events
 * (events.ts). The printed `#token=…` is exchanged once (`POST api/session`, the token in the Authorization header)
 * for an HttpOnly session cookie that every tab of this browser shares; after that requests carry only the cookie,
 * so a second tab, Ctrl-click or a pasted address work, and after a server restart a session made in another tab
 * makes Retry work here too. Without a token (no fragment) the cookie alone is used.
 */
import type { UpshiftApi, UpshiftEvent } from '../../shared/api/contract.js';
import { METHOD_LIST } from '../../shared/api/methods.js';
import type { ApiError } from '../../shared/api/types.js';
import { UpshiftCallError } from './errors.js';
import { EventStream, type EventSourceFactory } from './events.js';
import type { ConnectionChange, Transport } from './types.js';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
  ok: boolean;
  status: number;
  statusText?: string;
  text(): Promise<string>;
}>;

export interface HttpTransportOptions {
  token: string | null;
  /** Base URL the `api/` paths resolve against (the page's URL in the browser). */
  baseUrl: string;
  fetch: FetchLike;
  eventSource: EventSourceFactory;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

function httpError(status: number, statusText: string | undefined, body: string): ApiError {
  if (status === 401 || status === 403) {
    return {
      code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
      message: 'This browser has no valid dashboard session. Open the address `upshift serve` printed (http://…/#token=…) again.',
      retryable: false,
    };
  }
  const snippet = body.trim().slice(0, 200);
  return {
    code: `HTTP_${status}`,
    message: `The Upshift server answered ${status}${statusText ? ` ${statusText}` : ''}${snippet ? `: ${snippet}` : ''}`,
    retryable: status >= 500 || status === 429,
  };
}

/**
 * Exchanges the printed token for the session cookie. Failure is not fatal: a valid cookie from an earlier exchange
 * may still be there, and the first call says what is wrong if not.
 */
export async function exchangeToken(opts: Pick<HttpTransportOptions, 'baseUrl' | 'fetch'>, token: string): Promise<boolean> {
  try {
    await callHttp({ ...opts, token }, 'session', {});
    return true;
  } catch {
    return false;
  }
}

export async function callHttp(opts: Pick<HttpTransportOptions, 'token' | 'baseUrl' | 'fetch'>, method: string, input: unknown): Promise<unknown> {
  const url = new URL(`api/${method}`, opts.baseUrl).toString();
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await opts.fetch(url, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
  } catch (e) {
    throw new UpshiftCallError({
      code: 'NETWORK',
      message: `Cannot reach the Upshift server (${e instanceof Error ? e.message : String(e)}). Is \`upshift serve\` still running?`,
      retryable: true,
    });
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as { result?: unknown; error?: ApiError };
  if (!res.ok || envelope.error) {
    const e = envelope.error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      throw new UpshiftCallError({ code: e.code, message: e.message, retryable: Boolean(e.retryable), ...(e.details ? { details: e.details } : {}) });
    }
    throw new UpshiftCallError(httpError(res.status, res.statusText, body === null ? text : ''));
  }
  if (!('result' in envelope)) {
    throw new UpshiftCallError({ code: 'BAD_RESPONSE', message: 'The Upshift server sent a response without a result.', retryable: true });
  }
  return envelope.result;
}

/** The codes of a request the server's guard refused before doing anything (see electron/host/session.ts). */
const AUTH_REFUSALS = new Set(['UNAUTHORIZED', 'SESSION_EXPIRED', 'FORBIDDEN', 'FORBIDDEN_ORIGIN']);

export function createHttpTransport(opts: HttpTransportOptions): Transport {
  const stream = new EventStream(new URL('api/events', opts.baseUrl).toString(), opts.eventSource, {
    setTimeout: opts.setTimeout,
    clearTimeout: opts.clearTimeout,
  });
  // The event stream and every call after the exchange rely on the cookie alone.
  let exchanged = !opts.token;
  const ready: Promise<unknown> = opts.token ? exchangeToken(opts, opts.token).finally(() => (exchanged = true)) : Promise.resolve();
  const cookieOnly = { baseUrl: opts.baseUrl, fetch: opts.fetch, token: null };

  const api = {} as Record<string, unknown>;
  for (const method of METHOD_LIST) {
    api[method] = async (input: unknown) => {
      if (!exchanged) {
        // A call made while the exchange is in flight (the first getState) presents the token itself instead of
        // waiting a round trip for the cookie: the Updates view's data arrives one request sooner. A refusal
        // (a stale token from an old address) did nothing on the server; the cookie then decides, as below.
        try {
          return await callHttp(opts, method, input);
        } catch (e) {
          if (!(e instanceof UpshiftCallError) || !AUTH_REFUSALS.has(e.apiError.code)) throw e;
        }
      }
      await ready;
      return callHttp(cookieOnly, method, input);
    };
  }
  api.subscribe = (listener: (event: UpshiftEvent) => void) => {
    let off: (() => void) | null = null;
    let cancelled = false;
    void ready.then(() => {
      if (!cancelled) off = stream.subscribe(listener);
    });
    return () => {
      cancelled = true;
      off?.();
    };
  };

  return {
    mode: 'browser',
    api: api as UpshiftApi,
    onConnection: (listener: (change: ConnectionChange) => void) => stream.onConnection(listener),
    reconnect: () => stream.reconnectNow(),
    pickFolder: null,
  };
}
