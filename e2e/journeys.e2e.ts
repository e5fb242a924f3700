/**
 * The three user journeys, the release-notes sanitiser and the API's guards, in Chromium against `upshift serve`.
 * Selectors are roles and accessible names; waits are on visible state, never on sleeps.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { git, pushTag } from '../test/helpers/repos.js';
import type { CliHarness } from '../test/helpers/cli.js';
import { demoWorkspace as workspace } from './demo-workspace.js';
import { chromiumAvailable, collectEvents, openDashboard, screenshot, type Served, useDashboard } from './support.js';


/** The sidebar's links are named exactly like the views; scoped so that other links cannot match. */
async function nav(page: Page, view: 'Updates' | 'History' | 'Projects & settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view, exact: true }).click();
}

const suite = chromiumAvailable ? describe : describe.skip;
if (!chromiumAvailable) console.warn('e2e: /usr/bin/chromium is not installed: browser journeys SKIPPED (bash .ci/run installs it).');

suite('dashboard journeys (browser mode)', () => {
  const dashboard = useDashboard();

  const start = (ws: { cli: CliHarness }): Promise<{ served: Served; page: Page }> => dashboard.start({}, ws.cli.home);

  it('journey 1: a new tag appears after "Check now", with exactly one notification', async () => {
    const ws = workspace({ onlyFirst: true });
    const { served, page } = await start(ws);
    const events = collectEvents(served);
    await page.getByRole('heading', { name: 'Updates' }).waitFor();
    pushTag(ws.core.remote, 'v1.1.0', { 'app.txt': '1.1.0\n' });
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByText('1.1.0').first().waitFor();
    await expect.poll(() => events.events.filter((e) => e.type === 'notification').length, { timeout: 10_000 }).toBe(1);
    expect(events.events.find((e) => e.type === 'notification')).toMatchObject({ project: 'core', version: '1.1.0' });
    await screenshot(page, 'updates');
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => events.events.filter((e) => e.type === 'project-changed' || e.type === 'state-changed').length).toBeGreaterThan(0);
    // A second check of the same release notifies nobody.
    await new Promise((r) => setTimeout(r, 500));
    expect(events.events.filter((e) => e.type === 'notification')).toHaveLength(1);
    events.close();

    await nav(page, 'Projects & settings');
    await page.getByRole('textbox', { name: 'Project path' }).waitFor();
    await screenshot(page, 'settings');
    const dark = await openDashboard(dashboard.browser, served, 'dark');
    await dark.getByRole('heading', { name: 'Updates' }).waitFor();
    await screenshot(dark, 'updates-dark');
    await dark.context().close();
  });

  it('journey 2: plan preview, upgrade succeeds; a failing smoke test is rolled back and shown', async () => {
    const ws = workspace();
    const { page } = await start(ws);
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('row', { name: 'core', exact: true }).getByRole('button', { name: 'Upgrade' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByLabel('Target version').selectOption('1.1.0');
    await page.getByText('frobnicator').first().waitFor();
    await expect.poll(async () => (await page.textContent('body')) ?? '').toMatch(/finance/);
    await expect.poll(async () => (await page.textContent('body')) ?? '').toMatch(/sh install\.sh/);
    await screenshot(page, 'plan');
    await page.getByRole('button', { name: 'Start upgrade' }).click();
    await page.getByText(/succeeded/i).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'progress-succeeded');
    expect(git(ws.core.work, 'rev-parse', 'HEAD')).toBe(ws.core.sha('v1.1.0'));

    await nav(page, 'Updates');
    await page.getByRole('row', { name: 'core', exact: true }).getByRole('button', { name: 'Upgrade' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByLabel('Target version').selectOption('1.2.0');
    await page.getByRole('button', { name: 'Start upgrade' }).click();
    await page.getByText(/rolled back/i).first().waitFor({ timeout: 30_000 });
    await page.getByText('smoke: the widget is broken').first().waitFor();
    await screenshot(page, 'progress-rolled-back');
    expect(git(ws.core.work, 'rev-parse', 'HEAD')).toBe(ws.core.sha('v1.1.0'));
  });

  it('journey 3: history filters and detail, then roll back to before an upgrade', async () => {
    const ws = workspace();
    expect(ws.cli.run('upgrade', 'core', '--to', '1.1.0', '--yes').code).toBe(0);
    expect(ws.cli.run('upgrade', 'core', '--to', '1.2.0', '--yes').code).toBe(1);
    const { page } = await start(ws);
    await nav(page, 'History');
    await page.getByRole('heading', { name: 'History' }).waitFor();
    const ops = page.getByRole('listbox', { name: 'Operations' });
    await ops.getByRole('option', { name: /rolled.back/i }).first().waitFor();
    await page.getByLabel('Status').selectOption('succeeded');
    await expect.poll(() => ops.getByRole('option', { name: /rolled.back/i }).count()).toBe(0);
    await ops.getByRole('option', { name: /core, upgrade 1\.0\.0 → 1\.1\.0/i }).first().click();
    await page.getByText(/install/).first().waitFor();
    await screenshot(page, 'history');
    await page.getByRole('button', { name: 'Roll back' }).first().click();
    await page.getByRole('alertdialog').getByRole('button', { name: /Roll back/ }).click();
    await expect.poll(() => git(ws.core.work, 'rev-parse', 'HEAD'), { timeout: 30_000 }).toBe(ws.core.sha('v1.0.0'));
    expect(git(ws.core.work, 'branch', '--show-current')).toBe('main');
  });

  it('release notes with script, event handlers and javascript: links neither execute nor navigate', async () => {
    const ws = workspace({ onlyFirst: true });
    pushTag(ws.core.remote, 'v1.1.0', { 'app.txt': '1.1.0\n' }, {
      message:
        'Evil notes\n\n<script>window.__pwned = 1</script>\n\n<img src="x" onerror="window.__pwned = 2">\n\n<svg onload="window.__pwned = 3"></svg>\n\n[click me](javascript:window.__pwned=4)\n\n[data](data:text/html,<script>parent.__pwned=5</script>)',
    });
    const { page } = await start(ws);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('row', { name: 'core', exact: true }).getByRole('button', { name: 'Upgrade' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByText('Evil notes').first().waitFor();
    const before = page.url();
    const link = page.getByText('click me').first();
    await link.click().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(page.url()).toBe(before);
    expect(dialogs).toEqual([]);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(await page.locator('[onerror], [onload]').count()).toBe(0);
    await screenshot(page, 'plan-hostile-notes');
  });

  it('the API refuses requests without the token and from a foreign origin', async () => {
    const ws = workspace({ onlyFirst: true });
    const served = await dashboard.serve({}, ws.cli.home);
    const noToken = await fetch(`${served.origin}/api/getState`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(401);
    const foreign = await fetch(`${served.origin}/api/getState`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}`, origin: 'https://evil.example' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    const ok = await fetch(`${served.origin}/api/getState`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
      body: '{}',
    });
    expect(ok.status).toBe(200);
  });
});
