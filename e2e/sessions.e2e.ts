/**
 * Browser-mode sessions in Chromium: the printed #token=… is exchanged for a cookie every tab of the browser shares;
 * another browser is refused; a cookie of an earlier run is refused with what to do, and Retry works once a new
 * session exists; a request from another origin that carries the cookie is refused (CSRF).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs } from '../test/helpers/repos.js';
import { api, chromiumAvailable, launchChromium, serve, type Served } from './support.js';

const suite = chromiumAvailable ? describe : describe.skip;

async function ready(page: Page): Promise<void> {
  await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
}

suite('browser sessions', () => {
  let browser: Browser;
  let served: Served;
  let context: BrowserContext;
  let attacker: Server | null = null;
  beforeAll(async () => {
    browser = await launchChromium();
    served = await serve();
    context = await browser.newContext();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
    cleanupTempDirs();
  });

  const cookieName = () => `upshift_session_${new URL(served.origin).port}`;

  it('exchanges the fragment for an HttpOnly, SameSite=Strict cookie and removes it from the address bar', async () => {
    const page = await context.newPage();
    await page.goto(served.url);
    await ready(page);
    expect(page.url()).not.toContain('token');
    expect(page.url()).toBe(`${served.origin}/#/updates`);
    const cookies = await context.cookies(served.origin);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: cookieName(), path: '/', httpOnly: true, sameSite: 'Strict', secure: false, expires: -1 });
    expect(cookies[0]!.value).not.toContain(served.token);
    // HttpOnly: the page's scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('a second tab or a pasted address without the fragment works in the same browser', async () => {
    const second = await context.newPage();
    await second.goto(`${served.origin}/#/history`);
    await ready(second);
    await second.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    const pasted = await context.newPage();
    await pasted.goto(`${served.origin}/`);
    await ready(pasted);
    await pasted.getByRole('heading', { name: 'Updates', level: 1 }).waitFor();
    await second.close();
    await pasted.close();
  });

  it('a browser without the cookie is refused', async () => {
    const stranger = await browser.newContext();
    const page = await stranger.newPage();
    await page.goto(`${served.origin}/`);
    await page.locator('[data-load="error"]').waitFor({ timeout: 20_000 });
    await expect(page.getByRole('alert').filter({ hasText: 'no dashboard session' }).isVisible()).resolves.toBe(true);
    const direct = await stranger.request.post(`${served.origin}/api/getState`, { headers: { 'content-type': 'application/json' }, data: {} });
    expect(direct.status()).toBe(401);
    await stranger.close();
  });

  it('refuses a cross-origin POST that carries the cookie (CSRF)', async () => {
    // Another port of 127.0.0.1 is same-site, so SameSite=Strict still sends the cookie: the Origin check must refuse.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><form id="f" method="POST" enctype="text/plain" action="${served.origin}/api/addProject">` +
          `<input name='{"path":"/tmp","name":"evil","x":"' value='"}'></form>`,
      );
    });
    await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const [response] = await Promise.all([
      page.waitForResponse(`${served.origin}/api/addProject`),
      page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()),
    ]);
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    expect((await response.request().allHeaders()).cookie ?? '').toContain(cookieName());
    const state = await api<{ projects: unknown[] }>(served, 'getState');
    expect(state.projects).toEqual([]);
    await page.close();
  });

  it('after a restart the old cookie is refused with what to do, and Retry works once a new session exists', async () => {
    const page = await context.newPage();
    await page.goto(`${served.origin}/#/updates`);
    await ready(page);
    const port = Number(new URL(served.origin).port);
    const home = served.home;
    await served.stop();
    served = await serve({}, home, port);
    // The open tab notices on its own: its event stream reconnects, is refused, and the page says what to do.
    const notice = page.getByRole('main').getByRole('alert').filter({ hasText: "Upshift's dashboard server was restarted" });
    await notice.waitFor({ timeout: 20_000 });
    await expect(notice.textContent()).resolves.toContain('open the new address it printed');
    const stale = await context.request.post(`${served.origin}/api/getState`, { headers: { 'content-type': 'application/json', origin: served.origin }, data: {} });
    expect(stale.status()).toBe(401);
    expect(await stale.json()).toMatchObject({ error: { code: 'SESSION_EXPIRED', message: expect.stringContaining("Upshift's dashboard server was restarted: open the new address it printed") } });
    // Retry alone cannot help yet…
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url() === `${served.origin}/api/getState`), notice.getByRole('button', { name: 'Retry' }).click()]);
    expect(refused.status()).toBe(401);
    await expect(notice.isVisible()).resolves.toBe(true);
    await expect(page.getByRole('region', { name: 'Notifications' }).getByRole('alert').count()).resolves.toBe(0);
    // …but once the new address was opened in this browser, it does.
    const fresh = await context.newPage();
    await fresh.goto(served.url);
    await ready(fresh);
    await notice.getByRole('button', { name: 'Retry' }).click();
    await notice.waitFor({ state: 'detached', timeout: 20_000 });
    await expect(page.locator('#root').getAttribute('data-ready')).resolves.toBe('true');
  });
});
