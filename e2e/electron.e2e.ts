/**
 * The real Electron app, driven by Playwright's `_electron`, where an Electron runtime is installed. Its binary
 * is fetched by electron's own install script, which cannot run on machines without internet (such as this
 * project's CI): there the test says plainly that it was skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeTempDir, testGitEnv } from '../test/helpers/repos.js';
import { screenshot } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The runtime's path as electron's install script records it, without importing 'electron' (which would try to download). */
function electronBinary(): string | null {
  const pathFile = join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const runnable = binary !== null && hasDisplay;
if (!runnable) {
  console.warn(
    binary === null
      ? 'e2e/electron: the Electron runtime is not installed here (its download is unavailable), so the real-app test is SKIPPED; the shell is covered by unit tests and the dashboard by the browser journeys.'
      : 'e2e/electron: no display (DISPLAY/WAYLAND_DISPLAY unset), so the real-app test is SKIPPED.',
  );
}

afterAll(() => cleanupTempDirs());

describe.skipIf(!runnable)('the Electron app', () => {
  it('starts in the tray, opens its window on the dashboard, and shows the Updates view', async () => {
    const home = makeTempDir('upshift-electron-home-');
    const app = await _electron.launch({
      executablePath: binary!,
      args: [join(root, 'dist/electron-main/main.cjs'), '--show'],
      env: { ...testGitEnv(), UPSHIFT_HOME: home } as Record<string, string>,
    });
    try {
      const window = await app.firstWindow();
      await window.locator('[data-ready="true"]').waitFor({ timeout: 30_000 });
      expect(await window.getByRole('heading', { name: 'Updates' }).isVisible()).toBe(true);
      // The renderer has no Node: the bridge exposes the contract and nothing else.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      await screenshot(window, 'electron-updates');
    } finally {
      await app.close();
    }
  });
});
