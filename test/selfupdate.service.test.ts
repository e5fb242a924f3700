// Upshift updating itself, through the engine service on a real state database: the controller over the adapter
// over a scripted autoUpdater (test/selfupdate.feed.test.ts runs the real electron-updater), the decisions kept across a restart, the
// browser mode's honest "updated by whatever installed it", and the tray model following the events.
import { afterEach, describe, expect, it } from 'vitest';
import type { SelfUpdateStatus } from '../shared/policy/selfupdate.js';
import { SELF_UPDATE_CHECK_INTERVAL_MS } from '../shared/policy/selfupdate.js';
import { SELF_UPDATE_KEY, SelfUpdateStore } from '../electron/core/selfupdate/index.js';
import { StateStore } from '../electron/core/state/index.js';
import { createUpdaterPort } from '../electron/main/self-updater.js';
import { trayModel } from '../electron/main/tray-model.js';
import { FakeUpdater } from './helpers/fake-updater.js';
import { cleanupTempDirs, makeTempDir } from './helpers/repos.js';
import { closeServices, openService, rejection, type ServiceHarness } from './helpers/service.js';

afterEach(async () => {
  await closeServices();
  cleanupTempDirs();
});

/** Lets the updater's promise chains and the service's event fan-out settle (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

async function appService(updater: FakeUpdater, extra: { home?: string } = {}): Promise<ServiceHarness> {
  const h = await openService({ ...extra, selfUpdate: { host: { mode: 'app', installPath: '/opt/Upshift/resources/app.asar', electron: '45.4.1', chrome: '142.0.0.0' }, version: '0.1.0', port: createUpdaterPort(updater) } });
  h.clock.advance(0); // The first check is due at once.
  await settle();
  return h;
}

const lastStatus = (h: ServiceHarness): SelfUpdateStatus => h.events.of('self-update-changed').at(-1)!.status;
const tray = (status: SelfUpdateStatus) => trayModel({ projects: [], poller: { paused: false, lastCheckAt: null, nextCheckAt: null, failures: 0 }, operationsRunning: 0, lastError: null, selfUpdate: status });

describe('browser mode', () => {
  it('About names the build and the state directory, and says who updates Upshift; there is nothing to press', async () => {
    const h = await openService();
    const about = await h.service.getAbout({});
    expect(about.build.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(about.mode).toBe('browser');
    expect(about.stateDir).toBe(h.home);
    expect(about.runtime).toMatchObject({ node: process.versions.node, electron: null, platform: process.platform });
    expect(about.selfUpdate).toMatchObject({ managed: 'external', phase: 'idle', available: null, offer: null });
    expect(about.selfUpdate.note).toMatch(/updated the way it was installed.*tray app updates itself/);
    const err = await rejection(h.service.call('selfUpdate', { action: 'check' }));
    expect(err.code).toBe('SELF_UPDATE_UNMANAGED');
    expect(err.message).toMatch(/does not update itself here.*Nothing was changed/);
  });

  it('refuses a malformed decision naming the field', async () => {
    const h = await openService();
    const err = await rejection(h.service.call('selfUpdate', { action: 'skip' }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/version/);
  });
});

describe('the tray app', () => {
  it('checks at start, offers the newer release with its notes, downloads nothing until asked', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.2.0', releaseName: 'Upshift 0.2.0', releaseNotes: '## Faster\n\nChecks in half the time.' };
    const h = await appService(u);
    expect(u.checks).toBe(1);
    expect(u.downloads).toBe(0);
    expect(u.autoInstallOnAppQuit).toBe(false);
    const status = (await h.service.getAbout({})).selfUpdate;
    expect(status).toMatchObject({ managed: 'app', current: '0.1.0', phase: 'available', offer: 'offer', installOnQuit: false, channel: 'stable' });
    expect(status.available).toEqual({ version: '0.2.0', releaseName: 'Upshift 0.2.0', notes: '## Faster\n\nChecks in half the time.', releaseDate: '2026-12-05T12:00:00.000Z' });
    expect(status.lastCheckAt).toBe(new Date(h.clock.now()).toISOString());
    expect(lastStatus(h).phase).toBe('available');
    expect(tray(status).menu.find((i) => i.id === 'self-update')).toEqual({ kind: 'item', id: 'self-update', label: 'Upshift 0.2.0 is available…', enabled: true, action: { type: 'open-about' } });
    expect(tray(status).tooltip).toContain('Upshift 0.2.0 available');
  });

  it('Install on quit downloads, then lets the updater install exactly that version on quit', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.2.0' };
    const h = await appService(u);
    await h.service.selfUpdate({ action: 'install-on-quit', version: '0.2.0' });
    await settle();
    expect(u.downloads).toBe(1);
    expect(u.autoInstallOnAppQuit).toBe(true);
    const status = lastStatus(h);
    expect(status).toMatchObject({ phase: 'downloaded', installOnQuit: true, progress: null });
    expect(h.events.of('self-update-changed').some((e) => e.status.phase === 'downloading' && e.status.progress?.percent === 40)).toBe(true);
    expect(tray(status).menu.find((i) => i.id === 'self-update')).toEqual({ kind: 'info', id: 'self-update', label: 'Upshift 0.2.0 will be installed when you quit' });
    // Changing one's mind: nothing is installed on quit any more.
    await h.service.selfUpdate({ action: 'cancel-install-on-quit' });
    expect(u.autoInstallOnAppQuit).toBe(false);
  });

  it('a failed download says so, and a progress event arriving after the failure does not hide it', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.2.0' };
    u.downloadError = Object.assign(new Error('sha512 checksum mismatch'), { code: 'ERR_CHECKSUM_MISMATCH' });
    const h = await appService(u);
    await h.service.selfUpdate({ action: 'install-on-quit', version: '0.2.0' });
    await settle();
    expect(lastStatus(h)).toMatchObject({ phase: 'error' });
    expect(lastStatus(h).error).toMatch(/did not match the sha512 checksum/);
    // electron-updater reports progress as bytes arrive: one that lands after the failure is stale.
    u.emit('download-progress', { percent: 100, transferred: 100, total: 100, bytesPerSecond: 10, delta: 60 });
    await settle();
    const after = (await h.service.getAbout({})).selfUpdate;
    expect(after).toMatchObject({ phase: 'error', progress: null });
    expect(u.autoInstallOnAppQuit).toBe(false);
  });

  it('Skip this version holds across a restart; a newer release is offered again', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.2.0' };
    const h = await appService(u);
    const skipped = await h.service.selfUpdate({ action: 'skip', version: '0.2.0' });
    expect(skipped).toMatchObject({ offer: 'skipped', available: { version: '0.2.0' } });
    expect(tray(skipped).menu.some((i) => i.id === 'self-update')).toBe(false);

    const u2 = new FakeUpdater();
    u2.feed = { version: '0.2.0' };
    await h.service.close();
    const again = await appService(u2, { home: h.home });
    // Checked six hours ago at most: not at once after a restart; when due, the skip still holds.
    again.clock.advance(SELF_UPDATE_CHECK_INTERVAL_MS);
    await settle();
    expect(u2.checks).toBe(1);
    expect((await again.service.getAbout({})).selfUpdate.offer).toBe('skipped');
    u2.feed = { version: '0.2.1' };
    await again.service.selfUpdate({ action: 'check' });
    expect((await again.service.getAbout({})).selfUpdate).toMatchObject({ offer: 'offer', available: { version: '0.2.1' } });
  });

  it('Remind me later keeps quiet for a day, then offers again', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.2.0' };
    const h = await appService(u);
    const later = await h.service.selfUpdate({ action: 'remind-later', version: '0.2.0' });
    expect(later.offer).toBe('remind-later');
    expect(later.remindUntil).toBe(new Date(h.clock.now() + 24 * 3600_000).toISOString());
    h.clock.advance(24 * 3600_000);
    await settle();
    expect((await h.service.getAbout({})).selfUpdate.offer).toBe('offer');
  });

  it('never downgrades: an older release from the feed is refused, not downloaded, and cannot be chosen', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.0.9' };
    const h = await appService(u);
    const status = (await h.service.getAbout({})).selfUpdate;
    expect(status).toMatchObject({ phase: 'up-to-date', available: null, offer: null });
    expect(status.refused).toEqual({ version: '0.0.9', reason: '0.0.9 is older than 0.1.0, which is running: Upshift never downgrades itself' });
    const err = await rejection(h.service.selfUpdate({ action: 'install-on-quit', version: '0.0.9' }));
    expect(err.code).toBe('SELF_UPDATE_NOT_AVAILABLE');
    expect(u.downloads).toBe(0);
    expect(u.autoInstallOnAppQuit).toBe(false);
    expect(u.allowDowngrade).toBe(false);
  });

  it('a failed check says so, keeps its time, and Check now rejects with a retryable error', async () => {
    const u = new FakeUpdater();
    u.feed = new Error('HttpError: 404 Not Found "https://github.com/upshift-dev/upshift/releases.atom"');
    const h = await appService(u);
    const status = (await h.service.getAbout({})).selfUpdate;
    expect(status).toMatchObject({ phase: 'error', error: 'HttpError: 404 Not Found "https://github.com/upshift-dev/upshift/releases.atom"' });
    expect(status.lastCheckAt).not.toBeNull();
    const err = await rejection(h.service.selfUpdate({ action: 'check' }));
    expect(err).toMatchObject({ code: 'SELF_UPDATE_CHECK_FAILED', retryable: true });
    expect(err.message).toMatch(/Could not look for a new Upshift: HttpError: 404.*Nothing was changed/);
  });

  it('offline mode: no background check, and Check now says why', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.2.0' };
    const h = await openService({ selfUpdate: { host: { mode: 'app' }, version: '0.1.0', port: createUpdaterPort(u) } });
    await h.service.setSettings({ offline: true });
    h.clock.advance(0);
    await settle();
    expect(u.checks).toBe(0);
    expect((await rejection(h.service.selfUpdate({ action: 'check' }))).code).toBe('OFFLINE');
  });

  it('the beta channel reads beta releases; a prerelease is never offered on stable', async () => {
    const u = new FakeUpdater();
    u.feed = { version: '0.2.0-beta.1' };
    const h = await appService(u);
    expect((await h.service.getAbout({})).selfUpdate).toMatchObject({ available: null, refused: { version: '0.2.0-beta.1' } });
    expect([u.channel, u.allowPrerelease, u.allowDowngrade]).toEqual(['latest', false, false]);
    await h.service.selfUpdate({ action: 'set-channel', channel: 'beta' });
    await settle();
    expect([u.channel, u.allowPrerelease, u.allowDowngrade]).toEqual(['beta', true, false]);
    expect((await h.service.getAbout({})).selfUpdate).toMatchObject({ channel: 'beta', available: { version: '0.2.0-beta.1' }, offer: 'offer' });
  });

  it('About in the app: Electron and Chromium versions, the install path', async () => {
    const h = await appService(new FakeUpdater());
    const about = await h.service.getAbout({});
    expect(about).toMatchObject({ mode: 'app', installPath: '/opt/Upshift/resources/app.asar', runtime: { electron: '45.4.1', chrome: '142.0.0.0' } });
    expect(about.build.version).toBe('0.1.0');
    expect(about.selfUpdate).toMatchObject({ managed: 'app', phase: 'up-to-date' });
  });
});

describe('SelfUpdateStore', () => {
  it('keeps what it can read of a value another Upshift wrote, field by field', () => {
    const home = makeTempDir('upshift-selfupdate-');
    const db = StateStore.open(home);
    try {
      db.setSettings({ [SELF_UPDATE_KEY]: { channel: 'nightly', skipped: ['0.2.0'], lastCheckAt: 'yesterday' } });
      expect(new SelfUpdateStore(db).read()).toEqual({ channel: 'stable', skipped: ['0.2.0'], remindLater: null, installOnQuit: null, lastCheckAt: null, lastError: null });
    } finally {
      db.close();
    }
  });
});
