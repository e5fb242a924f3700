/**
 * Batches, multi-hop paths and the scheduler's run log in the dashboard (issue 9 §6), in Chromium against `upshift
 * serve` over real git repositories: "Plan a batch" on Updates shows the joint plan in dependency order and runs it
 * live, History shows the one batch with its members, and a member's Operation view names its batch; a plan beyond
 * required stops shows each hop with why it stops there and runs "Upgrade in 3 hops"; an unattended upgrade by serve's
 * own scheduler appears under "Recent unattended runs" with a link to its operation. Selectors are roles and accessible
 * names; waits are on visible state and readiness attributes, never on sleeps.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CliHarness } from '../test/helpers/cli.js';
import { world } from '../test/helpers/batch-world.js';
import { createRemoteWithReleases, git, makeTempDir } from '../test/helpers/repos.js';
import { chromiumAvailable, screenshot, useDashboard } from './support.js';

const suite = chromiumAvailable ? describe : describe.skip;
if (!chromiumAvailable) console.warn('e2e: /usr/bin/chromium is not installed: the batch journeys are SKIPPED (bash .ci/run installs it).');

async function nav(page: Page, view: 'Updates' | 'History' | 'Schedule'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view, exact: true }).click();
}

/** 1.0.0 → 1.5.0 stops at 1.2.0 (release metadata: required_stop) and 1.4.0 (the manifest's upgradePath). */
function pathProject(): { cli: CliHarness; head: () => string; sha: (tag: string) => string } {
  const meta = (version: string, extra: Record<string, unknown> = {}) => JSON.stringify({ version, release_date: '2026-01-01', changes: { breaking_changes: [], features: [], fixes: [] }, ...extra });
  const release = (version: string, extra: Record<string, unknown> = {}) => ({ version, files: { VERSION: `${version}\n`, 'release_metadata.json': meta(version, extra) } });
  const core = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\nupgradePath: ["1.4.x"]\n', VERSION: '1.0.0\n', 'release_metadata.json': meta('1.0.0') },
    releases: [{ version: '1.0.0' }, release('1.1.0'), release('1.2.0', { required_stop: true }), release('1.3.0'), release('1.4.0'), release('1.5.0')],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
  return { cli, head: () => git(core.work, 'rev-parse', 'HEAD'), sha: core.sha };
}

suite('batches, paths and the run log (browser mode)', () => {
  const dashboard = useDashboard();

  async function start(cli: CliHarness, env: Record<string, string> = {}): Promise<Page> {
    return (await dashboard.start({ UPSHIFT_DEVICE_PROBE: '0', ...env }, cli.home)).page;
  }

  it('Plan a batch: the joint plan in dependency order, run live; History shows one batch; a member names its batch', async () => {
    const w = world();
    expect(w.cli.run('check').code).toBe(0);
    const page = await start(w.cli);

    const panel = page.getByRole('region', { name: 'Batch upgrade' });
    await panel.getByRole('button', { name: 'Plan a batch' }).click();
    const planned = panel.getByRole('listitem');
    await expect.poll(() => planned.allTextContents()).toHaveLength(4);
    const order = (await planned.allTextContents()).map((t) => t.split(' ')[0]);
    expect(order).toEqual(['finance', 'core', 'audit', 'reports']);
    await planned.filter({ hasText: /^finance 0\.2\.0 → 0\.3\.0/ }).getByText(/before core/).waitFor();

    await panel.getByRole('button', { name: 'Run the batch (4 projects)' }).click();
    const live = panel.getByRole('article', { name: 'Batch: every project' });
    await live.waitFor();
    await panel.locator('article[data-batch-status="succeeded"]').waitFor({ timeout: 90_000 });
    for (const p of ['finance', 'core', 'audit', 'reports']) await live.getByRole('listitem').filter({ hasText: new RegExp(`^${p} .* — Succeeded`) }).waitFor();
    expect(git(w.core.work, 'rev-parse', 'HEAD')).toBe(w.core.sha('v2.0.0'));
    await screenshot(page, 'batch-run');

    await nav(page, 'History');
    const batches = page.getByRole('region', { name: 'Batches and paths' });
    await batches.getByRole('article', { name: 'Batch: every project' }).waitFor();
    expect(await batches.getByRole('article').count()).toBe(1);
    const coreMember = batches.getByRole('listitem').filter({ hasText: /^core 1\.0\.0 → 2\.0\.0/ });
    await coreMember.getByRole('link', { name: 'upgrade' }).click();

    await page.getByRole('heading', { level: 1, name: 'Operation' }).waitFor();
    const note = page.locator('.operation-batch');
    await note.getByText(/^Member 2 of 4 of batch batch-\S+ — upgrade --all$/).waitFor();
    await note.getByRole('link', { name: /^batch batch-\S+ in History$/ }).click();
    await page.getByRole('region', { name: 'Batches and paths' }).waitFor();
  });

  it('a plan beyond required stops shows "Upgrade in 3 hops", each hop and why it stops there, and runs them', async () => {
    const w = pathProject();
    expect(w.cli.run('check').code).toBe(0);
    const page = await start(w.cli);
    await page.getByRole('row', { name: 'core', exact: true }).getByRole('button', { name: 'Upgrade' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    const hops = page.getByRole('region', { name: 'Upgrade path' });
    await hops.getByText('1.5.0 is reached in 3 hops').waitFor();
    const items = hops.getByRole('listitem');
    await items.filter({ hasText: 'Hop 1: 1.0.0 → 1.2.0' }).getByText(/required/i).waitFor();
    await items.filter({ hasText: 'Hop 2: 1.2.0 → 1.4.0' }).getByText(/1\.4/).first().waitFor();
    await items.filter({ hasText: 'Hop 3: 1.4.0 → 1.5.0' }).waitFor();
    await screenshot(page, 'path-hops');

    await hops.getByRole('button', { name: 'Upgrade in 3 hops' }).click();
    // The view follows each hop's operation live; the last one ends on 1.5.0.
    await page.getByText('Succeeded. core is now on 1.5.0.', { exact: false }).waitFor({ timeout: 60_000 });
    await nav(page, 'History');
    const path = page.getByRole('article', { name: 'Path: core 1.0.0 → 1.2.0 → 1.4.0 → 1.5.0' });
    await page.locator('article[data-batch-status="succeeded"]').waitFor();
    for (const n of [1, 2, 3]) await path.getByRole('listitem').filter({ hasText: new RegExp(`^Hop ${n} of 3: core .* — Succeeded`) }).waitFor();
    // A hop's operation names its path.
    await path.getByRole('listitem').filter({ hasText: /^Hop 2 of 3/ }).getByRole('link', { name: 'upgrade' }).click();
    await page.locator('.operation-batch').getByText(/^Member 2 of 3 of path \S+ — upgrade core along a path of 3 hops$/).waitFor();
    expect(w.head()).toBe(w.sha('v1.5.0'));
  });

  it('the Schedule view lists an unattended run by serve\'s scheduler, with the release tried and its operation', async () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
      releases: ['1.0.0', '1.1.0'].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness({ HOME: makeTempDir('upshift-user-') });
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    expect(cli.run('check').code).toBe(0);
    expect(cli.run('policy', 'enabled', 'true').code).toBe(0);
    // Approved to run now: serve's scheduler starts it on its first evaluation, with nobody at the dashboard.
    expect(cli.run('approve', 'p', '--now').code).toBe(0);
    const page = await start(cli);

    await nav(page, 'Schedule');
    await page.locator('[data-schedule-ready="true"]').waitFor();
    const log = page.getByRole('region', { name: 'Recent unattended runs' });
    const tried = log.getByRole('listitem').filter({ hasText: /^p 1\.1\.0: upgraded/ });
    await tried.waitFor({ timeout: 60_000 });
    await log.getByText(/\(pid \d+ on /).waitFor();
    await screenshot(page, 'schedule-runs');
    await tried.getByRole('link', { name: 'Operation of p 1.1.0' }).click();
    await page.getByRole('heading', { level: 1, name: 'Operation' }).waitFor();
    expect(git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD')).toBe('v1.1.0');
  });
});
