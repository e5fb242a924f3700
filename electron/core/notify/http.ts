/**
 * One POST for the HTTP channels (webhook, Slack, Discord, ntfy, Gotify) over Node's http/https: a deadline, a
 * capped response, and the answer classified for the outbox — 2xx delivered; 408, 425, 429 and 5xx worth another
 * try (with the receiver's Retry-After, RFC 9110 §10.2.3, in seconds or as a date); other statuses refused for good.
 */
import type http from 'node:http';
import { nodeHttp, nodeHttps } from '../net/builtins.js';
import type { ChannelDeps, SendOutcome } from './types.js';

const MAX_RESPONSE_BYTES = 64 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Retry-After as milliseconds from `now`, or null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Applies `hostOverrides`: the public host of a service pointed at a test receiver. */
export function resolveEndpoint(endpoint: string, deps: ChannelDeps): URL {
  const url = new URL(endpoint);
  const base = deps.hostOverrides?.[url.host] ?? deps.hostOverrides?.[url.hostname];
  if (!base) return url;
  const b = new URL(base);
  url.protocol = b.protocol;
  url.host = b.host;
  return url;
}

export interface PostResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function post(endpoint: string, body: string, headers: Record<string, string>, deps: ChannelDeps): Promise<PostResult> {
  const url = resolveEndpoint(endpoint, deps);
  const lib = url.protocol === 'https:' ? nodeHttps() : nodeHttp();
  const timeout = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: { 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Upshift', ...headers },
        ...(deps.ca ? { ca: deps.ca } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeout, () => req.destroy(new Error(`no answer within ${Math.round(timeout / 1000)} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Turns a POST's answer (or its failure) into a SendOutcome. `extraRetryAfter` reads a service's own hint (Discord). */
export async function postOutcome(
  endpoint: string,
  body: string,
  headers: Record<string, string>,
  deps: ChannelDeps,
  now: number,
  extraRetryAfter?: (r: PostResult) => number | null,
): Promise<SendOutcome> {
  let r: PostResult;
  try {
    r = await post(endpoint, body, headers, deps);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, permanent: false, error: e.code ? `${e.code}: ${e.message}` : e.message, retryAfterMs: null };
  }
  if (r.status >= 200 && r.status < 300) return { ok: true };
  const retryable = r.status === 408 || r.status === 425 || r.status === 429 || r.status >= 500;
  const retryAfterMs = parseRetryAfter(header(r.headers['retry-after']), now) ?? extraRetryAfter?.(r) ?? null;
  const snippet = r.body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { ok: false, permanent: !retryable, error: `HTTP ${r.status}${snippet ? `: ${snippet}` : ''}`, retryAfterMs };
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
