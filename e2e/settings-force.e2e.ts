/**
 * Issue 4 in Chromium against `upshift serve`: "Upgrade anyway" after rollback-loop protection refused an
 * upgrade, the offline toggle and its badge, and the GitHub token row in browser mode (no keychain there).
 * Selectors are roles and accessible names; waits are on visible state.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CliHarness } from '../test/helpers/cli.js';
import { createRemoteWithReleases, git, type RemoteFixture } from '../test/helpers/repos.js';
import { chromiumAvailable, useDashboard } from './support.js';

/** core at v1.0.0; 1.1.0 is good, 1.2.0's smoke test fails; one automatic rollback an hour is the limit. */
function workspace(): { core: RemoteFixture; cli: CliHarness } {
  const core = createRemoteWithReleases({
    initialFiles: {
      'upshift.yml': 'install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 30\nmaxAutoRollbacksPerHour: 1\n',
      'install.sh': 'echo installing\n',
      'smoke.sh': 'echo smoke ok\n',
      'app.txt': '1.0.0\n',
    },
    releases: [
      { version: '1.0.0' },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n', 'smoke.sh': 'echo "smoke: the widget is broken"; exit 1\n' } },
    ],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
  return { core, cli };
}

async function nav(page: Page, view: 'Updates' | 'Projects & settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view, exact: true }).click();
}

const suite = chromiumAvailable ? describe : describe.skip;

suite('settings and forced upgrades (browser mode)', () => {
  const dashboard = useDashboard();

  async function start(ws: { cli: CliHarness }): Promise<Page> {
    // No token from this test's environment: the token row then depends only on what the machine's `gh` says.
    return (await dashboard.start({ GITHUB_TOKEN: '', GH_TOKEN: '' }, ws.cli.home)).page;
  }

  it('a refused upgrade (ROLLBACK_LOOP) is explained, and "Upgrade anyway" after a confirmation forces it', async () => {
    const ws = workspace();
    const failed = ws.cli.run('upgrade', 'core', '--to', '1.2.0', '--yes');
    expect(failed.code, failed.stderr).toBe(1);
    const page = await start(ws);
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('row', { name: 'core', exact: true }).getByRole('button', { name: 'Upgrade' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByLabel('Target version').selectOption('1.1.0');
    await expect.poll(() => page.getByLabel('Target version').inputValue()).toBe('1.1.0');
    await page.getByRole('button', { name: 'Start upgrade' }).click();

    const alert = page.getByRole('alert').filter({ hasText: 'Upgrades of core are paused' });
    await alert.waitFor();
    await alert.getByText(/1 automatic rollbacks of core in the last hour/).waitFor();
    expect(git(ws.core.work, 'rev-parse', 'HEAD')).toBe(ws.core.sha('v1.0.0'));

    await alert.getByRole('button', { name: 'Upgrade anyway…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Upgrade core anyway?' });
    await dialog.getByText(/overrides that protection for this one upgrade to 1\.1\.0/).waitFor();
    // Cancel leaves everything as it was.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(git(ws.core.work, 'rev-parse', 'HEAD')).toBe(ws.core.sha('v1.0.0'));

    await alert.getByRole('button', { name: 'Upgrade anyway…' }).click();
    await page.getByRole('alertdialog', { name: 'Upgrade core anyway?' }).getByRole('button', { name: 'Upgrade anyway', exact: true }).click();
    await page.getByText(/succeeded/i).first().waitFor({ timeout: 30_000 });
    expect(git(ws.core.work, 'rev-parse', 'HEAD')).toBe(ws.core.sha('v1.1.0'));
  });

  it('the offline toggle shows an Offline badge and is the setting the CLI reads; the GitHub token row says why it cannot save here', async () => {
    const ws = workspace();
    const page = await start(ws);
    const main = page.getByRole('navigation', { name: 'Main' });
    await nav(page, 'Projects & settings');
    const toggle = page.getByRole('checkbox', { name: 'Offline (no network use)' });
    await toggle.waitFor();
    expect(await main.getByRole('link', { name: 'Offline' }).count()).toBe(0);
    await toggle.check();
    await main.getByRole('link', { name: 'Offline' }).waitFor();
    await expect.poll(() => ws.cli.run('offline', '--json').json<{ offline: boolean; source: string }>()).toEqual({ offline: true, source: 'setting', setting: true, env: false });
    // Turned off from the terminal, the dashboard follows.
    expect(ws.cli.run('offline', 'off').code).toBe(0);
    await expect.poll(() => toggle.isChecked(), { timeout: 10_000 }).toBe(false);
    await main.getByRole('link', { name: 'Offline' }).waitFor({ state: 'detached' });

    await page.getByRole('heading', { name: 'GitHub token' }).waitFor();
    await page.getByText(/^(No token: GitHub allows 60 requests an hour|In use: the GitHub CLI's login)/).waitFor();
    const field = page.getByLabel('Token to keep in the system keychain');
    expect(await field.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await page.getByText(/^Only the Upshift desktop app can keep a GitHub token/).waitFor();
  });
});
