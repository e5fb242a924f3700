import { createHash } from 'node:crypto';
import { UpshiftError } from '../../errors.js';
import type { HttpCache } from '../../state/http-cache.js';
import { HttpError, httpGet, isLoopbackHost, proxyFor, type HttpResponse } from './http.js';
import { redact, tokenFromEnvironment, type TokenProvider } from './token.js';
import { moduleLogger, recordRateLimit, registerSecret } from '../../telemetry/index.js';

const githubLog = moduleLogger('github');

/** Time, injectable so tests never sleep for real. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new UpshiftError('CANCELLED', 'The request was cancelled.', { retryable: true }));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new UpshiftError('CANCELLED', 'The request was cancelled.', { retryable: true }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface GitHubClientOptions {
  /** Where ETags, bodies and rate-limit blocks are kept between polls and processes (the state database in the engine). */
  cache: HttpCache;
  /** Default: GITHUB_TOKEN, GH_TOKEN, `gh auth token` (the engine adds the app's keychain store: token.ts tokenChain). */
  token?: TokenProvider;
  /** For HTTPS_PROXY / HTTP_PROXY / NO_PROXY and the token; default process.env. */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Per response, connect to last byte; default 10 s. */
  timeoutMs?: number;
  /** Per response body; default 8 MiB. */
  maxBytes?: number;
  /** A rate-limit wait up to this long is waited out; a longer one fails at once saying until when. Default 60 s. */
  maxWaitMs?: number;
  /** Tries after a secondary rate limit before giving up; default 3 (waits of 1, 2, 4 minutes at least). */
  secondaryRetries?: number;
  /** Retries after a 5xx or a network error; default 2. */
  serverRetries?: number;
  /** Extra trusted certificates (PEM) for a GitHub Enterprise with its own CA (NODE_EXTRA_CA_CERTS works too). */
  ca?: string;
  /** Told about waits and retries (never about the token). */
  log?: (message: string) => void;
}

/** What a client has sent, for diagnostics and the benchmark. */
export interface RequestStats {
  requests: number;
  conditional: number;
  notModified: number;
}

export interface JsonResult {
  value: unknown;
  headers: Record<string, string>;
  /** True when a 304 let the stored body answer. */
  fromCache: boolean;
}

const USER_AGENT = 'upshift (+https://github.com/upshift)';
const API_VERSION = '2022-11-28';
const MINUTE = 60_000;

/** The URL as shown in messages: no credentials. */
export function displayUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return u.href;
}

/** Refuses URLs Upshift must not talk to: anything but https, except plain http to this machine. */
export function assertAllowedUrl(url: URL): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  throw new UpshiftError('GITHUB_URL_REFUSED', `${displayUrl(url)} is not an https:// URL (plain http is only allowed to this machine); it was not requested.`, {
    category: 'usage',
  });
}

/**
 * GitHub REST over node:http(s): conditional requests from an ETag cache, rate limits read from every response
 * and respected before the next one, one request at a time per host, timeouts and size caps, proxies through
 * CONNECT. Errors never carry the token.
 */
export class GitHubClient {
  readonly stats: RequestStats = { requests: 0, conditional: 0, notModified: 0 };
  private readonly cache: HttpCache;
  private readonly token: TokenProvider;
  private readonly env: NodeJS.ProcessEnv;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxWaitMs: number;
  private readonly secondaryRetries: number;
  private readonly serverRetries: number;
  private readonly log: (message: string) => void;
  private readonly ca: string | undefined;
  private readonly queues = new Map<string, Promise<unknown>>();
  private lastToken: string | null = null;

  constructor(opts: GitHubClientOptions) {
    this.cache = opts.cache;
    this.env = opts.env ?? process.env;
    this.token = opts.token ?? tokenFromEnvironment(this.env);
    this.clock = opts.clock ?? realClock;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
    this.maxWaitMs = opts.maxWaitMs ?? MINUTE;
    this.secondaryRetries = opts.secondaryRetries ?? 3;
    this.serverRetries = opts.serverRetries ?? 2;
    this.ca = opts.ca;
    const log = opts.log ?? (() => {});
    this.log = (m) => {
      const clean = redact(m, this.lastToken);
      log(clean);
      githubLog.warn(clean);
    };
  }

  /**
   * GET `url` as JSON. With a stored ETag the request is conditional; a 304 answers from the store. `authHost`
   * is the only host the token is sent to.
   */
  async getJson(url: URL, opts: { authHost: string; signal?: AbortSignal | undefined }): Promise<JsonResult> {
    const res = await this.get(url, { ...opts, accept: 'application/vnd.github+json' });
    const text = res.body.toString('utf8');
    try {
      return { value: JSON.parse(text) as unknown, headers: res.headers, fromCache: res.fromCache };
    } catch (e) {
      throw new UpshiftError('GITHUB_BAD_RESPONSE', `The response from ${displayUrl(url)} is not valid JSON (${(e as Error).message}); nothing was read from it.`, {
        retryable: true,
        details: { url: displayUrl(url) },
      });
    }
  }

  /**
   * GET `url`, following up to 3 redirects (the token goes only to `authHost`), cached like getJson. For release
   * assets: `accept` is `application/octet-stream`.
   */
  async get(url: URL, opts: { authHost: string; accept: string; signal?: AbortSignal | undefined }): Promise<{ body: Buffer; headers: Record<string, string>; fromCache: boolean }> {
    let current = url;
    for (let hop = 0; hop <= 3; hop++) {
      const r = await this.exchange(current, opts);
      if (r.redirect === null) return r;
      current = r.redirect;
    }
    throw new UpshiftError('GITHUB_BAD_RESPONSE', `Too many redirects from ${displayUrl(url)}.`, { details: { url: displayUrl(url) } });
  }

  /** One URL, with retries, inside the host's queue. */
  private exchange(url: URL, opts: { authHost: string; accept: string; signal?: AbortSignal | undefined }) {
    assertAllowedUrl(url);
    const host = url.host;
    const prev = this.queues.get(host) ?? Promise.resolve();
    const run = prev.then(
      () => this.withRetries(url, opts),
      () => this.withRetries(url, opts),
    );
    const settled = run.catch(() => {});
    this.queues.set(host, settled);
    void settled.then(() => {
      if (this.queues.get(host) === settled) this.queues.delete(host);
    });
    return run.catch((e: unknown) => {
      if (e instanceof Error) e.message = redact(e.message, this.lastToken);
      throw e;
    });
  }

  private async withRetries(
    url: URL,
    opts: { authHost: string; accept: string; signal?: AbortSignal | undefined },
  ): Promise<{ body: Buffer; headers: Record<string, string>; fromCache: boolean; redirect: URL | null }> {
    const shown = displayUrl(url);
    let secondary = 0;
    let server = 0;
    let primaryWaited = false;
    for (;;) {
      const token = url.host === opts.authHost ? await this.token() : null;
      const credential = credentialOf(token);
      await this.waitIfBlocked(url.host, credential, opts.signal);
      const cached = this.cache.get(url.href);
      const headers: Record<string, string> = { accept: opts.accept, 'user-agent': USER_AGENT, 'x-github-api-version': API_VERSION };
      if (token) {
        this.lastToken = token;
        registerSecret(token);
        headers.authorization = `Bearer ${token}`;
      }
      if (cached?.etag) headers['if-none-match'] = cached.etag;
      let res: HttpResponse;
      try {
        this.stats.requests++;
        if (cached?.etag) this.stats.conditional++;
        res = await httpGet(url, { headers, timeoutMs: this.timeoutMs, maxBytes: this.maxBytes, signal: opts.signal, proxy: proxyFor(url, this.env), ca: this.ca });
      } catch (e) {
        if (e instanceof HttpError) {
          if (e.kind === 'aborted') throw new UpshiftError('CANCELLED', 'The request was cancelled.', { retryable: true });
          if (e.kind === 'too-large') throw new UpshiftError('GITHUB_RESPONSE_TOO_LARGE', `${e.message} (${shown})`, { details: { url: shown } });
          if (e.kind === 'proxy') throw new UpshiftError('PROXY_FAILED', `${e.message} (${shown})`, { category: 'unreachable', retryable: true, details: { url: shown } });
          if (server < this.serverRetries) {
            server++;
            this.log(`${shown}: ${e.message}; retrying (${server}/${this.serverRetries}).`);
            await this.clock.sleep(1000 * 2 ** (server - 1), opts.signal);
            continue;
          }
          throw new UpshiftError(e.kind === 'timeout' ? 'GITHUB_TIMEOUT' : 'GITHUB_UNREACHABLE', `${e.message} (${shown})`, { category: 'unreachable', retryable: true, details: { url: shown } });
        }
        throw e;
      }
      this.noteRateLimit(url.host, credential, res.headers);
      recordRateLimit(url.host, res.headers, this.clock.now());
      if (res.status === 304 && cached) {
        this.stats.notModified++;
        this.cache.touch(url.href, new Date(this.clock.now()).toISOString());
        return { body: cached.body, headers: { ...cached.headers, ...pick(res.headers) }, fromCache: true, redirect: null };
      }
      if (res.status >= 200 && res.status < 300) {
        const keep = pick(res.headers);
        this.cache.put({ url: url.href, etag: res.headers.etag ?? null, body: res.body, headers: keep, fetchedAt: new Date(this.clock.now()).toISOString() });
        return { body: res.body, headers: keep, fromCache: false, redirect: null };
      }
      if ([301, 302, 303, 307, 308].includes(res.status) && res.headers.location) {
        let next: URL;
        try {
          next = new URL(res.headers.location, url);
        } catch {
          throw new UpshiftError('GITHUB_BAD_RESPONSE', `${shown} redirected to an invalid location.`, { details: { url: shown } });
        }
        assertAllowedUrl(next);
        return { body: Buffer.alloc(0), headers: {}, fromCache: false, redirect: next };
      }
      if (res.status === 403 || res.status === 429) {
        const wait = this.rateLimitWait(url, credential, res, secondary, primaryWaited);
        if (wait.kind === 'secondary') secondary++;
        if (wait.kind === 'primary') primaryWaited = true;
        this.log(`${shown}: ${wait.reason}; waiting ${Math.ceil(wait.ms / 1000)} s.`);
        await this.clock.sleep(wait.ms, opts.signal);
        continue;
      }
      if (res.status >= 500) {
        if (server < this.serverRetries) {
          server++;
          this.log(`${shown}: HTTP ${res.status}; retrying (${server}/${this.serverRetries}).`);
          await this.clock.sleep(1000 * 2 ** (server - 1), opts.signal);
          continue;
        }
        throw new UpshiftError('GITHUB_UNAVAILABLE', `${shown} answered HTTP ${res.status} ${this.serverRetries + 1} times; try again later.`, {
          category: 'unreachable',
          retryable: true,
          details: { url: shown, status: res.status },
        });
      }
      if (res.status === 404 || res.status === 401) {
        throw new UpshiftError(
          res.status === 404 ? 'GITHUB_NOT_FOUND' : 'GITHUB_UNAUTHORIZED',
          `${shown} answered HTTP ${res.status}: ${res.status === 404 ? 'no such repository, or it is private and the token (GITHUB_TOKEN, GH_TOKEN, `gh auth token` or the one saved in the Upshift app) cannot read it' : 'the token was refused; check GITHUB_TOKEN, GH_TOKEN, `gh auth login` or the token saved in the Upshift app'}.`,
          { details: { url: shown, status: res.status } },
        );
      }
      throw new UpshiftError('GITHUB_HTTP_ERROR', `${shown} answered HTTP ${res.status}: ${messageOf(res.body)}`, { details: { url: shown, status: res.status } });
    }
  }

  /** Decides how long to wait after a 403/429, or throws when waiting is not the answer. */
  private rateLimitWait(url: URL, credential: string, res: HttpResponse, secondaryTries: number, primaryWaited: boolean): { kind: 'primary' | 'secondary' | 'retry-after'; ms: number; reason: string } {
    const shown = displayUrl(url);
    const now = this.clock.now();
    const remaining = res.headers['x-ratelimit-remaining'];
    const reset = Number(res.headers['x-ratelimit-reset']);
    const retryAfterS = Number(res.headers['retry-after']);
    const retryAfter = Number.isFinite(retryAfterS) && retryAfterS >= 0 ? retryAfterS * 1000 : null;
    const message = messageOf(res.body);
    const isSecondary = /secondary rate limit|abuse/i.test(message) || (res.status === 403 && retryAfter !== null && remaining !== '0');
    if (remaining === '0' && !isSecondary) {
      const until = Math.max(Number.isFinite(reset) ? reset * 1000 : now + MINUTE, retryAfter !== null ? now + retryAfter : 0);
      const ms = Math.max(0, until - now);
      if (ms <= this.maxWaitMs && !primaryWaited) return { kind: 'primary', ms: ms + 1000, reason: `the API rate limit is used up until ${iso(until)}` };
      this.block(url.host, credential, until, 'primary');
      throw rateLimited(url.host, until, shown);
    }
    if (!isSecondary && retryAfter !== null) {
      if (retryAfter <= this.maxWaitMs && secondaryTries < this.secondaryRetries) return { kind: 'secondary', ms: retryAfter, reason: `HTTP ${res.status} with Retry-After ${retryAfterS}` };
      this.block(url.host, credential, now + retryAfter, 'primary');
      throw rateLimited(url.host, now + retryAfter, shown);
    }
    if (!isSecondary && res.status === 403) {
      throw new UpshiftError('GITHUB_FORBIDDEN', `${shown} answered HTTP 403: ${message}`, { details: { url: shown, status: 403 } });
    }
    // A secondary limit (or a bare 429): at least a minute, doubling, and only a few times.
    if (secondaryTries >= this.secondaryRetries) {
      const until = now + Math.max(retryAfter ?? 0, MINUTE * 2 ** secondaryTries);
      this.block(url.host, credential, until, 'secondary');
      throw new UpshiftError(
        'GITHUB_SECONDARY_RATE_LIMIT',
        `${url.host} kept refusing with its secondary rate limit after ${secondaryTries + 1} tries; Upshift stopped asking. Try again after ${iso(until)}.`,
        { retryable: true, details: { url: shown, until: iso(until) } },
      );
    }
    const ms = Math.max(retryAfter ?? 0, MINUTE * 2 ** secondaryTries);
    return { kind: 'secondary', ms, reason: `secondary rate limit (try ${secondaryTries + 1} of ${this.secondaryRetries})` };
  }

  /**
   * Refuses (or, when it is near, waits out) a block recorded for this host and credential, by this process or an
   * earlier one: a used-up rate limit is not asked again before its reset, even by the next `upshift check`.
   */
  private async waitIfBlocked(host: string, credential: string, signal: AbortSignal | undefined): Promise<void> {
    const b = this.cache.getBlock(host, credential);
    if (!b) return;
    const ms = b.until - this.clock.now();
    if (ms <= 0) {
      this.cache.clearBlock(host, credential, b.until);
      return;
    }
    if (ms > this.maxWaitMs) {
      if (b.reason === 'primary') throw rateLimited(host, b.until, host);
      throw new UpshiftError('GITHUB_SECONDARY_RATE_LIMIT', `${host} asked Upshift to slow down; no request is made before ${iso(b.until)}.`, {
        retryable: true,
        details: { until: iso(b.until) },
      });
    }
    await this.clock.sleep(ms, signal);
    this.cache.clearBlock(host, credential, b.until);
  }

  /** Records "no request before `until`"; a store that cannot write only loses the memory of it (logged). */
  private block(host: string, credential: string, until: number, reason: 'primary' | 'secondary'): void {
    try {
      this.cache.putBlock({ host, credential, until, reason }, iso(this.clock.now()));
    } catch (e) {
      this.log(`${host}: the rate limit until ${iso(until)} could not be recorded (${(e as Error).message}).`);
    }
  }

  /** Nothing remaining: no request to that host before the reset (a 304 would not count, but a 200 would be refused). */
  private noteRateLimit(host: string, credential: string, headers: Record<string, string>): void {
    if (headers['x-ratelimit-remaining'] !== '0') return;
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset) && reset * 1000 > this.clock.now()) this.block(host, credential, reset * 1000, 'primary');
  }
}

/** Which rate limit a request counts against: the anonymous one, or the token's (a fingerprint, never the token). */
export function credentialOf(token: string | null): string {
  return token ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}` : 'anonymous';
}

function rateLimited(host: string, until: number, shown: string): UpshiftError {
  return new UpshiftError(
    'GITHUB_RATE_LIMITED',
    `The GitHub API rate limit of ${host} is used up until ${iso(until)}; Upshift will not ask again before then. Set GITHUB_TOKEN (or run \`gh auth login\`) for a higher limit.`,
    { retryable: true, details: { url: shown, until: iso(until) } },
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The headers a cached page needs later. */
function pick(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers.link !== undefined) out.link = headers.link;
  return out;
}

/** GitHub's `{"message": …}`, or the start of the body. */
function messageOf(body: Buffer): string {
  const text = body.subarray(0, 2048).toString('utf8');
  try {
    const v = JSON.parse(body.toString('utf8')) as { message?: unknown };
    if (typeof v.message === 'string') return v.message.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 300) || '(empty body)';
}
