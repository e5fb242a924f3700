import type http from 'node:http';
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import type tls from 'node:tls';
import { nodeHttp2, nodeTls } from '../net/builtins.js';
import { proxyFor, tunnel } from '../source/github/http.js';
import { addSpareSocket, poolKey, servername } from './http-pool.js';
import { TooLarge, USER_AGENT, type ByteBudget, type Reply } from './reply.js';
import { tlsOptions, type TlsTrust } from './tls-trust.js';

/**
 * HTTP/2 for https:// remotes (RFC 9113). Each host is asked once per run, by ALPN on one TLS connection
 * (`h2`, `http/1.1`, direct or inside the proxy's CONNECT tunnel): a server that picks h2 gets every request for
 * that host as a stream on that ONE session, at most as many at once as its SETTINGS_MAX_CONCURRENT_STREAMS allows
 * (and never over 100); one that picks HTTP/1.1 (or offers no ALPN) gets the connection handed to the keep-alive
 * pool. A GOAWAY or a session error sends the host to HTTP/1.1 for the rest of the run (a minute in a long-lived
 * process), and the requests it cut off are retried there by the caller (transport.ts): they only read.
 */

/** The request could not be answered over HTTP/2 (GOAWAY, session error, refused or reset stream): retry on HTTP/1.1. */
export class H2Unavailable extends Error {}

/** Connecting, tunnelling, the TLS handshake and the server's SETTINGS: each remote still has its own deadline too. */
const NEGOTIATE_TIMEOUT_MS = 30_000;
/** After a host answered HTTP/1.1, or a GOAWAY or session error: HTTP/1.1 for this long (a run; a long-lived process asks again later). */
const H1_FOR_MS = 60_000;
/** An idle session is closed after this long, so a long-lived process does not keep one per host forever. */
const IDLE_CLOSE_MS = 10_000;
/** Our own cap on streams at once, whatever the server allows (the engine lists 8 remotes at a time). */
const MAX_STREAMS = 100;
/** Flow-control windows: a large advertisement is not held to the protocol's default 64 KiB in flight. */
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 8 << 20;

/** One host's HTTP/2 session and its stream slots. */
export class H2Connection {
  private active = 0;
  private readonly waiters: Array<{ go: () => void; fail: (e: Error) => void }> = [];
  private idleTimer: NodeJS.Timeout | null = null;
  /** No new streams: closed, going away or failed. */
  dead = false;
  /** A stream of this session failed in transport (reset, refused, cut off). */
  cutOff = false;

  constructor(
    private readonly key: string,
    readonly session: ClientHttp2Session,
  ) {
    // Node closes the session itself after a GOAWAY, letting the streams the server processed finish.
    session.on('goaway', () => this.retire('the server sent GOAWAY', true));
    session.on('error', () => this.retire('the HTTP/2 session failed', true));
    // Closed by the peer: with streams in flight (or cut off) that is a session error; an idle close is only forgotten.
    session.on('close', () => this.retire('the HTTP/2 session closed', this.active > 0 || this.cutOff));
    this.idle();
  }

  /** The server's limit on concurrent streams, under ours. */
  private limit(): number {
    const n = this.session.remoteSettings.maxConcurrentStreams;
    return Math.max(1, Math.min(n ?? MAX_STREAMS, MAX_STREAMS));
  }

  /** A stream slot; waits while the server's limit is reached, counting against the caller's own deadline. */
  acquire(signal: AbortSignal): Promise<void> {
    if (this.dead) return Promise.reject(new H2Unavailable('the HTTP/2 session is closing'));
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (this.active < this.limit()) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const waiter = {
        go: () => {
          signal.removeEventListener('abort', onAbort);
          this.take();
          resolve();
        },
        fail: (e: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.active--;
    while (!this.dead && this.waiters.length > 0 && this.active < this.limit()) this.waiters.shift()!.go();
    if (this.active === 0) this.idle();
  }

  private take(): void {
    this.active++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    // Streams in flight keep the process alive; an idle session never does (the CLI exits at the end of its run).
    this.session.ref();
  }

  private idle(): void {
    if (this.dead) return;
    this.session.unref();
    this.idleTimer = setTimeout(() => this.close(), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  /** No new streams; queued requests go to HTTP/1.1, and so does the host for a while when the server is why. */
  private retire(why: string, toHttp1: boolean): void {
    if (this.dead) return;
    this.dead = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const state = origins.get(this.key);
    if (state?.kind === 'h2' && state.conn === this) {
      if (toHttp1) origins.set(this.key, { kind: 'h1', until: Date.now() + H1_FOR_MS, why });
      else origins.delete(this.key);
    }
    for (const w of this.waiters.splice(0)) w.fail(new H2Unavailable(why));
  }

  /** Closes the session: gracefully (streams in flight finish), or at once at the end of a run. */
  close(now = false): void {
    this.retire('the HTTP/2 session was closed', false);
    if (now) this.session.destroy();
    else this.session.close();
  }
}

type OriginState =
  | { kind: 'h2'; conn: H2Connection }
  | { kind: 'h1'; until: number; why: string }
  | { kind: 'asking'; answer: Promise<H2Connection | null> };

const origins = new Map<string, OriginState>();
/** Bumped by closeH2Sessions: a session negotiated for an earlier run is not kept. */
let generation = 0;

/**
 * The host's HTTP/2 session, or null for HTTP/1.1. The first request to a host asks (one TLS connection); the
 * others wait for that answer, each only as long as its own deadline allows.
 */
export async function h2Session(url: URL, env: NodeJS.ProcessEnv, trust: TlsTrust, signal: AbortSignal): Promise<H2Connection | null> {
  const proxy = proxyFor(url, env);
  const key = poolKey(url, proxy, trust);
  const state = origins.get(key);
  if (state?.kind === 'h2' && !state.conn.dead) return state.conn;
  if (state?.kind === 'h1' && Date.now() < state.until) return null;
  let answer = state?.kind === 'asking' ? state.answer : null;
  if (!answer) {
    const gen = generation;
    answer = negotiate(url, key, proxy, trust).then(
      (conn) => {
        if (gen !== generation) {
          conn?.close();
          return null;
        }
        origins.set(key, conn ? { kind: 'h2', conn } : { kind: 'h1', until: Date.now() + H1_FOR_MS, why: 'the server offered HTTP/1.1 only' });
        return conn;
      },
      (e: unknown) => {
        // Nothing is remembered about a host that could not be reached: the next remote tries again.
        if (origins.get(key)?.kind === 'asking') origins.delete(key);
        throw e;
      },
    );
    origins.set(key, { kind: 'asking', answer });
  }
  return untilAborted(answer, signal);
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One TLS connection offering h2 and http/1.1: an HTTP/2 session over it, or the connection to the HTTP/1.1 pool. */
async function negotiate(url: URL, key: string, proxy: URL | null, trust: TlsTrust): Promise<H2Connection | null> {
  const signal = AbortSignal.timeout(NEGOTIATE_TIMEOUT_MS);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const options = tlsOptions(trust);
  const raw = proxy ? await tunnel(proxy, url.hostname, port, signal) : undefined;
  const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = nodeTls().connect({ ...(raw ? { socket: raw } : { port }), host, ...servername(url), ALPNProtocols: ['h2', 'http/1.1'], ...options });
    const onAbort = () => {
      s.destroy();
      reject(new Error(`no TLS connection within ${NEGOTIATE_TIMEOUT_MS / 1000} s`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    s.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      s.removeListener('error', onError);
      resolve(s);
    });
    const onError = (e: Error) => {
      signal.removeEventListener('abort', onAbort);
      raw?.destroy();
      reject(e);
    };
    s.once('error', onError);
  });
  if (socket.alpnProtocol !== 'h2') {
    addSpareSocket(key, socket);
    return null;
  }
  const session = nodeHttp2().connect(url.origin, { createConnection: () => socket, settings: { enablePush: false, initialWindowSize: STREAM_WINDOW } });
  // The stream limit is the server's first SETTINGS frame; it follows the handshake at once.
  await new Promise<void>((resolve, reject) => {
    const done = (e?: Error) => {
      signal.removeEventListener('abort', onAbort);
      session.removeListener('remoteSettings', onSettings);
      session.removeListener('error', onFail);
      session.removeListener('close', onClose);
      if (e) {
        session.destroy();
        reject(e);
      } else resolve();
    };
    const onSettings = () => done();
    const onFail = (e: Error) => done(e);
    const onClose = () => done(new Error('the server closed the HTTP/2 connection before its settings'));
    const onAbort = () => done(new Error(`no HTTP/2 settings within ${NEGOTIATE_TIMEOUT_MS / 1000} s`));
    session.once('remoteSettings', onSettings);
    session.once('error', onFail);
    session.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  session.setLocalWindowSize(SESSION_WINDOW);
  return new H2Connection(key, session);
}

/** A request as one stream; the caller's signal (its deadline) resets this stream alone. */
export async function requestH2(conn: H2Connection, method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal, budget: ByteBudget): Promise<Reply> {
  await conn.acquire(signal);
  try {
    return await stream(conn, method, url, headers, body, signal, budget);
  } finally {
    conn.release();
  }
}

function stream(conn: H2Connection, method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal, budget: ByteBudget): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    // Everything but our own deadline and the byte cap is the transport's failure: the caller retries on HTTP/1.1.
    const fail = (e: Error) =>
      settle(() => {
        if (signal.aborted || e instanceof TooLarge) reject(e);
        else {
          conn.cutOff = true;
          reject(new H2Unavailable(e.message));
        }
      });
    let req: ClientHttp2Stream;
    try {
      req = conn.session.request(
        { ':method': method, ':path': `${url.pathname}${url.search}`, 'user-agent': USER_AGENT, ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        { endStream: !body, signal },
      );
    } catch (e) {
      fail(e as Error);
      return;
    }
    let status = 0;
    const resHeaders: http.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    const tooLarge = () => {
      req.close(nodeHttp2().constants.NGHTTP2_CANCEL);
      fail(new TooLarge());
    };
    req.on('response', (h) => {
      status = Number(h[':status'] ?? 0);
      for (const [k, v] of Object.entries(h)) if (!k.startsWith(':') && v !== undefined) resHeaders[k] = v as string;
      const declared = Number(resHeaders['content-length']);
      if (Number.isFinite(declared) && declared > budget.left) tooLarge();
    });
    req.on('data', (c: Buffer) => {
      if (settled) return;
      budget.left -= c.length;
      if (budget.left < 0) tooLarge();
      else chunks.push(c);
    });
    // A stream cut off by its session ends without an answer (no :status): the transport failed, not the server.
    req.on('end', () => (status === 0 ? fail(new Error('the HTTP/2 stream ended without an answer')) : settle(() => resolve({ status, headers: resHeaders, body: Buffer.concat(chunks) }))));
    req.on('error', fail);
    req.on('close', () => fail(new Error(`the HTTP/2 stream closed before its end (code ${req.rstCode ?? 'none'})`)));
    if (body) req.end(body);
  });
}

/** Closes every HTTP/2 session now (the end of a run); hosts are asked again next time. */
export function closeH2Sessions(): void {
  generation++;
  for (const state of origins.values()) if (state.kind === 'h2') state.conn.close(true);
  origins.clear();
}
