import type { z } from 'zod';
import type { ApiError } from '../../../shared/api/types.js';
import { toApiError } from '../errors.js';

/**
 * The one error shape every service method rejects with. It is an Error (stack traces while debugging) and an
 * ApiError at once: `code`, `message`, `retryable` and `details` are plain own properties, and `toJSON()` gives
 * exactly `{code, message, retryable, details}`, so the HTTP host can `JSON.stringify` it and the Electron main
 * process can return `err.toApiError()` over IPC (structured clone drops an Error's own fields).
 */
export class ServiceError extends Error implements ApiError {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ServiceError';
    this.code = error.code;
    this.retryable = error.retryable;
    this.details = error.details;
  }

  /** Any thrown value as a ServiceError (an existing one is returned as is). */
  static from(err: unknown): ServiceError {
    return err instanceof ServiceError ? err : new ServiceError(toApiError(err));
  }

  toApiError(): ApiError {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }

  toJSON(): ApiError {
    return this.toApiError();
  }
}

/** `projects[2]`, `notifications.enabled`; `(input)` for the input as a whole. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(input)';
}

/** A zod failure as BAD_INPUT, naming the method and every offending field (the first in the message). */
export function badInput(method: string, error: z.ZodError): ServiceError {
  const issues = error.issues.map((i) => ({ field: fieldName(i.path), message: i.message, code: i.code }));
  const first = issues[0] ?? { field: '(input)', message: 'invalid input', code: 'custom' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new ServiceError({
    code: 'BAD_INPUT',
    message: `${method}: ${first.field}: ${first.message}${more}.`,
    retryable: false,
    details: { method, field: first.field, issues },
  });
}

export function serviceError(code: string, message: string, details?: Record<string, unknown>, retryable = false): ServiceError {
  return new ServiceError({ code, message, retryable, ...(details ? { details } : {}) });
}
