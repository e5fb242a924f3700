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

/**
 * Codes whose status does not follow from a category. The service's errors cross as plain ApiErrors (the engine's
 * category is gone by then), so every code the engine throws for bad input or a conflict is listed here.
 */
const CODES_BY_STATUS: Readonly<Record<number, readonly string[]>> = {
  400: [
    'BAD_INPUT', 'BAD_ARGUMENTS', 'BAD_JSON', 'BAD_DATE', 'BAD_NAME', 'BAD_PROJECT_NAME', 'BAD_UPSHIFT_HOME', 'MANIFEST_INVALID',
    'UNKNOWN_PROJECT', 'PROJECT_NOT_FOUND', 'UNKNOWN_OPERATION', 'OPERATION_NOT_FOUND', 'RELEASE_NOT_FOUND', 'CORE_NOT_FOUND',
    'PATH_NOT_FOUND', 'NOT_A_REPOSITORY', 'PROJECT_EXISTS', 'PROJECT_PATH_EXISTS', 'PATH_WATCHED', 'NO_SNAPSHOT', 'CONFIRMATION_REQUIRED',
  ],
  404: ['UNKNOWN_METHOD'],
  409: ['LOCK_HELD', 'BLOCKED', 'DOWNGRADE', 'OPERATION_RUNNING', 'OPERATION_IN_PROGRESS', 'NOTHING_TO_DO', 'NOT_ROLLBACKABLE', 'NOT_CANCELLABLE'],
  // The service is shutting down: retry against the next one. Or its state directory failed (corrupt database,
  // read-only or full disk): the message names the file and what to do.
  503: ['CLOSED', 'STATE_CORRUPT', 'STATE_READ_ONLY', 'STATE_DISK_FULL', 'STATE_UNAVAILABLE', 'STATE_OPEN_FAILED', 'STATE_TOO_NEW'],
};

const STATUS_BY_CODE: ReadonlyMap<string, number> = new Map(Object.entries(CODES_BY_STATUS).flatMap(([status, codes]) => codes.map((c) => [c, Number(status)] as const)));

const STATUS_BY_CATEGORY: Readonly<Record<string, number>> = {
  usage: 400,
  blocked: 409,
  'nothing-to-do': 409,
  // The release source (a git remote, GitHub) could not be reached: the engine is fine, what it depends on is not.
  unreachable: 502,
};

/**
 * The HTTP status of an engine error: 400 for bad input and usage errors (unknown project, invalid manifest…),
 * 404 for an unknown method, 409 when the request conflicts with the current state (blocked by compatibility or
 * policy, a lock or an operation in progress, nothing to do), 502 when the release source could not be reached, 503
 * while the service shuts down, 500 for everything else. The body always carries the code, which is what a client should branch on.
 */
export function statusForError(err: { code: string; category?: string }): number {
  return STATUS_BY_CODE.get(err.code) ?? (err.category !== undefined ? STATUS_BY_CATEGORY[err.category] : undefined) ?? 500;
}
