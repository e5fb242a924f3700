/**
 * The Schedule view's journey (issue 9 §6), in Chromium against `upshift serve` — which runs the scheduler itself (the
 * lease names it): a minor release waits for approval, approved for the next window it is scheduled in 'nightly'; the
 * windows and who schedules are shown; automation paused until resumed with a reason, then resumed. Selectors are roles
 * and accessible names; waits are on visible state and the view's data-schedule-ready, never on sleeps.
 */
import { expect, describe, it } from 'vitest';
import { createRemoteWithReleases } from '../test/helpers/repos.js';
import { CliHarness } from '../test/helpers/cli.js';
import { chromiumAvailable, screenshot, useDashboard } from './support.js';

const suite = chromiumAvailable ? describe : describe.skip;
if (!chromiumAvailable) console.warn('e2e: /usr/bin/chromium is not installed: the Schedule journey is SKIPPED (bash .ci/run installs it).');

suite('Schedule view (browser mode)', () => {
  const dashboard = useDashboard();

  it('next actions with reasons, approve for the next window, windows, pause until resumed and resume', async () => {
    const core = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'app.txt': '1.0.0\n' },
      releases: [{ version: '1.0.0' }, { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } }],
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
    expect(cli.run('check').code).toBe(0);
    expect(cli.run('policy', 'enabled', 'true').code).toBe(0);
    // A window that is never open now (it opens at 02:00 the day after tomorrow's weekday at the earliest).
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(new Date().getUTCDay() + 2) % 7];
    expect(cli.run('policy', 'windows', JSON.stringify([{ name: 'nightly', days: [day], start: '02:00', end: '04:00', timeZone: 'UTC' }])).code).toBe(0);
    const { page } = await dashboard.start({ UPSHIFT_DEVICE_PROBE: '0' }, cli.home);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule', exact: true }).click();
    await page.locator('[data-schedule-ready="true"]').waitFor();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Schedule');
    // serve runs the scheduler for this state directory, and says so.
    await page.getByText(/^Scheduler: upshift serve \(pid \d+ on /).waitFor();

    const card = page.getByRole('region', { name: 'core' });
    await card.getByText(/waiting for approval: a minor upgrade, gated review/).first().waitFor();
    await page.getByRole('row', { name: /nightly/ }).getByText(/opens /).waitFor();

    await card.getByRole('button', { name: 'Approve core 1.1.0 for the next window' }).click();
    await card.getByText(/^core 1\.1\.0 will upgrade .* UTC — window 'nightly', approved by .+@.+$/).first().waitFor();
    await screenshot(page, 'schedule');

    const pause = page.getByRole('form', { name: 'Pause automation' });
    await pause.getByRole('combobox', { name: 'Pause' }).selectOption({ label: 'until resumed' });
    await pause.getByRole('textbox', { name: 'Reason' }).fill('release week');
    await pause.getByRole('button', { name: 'Pause automation' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused until resumed (release week): nothing upgrades unattended.' }).waitFor();
    await card.getByText(/automation is paused until resumed \(release week\)/).first().waitFor();

    await page.getByRole('button', { name: 'Resume automation' }).click();
    await page.getByRole('form', { name: 'Pause automation' }).waitFor();
    await card.getByText(/will upgrade .* window 'nightly'/).first().waitFor();
  });
});
