import type http from 'node:http';
import type https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { nodeHttp, nodeHttps, nodeTls } from '../../net/builtins.js';

/** A response read whole, under a size cap. Header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal | undefined;
  /** `http://host:port` of a proxy reached with CONNECT, or null for a direct connection. */
  proxy?: URL | null;
  /** Extra trusted certificates (PEM), on top of Node's (which NODE_EXTRA_CA_CERTS extends). */
  ca?: string | undefined;
}

/** Why a request failed before a response was read whole; `kind` lets callers decide about retrying. */
export class HttpError extends Error {
  constructor(
    readonly kind: 'timeout' | 'too-large' | 'network' | 'aborted' | 'proxy',
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** True for hosts whose plain-HTTP traffic never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * The proxy for `target`, from `HTTPS_PROXY` (https targets) or `HTTP_PROXY` (http targets), either case, unless
 * `NO_PROXY` lists the host: `*`, a host name (`example.com` also covers `api.example.com`), `.example.com`, or
 * `host:port`. Null when no proxy applies.
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): URL | null {
  const raw = target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!raw || raw.trim() === '') return null;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(/[\s,]+/).filter((s) => s !== '');
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const entry of noProxy) {
    if (entry === '*') return null;
    let e = entry.toLowerCase();
    let entryPort: string | null = null;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(e);
    if (m) {
      e = m[1]!;
      entryPort = m[2]!;
    }
    e = e.replace(/^\[|\]$/g, '').replace(/^\*\./, '.');
    if (entryPort !== null && entryPort !== port) continue;
    if (e.startsWith('.') ? host.endsWith(e) || host === e.slice(1) : host === e || host.endsWith(`.${e}`)) return null;
  }
  let proxy: URL;
  try {
    proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new HttpError('proxy', `The proxy setting ${target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} is not a URL.`);
  }
  if (proxy.protocol !== 'http:') throw new HttpError('proxy', `Only http:// proxies (CONNECT) are supported, not ${proxy.protocol}//.`);
  return proxy;
}

/** Opens a CONNECT tunnel through `proxy` to host:port; resolves with the raw socket. */
export function tunnel(proxy: URL, host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `${host}:${port}` };
    if (proxy.username) {
      const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(cred).toString('base64')}`;
    }
    const req = nodeHttp().request({ host: proxy.hostname, port: Number(proxy.port || 80), method: 'CONNECT', path: `${host}:${port}`, headers, agent: false, signal });
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new HttpError('proxy', `The proxy ${proxy.host} refused the tunnel to ${host}:${port} (HTTP ${res.statusCode}).`));
        return;
      }
      resolve(socket);
    });
    req.once('error', (e) => reject(signal.aborted ? e : new HttpError('proxy', `Cannot reach the proxy ${proxy.host}: ${e.message}`)));
    req.end();
  });
}

/** What {@link openGet} needs: no deadline or size cap of its own, the caller owns both through `signal`. */
export interface StreamRequestOptions {
  headers?: Record<string, string> | undefined;
  /** Aborts the request (connect, tunnel, TLS or body); the caller's deadline and cancellation in one. */
  signal: AbortSignal;
  proxy?: URL | null | undefined;
  ca?: string | undefined;
}

/** A response whose body has not been read yet. Header names are lower-case. */
export interface StreamResponse {
  status: number;
  headers: Record<string, string>;
  body: http.IncomingMessage;
  /** Releases the response and the CONNECT tunnel under it (a tunnel carries one request). Idempotent. */
  close(): void;
}

/**
 * One GET, up to the response headers; the body is left for the caller to stream. Through a proxy a CONNECT tunnel
 * carries the request (TLS to the target inside the tunnel for https). Redirects are returned, not followed.
 * Failures are raw Node errors, except `HttpError('proxy')` from the tunnel: callers map them (see httpGet).
 */
export async function openGet(url: URL, opts: StreamRequestOptions): Promise<StreamResponse> {
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  let socket: Socket | null = null;
  if (opts.proxy) {
    socket = await tunnel(opts.proxy, url.hostname, port, opts.signal);
    if (secure) {
      const servername = isIP(url.hostname) ? undefined : url.hostname;
      socket = nodeTls().connect({ socket, host: url.hostname, ...(servername ? { servername } : {}), ALPNProtocols: ['http/1.1'], ...(opts.ca ? { ca: [...nodeTls().rootCertificates, opts.ca] } : {}) });
    }
  }
  const tunnelled = socket;
  return await new Promise<StreamResponse>((resolve, reject) => {
    const requestOptions: https.RequestOptions = {
      method: 'GET',
      hostname: url.hostname,
      port,
      path: `${url.pathname}${url.search}`,
      headers: opts.headers ?? {},
      signal: opts.signal,
      ...(opts.ca && !tunnelled ? { ca: [...nodeTls().rootCertificates, opts.ca] } : {}),
      ...(tunnelled ? { createConnection: () => tunnelled } : {}),
    };
    const req = (secure && !tunnelled ? nodeHttps() : nodeHttp()).request(requestOptions, (res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      const close = () => {
        res.destroy();
        tunnelled?.destroy();
      };
      resolve({ status: res.statusCode ?? 0, headers, body: res, close });
    });
    req.on('error', (e) => {
      tunnelled?.destroy();
      reject(e);
    });
    req.end();
  });
}

/**
 * One GET, read whole: a deadline covering connect to last byte, a cap on the body (a Content-Length over it is
 * refused before reading), and cancellation. Through a proxy, a CONNECT tunnel carries the request (TLS to the
 * target inside the tunnel for https). Redirects are returned, not followed.
 */
export async function httpGet(url: URL, opts: HttpRequestOptions): Promise<HttpResponse> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, opts.timeoutMs);
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const fail = (e: unknown): never => {
    if (e instanceof HttpError) throw e;
    if (timedOut) throw new HttpError('timeout', `No complete response from ${url.host} within ${Math.round(opts.timeoutMs / 1000)} s.`);
    if (opts.signal?.aborted) throw new HttpError('aborted', 'The request was cancelled.');
    throw new HttpError('network', `Cannot reach ${url.host}: ${(e as Error).message}`);
  };
  try {
    if (opts.signal?.aborted) throw new HttpError('aborted', 'The request was cancelled.');
    let res: StreamResponse;
    try {
      res = await openGet(url, { headers: opts.headers, signal: ac.signal, proxy: opts.proxy, ca: opts.ca });
    } catch (e) {
      return fail(e);
    }
    const { body, headers } = res;
    return await new Promise<HttpResponse>((resolve, reject) => {
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        reject(new HttpError('too-large', `The response from ${url.host} is ${declared} bytes, over the ${opts.maxBytes}-byte limit; it was not read.`));
        body.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      body.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) {
          reject(new HttpError('too-large', `The response from ${url.host} exceeded the ${opts.maxBytes}-byte limit; it was not read.`));
          body.destroy();
          return;
        }
        chunks.push(c);
      });
      body.on('end', () => {
        resolve({ status: res.status, headers, body: Buffer.concat(chunks) });
        // A tunnel carries one request.
        res.close();
      });
      body.on('error', reject);
      body.on('aborted', () => reject(new Error('the connection closed mid-response')));
    }).catch((e: unknown) => {
      res.close();
      return fail(e);
    });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
