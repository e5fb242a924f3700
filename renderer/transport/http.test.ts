import { describe, expect, it, vi } from 'vitest';
import { UpshiftCallError, toApiError } from './errors.js';
import { callHttp, createHttpTransport, type FetchLike } from './http.js';
import type { EventSourceLike } from './events.js';

function fakeFetch(status: number, body: string | (() => never)) {
  const calls: Array<{ url: string; init: Parameters<FetchLike>[1] }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    if (typeof body === 'function') body();
    return { ok: status >= 200 && status < 300, status, statusText: 'X', text: async () => body as string };
  };
  return { fetch, calls };
}

const noEvents = (): EventSourceLike => ({ onopen: null, onmessage: null, onerror: null, close() {} });

describe('HTTP transport', () => {
  it('exchanges the token for the session once, then POSTs api/<method> with the cookie alone', async () => {
    const { fetch, calls } = fakeFetch(200, JSON.stringify({ result: { cancelled: true } }));
    const t = createHttpTransport({ token: 's3cret', baseUrl: 'http://127.0.0.1:4000/#/updates', fetch, eventSource: noEvents });
    // A call made while the exchange is in flight presents the token itself rather than waiting for the cookie.
    await expect(t.api.getState({})).resolves.toEqual({ cancelled: true });
    await expect(t.api.cancel({ operationId: 'op_1' })).resolves.toEqual({ cancelled: true });
    expect(calls.map((c) => c.url)).toEqual(['http://127.0.0.1:4000/api/session', 'http://127.0.0.1:4000/api/getState', 'http://127.0.0.1:4000/api/cancel']);
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.headers.Authorization).toBe('Bearer s3cret');
    expect(calls[1]!.init.headers.Authorization).toBe('Bearer s3cret');
    expect(calls[2]!.init.method).toBe('POST');
    expect(calls[2]!.init.headers.Authorization).toBeUndefined();
    expect(JSON.parse(calls[2]!.init.body)).toEqual({ operationId: 'op_1' });
    expect(t.mode).toBe('browser');
    expect(typeof t.api.queryHistory).toBe('function');
  });

  it('rejects with the ApiError the server sent', async () => {
    const { fetch } = fakeFetch(409, JSON.stringify({ error: { code: 'OPERATION_IN_PROGRESS', message: 'core is busy', retryable: true, details: { pid: 1 } } }));
    const err = await callHttp({ token: 't', baseUrl: 'http://h/', fetch }, 'startUpgrade', { project: 'core' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpshiftCallError);
    expect((err as UpshiftCallError).apiError).toEqual({ code: 'OPERATION_IN_PROGRESS', message: 'core is busy', retryable: true, details: { pid: 1 } });
  });

  it('explains a 401, a non-JSON error and a network failure', async () => {
    const e401 = await callHttp({ token: null, baseUrl: 'http://h/', ...fakeFetch(401, 'nope') }, 'getState', {}).then(() => null, toApiError);
    expect(e401!).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
    expect(e401!.message).toMatch(/upshift serve/);
    const e502 = await callHttp({ token: 't', baseUrl: 'http://h/', ...fakeFetch(502, '<html>Bad gateway</html>') }, 'getState', {}).then(() => null, toApiError);
    expect(e502!).toMatchObject({ code: 'HTTP_502', retryable: true });
    const down = await callHttp(
      {
        token: 't',
        baseUrl: 'http://h/',
        ...fakeFetch(0, () => {
          throw new TypeError('Failed to fetch');
        }),
      },
      'getState',
      {},
    ).catch(toApiError);
    expect(down!).toMatchObject({ code: 'NETWORK', retryable: true });
    const noResult = await callHttp({ token: 't', baseUrl: 'http://h/', ...fakeFetch(200, '{}') }, 'getState', {}).then(() => null, toApiError);
    expect(noResult!.code).toBe('BAD_RESPONSE');
  });

  it('a failed exchange (stale token) still lets the cookie decide', async () => {
    const calls: string[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push(`${url} ${init.headers.Authorization ?? 'cookie'}`);
      if (init.headers.Authorization) return { ok: false, status: 401, text: async () => JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'old token', retryable: false } }) };
      return { ok: true, status: 200, text: async () => JSON.stringify({ result: 'state' }) };
    };
    const t = createHttpTransport({ token: 'old', baseUrl: 'http://h/', fetch, eventSource: noEvents });
    await expect(t.api.getState({})).resolves.toBe('state');
    // The early call with the stale token is refused (nothing done); once the exchange has failed, the cookie decides.
    expect(calls).toEqual(['http://h/api/session Bearer old', 'http://h/api/getState Bearer old', 'http://h/api/getState cookie']);
  });

  it('opens the event stream after the exchange, without the token in the URL', async () => {
    const urls: string[] = [];
    const t = createHttpTransport({
      token: 'a b',
      baseUrl: 'http://127.0.0.1:4000/',
      fetch: fakeFetch(200, '{}').fetch,
      eventSource: (url) => {
        urls.push(url);
        return noEvents();
      },
    });
    const off = t.api.subscribe(() => {});
    expect(urls).toEqual([]);
    await vi.waitFor(() => expect(urls).toEqual(['http://127.0.0.1:4000/api/events']));
    off();
  });
});

describe('toApiError', () => {
  it('understands the shapes an IPC rejection can take', () => {
    expect(toApiError({ code: 'X', message: 'm', retryable: true })).toEqual({ code: 'X', message: 'm', retryable: true });
    expect(toApiError(new Error("Error invoking remote method 'upshift:getPlan': Error: no such project"))).toEqual({ code: 'UNKNOWN', message: 'no such project', retryable: false });
    expect(
      toApiError(new Error(`Error invoking remote method 'upshift:getPlan': Error: ${JSON.stringify({ code: 'UNKNOWN_PROJECT', message: 'No project core', retryable: false })}`)),
    ).toEqual({ code: 'UNKNOWN_PROJECT', message: 'No project core', retryable: false });
    expect(toApiError({ error: { code: 'Y', message: 'n', retryable: false } }).code).toBe('Y');
    // What contextBridge hands the page for the preload's UpshiftIpcError: only the message, the ApiError as JSON.
    expect(toApiError(new Error(JSON.stringify({ code: 'LOCK_HELD', message: 'core is locked', retryable: true, details: { pid: 9 } })))).toEqual({
      code: 'LOCK_HELD',
      message: 'core is locked',
      retryable: true,
      details: { pid: 9 },
    });
    expect(toApiError('plain')).toEqual({ code: 'UNKNOWN', message: 'plain', retryable: false });
  });
});
