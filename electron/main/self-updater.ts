/**
 * The thin typed adapter between electron-updater's updater and the engine's UpdaterPort
 * (electron/core/selfupdate/port.ts). Every decision — what to offer, when to download, what may be installed on
 * quit — is made by shared/policy/selfupdate.ts through the controller; this file only translates.
 *
 * electron-updater is loaded lazily, and the updater is built by self-updater-factory.ts around an AppAdapter and an
 * HTTP executor: Electron's here (loadElectronUpdater, main process only), plain Node's in
 * test/selfupdate.feed.test.ts, which runs this adapter over the real electron-updater against a fake GitHub.
 */
import type { AppUpdater } from 'electron-updater';
import type { SelfUpdateRelease } from '../../shared/policy/selfupdate.js';
import type { UpdaterEvent, UpdaterPort } from '../core/selfupdate/index.js';
import { createAppUpdater } from './self-updater-factory.js';
import { notesAsMarkdown } from './self-updater-notes.js';

/** The part of electron-updater's AppUpdater the adapter uses (checked against the real type below). */
export interface AppUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  channel: string | null;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  /**
   * BaseUpdater's (protected in its typings): registers the install-on-quit handler. electron-updater calls it once,
   * when a download completes, and only if autoInstallOnAppQuit is on at that moment.
   */
  addQuitHandler?(): void;
}

// The real AppUpdater must fit: a change in electron-updater's API fails the type check, not the app at run time.
const fits: (u: AppUpdater) => AppUpdaterLike = (u) => u;
void fits;

interface UpdateInfoLike {
  version: string;
  releaseName?: string | null;
  releaseNotes?: string | Array<{ version: string; note: string | null }> | null;
  releaseDate?: string;
}

interface ProgressLike {
  percent: number;
  transferred: number;
  total: number;
  bytesPerSecond: number;
}

/**
 * electron-updater gives notes as one text, or (fullChangelog) one per version since the running one; from the
 * GitHub provider they are the HTML GitHub rendered, turned back into Markdown for the About view.
 */
export function releaseOf(info: UpdateInfoLike): SelfUpdateRelease {
  const notes = info.releaseNotes;
  const text = Array.isArray(notes)
    ? notes.map((n) => `## ${n.version}\n\n${notesAsMarkdown(n.note ?? '')}`.trim()).join('\n\n')
    : typeof notes === 'string'
      ? notesAsMarkdown(notes)
      : null;
  return { version: info.version, releaseName: info.releaseName ?? null, notes: text && text.trim() !== '' ? text : null, releaseDate: info.releaseDate ?? null };
}

/** Wraps an AppUpdater as the port. Downloads wait for the user (autoDownload off); nothing installs on quit until the controller says so. */
export function createUpdaterPort(updater: AppUpdaterLike): UpdaterPort {
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;
  // Whether a download completed: electron-updater registers its quit handler only then, and only if
  // autoInstallOnAppQuit was on at that moment. "Install on quit" chosen again after the download finished
  // (the user had taken it back meanwhile) must register it, or quitting would install nothing.
  let downloaded = false;
  updater.on('update-downloaded', () => {
    downloaded = true;
  });
  return {
    configure(settings) {
      updater.channel = settings.channel;
      updater.allowPrerelease = settings.allowPrerelease;
      // Setting `channel` turns allowDowngrade on in electron-updater (AppUpdater's channel setter): off again.
      updater.allowDowngrade = settings.allowDowngrade;
    },
    // Rejections carry the same words as the error event (not a multi-line HTTP dump).
    async check() {
      await updater.checkForUpdates().catch((err: Error) => Promise.reject(new Error(errorText(err))));
    },
    async download() {
      await updater.downloadUpdate().catch((err: Error) => Promise.reject(new Error(errorText(err))));
    },
    setInstallOnQuit(on) {
      updater.autoInstallOnAppQuit = on;
      if (on && downloaded) updater.addQuitHandler?.(); // idempotent (BaseUpdater.quitHandlerAdded)
    },
    onEvent(listener) {
      const handlers: Array<[string, (...args: never[]) => void]> = [
        ['checking-for-update', () => listener({ type: 'checking' })],
        ['update-available', (info: UpdateInfoLike) => listener({ type: 'available', release: releaseOf(info) })],
        ['update-not-available', () => listener({ type: 'not-available' })],
        ['download-progress', (p: ProgressLike) => listener(progressEvent(p))],
        ['update-downloaded', (info: UpdateInfoLike) => listener({ type: 'downloaded', release: releaseOf(info) })],
        ['error', (err: Error | string | null) => listener({ type: 'error', message: errorText(err) })],
      ];
      // Each handler takes the argument electron-updater documents for its event.
      for (const [event, handler] of handlers) updater.on(event, handler as (...args: unknown[]) => void);
      return () => {
        for (const [event, handler] of handlers) updater.removeListener(event, handler as (...args: unknown[]) => void);
      };
    },
  };
}

function progressEvent(p: ProgressLike): UpdaterEvent {
  return { type: 'progress', percent: Math.max(0, Math.min(100, p.percent)), transferred: p.transferred, total: p.total, bytesPerSecond: p.bytesPerSecond };
}

/**
 * electron-updater's errors can carry a whole HTTP response body: the first line, at most 300 characters. A download
 * that fails its sha512 is said in words: electron-updater has deleted it and nothing will be installed.
 */
export function errorText(err: Error | string | null): string {
  if (err instanceof Error && (err as { code?: unknown }).code === 'ERR_CHECKSUM_MISMATCH') {
    return 'The download did not match the sha512 checksum its release published, so it was deleted and nothing was installed; the running Upshift is unchanged. Try again later — if it happens again, the release or something between you and GitHub altered the file.';
  }
  const missing = err instanceof Error && (err as { code?: unknown }).code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' ? /^Cannot find (\S+) in the latest release artifacts \((\S+)\)/.exec(err.message) : null;
  if (missing) {
    // A release published before its build for this system was uploaded (or without one).
    const tag = /\/download\/([^/]+)\//.exec(missing[2]!)?.[1];
    return `The newest Upshift release${tag ? ` (${tag})` : ''} has no ${missing[1]} for this system yet, so there is nothing to update from; its files may still be uploading.`;
  }
  const text = err instanceof Error ? err.message : String(err ?? 'unknown error');
  const first = text.split('\n')[0]!.trim() || 'unknown error';
  return first.length > 300 ? `${first.slice(0, 299)}…` : first;
}

/**
 * electron-updater's updater for this platform, built around Electron's AppAdapter and its net-based HTTP executor
 * (proxy logins go through the updater's 'login' event, as with electron-updater's own autoUpdater). Main process
 * only: both require 'electron'. The same factory builds the plain-Node updater the feed test runs.
 */
export async function loadElectronUpdater(): Promise<AppUpdaterLike> {
  const [{ ElectronAppAdapter }, { ElectronHttpExecutor }] = await Promise.all([
    import('electron-updater/out/ElectronAppAdapter.js'),
    import('electron-updater/out/electronHttpExecutor.js'),
  ]);
  return createAppUpdater({
    app: new ElectronAppAdapter(),
    httpExecutor: (updater) => new ElectronHttpExecutor((authInfo, callback) => updater.emit('login', authInfo, callback)),
    platform: process.platform,
    resourcesPath: (process as { resourcesPath?: string }).resourcesPath ?? null,
  });
}
