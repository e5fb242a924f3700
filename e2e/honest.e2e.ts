/**
 * Issue 11 §1 "Say what will happen, and what did", in Chromium against `upshift serve`: version-named actions, the
 * gate and blocked releases on their own line, skip-gated releases not counted, skip with Undo and skip a major,
 * the failed-release marker, undone operations, cancel, "Check now" with nothing new, the override reset, add
 * project with a relative path and a taken name, focus after Start upgrade. Roles and accessible names; waits on
 * visible state and readiness attributes, never on sleeps.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createRemoteWithReleases, git, makeTempDir } from '../test/helpers/repos.js';
import { CliHarness } from '../test/helpers/cli.js';
import { demoWorkspace, type DemoOptions } from './demo-workspace.js';
import { api, chromiumAvailable, type Served, useDashboard } from './support.js';


/** The demo workspace, 1.1.0 without a notes message. */
const workspace = (opts: DemoOptions = {}) => demoWorkspace({ ...opts, plainNotes: true });

const row = (page: Page, name: string) => page.getByRole('row', { name, exact: true });

const suite = chromiumAvailable ? describe : describe.skip;
if (!chromiumAvailable) console.warn('e2e: /usr/bin/chromium is not installed: honest-state journeys SKIPPED (bash .ci/run installs it).');

suite('say what will happen, and what did (issue 11 §1)', () => {
  const dashboard = useDashboard();

  const start = (ws: { cli: CliHarness }, env: Record<string, string> = {}): Promise<{ served: Served; page: Page }> => dashboard.start(env, ws.cli.home);

  it('names the version it acts on, its gate, the blocked newer release apart with its reasons, and says when nothing is new', async () => {
    const ws = workspace();
    const { page } = await start(ws);
    await page.getByRole('button', { name: 'Check now' }).click();
    const core = row(page, 'core');
    const upgrade = core.getByRole('button', { name: 'Upgrade to 1.2.0' });
    await upgrade.waitFor();
    await core.getByText('gate: Review').waitFor();
    // 2.0.0 is not the headline: it is a line of its own, with its reasons as a list.
    const blocked = core.getByRole('list', { name: 'Blocked releases of core' });
    await blocked.getByText('2.0.0 blocked').click();
    const reasons = blocked.getByRole('listitem').filter({ hasText: 'finance' });
    expect(await reasons.count()).toBeGreaterThan(0);
    // Its plan opens read-only from there: Start is disabled and the reasons are a list.
    await blocked.getByRole('link', { name: 'See the plan for 2.0.0 (read-only)' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByText('This upgrade is blocked.').waitFor();
    expect(await page.getByRole('button', { name: /^Start upgrade/ }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Target version').locator('option[value="2.0.0"]').isDisabled()).toBe(false);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Updates', exact: true }).click();
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByText('No new releases — checked 2 projects just now').waitFor();
  });

  it('skip this version with Undo, skip a whole major, and offer a skipped version again', async () => {
    const ws = workspace();
    const { served, page } = await start(ws);
    await page.getByRole('button', { name: 'Check now' }).click();
    await row(page, 'core').getByRole('button', { name: 'Upgrade to 1.2.0' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByRole('button', { name: 'Skip this version' }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Skipped core 1.2.0' });
    await toast.waitFor();
    // Skipped: the row now acts on 1.1.0 and lists 1.2.0 among the skipped.
    await row(page, 'core').getByRole('button', { name: 'Upgrade to 1.1.0' }).waitFor();
    await row(page, 'core').getByText('Skipped 1.2.0').waitFor();
    await toast.getByRole('button', { name: 'Undo' }).click();
    await row(page, 'core').getByRole('button', { name: 'Upgrade to 1.2.0' }).waitFor();
    expect(((await api<{ projects: Array<{ name: string; decision: { skipped: string[] } }> }>(served, 'getState')).projects.find((p) => p.name === 'core'))!.decision.skipped).toEqual([]);

    // Skip all 1.x: nothing is left to install (2.0.0 is blocked), so nothing counts as an update.
    await row(page, 'core').getByRole('button', { name: 'Upgrade to 1.2.0' }).click();
    await page.getByRole('button', { name: 'Skip all 1.x' }).click();
    await row(page, 'core').getByText('Skipped every 1.x release').waitFor();
    expect(await row(page, 'core').getByRole('button', { name: /^Upgrade to/ }).count()).toBe(0);
    await page.getByText('everything is up to date').waitFor();
    await row(page, 'core').getByRole('button', { name: 'Offer every 1.x release of core again' }).click();
    await row(page, 'core').getByRole('button', { name: 'Upgrade to 1.2.0' }).waitFor();
  });

  it('a release that failed its smoke test says so on its row and plan, linking the operation, in the past tense', async () => {
    const ws = workspace();
    expect(ws.cli.run('upgrade', 'core', '--to', '1.2.0', '--yes').code).toBe(1);
    const { page } = await start(ws);
    await page.getByRole('button', { name: 'Check now' }).click();
    const marker = row(page, 'core').getByRole('link', { name: /^1\.2\.0 failed its smoke tests on \w{3} \d{1,2} — rolled back$/ });
    await marker.waitFor();
    await row(page, 'core').getByRole('button', { name: 'Upgrade to 1.2.0' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByRole('note').getByRole('link', { name: /1\.2\.0 failed its smoke tests/ }).click();
    await page.getByRole('heading', { name: 'Operation' }).waitFor();
    // An operation this page did not watch finish speaks in the past tense.
    await page.getByText('so core was put back on 1.0.0.').waitFor();
  });

  it('an upgrade already undone says by which operation and offers no second Roll back', async () => {
    const ws = workspace();
    expect(ws.cli.run('upgrade', 'core', '--to', '1.1.0', '--yes').code).toBe(0);
    expect(ws.cli.run('rollback', 'core', '--yes').code).toBe(0);
    const { page } = await start(ws);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
    const ops = page.getByRole('listbox', { name: 'Operations' });
    await ops.getByRole('option', { name: /core, upgrade 1\.0\.0 → 1\.1\.0/i }).first().click();
    const detail = page.getByRole('complementary', { name: 'Details' });
    const undone = detail.getByRole('note').filter({ hasText: 'Undone by' });
    await undone.waitFor();
    expect(await detail.getByRole('button', { name: 'Roll back' }).count()).toBe(0);
    await undone.getByRole('link').click();
    await page.getByRole('heading', { name: 'Operation' }).waitFor();
    await page.getByText('core was put back on 1.0.0.').waitFor();
  });

  it('Start upgrade keeps focus in the view, and Cancel ends as cancelled with its own wording', async () => {
    const ws = workspace({ slowInstall: true });
    const { page } = await start(ws);
    await page.getByRole('button', { name: 'Check now' }).click();
    await row(page, 'core').getByRole('button', { name: 'Upgrade to 1.2.0' }).click();
    await page.getByLabel('Target version').selectOption('1.1.0');
    const startButton = page.getByRole('button', { name: 'Start upgrade to 1.1.0' });
    await startButton.focus();
    await page.keyboard.press('Enter');
    const progress = page.getByRole('region', { name: 'Progress of core' });
    await progress.waitFor();
    // Focus moved to the progress, not to <body>.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName)).toBe('Progress of core');
    await page.getByText('installing slowly').first().waitFor({ timeout: 30_000 });
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await progress.getByText('Cancelled.', { exact: true }).waitFor({ timeout: 30_000 });
    await expect.poll(() => progress.locator('.status-cancelled').count()).toBeGreaterThan(0);
    expect(await progress.getByText(/the step failed/i).count()).toBe(0);
    expect(git(ws.core.work, 'rev-parse', 'HEAD')).toBe(ws.core.sha('v1.0.0'));
  });

  it('settings: the last override resets to the manifest (with its value shown) and says Saved; add project with a relative path and a taken name', async () => {
    const ws = workspace();
    const home = makeTempDir('upshift-e2e-user-');
    mkdirSync(join(home, 'src'));
    // A checkout under the user's home whose folder name ("work") is already a project's name.
    const mine = createRemoteWithReleases({ dir: join(home, 'src'), initialFiles: { 'app.txt': '1\n' }, releases: [{ version: '1.0.0' }] });
    const other = createRemoteWithReleases({ initialFiles: { 'app.txt': '1\n' }, releases: [{ version: '1.0.0' }] });
    expect(ws.cli.run('add', other.work, '--name', 'work').code).toBe(0);
    const { served, page } = await start(ws, { HOME: home });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects & settings', exact: true }).click();
    const core = page.getByRole('region', { name: 'core' });
    const minor = core.getByLabel('Minor updates');
    await minor.locator('option', { hasText: 'As in the manifest (default: review)' }).waitFor({ state: 'attached' });
    await minor.selectOption('skip');
    await core.getByText('Saved — minor updates of core.').waitFor();
    await core.getByText('Never offered nor installed; not counted as an update.').waitFor();
    await minor.selectOption('');
    await expect.poll(async () => (await api<{ projects: Record<string, unknown> }>(served, 'getSettings')).projects).toEqual({});
    await core.getByText('Saved — minor updates of core.').waitFor();

    // A relative path is read from the home folder, and the form says so; a taken name says what to do here.
    const rel = relative(home, mine.work);
    expect(rel).toBe(join('src', 'work'));
    await page.getByRole('textbox', { name: 'Project path' }).fill(rel);
    await page.getByText(`read from your home folder, as ${mine.work}`).waitFor();
    await page.getByText('A project named "work" is already watched. Enter another name in the “Name” field').waitFor();
    expect(await page.getByText('--name').count()).toBe(0);
    await page.getByRole('textbox', { name: 'Name (optional)' }).fill('mine');
    await page.getByRole('button', { name: 'Add project' }).click();
    await page.getByRole('region', { name: 'mine' }).waitFor();
    expect((await api<{ projects: Array<{ name: string; path: string }> }>(served, 'getState')).projects.find((p) => p.name === 'mine')?.path).toBe(mine.work);
  });
});
