import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { HttpError, isLoopbackHost, openGet, proxyFor, type StreamResponse } from '../source/github/http.js';
import { DownloadError, type DownloadErrorKind } from './errors.js';
import { nodeHttp } from '../net/builtins.js';

export interface DownloadOptions {
  /** Refuse bodies bigger than this: a Content-Length over it before reading, else as soon as the count passes it. */
  maxBytes: number;
  /** Deadline for the whole download, redirects included. */
  timeoutMs: number;
  /** Fail when no bytes arrive for this long (connecting and waiting for headers count too). Default: none. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Extra request headers. `authorization`, `cookie` and `proxy-authorization` among them are dropped like `authorization`. */
  headers?: Record<string, string>;
  /** The Authorization header value (`Bearer …`, `token …`): sent to the original URL's origin only, never after a redirect leaves it. */
  authorization?: string;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Extra trusted certificates (PEM). */
  ca?: string;
  /** Called as bytes arrive, with the Content-Length when the server sent one. */
  onProgress?: (bytes: number, total: number | null) => void;
  /** Default 5. */
  maxRedirects?: number;
}

export interface DownloadResult {
  bytes: number;
  /** Lower-case hex SHA-256 of what was saved, computed while streaming. */
  sha256: string;
  /** The URL the body came from, after redirects, without credentials (it may carry a signed query: show it with displayUrl). */
  finalUrl: string;
}

const USER_AGENT = 'upshift (+https://github.com/upshift)';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Request headers that carry credentials: they go to the original origin only. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** A URL as shown in messages: no credentials, and no query string (signed download URLs hold secrets there). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
}

/** An error thrown by the caller's onProgress: passed through unchanged. */
class CallbackError {
  constructor(readonly error: unknown) {}
}

/** Refuses what Upshift must not fetch: non-http(s) schemes, plain http off this machine, https→http downgrades. */
function checkUrl(url: URL, from: URL | null): void {
  const refuse = (why: string) => {
    throw new DownloadError('refused-url', `${why}; it was not requested and nothing was downloaded.`, { url: displayUrl(url) });
  };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    refuse(from ? `${displayUrl(from)} redirected to ${url.protocol}// URL, which Upshift does not follow` : `${displayUrl(url)} is not an https:// URL`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    if (from?.protocol === 'https:') refuse(`${displayUrl(from)} redirected from https to plain http (${displayUrl(url)}), a downgrade Upshift refuses`);
    refuse(`${displayUrl(url)} uses plain http; downloads must use https:// (plain http is only allowed to this machine)`);
  }
}

function declaredLength(headers: Record<string, string>): number | null {
  const raw = headers['content-length'];
  return raw !== undefined && /^[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : null;
}

/**
 * Downloads `url` to `dest`: GET, following up to 5 redirects (an Authorization header or credential headers are
 * dropped once a redirect leaves the original origin, as GitHub asset downloads do; https→http and non-http(s)
 * redirects are refused), streamed to `<dest>.partial` while its sha256 is computed, fsynced, then renamed over
 * `dest`. Plain http is allowed to loopback hosts only. Proxies come from `env` as for the GitHub source (CONNECT,
 * TLS inside the tunnel). Every failure is a DownloadError; `<dest>.partial` is removed and `dest` is untouched.
 */
export async function downloadToFile(url: URL, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  const original = new URL(url.href);
  const partial = `${dest}.partial`;
  const maxRedirects = opts.maxRedirects ?? 5;
  const env = opts.env ?? process.env;
  const untouched = `The partial download was removed; ${dest} was not changed.`;
  let current = original;
  let timedOut = false;
  let idled = false;
  const ac = new AbortController();
  const deadline = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, opts.timeoutMs);
  let idleTimer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (opts.idleTimeoutMs === undefined) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idled = true;
      ac.abort();
    }, opts.idleTimeoutMs);
  };
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const fail = (kind: DownloadErrorKind, message: string, extra: { status?: number; cause?: unknown } = {}) =>
    new DownloadError(kind, `${message} ${untouched}`, { url: displayUrl(current), ...extra });
  /** Any failure as a DownloadError, the cause decided by which alarm went off first. */
  const classify = (e: unknown): unknown => {
    if (e instanceof DownloadError || e instanceof CallbackError) return e;
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    if (timedOut) return fail('timeout', `Downloading ${displayUrl(current)} did not finish within ${seconds(opts.timeoutMs)}.`, { cause: e });
    if (idled) return fail('idle-timeout', `Downloading ${displayUrl(current)} stalled: no data for ${seconds(opts.idleTimeoutMs ?? 0)}.`, { cause: e });
    if (opts.signal?.aborted) return fail('aborted', `Downloading ${displayUrl(current)} was cancelled.`, { cause: e });
    if (e instanceof HttpError && e.kind === 'proxy') return fail('proxy', `${e.message}`, { cause: e });
    return fail('network', `Cannot download ${displayUrl(current)}: ${(e as Error).message}.`, { cause: e });
  };
  /** File-system steps: their errors are about the disk, not the network. */
  const disk = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      if (ac.signal.aborted) throw e;
      throw fail('write', `Cannot ${what} for ${displayUrl(current)}: ${(e as Error).message}.`, { cause: e });
    }
  };

  let fh: FileHandle | null = null;
  let res: StreamResponse | null = null;
  try {
    checkUrl(original, null);
    if (opts.signal?.aborted) throw fail('aborted', `Downloading ${displayUrl(current)} was cancelled.`);
    touch();
    let sendCredentials = true;
    for (let redirects = 0; ; redirects++) {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*', 'accept-encoding': 'identity' };
      for (const [k, v] of Object.entries(opts.headers ?? {})) if (sendCredentials || !CREDENTIAL_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
      if (sendCredentials && opts.authorization !== undefined) headers.authorization = opts.authorization;
      const response = await openGet(current, { headers, signal: ac.signal, proxy: proxyFor(current, env), ca: opts.ca });
      res = response;
      ac.signal.addEventListener('abort', () => response.close(), { once: true });
      touch();
      if (REDIRECTS.has(response.status)) {
        response.close();
        const location = response.headers.location;
        if (!location) throw fail('http-status', `${displayUrl(current)} answered HTTP ${response.status} without a Location to follow.`, { status: response.status });
        if (redirects >= maxRedirects) throw fail('too-many-redirects', `${displayUrl(original)} redirected more than ${maxRedirects} times (last to ${displayUrl(current)}).`);
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw fail('http-status', `${displayUrl(current)} answered HTTP ${response.status} with an invalid Location.`, { status: response.status });
        }
        checkUrl(next, current);
        if (next.origin !== original.origin) sendCredentials = false;
        current = next;
        continue;
      }
      if (response.status < 200 || response.status > 299) {
        response.close();
        const text = nodeHttp().STATUS_CODES[response.status];
        throw fail('http-status', `${displayUrl(current)} answered HTTP ${response.status}${text ? ` (${text})` : ''}.`, { status: response.status });
      }
      const total = declaredLength(response.headers);
      if (total !== null && total > opts.maxBytes) {
        response.close();
        throw fail('too-large', `${displayUrl(current)} is ${total} bytes, over the ${opts.maxBytes}-byte limit; it was not downloaded.`);
      }
      await disk('create the directory', () => mkdir(path.dirname(dest), { recursive: true }));
      await disk(`create ${partial}`, async () => {
        await rm(partial, { force: true });
        // O_EXCL: never write through whatever else appears at that name.
        fh = await open(partial, 'wx', 0o644);
      });
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        touch();
        bytes += chunk.length;
        if (bytes > opts.maxBytes) {
          response.close();
          throw fail('too-large', `${displayUrl(current)} sent more than the ${opts.maxBytes}-byte limit; the download was stopped.`);
        }
        hash.update(chunk);
        await disk(`write ${partial}`, () => fh!.write(chunk));
        try {
          opts.onProgress?.(bytes, total);
        } catch (e) {
          throw new CallbackError(e);
        }
      }
      if (total !== null && bytes !== total) throw fail('network', `${displayUrl(current)} ended after ${bytes} of ${total} bytes.`);
      await disk(`save ${partial}`, async () => {
        await fh!.sync();
        await fh!.close();
        fh = null;
        await rename(partial, dest);
      });
      // Best effort: the rename itself survives a crash only once the directory is synced (not possible on Windows).
      await syncDir(path.dirname(dest));
      response.close();
      return { bytes, sha256: hash.digest('hex'), finalUrl: withoutCredentials(current) };
    }
  } catch (e) {
    const err = classify(e);
    res?.close();
    await (fh as FileHandle | null)?.close().catch(() => {});
    await rm(partial, { force: true }).catch(() => {});
    throw err instanceof CallbackError ? err.error : err;
  } finally {
    clearTimeout(deadline);
    clearTimeout(idleTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function withoutCredentials(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return u.href;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Not supported here (Windows) or not permitted: the file itself is already synced.
  }
}
