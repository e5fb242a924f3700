/**
 * Every view and state at desktop width (1280 px) and tray-popover width (400 px), in both themes (issue 11 §2, §4),
 * with the dialogs and the "Remind me later" menu open:
 * no sideways scrolling and every control inside the viewport; axe-core finds no serious or critical violation
 * (nor the moderate heading-order and landmark-unique ones); the screenshots in docs/screenshots come from here.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CliHarness } from '../test/helpers/cli.js';
import { demoWorkspace } from './demo-workspace.js';
import { api, chromiumAvailable, screenshot, type Served, useDashboard } from './support.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
type Width = 1280 | 400 | 360;
type Theme = 'light' | 'dark';
/** Desktop and tray-popover width in both themes; the narrowest tray width once. Screenshots at 1280 and 400. */
const COMBOS: Array<{ width: Width; theme: Theme }> = [
  { width: 1280, theme: 'light' },
  { width: 1280, theme: 'dark' },
  { width: 400, theme: 'light' },
  { width: 400, theme: 'dark' },
  { width: 360, theme: 'light' },
];

/** Moderate rules the issue names as seen; held at zero too. */
const ALSO_ASSERTED = new Set(['heading-order', 'landmark-unique']);

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string; any: Array<{ relatedNodes?: Array<{ target: unknown[] }> }> }> }>;
}

async function openAt(browser: Browser, served: Served, width: Width, theme: Theme, hash = ''): Promise<Page> {
  // bypassCSP: axe-core is injected as a script tag, which the dashboard's strict CSP would refuse.
  const context = await browser.newContext({ viewport: { width, height: 860 }, colorScheme: theme, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${served.url.replace(/#.*$/, '')}#token=${served.token}${hash ? `&${hash.replace(/^#/, '')}` : ''}`);
  await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
  return page;
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

/** What would make a user scroll sideways, and every control that lies (partly) outside the viewport. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > doc.clientWidth) problems.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    for (const el of document.querySelectorAll('body *')) {
      const style = getComputedStyle(el);
      // A log or a code block may scroll inside itself; nothing else may.
      if (el.closest('pre, .log, .log-tail, code')) continue;
      if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${describe(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
    for (const el of document.querySelectorAll('button, a[href], select, input, textarea, [role="option"], [role="button"]')) {
      if (el.closest('.visually-hidden, .skip-link, [hidden], dialog:not([open])')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -1 || r.right > window.innerWidth + 1) problems.push(`${describe(el)} is outside the viewport (${Math.round(r.left)}–${Math.round(r.right)} px)`);
    }
    return problems;
  });
}

async function axeProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResult> } }).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || ALSO_ASSERTED.has(v.id))
    .flatMap((v) =>
      v.nodes.map((n) => {
        const related = n.any.flatMap((c) => c.relatedNodes ?? []).map((r) => JSON.stringify(r.target));
        return `${v.impact} ${v.id} (${v.help}): ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').slice(1, 3).join(' ') ?? ''}${related.length ? ` (also: ${related.join(', ')})` : ''}`;
      }),
    );
}

/** Checks the state on screen; records what is wrong (all states are checked before the test fails). */
async function check(page: Page, state: string, width: Width, theme: Theme, found: string[], shot?: string): Promise<void> {
  const where = `${state} at ${width} px, ${theme}`;
  for (const p of await layoutProblems(page)) found.push(`${where}: ${p}`);
  for (const p of await axeProblems(page)) found.push(`${where}: ${p}`);
  if (shot) await screenshot(page, shot);
}

const suite = chromiumAvailable ? describe : describe.skip;

suite('every view at 1280 and 400 px in both themes, and at 360 px: no sideways scrolling, axe clean', () => {
  const dashboard = useDashboard();

  it('Updates, Plan and its menu, Operation, History with its detail and the rollback dialog, Settings and its dialog, Schedule, About', async () => {
    const ws = demoWorkspace();
    expect(ws.cli.run('upgrade', 'core', '--to', '1.1.0', '--yes').code).toBe(0);
    expect(ws.cli.run('upgrade', 'core', '--to', '1.2.0', '--yes').code).toBe(1);
    const served = await dashboard.serve({}, ws.cli.home);
    await api(served, 'checkNow', {});
    const { operations } = await api<{ operations: Array<{ id: string; status: string; to: string | null }> }>(served, 'queryHistory', { limit: 10, offset: 0 });
    const succeeded = operations.find((o) => o.status === 'succeeded')!;
    const rolledBack = operations.find((o) => o.status === 'rolled_back')!;

    const found: string[] = [];
    for (const { width, theme } of COMBOS) {
      const shot = (name: string) =>
        width === 360 ? undefined : theme === 'light' ? `${name}-${width}` : name === 'updates' && width === 400 ? `${name}-${width}-dark` : undefined;
      const page = await openAt(dashboard.browser, served, width, theme);

      const core = page.getByRole('row', { name: 'core', exact: true });
      await core.getByRole('button', { name: /Upgrade/ }).waitFor();
      const lastChecked = core.locator('time').first();
      if (!(await lastChecked.isVisible())) found.push(`Updates at ${width} px: core's "Last checked" is not visible`);
      await check(page, 'Updates', width, theme, found, shot('updates'));

      await core.getByRole('button', { name: /Upgrade/ }).click();
      await page.getByRole('heading', { name: 'Plan', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Start upgrade' }).waitFor();
      await page.locator('.plan-body[aria-busy="false"]').waitFor();
      await check(page, 'Plan', width, theme, found, shot('plan'));
      await page.getByRole('button', { name: 'Remind me later' }).click();
      await page.getByRole('button', { name: 'In 1 day' }).waitFor();
      await check(page, 'Plan with the "Remind me later" menu', width, theme, found);
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'In 1 day' }).waitFor({ state: 'hidden' });

      await go(page, `#/operation/${rolledBack.id}`);
      await page.getByText('smoke: the widget is broken').first().waitFor();
      await check(page, 'Operation (rolled back)', width, theme, found, shot('operation-rolled-back'));
      await go(page, `#/operation/${succeeded.id}`);
      await page.getByText(/succeeded/i).first().waitFor();
      await check(page, 'Operation (succeeded)', width, theme, found, shot('operation-succeeded'));

      await go(page, '#/history');
      const list = page.getByRole('listbox', { name: 'Operations' });
      const row = list.getByRole('option', { name: /core, upgrade 1\.0\.0 → 1\.1\.0/i }).first();
      await row.waitFor();
      // The row shows its status and, at desktop width, its whole target.
      const rowBox = (await row.boundingBox())!;
      const status = row.locator('.history-status');
      const statusBox = await status.boundingBox();
      if (!(await status.isVisible()) || !statusBox || statusBox.x + statusBox.width > rowBox.x + rowBox.width + 1) {
        found.push(`History at ${width} px: the row does not show its status`);
      }
      if (width === 1280 && (await row.locator('.history-kind').evaluate((el) => el.scrollWidth > el.clientWidth))) {
        found.push('History at 1280 px: "Upgrade 1.0.0 → 1.1.0" is cut');
      }
      await check(page, 'History', width, theme, found);
      await row.click();
      await page.getByRole('button', { name: 'Roll back' }).first().waitFor();
      await check(page, 'History with the operation detail', width, theme, found, shot('history'));

      await page.getByRole('button', { name: 'Roll back' }).first().click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      await check(page, 'Roll back dialog', width, theme, found, shot('history-rollback-dialog'));
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });

      await go(page, '#/settings');
      await page.getByRole('textbox', { name: 'Project path' }).waitFor();
      await check(page, 'Settings', width, theme, found, shot('settings'));
      await page.getByRole('button', { name: 'Remove' }).first().click();
      const remove = page.getByRole('alertdialog');
      await remove.waitFor();
      await check(page, '"Stop watching" dialog', width, theme, found);
      await remove.getByRole('button', { name: 'Cancel' }).click();
      await remove.waitFor({ state: 'hidden' });

      await go(page, '#/schedule');
      await page.locator('[data-schedule-ready="true"]').waitFor();
      await check(page, 'Schedule', width, theme, found, shot('schedule'));

      await go(page, '#/about');
      await page.locator('[data-about-ready="true"]').waitFor();
      await check(page, 'About', width, theme, found, shot('about'));
      await page.context().close();
    }
    expect(found).toEqual([]);
  });

  it('the empty state, and the server stopped under an open dashboard', async () => {
    const served = await dashboard.serve({}, new CliHarness().home);
    const found: string[] = [];
    const pages: Array<{ page: Page; width: Width; theme: Theme }> = [];
    for (const { width, theme } of COMBOS) {
      const page = await openAt(dashboard.browser, served, width, theme);
      await page.getByText('No projects yet — add one').waitFor();
      await check(page, 'Empty state', width, theme, found, theme === 'light' && width !== 360 ? `empty-${width}` : undefined);
      pages.push({ page, width, theme });
    }
    await served.stop();
    for (const { page, width, theme } of pages) {
      await page.getByText(/Lost the connection to Upshift/).waitFor({ timeout: 20_000 });
      await check(page, 'Server stopped', width, theme, found, theme === 'light' && width !== 360 ? `server-stopped-${width}` : undefined);
      await page.context().close();
    }
    expect(found).toEqual([]);
  });
});
