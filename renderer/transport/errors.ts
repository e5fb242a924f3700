import type { ApiError } from '../../shared/api/types.js';

/** What every transport rejects with: an Error that carries the contract's ApiError. */
export class UpshiftCallError extends Error {
  readonly apiError: ApiError;
  constructor(apiError: ApiError) {
    super(apiError.message);
    this.name = 'UpshiftCallError';
    this.apiError = apiError;
  }
}

function isApiErrorLike(v: unknown): v is ApiError {
  return typeof v === 'object' && v !== null && typeof (v as ApiError).code === 'string' && typeof (v as ApiError).message === 'string';
}

/**
 * Any rejection as an ApiError. Electron's ipcRenderer.invoke turns a main-process error into
 * "Error invoking remote method 'x': Error: message", losing its fields; the preload may put them back as
 * properties or as JSON in the message — all three are understood.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof UpshiftCallError) return e.apiError;
  if (isApiErrorLike(e)) {
    return { code: e.code, message: e.message, retryable: Boolean(e.retryable), ...(e.details ? { details: e.details } : {}) };
  }
  if (typeof e === 'object' && e !== null && isApiErrorLike((e as { error?: unknown }).error)) {
    return toApiError((e as { error: unknown }).error);
  }
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : 'Unknown error';
  const cleaned = message.replace(/^Error invoking remote method '[^']*':\s*/, '').replace(/^(Error|UpshiftError):\s*/, '');
  const json = cleaned.indexOf('{');
  if (json !== -1) {
    try {
      const parsed: unknown = JSON.parse(cleaned.slice(json));
      if (isApiErrorLike(parsed)) return toApiError(parsed);
      if (typeof parsed === 'object' && parsed !== null && isApiErrorLike((parsed as { error?: unknown }).error)) {
        return toApiError((parsed as { error: unknown }).error);
      }
    } catch {
      // Not JSON: keep the text.
    }
  }
  return { code: 'UNKNOWN', message: cleaned || 'Unknown error', retryable: false };
}
