/**
 * Response helpers shared by every route: the security headers every response carries, JSON bodies, and the
 * mapping from engine errors to HTTP statuses.
 */
import type { ServerResponse } from 'node:http';
import type { ApiError } from '../../shared/api/types.js';

/**
 * The app's Content-Security-Policy: only our own scripts, styles and connections; no framing (clickjacking), no
 * <base> or form targets. Inline scripts and styles are refused, so injected release-note HTML could not run.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (err) {
    status = 500;
    text = JSON.stringify({ error: { code: 'INTERNAL', message: `The result could not be serialised: ${(err as Error).message}`, retryable: false } });
  }
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error }, headers);
}

export function apiError(code: string, message: string, retryable = false, details?: Record<string, unknown>): ApiError {
  return { code, message, retryable, ...(details ? { details } : {}) };
}

/** Any thrown value as the `{code, message, retryable, details}` shape; unknown errors keep their message, never a stack. */
export function normalizeError(err: unknown): ApiError & { category?: string } {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; retryable?: unknown; details?: unknown; category?: unknown; toApiError?: unknown };
  if (typeof e.toApiError === 'function') {
    const out = normalizeError((e.toApiError as () => unknown).call(err));
    return typeof e.category === 'string' ? { ...out, category: e.category } : out;
  }
  const code = typeof e.code === 'string' && e.code !== '' ? e.code : 'INTERNAL';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const details = e.details !== null && typeof e.details === 'object' && !Array.isArray(e.details) ? (e.details as Record<string, unknown>) : undefined;
  return { code, message, retryable: e.retryable === true, ...(details ? { details } : {}), ...(typeof e.category === 'string' ? { category: e.category } : {}) };
}

/** Codes whose status does not follow from their category (or that arrive without one). */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_INPUT: 400,
  BAD_ARGUMENTS: 400,
  BAD_JSON: 400,
  MANIFEST_INVALID: 400,
  UNKNOWN_PROJECT: 400,
  PROJECT_NOT_FOUND: 400,
  UNKNOWN_OPERATION: 400,
  OPERATION_NOT_FOUND: 400,
  RELEASE_NOT_FOUND: 400,
  PATH_NOT_FOUND: 400,
  NOT_A_REPOSITORY: 400,
  PROJECT_EXISTS: 400,
  PROJECT_PATH_EXISTS: 400,
  PATH_WATCHED: 400,
  UNKNOWN_METHOD: 404,
  LOCK_HELD: 409,
  BLOCKED: 409,
  DOWNGRADE: 409,
  OPERATION_RUNNING: 409,
  OPERATION_IN_PROGRESS: 409,
  NOTHING_TO_DO: 409,
  NOT_ROLLBACKABLE: 409,
};

const STATUS_BY_CATEGORY: Readonly<Record<string, number>> = {
  usage: 400,
  blocked: 409,
  'nothing-to-do': 409,
};

/**
 * The HTTP status of an engine error: 400 for bad input and usage errors (unknown project, invalid manifest…),
 * 404 for an unknown method, 409 when the request conflicts with the current state (blocked by compatibility or
 * policy, a lock or an operation in progress, nothing to do), 500 for everything else. The body always carries
 * the code, which is what a client should branch on.
 */
export function statusForError(err: { code: string; category?: string }): number {
  return STATUS_BY_CODE[err.code] ?? (err.category !== undefined ? STATUS_BY_CATEGORY[err.category] : undefined) ?? 500;
}
