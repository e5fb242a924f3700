/**
 * The per-run bearer token. Loopback alone is not a boundary: every local process and every web page the user
 * opens can reach 127.0.0.1. The token (printed once, handed to the browser in the URL fragment so it never
 * appears in request lines, server logs or Referer headers) is what proves a request comes from the dashboard.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits, base64url (43 characters, safe in a URL fragment and a header). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,512}$/;

/** A given token must be long and URL-safe: it is pasted into URLs and compared as opaque text. */
export function assertUsableToken(token: string): void {
  if (!TOKEN_SHAPE.test(token)) throw new Error('The dashboard token must be 32 to 512 characters of A-Z, a-z, 0-9, "_" and "-".');
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison time does not depend on where the
 * strings first differ nor leak the expected length (timingSafeEqual needs equal lengths).
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The token a request presents: `Authorization: Bearer <token>`, or `?token=` where query tokens are allowed. */
export function presentedToken(req: IncomingMessage, query: URLSearchParams, allowQuery: boolean): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
    return m ? m[1]! : null;
  }
  // EventSource cannot set headers, so /api/events alone may carry the token in its query string.
  if (allowQuery) return query.get('token');
  return null;
}

export function isAuthorized(req: IncomingMessage, query: URLSearchParams, expected: string, allowQuery: boolean): boolean {
  const given = presentedToken(req, query, allowQuery);
  return given !== null && tokensEqual(given, expected);
}
