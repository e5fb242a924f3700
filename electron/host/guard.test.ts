import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { authority, isCrossSite, isLoopbackHost, isWildcardHost, OriginGuard, ownHostnames } from './guard.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('host names', () => {
  it('tells loopback and wildcard hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1', 'localhost.evil.example']) expect(isLoopbackHost(h), h).toBe(false);
    expect(isWildcardHost('0.0.0.0')).toBe(true);
    expect(isWildcardHost('::')).toBe(true);
    expect(isWildcardHost('127.0.0.1')).toBe(false);
  });

  it('formats authorities, bracketing IPv6', () => {
    expect(authority('127.0.0.1', 8080)).toBe('127.0.0.1:8080');
    expect(authority('::1', 8080)).toBe('[::1]:8080');
    expect(authority('[::1]', 8080)).toBe('[::1]:8080');
    expect(authority('LocalHost', 1)).toBe('localhost:1');
  });

  it('answers to the machine’s own addresses only when bound to a wildcard', () => {
    expect(ownHostnames('127.0.0.1')).toEqual(['127.0.0.1', 'localhost', '::1']);
    expect(ownHostnames('192.168.7.7', ['my-box'])).toEqual(['127.0.0.1', 'localhost', '::1', 'my-box', '192.168.7.7']);
    expect(ownHostnames('0.0.0.0').length).toBeGreaterThan(3);
  });
});

describe('OriginGuard', () => {
  const guard = new OriginGuard(ownHostnames('127.0.0.1'), 4000);

  it('accepts our own Host with no Origin or our own Origin', () => {
    expect(guard.refusal(req({ host: '127.0.0.1:4000' }))).toBeNull();
    expect(guard.refusal(req({ host: 'localhost:4000', origin: 'http://localhost:4000' }))).toBeNull();
    expect(guard.refusal(req({ host: '127.0.0.1:4000', origin: 'http://localhost:4000' }))).toBeNull();
    expect(guard.refusal(req({ host: '[::1]:4000', origin: 'http://[::1]:4000' }))).toBeNull();
  });

  it('refuses a rebinding Host and a foreign Origin', () => {
    for (const host of ['evil.example:4000', '127.0.0.1', '127.0.0.1:4001', '127.0.0.1:4000.evil', 'localhost:4000@evil', '']) {
      expect(guard.refusal(req({ host }))?.code, host).toBe('FORBIDDEN_HOST');
    }
    expect(guard.refusal(req({}))?.code).toBe('FORBIDDEN_HOST');
    for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1:4000', 'http://127.0.0.1:4000/', 'http://127.0.0.1', '']) {
      expect(guard.refusal(req({ host: '127.0.0.1:4000', origin }))?.code, origin).toBe('FORBIDDEN_ORIGIN');
    }
  });

  it('accepts a port-less Host on port 80, as browsers send it', () => {
    const g80 = new OriginGuard(['127.0.0.1'], 80);
    expect(g80.refusal(req({ host: '127.0.0.1', origin: 'http://127.0.0.1' }))).toBeNull();
    expect(g80.refusal(req({ host: '127.0.0.1:80' }))).toBeNull();
  });

  it('reads Fetch Metadata', () => {
    expect(isCrossSite(req({ 'sec-fetch-site': 'cross-site' }))).toBe(true);
    expect(isCrossSite(req({ 'sec-fetch-site': 'same-site' }))).toBe(true);
    expect(isCrossSite(req({ 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(isCrossSite(req({ 'sec-fetch-site': 'none' }))).toBe(false);
    expect(isCrossSite(req({}))).toBe(false);
  });
});
