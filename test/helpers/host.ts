import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { HostApi } from '../../electron/host/index.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One HTTP request with full control over the raw target and headers (fetch normalises paths and forbids a few
 * headers, which is exactly what these tests must get around). `host: null` sends no Host header at all.
 */
export function rawRequest(
  baseUrl: string,
  opts: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string | Buffer; host?: string | null } = {},
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.host !== undefined && opts.host !== null) headers.Host = opts.host;
    const req = httpRequest(
      { host: base.hostname.replace(/^\[|\]$/g, ''), port: base.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers, setHost: opts.host === undefined, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** POST /api/<method> with the token and a JSON body. */
export function callApi(baseUrl: string, token: string | null, method: string, input: unknown = {}, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(baseUrl, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', ...(token !== null ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(input),
  });
}

export interface SseClient {
  status: number;
  headers: IncomingHttpHeaders;
  /** Everything received so far, raw. */
  text(): string;
  /** The `data:` events received so far, parsed, with their ids. */
  events(): { id: string | null; data: unknown }[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens GET /api/events and collects what arrives. */
export function openSse(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method: 'GET', path, headers: { Accept: 'text/event-stream', ...headers }, agent: false }, (res: IncomingMessage) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (raw += c));
      const ended = new Promise<void>((r) => {
        res.on('end', () => r());
        res.on('close', () => r());
        res.on('error', () => r());
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => raw,
        events: () =>
          raw
            .split('\n\n')
            .filter((frame) => /^data: /m.test(frame))
            .map((frame) => ({
              id: /^id: (.*)$/m.exec(frame)?.[1] ?? null,
              data: JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) as unknown,
            })),
        ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A HostApi that records calls, answers through `handler`, and emits events on demand. */
export class FakeApi implements HostApi {
  readonly calls: { method: string; input: unknown }[] = [];
  readonly listeners = new Set<(event: unknown) => void>();
  handler: (method: string, input: unknown) => Promise<unknown> = async (method, input) => ({ method, input });

  call(method: string, input: unknown): Promise<unknown> {
    this.calls.push({ method, input });
    return this.handler(method, input);
  }

  subscribe(listener: (event: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: unknown): void {
    for (const l of this.listeners) l(event);
  }
}
