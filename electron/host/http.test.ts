import { describe, expect, it } from 'vitest';
import { UpshiftError, usageError, blockedError } from '../core/errors.js';
import { LockHeldError } from '../core/state/lock.js';
import { ServiceError } from '../core/service/errors.js';
import { normalizeError, statusForError } from './http.js';

const status = (err: unknown) => statusForError(normalizeError(err));

describe('statusForError', () => {
  it('maps engine errors by code, then category', () => {
    expect(status({ code: 'BAD_INPUT', message: 'x' })).toBe(400);
    expect(status(usageError('PROJECT_EXISTS', 'x'))).toBe(400);
    expect(status(usageError('ANYTHING_NEW', 'x'))).toBe(400);
    expect(status(blockedError('BLOCKED', 'x'))).toBe(409);
    expect(status(new LockHeldError({ project: 'core', pid: 1, pidStartTime: null, bootId: null, host: 'h', user: 'u', operationId: null, acquiredAt: 'now' }, 'alive'))).toBe(409);
    expect(status(new UpshiftError('NOTHING_TO_DO', 'x', { category: 'nothing-to-do' }))).toBe(409);
    expect(status({ code: 'UNKNOWN_METHOD', message: 'x' })).toBe(404);
    expect(status({ code: 'MANIFEST_INVALID', message: 'x' })).toBe(400);
    expect(status(new UpshiftError('GIT_FAILED', 'x'))).toBe(500);
    expect(status(new Error('boom'))).toBe(500);
    expect(status(undefined)).toBe(500);
  });
});

describe('statusForError through the service', () => {
  it('keeps usage errors at 400 and conflicts at 409 although ServiceError drops the category', () => {
    const usage = ['BAD_DATE', 'BAD_NAME', 'BAD_PROJECT_NAME', 'CORE_NOT_FOUND', 'NOT_A_REPOSITORY', 'NO_SNAPSHOT', 'OPERATION_NOT_FOUND', 'PATH_NOT_FOUND', 'PATH_WATCHED', 'PROJECT_EXISTS', 'PROJECT_NOT_FOUND', 'PROJECT_PATH_EXISTS', 'RELEASE_NOT_FOUND', 'UNKNOWN_OPERATION', 'UNKNOWN_PROJECT'];
    for (const code of usage) expect(status(ServiceError.from(usageError(code, 'x'))), code).toBe(400);
    for (const code of ['BLOCKED', 'DOWNGRADE']) expect(status(ServiceError.from(blockedError(code, 'x'))), code).toBe(409);
    for (const code of ['OPERATION_RUNNING', 'OPERATION_IN_PROGRESS', 'NOT_CANCELLABLE']) expect(status(ServiceError.from(new UpshiftError(code, 'x'))), code).toBe(409);
    expect(status(ServiceError.from(new UpshiftError('NOTHING_TO_DO', 'x', { category: 'nothing-to-do' })))).toBe(409);
    expect(status(ServiceError.from(new UpshiftError('NOT_ROLLBACKABLE', 'x', { category: 'nothing-to-do' })))).toBe(409);
    expect(status(new ServiceError({ code: 'CLOSED', message: 'x', retryable: true }))).toBe(503);
    expect(status(ServiceError.from(new Error('x')))).toBe(500);
  });
});

describe('normalizeError', () => {
  it('keeps code, message, retryable and object details; never a stack', () => {
    const e = normalizeError(new UpshiftError('LOCK_HELD', 'locked', { category: 'blocked', retryable: true, details: { pid: 3 } }));
    expect(e).toEqual({ code: 'LOCK_HELD', message: 'locked', retryable: true, details: { pid: 3 }, category: 'blocked' });
    expect(normalizeError(new TypeError('bad'))).toEqual({ code: 'INTERNAL', message: 'bad', retryable: false });
    expect(normalizeError({ code: 'X', message: 'm', retryable: 'yes', details: [1] })).toEqual({ code: 'X', message: 'm', retryable: false });
    expect(normalizeError(null)).toEqual({ code: 'INTERNAL', message: 'null', retryable: false });
  });
});
