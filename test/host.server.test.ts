import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostServer, type HostServer, type HostServerOptions } from '../electron/host/index.js';
import { CONTENT_SECURITY_POLICY } from '../electron/host/http.js';
import { waitFor } from './helpers/cli.js';
import { callApi, FakeApi, openSse, rawRequest } from './helpers/host.js';
import { makeTempDir } from './helpers/repos.js';

const servers: HostServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(overrides: Partial<HostServerOptions> = {}) {
  const api = new FakeApi();
  const server = await createHostServer({ api, staticDir: null, ...overrides });
  servers.push(server);
  return { api, server, url: server.url, token: server.token };
}

function renderer(): string {
  const root = makeTempDir('upshift-renderer-');
  const dir = join(root, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dashboard</title><script type="module" src="/assets/index-AbCd1234.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-AbCd1234.js'), 'console.log("app")');
  writeFileSync(join(dir, 'assets', 'index-EfGh5678.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.env'), 'SECRET=hidden-dotfile');
  writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-OUTSIDE');
  symlinkSync(join(root, 'secret.txt'), join(dir, 'assets', 'link.txt'));
  return dir;
}

describe('token', () => {
  it('is 256 random bits, base64url, different per run', async () => {
    const a = await start();
    const b = await start();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.url).toBe(`http://127.0.0.1:${a.server.port}`);
  });

  it('is required on every /api request: 401 without, 401 wrong, 200 right', async () => {
    const { url, token, api } = await start();
    const none = await callApi(url, null, 'getState');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', retryable: false } });
    expect((await callApi(url, `${token.slice(0, -1)}x`, 'getState')).status).toBe(401);
    expect((await callApi(url, 'short', 'getState')).status).toBe(401);
    expect((await callApi(url, null, 'getState', {}, { Authorization: `Basic ${token}` })).status).toBe(401);
    expect(api.calls).toEqual([]);
    const ok = await callApi(url, token, 'getState');
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ result: { method: 'getState', input: {} } });
  });

  it('is not accepted in the query string except on /api/events', async () => {
    const { url, token } = await start();
    const r = await rawRequest(url, { method: 'POST', path: `/api/getState?token=${token}`, headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
    expect((await rawRequest(url, { path: '/api/unknownThing' })).status).toBe(401);
  });

  it('can be given, and a weak one is refused', async () => {
    const token = 'a'.repeat(40);
    const { server } = await start({ token });
    expect(server.token).toBe(token);
    await expect(createHostServer({ api: new FakeApi(), staticDir: null, token: 'too-short' })).rejects.toThrow(/32 to 512/);
  });
});

describe('Host and Origin (DNS rebinding, CSRF)', () => {
  it('refuses a foreign Host, even with the right token', async () => {
    const { url, token, server, api } = await start();
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `127.0.0.1.evil.example:${server.port}`]) {
      const r = await rawRequest(url, { method: 'POST', path: '/api/getState', host, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
      expect(r.status, host).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'FORBIDDEN_HOST' } });
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await rawRequest(url, { path: '/', host: 'evil.example' })).status).toBe(403);
    // No Host at all: Node's parser already answers 400 (HTTP/1.1 requires one); either way, refused.
    expect([400, 403]).toContain((await rawRequest(url, { path: '/', host: null })).status);
    expect(api.calls).toEqual([]);
  });

  it('accepts its own names', async () => {
    const { url, token, server } = await start();
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`]) {
      const r = await rawRequest(url, { method: 'POST', path: '/api/getState', host, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
      expect(r.status, host).toBe(200);
    }
  });

  it('refuses a foreign Origin (and "null"), accepts its own', async () => {
    const { url, token, server, api } = await start();
    for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, 'null', `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`]) {
      const r = await callApi(url, token, 'startUpgrade', { project: 'core' }, { Origin: origin });
      expect(r.status, origin).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    }
    expect(api.calls).toEqual([]);
    expect((await callApi(url, token, 'getState', {}, { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await callApi(url, token, 'getState', {}, { Origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses what the browser marks as cross-site (Fetch Metadata)', async () => {
    const { url, token } = await start();
    const r = await callApi(url, token, 'getState', {}, { 'Sec-Fetch-Site': 'cross-site' });
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ error: { code: 'FORBIDDEN_SITE' } });
    expect((await callApi(url, token, 'getState', {}, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
  });
});

describe('POST /api/<method>', () => {
  it('dispatches the method with the parsed body and answers {result}', async () => {
    const { url, token, api } = await start();
    api.handler = async (method) => (method === 'startUpgrade' ? { operationId: 'op_1' } : undefined);
    const r = await callApi(url, token, 'startUpgrade', { project: 'core', to: '1.2.0' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.json()).toEqual({ result: { operationId: 'op_1' } });
    expect(api.calls).toEqual([{ method: 'startUpgrade', input: { project: 'core', to: '1.2.0' } }]);
    expect((await callApi(url, token, 'cancel', { operationId: 'op_1' })).json()).toEqual({ result: null });
  });

  it("says how long the server took (Server-Timing: body and call, durations only) so DevTools and the bench can tell the server's part", async () => {
    const { url, token, api } = await start();
    api.handler = async () => {
      await new Promise((r) => setTimeout(r, 30));
      return { projects: [] };
    };
    const r = await callApi(url, token, 'getState', {});
    expect(r.status).toBe(200);
    const m = /^body;dur=(\d+\.\d{2}), call;dur=(\d+\.\d{2})$/.exec(String(r.headers['server-timing']));
    expect(m, String(r.headers['server-timing'])).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThanOrEqual(29);
    expect(Number(m![1])).toBeLessThan(1000);
  });

  it('treats an empty body as {}', async () => {
    const { url, token, api } = await start();
    const r = await rawRequest(url, { method: 'POST', path: '/api/getSettings', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(api.calls).toEqual([{ method: 'getSettings', input: {} }]);
  });

  it('answers 404 for an unknown method without calling the engine, 405 for GET', async () => {
    const { url, token, api } = await start();
    for (const m of ['nope', 'subscribe', 'close', '__proto__', 'constructor', 'getState/extra', '']) {
      const r = await callApi(url, token, m);
      expect(r.status, m).toBe(404);
      expect(r.json()).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
    }
    expect(api.calls).toEqual([]);
    const get = await rawRequest(url, { path: '/api/getState', headers: { Authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('maps engine errors to statuses and keeps code, message, retryable and details', async () => {
    const { url, token, api } = await start();
    const cases: [unknown, number, Record<string, unknown>][] = [
      [{ code: 'BAD_INPUT', message: 'project: required', retryable: false, details: { issues: [{ path: ['project'] }] } }, 400, { code: 'BAD_INPUT', details: { issues: [{ path: ['project'] }] } }],
      [{ code: 'PROJECT_EXISTS', message: 'exists', retryable: false, category: 'usage' }, 400, { code: 'PROJECT_EXISTS' }],
      [{ code: 'SOMETHING_USAGE', message: 'bad', category: 'usage' }, 400, { code: 'SOMETHING_USAGE', retryable: false }],
      [{ code: 'UNKNOWN_PROJECT', message: 'no such project' }, 400, { code: 'UNKNOWN_PROJECT' }],
      [{ code: 'LOCK_HELD', message: 'locked', retryable: true, details: { pid: 1 } }, 409, { code: 'LOCK_HELD', retryable: true, details: { pid: 1 } }],
      [{ code: 'INCOMPATIBLE', message: 'blocked', category: 'blocked' }, 409, { code: 'INCOMPATIBLE' }],
      [{ code: 'NOTHING_TO_DO', message: 'already latest', category: 'nothing-to-do' }, 409, { code: 'NOTHING_TO_DO' }],
      [{ code: 'UNKNOWN_METHOD', message: 'no method' }, 404, { code: 'UNKNOWN_METHOD' }],
      [new Error('disk on fire'), 500, { code: 'INTERNAL', message: 'disk on fire', retryable: false }],
      ['a string', 500, { code: 'INTERNAL', message: 'a string' }],
      [{ code: 'GIT_FAILED', message: 'git broke', toApiError: () => ({ code: 'GIT_FAILED', message: 'git broke', retryable: true }) }, 500, { code: 'GIT_FAILED', retryable: true }],
    ];
    for (const [thrown, status, error] of cases) {
      api.handler = () => Promise.reject(thrown);
      const r = await callApi(url, token, 'getPlan', { project: 'core' });
      expect(r.status, JSON.stringify(thrown)).toBe(status);
      const body = r.json<{ error: Record<string, unknown> }>();
      expect(body.error).toMatchObject(error);
      expect(Object.keys(body.error).sort()).toEqual(expect.arrayContaining(['code', 'message', 'retryable']));
      expect(body.error).not.toHaveProperty('category');
      expect(body.error).not.toHaveProperty('stack');
    }
  });

  it('refuses a body over the cap with 413, by Content-Length and while streaming', async () => {
    const { url, token, api } = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ path: 'x'.repeat(2000) });
    const r = await callApi(url, token, 'addProject', JSON.parse(big));
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    const chunked = await rawRequest(url, {
      method: 'POST',
      path: '/api/addProject',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
    expect(api.calls).toEqual([]);
  });

  it('has a 1 MiB cap by default', async () => {
    const { url, token, api } = await start();
    expect((await callApi(url, token, 'addProject', { path: 'x'.repeat(900_000) })).status).toBe(200);
    expect((await callApi(url, token, 'addProject', { path: 'x'.repeat(1_100_000) })).status).toBe(413);
    expect(api.calls).toHaveLength(1);
  });

  it('requires application/json (415) and valid JSON (400)', async () => {
    const { url, token, api } = await start();
    const auth = { Authorization: `Bearer ${token}` };
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']) {
      const r = await rawRequest(url, { method: 'POST', path: '/api/getState', headers: { ...auth, ...(type ? { 'Content-Type': type } : {}) }, body: '{}' });
      expect(r.status, String(type)).toBe(415);
      expect(r.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    }
    const ok = await rawRequest(url, { method: 'POST', path: '/api/getState', headers: { ...auth, 'Content-Type': 'Application/JSON; charset=UTF-8' }, body: '{}' });
    expect(ok.status).toBe(200);
    const bad = await rawRequest(url, { method: 'POST', path: '/api/getState', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"a":' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'BAD_JSON' } });
    expect(api.calls).toHaveLength(1);
  });
});

describe('GET /api/events', () => {
  it('streams events in order with ids, with the token in the query or a header', async () => {
    const { url, token, api, server } = await start();
    const viaQuery = await openSse(url, `/api/events?token=${token}`);
    const viaHeader = await openSse(url, '/api/events', { Authorization: `Bearer ${token}` });
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(viaQuery.headers['cache-control']).toBe('no-store');
    expect(viaQuery.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(server.streams()).toBe(2);
    const events = Array.from({ length: 50 }, (_, i) => ({ type: 'operation-log', operationId: 'op_1', stepId: 'smoke', line: `line ${i}\nwith a newline` }));
    for (const e of events) api.emit(e);
    await waitFor(() => viaQuery.events().length === 50 && viaHeader.events().length === 50, 5000, 'events');
    expect(viaQuery.events().map((e) => e.data)).toEqual(events);
    expect(viaQuery.events().map((e) => e.id)).toEqual(events.map((_, i) => String(i + 1)));
    expect(viaHeader.events()).toEqual(viaQuery.events());
    expect(viaQuery.text()).toMatch(/^retry: \d+\n: connected\n\n/);
    viaQuery.close();
    viaHeader.close();
  });

  it('cleans up on disconnect, and the engine subscription stays single', async () => {
    const { url, token, api, server } = await start();
    expect(api.listeners.size).toBe(1);
    const clients = await Promise.all([1, 2, 3].map(() => openSse(url, `/api/events?token=${token}`)));
    expect(server.streams()).toBe(3);
    expect(api.listeners.size).toBe(1);
    clients[0]!.close();
    clients[1]!.close();
    await waitFor(() => server.streams() === 1, 5000, 'streams to close');
    api.emit({ type: 'history-changed' });
    await waitFor(() => clients[2]!.events().length === 1, 5000, 'event to the remaining stream');
    await server.close();
    await clients[2]!.ended;
    expect(api.listeners.size).toBe(0);
  });

  it('refuses without the token, with a wrong one, a foreign Origin, or POST', async () => {
    const { url, token, server } = await start();
    expect((await openSse(url, '/api/events')).status).toBe(401);
    expect((await openSse(url, `/api/events?token=${token}x`)).status).toBe(401);
    expect((await openSse(url, `/api/events?token=${token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await rawRequest(url, { method: 'POST', path: `/api/events?token=${token}` })).status).toBe(405);
    expect(server.streams()).toBe(0);
  });

  it('sends a comment heartbeat', async () => {
    const { url, token } = await start({ heartbeatMs: 40 });
    const c = await openSse(url, `/api/events?token=${token}`);
    await waitFor(() => (c.text().match(/^: heartbeat$/gm) ?? []).length >= 2, 5000, 'heartbeats');
    expect(c.events()).toEqual([]);
    c.close();
  });

  it('caps concurrent streams (503, retryable)', async () => {
    const { url, token, server } = await start({ maxStreams: 2 });
    const a = await openSse(url, `/api/events?token=${token}`);
    const b = await openSse(url, `/api/events?token=${token}`);
    const c = await openSse(url, `/api/events?token=${token}`);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 503]);
    expect(server.streams()).toBe(2);
    a.close();
    await waitFor(() => server.streams() === 1, 5000, 'a stream to close');
    const d = await openSse(url, `/api/events?token=${token}`);
    expect(d.status).toBe(200);
    b.close();
    d.close();
  });

  it('replays buffered events after Last-Event-ID', async () => {
    const { url, token, api } = await start();
    for (let i = 1; i <= 5; i++) api.emit({ type: 'history-changed', n: i });
    const c = await openSse(url, `/api/events?token=${token}`, { 'Last-Event-ID': '3' });
    await waitFor(() => c.events().length === 2, 5000, 'replay');
    expect(c.events()).toEqual([
      { id: '4', data: { type: 'history-changed', n: 4 } },
      { id: '5', data: { type: 'history-changed', n: 5 } },
    ]);
    const fresh = await openSse(url, `/api/events?token=${token}`);
    api.emit({ type: 'history-changed', n: 6 });
    await waitFor(() => fresh.events().length === 1, 5000, 'live event');
    expect(fresh.events()[0]!.id).toBe('6');
    c.close();
    fresh.close();
  });
});

describe('static files', () => {
  it('serves index.html for / and assets with their content types and cache rules', async () => {
    const { url } = await start({ staticDir: renderer() });
    const index = await rawRequest(url, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toContain('<title>dashboard</title>');
    expect((await rawRequest(url, { path: '/index.html?x=1' })).body).toBe(index.body);
    const js = await rawRequest(url, { path: '/assets/index-AbCd1234.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log("app")');
    expect((await rawRequest(url, { path: '/assets/index-EfGh5678.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await rawRequest(url, { path: '/assets/logo.svg' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
    const head = await rawRequest(url, { method: 'HEAD', path: '/assets/index-AbCd1234.js' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('18');
    expect(head.body).toBe('');
  });

  it('answers 404 for missing files and 405 for other methods', async () => {
    const { url } = await start({ staticDir: renderer() });
    expect((await rawRequest(url, { path: '/missing.js' })).status).toBe(404);
    expect((await rawRequest(url, { path: '/assets' })).status).toBe(404);
    const post = await rawRequest(url, { method: 'POST', path: '/index.html' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('never leaves the folder, however the path is spelled', async () => {
    const { url } = await start({ staticDir: renderer() });
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..\\..\\secret.txt',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/%2F..%2Fsecret.txt',
      '/etc/passwd%00.html',
      '/%',
      '/C:%5cWindows%5cwin.ini',
      '/.env',
      '/assets/link.txt',
      'http://127.0.0.1/secret.txt',
    ];
    for (const path of attempts) {
      const r = await rawRequest(url, { path });
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.body, path).not.toContain('TOP-SECRET');
      expect(r.body, path).not.toContain('hidden-dotfile');
      expect(r.body, path).not.toContain('root:');
    }
  });

  it('serves a page saying how to build the dashboard when it is not built', async () => {
    for (const staticDir of [null, makeTempDir('upshift-empty-')]) {
      const { url } = await start({ staticDir });
      const r = await rawRequest(url, { path: '/' });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('not built');
      expect(r.body).toContain('npm run build');
      expect(r.body).not.toMatch(/<script|style=/i);
      expect((await rawRequest(url, { path: '/assets/x.js' })).status).toBe(404);
    }
  });
});

describe('security headers', () => {
  it('are on every response: static, API, errors, refusals', async () => {
    const { url, token } = await start({ staticDir: renderer() });
    const responses = [
      await rawRequest(url, { path: '/' }),
      await rawRequest(url, { path: '/assets/index-AbCd1234.js' }),
      await rawRequest(url, { path: '/missing' }),
      await rawRequest(url, { path: '/../x' }),
      await callApi(url, token, 'getState'),
      await callApi(url, null, 'getState'),
      await callApi(url, token, 'nope'),
      await rawRequest(url, { path: '/', host: 'evil.example' }),
      await rawRequest(url, { path: '/', headers: { Origin: 'http://evil.example' } }),
    ];
    for (const r of responses) {
      expect(r.headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('broken clients', () => {
  function rawSocket(port: number, text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write(text));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('end', () => resolve(got));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
  }

  it('answers an unparsable request with 400 and the security headers', async () => {
    const { server } = await start();
    const reply = await rawSocket(server.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('X-Content-Type-Options: nosniff');
    expect(reply).toContain("Content-Security-Policy: default-src 'self'");
  });

  it('survives a client that goes away in the middle of a body', async () => {
    const { url, token, server, api } = await start();
    const s = connect(server.port, '127.0.0.1');
    await new Promise<void>((r) => s.on('connect', () => r()));
    s.write(`POST /api/getState HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`);
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(api.calls).toEqual([]);
    expect((await callApi(url, token, 'getState')).status).toBe(200);
  });
});

describe('close', () => {
  it('stops listening and is idempotent', async () => {
    const { url, server } = await start();
    await Promise.all([server.close(), server.close()]);
    await expect(rawRequest(url, { path: '/' })).rejects.toThrow();
  });
});
