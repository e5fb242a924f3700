// The adapter between electron-updater and the engine's UpdaterPort, driven by a fake autoUpdater that emits
// electron-updater's events (test/helpers/fake-updater.ts).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { UpdaterEvent } from '../core/selfupdate/index.js';
import { FakeUpdater } from '../../test/helpers/fake-updater.js';
import { createUpdaterPort, pickAutoUpdater, releaseOf } from './self-updater.js';

describe('createUpdaterPort', () => {
  it('turns automatic download and install off; only the controller turns install-on-quit on', () => {
    const u = new FakeUpdater();
    const port = createUpdaterPort(u);
    expect([u.autoDownload, u.autoInstallOnAppQuit, u.allowDowngrade]).toEqual([false, false, false]);
    port.setInstallOnQuit(true);
    expect(u.autoInstallOnAppQuit).toBe(true);
  });

  it('sets the channel and turns allowDowngrade off again (electron-updater turns it on with any channel)', () => {
    const u = new FakeUpdater();
    createUpdaterPort(u).configure({ channel: 'beta', allowPrerelease: true, allowDowngrade: false });
    expect([u.channel, u.allowPrerelease, u.allowDowngrade]).toEqual(['beta', true, false]);
  });

  it('translates every electron-updater event, and stops listening when asked', async () => {
    const u = new FakeUpdater();
    const port = createUpdaterPort(u);
    const seen: UpdaterEvent[] = [];
    const off = port.onEvent((e) => seen.push(e));
    u.feed = { version: '0.2.0', releaseName: 'Upshift 0.2.0', releaseNotes: 'Faster checks.' };
    await port.check();
    await port.download();
    u.emit('error', new Error('net::ERR_INTERNET_DISCONNECTED\n    at SimpleURLLoaderWrapper'));
    expect(seen).toEqual([
      { type: 'checking' },
      { type: 'available', release: { version: '0.2.0', releaseName: 'Upshift 0.2.0', notes: 'Faster checks.', releaseDate: '2026-12-05T12:00:00.000Z' } },
      { type: 'progress', percent: 40, transferred: 40, total: 100, bytesPerSecond: 10 },
      { type: 'progress', percent: 100, transferred: 100, total: 100, bytesPerSecond: 10 },
      { type: 'downloaded', release: { version: '0.2.0', releaseName: 'Upshift 0.2.0', notes: 'Faster checks.', releaseDate: '2026-12-05T12:00:00.000Z' } },
      { type: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' },
    ]);
    off();
    u.feed = null;
    await port.check();
    expect(seen).toHaveLength(6);
    expect(u.listenerCount('update-available')).toBe(0);
  });

  it('a check that fails rejects, as electron-updater does', async () => {
    const u = new FakeUpdater();
    const port = createUpdaterPort(u);
    u.feed = new Error('HttpError: 404 Not Found');
    await expect(port.check()).rejects.toThrow('404');
  });
});

describe('releaseOf', () => {
  it('joins per-version notes (fullChangelog) and keeps empty notes as none', () => {
    expect(releaseOf({ version: '0.3.0', releaseNotes: [{ version: '0.3.0', note: 'Three.' }, { version: '0.2.0', note: null }] }).notes).toBe('## 0.3.0\n\nThree.\n\n## 0.2.0');
    expect(releaseOf({ version: '0.3.0', releaseNotes: '  ' })).toEqual({ version: '0.3.0', releaseName: null, notes: null, releaseDate: null });
  });
});

describe('pickAutoUpdater', () => {
  it('finds autoUpdater on module.exports: under a real import() electron-updater does not export it by name', () => {
    // Plain Node, as the main process imports it (the getter itself is not called: it needs Electron). Vitest's own
    // module interop would hide the difference.
    const probe = "const m = await import('electron-updater'); console.log(JSON.stringify(['autoUpdater' in m, typeof Object.getOwnPropertyDescriptor(m.default, 'autoUpdater')?.get]))";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: fileURLToPath(new URL('../../', import.meta.url)), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([false, 'function']);
    const fake = new FakeUpdater();
    expect(pickAutoUpdater({ default: { autoUpdater: fake } })).toBe(fake);
    expect(pickAutoUpdater({ autoUpdater: fake })).toBe(fake);
    expect(() => pickAutoUpdater({ default: {} })).toThrow('electron-updater has no autoUpdater export');
  });
});
