/**
 * First paint in Chromium against `upshift serve`: the first view's files arrive compressed (brotli, Vary), no
 * source map is served, and the Plan and History views' code is not part of the first view but loads when opened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cleanupTempDirs } from '../test/helpers/repos.js';
import { chromiumAvailable, launchChromium, openDashboard, serve, type Served } from './support.js';

const suite = chromiumAvailable ? describe : describe.skip;

suite('first paint (browser mode)', () => {
  let browser: Browser;
  let served: Served;
  beforeAll(async () => {
    browser = await launchChromium();
    served = await serve();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    cleanupTempDirs();
  });

  it('sends the first view compressed, without maps, and loads other views on demand', async () => {
    const context = await browser.newContext();
    const responses: Array<{ path: string; encoding: string | undefined; vary: string | undefined; status: number }> = [];
    context.on('response', (r) => {
      const headers = r.headers();
      responses.push({ path: new URL(r.url()).pathname, encoding: headers['content-encoding'], vary: headers.vary, status: r.status() });
    });
    const page = await context.newPage();
    await page.goto(served.url);
    await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
    const script = responses.find((r) => /^\/assets\/index-[^/]+\.js$/.test(r.path));
    expect(script).toMatchObject({ status: 200, encoding: 'br', vary: 'Accept-Encoding' });
    expect(responses.find((r) => /^\/assets\/index-[^/]+\.css$/.test(r.path))).toMatchObject({ encoding: 'br', vary: 'Accept-Encoding' });
    expect(responses.some((r) => /\/assets\/(PlanView|HistoryView)-/.test(r.path))).toBe(false);
    const map = await context.request.get(`${served.origin}${script!.path}.map`);
    expect(map.status()).toBe(404);
    // Opening History fetches its chunk (the virtual list), and the view shows.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    expect(responses.some((r) => /^\/assets\/HistoryView-[^/]+\.js$/.test(r.path) && r.encoding === 'br')).toBe(true);
    await context.close();
  });

  it('opened straight on a lazily loaded view, data-ready comes with the view on screen', async () => {
    const page = await openDashboard(browser, { ...served, url: `${served.url}&/history` });
    await expect(page.getByRole('heading', { name: 'History', level: 1 }).count()).resolves.toBe(1);
    await page.context().close();
  });
});
