/**
 * POST /api/<method>: one contract method per request. The JSON body is the method's input; the answer is
 * `200 {"result": …}` or an error status with `{"error": {code, message, retryable, details?}}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiError, normalizeError, sendError, sendJson, statusForError } from './http.js';
import type { HostApi } from './types.js';

const METHOD_SHAPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the body up to `limit` bytes; a larger one is refused as soon as it is seen to be larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyError(413, 'BODY_TOO_LARGE', `The request body is ${declared} bytes; the limit is ${limit}.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new BodyError(413, 'BODY_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // A client that goes away mid-body ends with 'close' and no 'end' (after 'end' this is a no-op).
    req.on('close', () => reject(new BodyError(400, 'ABORTED', 'The request was aborted.')));
  });
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [type, ...params] = value.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8' || p === 'charset="utf-8"');
}

export interface ApiRouteOptions {
  api: HostApi;
  methods: ReadonlySet<string>;
  maxBodyBytes: number;
  onError: (message: string) => void;
}

/** Handles an authorised request under /api/ other than /api/events. */
export async function handleApiCall(req: IncomingMessage, res: ServerResponse, method: string, opts: ApiRouteOptions): Promise<void> {
  const received = performance.now();
  if (!METHOD_SHAPE.test(method) || !opts.methods.has(method)) {
    sendError(res, 404, apiError('UNKNOWN_METHOD', `There is no API method "${method.slice(0, 64)}".`));
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, 405, apiError('METHOD_NOT_ALLOWED', `API methods are called with POST, not ${req.method ?? '?'}.`), { Allow: 'POST' });
    return;
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    sendError(res, 415, apiError('UNSUPPORTED_MEDIA_TYPE', 'Send the input as a JSON body with "Content-Type: application/json".'));
    return;
  }
  let input: unknown;
  try {
    const body = (await readBody(req, opts.maxBodyBytes)).toString('utf8');
    input = body.trim() === '' ? {} : (JSON.parse(body) as unknown);
  } catch (err) {
    if (err instanceof BodyError && err.code === 'ABORTED') {
      res.destroy();
      return;
    }
    if (err instanceof BodyError) {
      // Stop reading: the rest of an oversized body is not worth receiving.
      sendError(res, err.status, apiError(err.code, err.message), { Connection: 'close' });
      req.resume();
      return;
    }
    if (!(err instanceof SyntaxError)) {
      res.destroy();
      return;
    }
    sendError(res, 400, apiError('BAD_JSON', `The body is not valid JSON: ${err.message}`));
    return;
  }
  let result: unknown;
  const called = performance.now();
  try {
    result = await opts.api.call(method, input);
  } catch (err) {
    const e = normalizeError(err);
    const status = statusForError(e);
    if (status >= 500) opts.onError(`${method} failed: ${e.code}: ${e.message}`);
    const { category: _category, ...error } = e;
    sendError(res, status, error);
    return;
  }
  sendJson(res, 200, { result: result ?? null }, { 'Server-Timing': serverTiming(received, called) });
}

/**
 * How long the server took for a call, for the browser's Resource Timing (DevTools, bench/first-paint-profile.mjs):
 * `body` reading the request, `call` the engine's method (before the answer is serialised). Durations only, never data.
 */
function serverTiming(received: number, called: number): string {
  const done = performance.now();
  return `body;dur=${(called - received).toFixed(2)}, call;dur=${(done - called).toFixed(2)}`;
}
