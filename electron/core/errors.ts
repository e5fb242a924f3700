import type { ApiError } from '../../shared/api/types.js';

/**
 * How a failure should be treated by callers: the CLI maps each to an exit code, the UI to a message style.
 * `state`: the state directory itself failed (see core/state/failure.ts). `unreachable`: the release source (a git
 * remote, GitHub) could not be reached or refused access; nothing was changed and trying again later may work.
 */
export type ErrorCategory = 'usage' | 'blocked' | 'nothing-to-do' | 'failed' | 'state' | 'unreachable';

/**
 * An error the engine expects and can explain. Every one says what happened, what was left unchanged and what
 * to do next, and serialises to the `{code, message, retryable, details}` shape that crosses boundaries.
 */
export class UpshiftError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    opts: { category?: ErrorCategory; retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UpshiftError';
    this.code = code;
    this.category = opts.category ?? 'failed';
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }

  toApiError(): ApiError {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }
}

export function usageError(code: string, message: string, details?: Record<string, unknown>): UpshiftError {
  return new UpshiftError(code, message, { category: 'usage', ...(details ? { details } : {}) });
}

export function blockedError(code: string, message: string, details?: Record<string, unknown>): UpshiftError {
  return new UpshiftError(code, message, { category: 'blocked', ...(details ? { details } : {}) });
}

interface ApiErrorLike {
  code: string;
  message: string;
  toApiError?: () => ApiError;
}

/**
 * A message composed from parts says each sentence once: a refusal that wraps another ("…: <git's refusal>. Nothing
 * was changed. (…) Nothing was changed.") keeps the first. Only whole sentences that repeat exactly are dropped.
 */
export function sayOnce(message: string): string {
  const seen = new Set<string>();
  return message.replace(/(^|[ \t]+)([A-Z][^.!?\n]{8,}[.!?])(?=\s|$)/g, (whole, _lead: string, sentence: string) => {
    if (seen.has(sentence)) return '';
    seen.add(sentence);
    return whole;
  });
}

/** Any thrown value as an ApiError (its message saying each sentence once); unknown errors never carry a stack. */
export function toApiError(err: unknown): ApiError {
  const api = apiErrorOf(err);
  const message = sayOnce(api.message);
  return message === api.message ? api : { ...api, message };
}

function apiErrorOf(err: unknown): ApiError {
  if (err instanceof UpshiftError) return err.toApiError();
  const like = err as Partial<ApiErrorLike> | null;
  if (like && typeof like.toApiError === 'function') return like.toApiError();
  if (like && typeof like.code === 'string' && typeof like.message === 'string') {
    return { code: like.code, message: like.message, retryable: false };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), retryable: false };
}
