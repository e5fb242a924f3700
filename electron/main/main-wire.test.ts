// The bundled main process, run for real under plain Node with a stand-in for the 'electron' module
// (test/helpers/electron-stub.mjs): no Electron binary can be downloaded here, and this still proves the
// composition root wires the engine, IPC, the window rules, the tray and quitting together.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../shared/api/contract.js';
import { makeTempDir } from '../../test/helpers/repos.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// A bundle of its own next to dist/electron-main (same relative paths to dist/renderer and assets/), so a parallel
// `npm start` test rebuilding dist/electron-main cannot hand this one a half-written file.
const OUT = `${root}dist/electron-main-test-${process.pid}`;
const MAIN = `${OUT}/main.cjs`;

interface Reply {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

let home = '';
let report: Record<string, unknown> & {
  channels: string[];
  getState: Reply;
  tray: { image: string; tooltip: string; menu: string[] };
  trayAfterPause: { tooltip: string; menu: string[] };
};

beforeAll(() => {
  execFileSync(process.execPath, [`${root}build/electron.mjs`, '--out', OUT], { cwd: root, stdio: 'pipe' });
  home = makeTempDir('upshift-shell-home-');
  const env: NodeJS.ProcessEnv = { ...process.env, UPSHIFT_HOME: home, UPSHIFT_DEV_URL: '' };
  delete env.GITHUB_TOKEN;
  delete env.GH_TOKEN;
  const r = spawnSync(process.execPath, [`${root}test/helpers/electron-stub.mjs`, MAIN], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`the stubbed main process failed (exit ${r.status}):\n${r.stderr}`);
  report = JSON.parse(r.stdout.trim().split('\n').pop()!);
}, 90_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('main process, wired (Electron stubbed)', () => {
  it('registers one IPC handler per contract method plus the folder picker', () => {
    expect(report.channels).toEqual([...METHOD_NAMES.map((m) => `upshift:${m}`), 'upshift-shell:pick-folder'].sort());
  });

  it('opens a hardened window on app://upshift', () => {
    expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(report.loaded).toEqual(['app://upshift/index.html']);
    expect(report.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(report.page).toMatchObject({ status: 200, csp: expect.stringContaining("script-src 'self'") });
    expect(report.errorBoxes).toEqual([]);
  });

  it('answers a trusted call through the engine service', () => {
    expect(report.getState.ok).toBe(true);
    expect(report.getState.result).toMatchObject({ projects: [], settings: { pollMinutes: 60 } });
  });

  it('refuses untrusted senders: another page, a subframe, another webContents', () => {
    for (const k of ['fromEvil', 'fromSubframe', 'fromOtherContents', 'pickFolderEvil']) {
      expect((report[k] as Reply).error?.code, k).toBe('FORBIDDEN_SENDER');
    }
    expect(report.pickFolder).toEqual({ ok: true, result: '/picked/folder' });
  });

  it("answers About as the tray app: Electron's versions, the app path, and no updater in a development build", () => {
    const about = report.about as Reply;
    expect(about.ok).toBe(true);
    expect(about.result).toMatchObject({ mode: 'app', build: { version: expect.stringMatching(/^\d+\.\d+\.\d+/), commit: expect.stringMatching(/^[0-9a-f]{40}$/) }, selfUpdate: { managed: 'disabled', offer: null } });
    expect((about.result as { selfUpdate: { note: string } }).selfUpdate.note).toMatch(/development build/);
    // The stub is not a packaged app: electron-updater is never loaded, and a decision says why nothing happens.
    expect((report.selfUpdateCheck as Reply).error).toMatchObject({ code: 'SELF_UPDATE_UNMANAGED' });
  });

  it('passes zod validation failures back as BAD_INPUT', () => {
    expect((report.badInput as Reply).error?.code).toBe('BAD_INPUT');
  });

  it('keeps a GitHub token through safeStorage: saved as ciphertext, never answered back, removed', () => {
    const before = report.tokenBefore as Reply;
    expect(before).toEqual({ ok: true, result: expect.objectContaining({ keychainAvailable: true, canStore: true, stored: false, reason: null }) });
    const set = report.tokenSet as Reply;
    expect(set.ok).toBe(true);
    expect(set.result).toMatchObject({ keychainAvailable: true, stored: true });
    expect(['keychain', 'gh']).toContain((set.result as { source: string }).source);
    expect((report.tokenBad as Reply).error?.code).toBe('BAD_INPUT');
    expect(report.tokenCleared).toEqual({ ok: true, result: expect.objectContaining({ stored: false }) });
    expect(existsSync(join(home, 'github-token.enc'))).toBe(false);
    expect(JSON.stringify(report)).not.toContain('ghp_stubToken1234567890');
  });

  it('prevents navigation, denies new windows, and opens only https links outside', () => {
    expect(report.navigation).toEqual({ https: true, js: true, app: true });
    expect(report.windowOpen).toEqual([{ action: 'deny' }, { action: 'deny' }]);
    expect(report.opened).toEqual(['https://example.com/notes', 'https://example.org/x']);
    expect(report.permission).toBe(false);
  });

  it('hides the window on close instead of quitting, and "Open Upshift" brings it back', () => {
    expect(report.closePrevented).toBe(true);
    expect(report.visibleAfterClose).toBe(false);
    expect(report.visibleAfterOpen).toBe(true);
  });

  it('draws the tray from the engine state and follows "Pause checks"', () => {
    expect(report.tray.image).toMatch(/assets\/tray\/tray-idle\.png$/);
    expect(report.tray.tooltip).toBe('Upshift: no projects watched');
    expect(report.tray.menu).toEqual(['No projects yet: open Upshift to add one', '---', 'Check now', 'Pause checks', '---', 'Open Upshift', 'Quit']);
    expect(report.trayAfterPause.menu).toContain('Resume checks');
    expect(report.trayAfterPause.tooltip).toContain('checks paused');
    expect(report.events).toContain('upshift:event state-changed');
  });

  it('closes the engine and quits on "Quit"', () => {
    expect(report.quit).toBe(true);
    expect(report.trayDestroyed).toBe(true);
  });
});

describe('main process on the demo workspace (Electron stubbed)', () => {
  let withUpdates: {
    notification: { title: string; body: string } | null;
    trayWithUpdates: { image: string; tooltip: string; menu: string[] };
    navigations: string[];
    quit: boolean;
  };

  beforeAll(() => {
    const dir = `${makeTempDir('upshift-shell-demo-')}/ws`;
    const demo = spawnSync(process.execPath, [`${root}build/demo.mjs`, '--no-serve', '--json', '--dir', dir], { encoding: 'utf8', timeout: 60_000 });
    if (demo.status !== 0) throw new Error(`demo.mjs failed: ${demo.stderr}`);
    const { home } = JSON.parse(demo.stdout) as { home: string };
    const r = spawnSync(process.execPath, [`${root}test/helpers/electron-stub.mjs`, MAIN, '--with-updates'], {
      cwd: root,
      env: { ...process.env, UPSHIFT_HOME: home, UPSHIFT_DEV_URL: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`the stubbed main process failed (exit ${r.status}):\n${r.stderr}`);
    withUpdates = JSON.parse(r.stdout.trim().split('\n').pop()!);
  }, 90_000);

  it('shows a native notification for the new release found by the start-up check', () => {
    expect(withUpdates.notification?.title).toBe('core 2.0.0 is available');
  });

  it('puts the update in the tray: icon, tooltip and an item for the newest compatible release', () => {
    expect(withUpdates.trayWithUpdates.image).toMatch(/tray-updates\.png$/);
    // The stub clicked "Pause checks" earlier in the run.
    expect(withUpdates.trayWithUpdates.tooltip).toBe('Upshift: 1 update available · checks paused');
    expect(withUpdates.trayWithUpdates.menu).toContain('Upgrade core to 1.2.0…');
  });

  it('opens the plan when the notification or the tray item is clicked', () => {
    expect(withUpdates.navigations).toEqual(['#/plan/core?to=2.0.0', '#/plan/core?to=1.2.0']);
    expect(withUpdates.quit).toBe(true);
  });
});
