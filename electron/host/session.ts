/**
 * Browser sessions that every tab of one browser shares. The printed `#token=…` is exchanged once
 * (`POST /api/session` with the token in the Authorization header, never in a URL that could be logged) for an
 * HttpOnly, SameSite=Strict, Path=/ cookie. Ctrl-click, a pasted address and a second tab then work without the
 * fragment; a browser that never saw the token is still refused.
 *
 * The cookie is bound to the server run: its value is `<run id>.<session secret>`, both random per run, and the
 * server keeps only the secrets' SHA-256 in memory. A cookie from an earlier run (same port, restarted server) is
 * recognised by its run id and refused with a message that says what to do (SESSION_EXPIRED), instead of a bare 401.
 *
 * The cookie's name carries the port: browsers share cookies across ports of one host
 * (https://www.rfc-editor.org/rfc/rfc6265#section-8.5), so two `upshift serve` on 127.0.0.1 must not overwrite
 * each other's session.
 *
 * A cookie is sent automatically, which is what CSRF exploits; SameSite=Strict keeps it off cross-site requests but
 * another port of 127.0.0.1 is *same-site*. So a state-changing request authenticated by the cookie alone must
 * carry an Origin header, and OriginGuard has already checked that it is ours
 * (https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ApiError } from '../../shared/api/types.js';
import { isAuthorized, presentedToken, tokensEqual } from './auth.js';
import { apiError } from './http.js';

/** Sessions kept per run; the oldest is forgotten beyond this (each exchange, i.e. each printed-URL open, adds one). */
export const MAX_SESSIONS = 1024;

export type SessionCheck = 'valid' | 'expired' | 'none';

const VALUE_SHAPE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

/** `name=value` pairs of a Cookie header (RFC 6265 §5.4); later duplicates do not override the first. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return out;
}

function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

export class SessionStore {
  /** Random per server run: tells a cookie of an earlier run from a forged one. */
  readonly runId = randomBytes(12).toString('base64url');
  readonly cookieName: string;
  private readonly sessions = new Set<string>();

  constructor(port: number) {
    this.cookieName = `upshift_session_${port}`;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A new session; returns the cookie value. */
  create(): string {
    const secret = randomBytes(32).toString('base64url');
    this.sessions.add(digest(secret));
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.values().next().value!);
    return `${this.runId}.${secret}`;
  }

  /** The `Set-Cookie` value for a new session. `Secure` when the request came over TLS. */
  setCookie(value: string, secure: boolean): string {
    return `${this.cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  /** 'valid', 'expired' (a cookie of another run of this server), or 'none' (no cookie, or not one of ours). */
  check(req: IncomingMessage): SessionCheck {
    const value = parseCookies(req.headers.cookie).get(this.cookieName);
    if (value === undefined) return 'none';
    const m = VALUE_SHAPE.exec(value);
    if (!m) return 'none';
    // Lookup by digest: the time it takes does not depend on how much of a guessed secret is right.
    if (tokensEqual(m[1]!, this.runId)) return this.sessions.has(digest(m[2]!)) ? 'valid' : 'none';
    return 'expired';
  }
}

export function isTls(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}

export interface Refusal {
  status: number;
  error: ApiError;
  headers?: Record<string, string>;
}

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer realm="upshift"' };

/** What to tell a page whose cookie belongs to an earlier run. */
export function restartedMessage(): string {
  return "Upshift's dashboard server was restarted: open the new address it printed (http://…/#token=…) in this browser; then every tab works again (Retry).";
}

/**
 * Whether an /api request (other than the exchange) may proceed: a valid bearer token, a valid session cookie
 * (with an Origin on anything but GET/HEAD), or on /api/events the token in the query. Null when it may.
 */
export function refuseApiRequest(req: IncomingMessage, query: URLSearchParams, token: string, sessions: SessionStore, isEvents: boolean): Refusal | null {
  if (isAuthorized(req, query, token, isEvents)) return null;
  const session = sessions.check(req);
  if (session === 'valid') {
    const safe = req.method === 'GET' || req.method === 'HEAD';
    if (!safe && req.headers.origin === undefined) {
      return {
        status: 403,
        error: apiError('FORBIDDEN_ORIGIN', 'Refused: a request that changes something and is authenticated by the session cookie must carry the Origin header of the dashboard (CSRF protection).'),
      };
    }
    return null;
  }
  if (session === 'expired') {
    return { status: 401, error: apiError('SESSION_EXPIRED', restartedMessage()), headers: WWW_AUTHENTICATE };
  }
  return {
    status: 401,
    error: apiError(
      'UNAUTHORIZED',
      'This browser has no dashboard session: open the address `upshift serve` printed (http://…/#token=…) once; every tab of this browser then shares the session. Scripts send "Authorization: Bearer <token>".',
    ),
    headers: WWW_AUTHENTICATE,
  };
}

/**
 * `POST /api/session`: the printed token, in `Authorization: Bearer`, for a session cookie. The token is never
 * accepted in the query here: URLs end up in logs and history.
 */
export function exchangeSession(req: IncomingMessage, token: string, sessions: SessionStore): Refusal | { cookie: string } {
  if (req.method !== 'POST') {
    return { status: 405, error: apiError('METHOD_NOT_ALLOWED', 'Exchange the token for a session with POST.'), headers: { Allow: 'POST' } };
  }
  const given = presentedToken(req, new URLSearchParams(), false);
  if (given === null || !tokensEqual(given, token)) {
    return {
      status: 401,
      error: apiError(
        'UNAUTHORIZED',
        "This address's token is not the one the running server printed: Upshift's dashboard server was restarted or the address is incomplete. Open the new address it printed (http://…/#token=…).",
      ),
      headers: WWW_AUTHENTICATE,
    };
  }
  return { cookie: sessions.setCookie(sessions.create(), isTls(req)) };
}
