/**
 * The About view in Chromium (issue 11 §6). Browser mode against the real `upshift serve`: the build's version and
 * commit (as `upshift --version --json` reports them), where it runs, and Upshift's own updates left to whatever
 * installed it, with no button. The tray app's side: the real engine service with the self-update controller over
 * the real adapter and a scripted autoUpdater (e2e/about-feed.e2e.ts runs the real electron-updater), served by the real
 * HTTP host to the built dashboard: "Upshift 0.2.0 is available" with its notes, Remind me later, Skip this version,
 * Install on quit. Roles and accessible names; waits on visible state, never on sleeps.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../electron/core/service/clock.js';
import { UpshiftService } from '../electron/core/service/index.js';
import { createHostServer, type HostServer } from '../electron/host/index.js';
import { createUpdaterPort } from '../electron/main/self-updater.js';
import { CliHarness } from '../test/helpers/cli.js';
import { FakeUpdater } from '../test/helpers/fake-updater.js';
import { cleanupTempDirs, makeTempDir } from '../test/helpers/repos.js';
import { chromiumAvailable, launchChromium, screenshot, serve, type Served } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const suite = chromiumAvailable ? describe : describe.skip;

async function openAbout(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'About', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'About Upshift' }).waitFor();
  await page.locator('[data-about-ready="true"]').waitFor();
}

/** The value beside a term of the About facts. */
async function fact(page: Page, term: string): Promise<string> {
  return (await page.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

/** As openDashboard, with the CSP bypassed: axe-core is injected as a script tag, which the dashboard's CSP refuses. */
async function open(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
  return page;
}

async function axeSerious(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: unknown[] }> }> } }).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id} (${v.nodes.length})`);
}

suite('About (browser mode)', () => {
  let browser: Browser;
  let served: Served;
  beforeAll(async () => {
    browser = await launchChromium();
    served = await serve();
  });
  afterAll(async () => {
    await served?.stop();
    await browser?.close();
    cleanupTempDirs();
  });

  it('shows the version, the commit it was built from, where it runs, and who updates it — with no button for that', async () => {
    const version = new CliHarness().run('--version', '--json').json<{ version: string; commit: string; dirty: boolean; installPath: string }>();
    const page = await open(browser, served.url);
    await openAbout(page);
    expect(await page.title()).toBe('About · Upshift');
    await page.getByRole('heading', { level: 2, name: `Upshift ${version.version}` }).waitFor();
    expect(await fact(page, 'Built from')).toBe(`commit ${version.commit.slice(0, 12)}${version.dirty ? ' with uncommitted changes' : ''}`);
    expect(await fact(page, 'Running as')).toBe('browser mode (upshift serve)');
    expect(await fact(page, 'Installed at')).toBe(version.installPath);
    expect(await fact(page, 'Runtime')).toContain(`Node ${process.versions.node}`);
    expect(await fact(page, 'Update channel')).toBe('stable');
    expect(await fact(page, 'Last update check')).toBe('never');
    const updates = page.getByRole('region', { name: 'Updates of Upshift' });
    await updates.getByText(/updated the way it was installed/).waitFor();
    expect(await updates.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'About', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'about-browser');
  });

  it('fits a 400 px tray window without sideways scrolling, and is axe-clean in the dark theme', async () => {
    const context = await browser.newContext({ viewport: { width: 400, height: 800 }, colorScheme: 'dark', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(served.url);
    await page.locator('[data-ready="true"]').waitFor();
    await openAbout(page);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth)).toBe(true);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'about-browser-400-dark');
    await context.close();
  });
});

suite("About in the tray app: Upshift's own update", () => {
  let browser: Browser;
  let service: UpshiftService;
  let host: HostServer;
  const updater = new FakeUpdater();
  beforeAll(async () => {
    browser = await launchChromium();
    updater.feed = { version: '0.2.0', releaseName: 'Upshift 0.2.0', releaseNotes: '## Faster checks\n\nOne request per project instead of a git process.' };
    const clock = new ManualClock(Date.now());
    service = await UpshiftService.open({
      home: makeTempDir('upshift-e2e-about-'),
      clock,
      poll: false,
      selfUpdate: { host: { mode: 'app', installPath: '/opt/Upshift/resources/app.asar', electron: '45.4.1', chrome: '142.0.7444.52' }, version: '0.1.0', port: createUpdaterPort(updater) },
    });
    clock.advance(0); // the start-up check
    host = await createHostServer({ api: service, staticDir: path.join(root, 'dist/renderer') });
  });
  afterAll(async () => {
    await host?.close();
    await service?.close();
    await browser?.close();
    cleanupTempDirs();
  });

  it('offers 0.2.0 with its notes; Remind me later, Skip and Install on quit do what they say', async () => {
    const page = await open(browser, `${host.url}/#token=${host.token}`);
    await openAbout(page);
    expect(await fact(page, 'Running as')).toBe('the tray app');
    expect(await fact(page, 'Runtime')).toMatch(/^Electron 45\.4\.1 · Chromium 142\.0\.7444\.52 · Node /);
    const updates = page.getByRole('region', { name: 'Updates of Upshift' });
    await updates.getByRole('heading', { name: 'Upshift 0.2.0 is available' }).waitFor();
    await updates.getByRole('heading', { name: 'Faster checks' }).waitFor();
    expect(updater.downloads).toBe(0);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'about-update-available');

    await updates.getByRole('button', { name: 'Remind me later' }).click();
    await updates.getByText(/You asked to be reminded: it is offered again after/).waitFor();
    expect(await updates.getByRole('button', { name: 'Remind me later' }).count()).toBe(0);

    await updates.getByRole('button', { name: 'Skip this version' }).click();
    await updates.getByText('You skipped this version: it is not offered again.').waitFor();
    await updates.getByRole('button', { name: 'Offer 0.2.0 again' }).click();

    await updates.getByRole('button', { name: 'Install 0.2.0 on quit' }).click();
    await updates.getByRole('heading', { name: 'Upshift 0.2.0 will be installed when you quit' }).waitFor();
    await updates.getByRole('status').getByText('Upshift 0.2.0 is downloaded.').waitFor();
    expect(updater.downloads).toBe(1);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    await updates.getByRole('button', { name: 'Do not install 0.2.0 on quit' }).click();
    await updates.getByRole('heading', { name: 'Upshift 0.2.0 is available' }).waitFor();
    expect(updater.autoInstallOnAppQuit).toBe(false);
  });
});
