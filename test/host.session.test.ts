/** Browser sessions over real HTTP: the token exchanged for a per-run cookie, and what the cookie may and may not do. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHostServer, type HostServer } from '../electron/host/index.js';
import { MAX_SESSIONS, parseCookies, SessionStore } from '../electron/host/session.js';
import { callApi, FakeApi, openSse, rawRequest } from './helpers/host.js';

const servers: HostServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(port = 0) {
  const api = new FakeApi();
  const server = await createHostServer({ api, staticDir: null, port });
  servers.push(server);
  return { api, server, url: server.url, token: server.token, origin: server.url };
}

async function exchange(url: string, token: string): Promise<{ status: number; setCookie: string; cookie: string }> {
  const r = await rawRequest(url, { method: 'POST', path: '/api/session', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Origin: url }, body: '{}' });
  const setCookie = (r.headers['set-cookie'] ?? [])[0] ?? '';
  return { status: r.status, setCookie, cookie: setCookie.split(';')[0]! };
}

describe('POST /api/session', () => {
  it('gives an HttpOnly, SameSite=Strict, Path=/ cookie named after the port, bound to the run', async () => {
    const { url, token, server } = await start();
    const { status, setCookie, cookie } = await exchange(url, token);
    expect(status).toBe(200);
    expect(setCookie).toMatch(new RegExp(`^upshift_session_${server.port}=[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$`));
    expect(setCookie).not.toContain('Secure');
    expect(setCookie).not.toContain(token);
    const again = await exchange(url, token);
    expect(again.cookie).not.toBe(cookie);
    // Same run: the run id part is shared, the secret is not.
    expect(again.cookie.split('.')[0]).toBe(cookie.split('.')[0]);
  });

  it('takes the token only from the Authorization header, only by POST', async () => {
    const { url, token } = await start();
    expect((await exchange(url, `${token.slice(0, -1)}x`)).status).toBe(401);
    const viaQuery = await rawRequest(url, { method: 'POST', path: `/api/session?token=${token}`, headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(viaQuery.status).toBe(401);
    expect(viaQuery.headers['set-cookie']).toBeUndefined();
    const get = await rawRequest(url, { path: '/api/session', headers: { Authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('keeps the Origin and Fetch-Metadata guards', async () => {
    const { url, token } = await start();
    const foreign = await rawRequest(url, { method: 'POST', path: '/api/session', headers: { Authorization: `Bearer ${token}`, Origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    const crossSite = await rawRequest(url, { method: 'POST', path: '/api/session', headers: { Authorization: `Bearer ${token}`, 'Sec-Fetch-Site': 'same-site' } });
    expect(crossSite.status).toBe(403);
  });
});

describe('the session cookie', () => {
  it('authorises API calls from the dashboard origin and the event stream', async () => {
    const { url, token, api, server } = await start();
    const { cookie } = await exchange(url, token);
    const ok = await callApi(url, null, 'getState', {}, { Cookie: cookie, Origin: url });
    expect(ok.status).toBe(200);
    expect(api.calls.map((c) => c.method)).toEqual(['getState']);
    const sse = await openSse(url, '/api/events', { Cookie: cookie });
    expect(sse.status).toBe(200);
    expect(server.streams()).toBe(1);
    sse.close();
  });

  it('refuses a state-changing request without Origin (CSRF) and one from another origin', async () => {
    const { url, token, api, server } = await start();
    const { cookie } = await exchange(url, token);
    const noOrigin = await callApi(url, null, 'startUpgrade', { project: 'core' }, { Cookie: cookie });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.json()).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    // Another port of 127.0.0.1 is same-site, so SameSite=Strict would still send the cookie: Origin refuses it.
    const otherPort = await callApi(url, null, 'startUpgrade', { project: 'core' }, { Cookie: cookie, Origin: `http://127.0.0.1:${server.port + 1}` });
    expect(otherPort.status).toBe(403);
    expect(otherPort.json()).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(api.calls).toEqual([]);
  });

  it('of an earlier run is refused with what to do; a guessed one of this run is plainly unauthorised', async () => {
    const first = await start();
    const { cookie } = await exchange(first.url, first.token);
    const port = first.server.port;
    await first.server.close();
    servers.splice(0);
    const second = await start(port);
    const stale = await callApi(second.url, null, 'getState', {}, { Cookie: cookie, Origin: second.url });
    expect(stale.status).toBe(401);
    expect(stale.json()).toMatchObject({ error: { code: 'SESSION_EXPIRED', message: expect.stringContaining("Upshift's dashboard server was restarted: open the new address it printed") } });
    const staleEvents = await openSse(second.url, '/api/events', { Cookie: cookie });
    expect(staleEvents.status).toBe(401);
    const [name, value] = cookie.split('=') as [string, string];
    // A guessed secret with the current run id (learned from a cookie of this run) is still nothing.
    const fresh = await exchange(second.url, second.token);
    const guessed = `${name}=${fresh.cookie.split('=')[1]!.split('.')[0]}.${'B'.repeat(43)}`;
    expect(guessed.split('.')[0]).not.toBe(`${name}=${value.split('.')[0]}`);
    expect((await callApi(second.url, null, 'getState', {}, { Cookie: guessed, Origin: second.url })).json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    // A fresh exchange with the new token works again.
    expect((await callApi(second.url, null, 'getState', {}, { Cookie: fresh.cookie, Origin: second.url })).status).toBe(200);
  });
});

describe('SessionStore', () => {
  it('forgets the oldest session beyond the cap', () => {
    const store = new SessionStore(1234);
    const first = store.create();
    for (let i = 0; i < MAX_SESSIONS; i++) store.create();
    expect(store.size).toBe(MAX_SESSIONS);
    const req = (value: string) => ({ headers: { cookie: `other=1; upshift_session_1234=${value}` } }) as never;
    expect(store.check(req(first))).toBe('none');
    expect(store.check(req(store.create()))).toBe('valid');
  });

  it('parses Cookie headers, first value wins', () => {
    expect([...parseCookies('a=1; b=2;c = 3; a=4; junk; =x')]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(parseCookies(undefined).size).toBe(0);
  });
});
