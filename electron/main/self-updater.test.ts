// The adapter between electron-updater and the engine's UpdaterPort, driven by a fake autoUpdater that emits
// electron-updater's events (test/helpers/fake-updater.ts).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { UpdaterEvent } from '../core/selfupdate/index.js';
import { FakeUpdater } from '../../test/helpers/fake-updater.js';
import { createUpdaterPort, errorText, releaseOf } from './self-updater.js';
import { updaterClasses, updaterKind } from './self-updater-factory.js';
import { notesAsMarkdown } from './self-updater-notes.js';

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

describe('errorText', () => {
  it('says what a sha512 mismatch means; other errors keep their first line', () => {
    const mismatch = Object.assign(new Error('sha512 checksum mismatch, expected abc, got def'), { code: 'ERR_CHECKSUM_MISMATCH' });
    expect(errorText(mismatch)).toMatch(/^The download did not match the sha512 checksum .*nothing was installed; the running Upshift is unchanged/);
    expect(errorText(new Error('HttpError: 404\nbody'))).toBe('HttpError: 404');
    expect(errorText('x'.repeat(400))).toHaveLength(300);
  });
});

describe('releaseOf', () => {
  it('joins per-version notes (fullChangelog) and keeps empty notes as none', () => {
    expect(releaseOf({ version: '0.3.0', releaseNotes: [{ version: '0.3.0', note: 'Three.' }, { version: '0.2.0', note: null }] }).notes).toBe('## 0.3.0\n\nThree.\n\n## 0.2.0');
    expect(releaseOf({ version: '0.3.0', releaseNotes: '  ' })).toEqual({ version: '0.3.0', releaseName: null, notes: null, releaseDate: null });
  });
});

describe('updaterClasses', () => {
  it('finds the updater classes by name under a real import(), or on default under a bundler\'s interop', async () => {
    // Plain Node, as the main process imports it. Vitest's own module interop would hide the difference.
    const probe = "const m = await import('electron-updater'); console.log(JSON.stringify(['AppImageUpdater' in m, typeof m.default.AppImageUpdater]))";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: fileURLToPath(new URL('../../', import.meta.url)), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([true, 'function']);
    const mod = await import('electron-updater');
    expect(updaterClasses(mod).AppImageUpdater).toBe(mod.AppImageUpdater);
    expect(updaterClasses({ default: mod }).NsisUpdater).toBe(mod.NsisUpdater);
    expect(() => updaterClasses({ default: {} })).toThrow('electron-updater does not export its updater classes');
  });
});

describe('updaterKind', () => {
  it('chooses as electron-updater\'s autoUpdater does: NSIS, Squirrel.Mac, or on Linux the package electron-builder recorded', () => {
    const read = (text: string | null) => (file: string) => {
      expect(file).toBe('/opt/Upshift/resources/package-type');
      if (text === null) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return text;
    };
    expect(updaterKind('win32', 'C:/Upshift/resources')).toBe('nsis');
    expect(updaterKind('darwin', '/Applications/Upshift.app/Contents/Resources')).toBe('mac');
    expect(updaterKind('linux', '/opt/Upshift/resources', read(null))).toBe('appimage');
    expect(updaterKind('linux', '/opt/Upshift/resources', read('deb\n'))).toBe('deb');
    expect(updaterKind('linux', '/opt/Upshift/resources', read('rpm'))).toBe('rpm');
    expect(updaterKind('linux', '/opt/Upshift/resources', read('snap'))).toBe('appimage');
    expect(updaterKind('linux', null)).toBe('appimage');
  });
});

describe('notesAsMarkdown', () => {
  it('turns the HTML GitHub renders into its feed back into Markdown, and leaves Markdown alone', () => {
    expect(notesAsMarkdown('## Already Markdown\n\n- a < b\n')).toBe('## Already Markdown\n\n- a < b\n');
    expect(notesAsMarkdown('<h3>Fixes</h3>\n<ol>\n<li>Crash on <em>start</em></li>\n</ol>\n<pre><code>upshift check --json\n</code></pre>\n<p>Line one<br>\nline &lt;two&gt; &#x2014; &quot;ok&quot;</p>\n<p><a href="javascript:alert(1)">bad link</a> <img src="x.png"></p>')).toBe(
      '### Fixes\n\n- Crash on _start_\n\n```\nupshift check --json\n```\n\nLine one  \nline <two> \u2014 "ok"\n\nbad link',
    );
  });
});
