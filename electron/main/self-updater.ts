/**
 * The thin typed adapter between electron-updater's autoUpdater and the engine's UpdaterPort
 * (electron/core/selfupdate/port.ts). Every decision — what to offer, when to download, what may be installed on
 * quit — is made by shared/policy/selfupdate.ts through the controller; this file only translates.
 *
 * electron-updater is loaded lazily (loadElectronUpdater), and only by the Electron main process: it requires
 * 'electron' itself. Tests drive the adapter with a fake updater that emits the same events.
 */
import type { AppUpdater } from 'electron-updater';
import type { SelfUpdateRelease } from '../../shared/policy/selfupdate.js';
import type { UpdaterEvent, UpdaterPort } from '../core/selfupdate/index.js';

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

/** electron-updater gives notes as one text, or (fullChangelog) one per version since the running one. */
export function releaseOf(info: UpdateInfoLike): SelfUpdateRelease {
  const notes = info.releaseNotes;
  const text = Array.isArray(notes)
    ? notes.map((n) => `## ${n.version}\n\n${n.note ?? ''}`.trim()).join('\n\n')
    : typeof notes === 'string'
      ? notes
      : null;
  return { version: info.version, releaseName: info.releaseName ?? null, notes: text && text.trim() !== '' ? text : null, releaseDate: info.releaseDate ?? null };
}

/** Wraps an AppUpdater as the port. Downloads wait for the user (autoDownload off); nothing installs on quit until the controller says so. */
export function createUpdaterPort(updater: AppUpdaterLike): UpdaterPort {
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;
  return {
    configure(settings) {
      updater.channel = settings.channel;
      updater.allowPrerelease = settings.allowPrerelease;
      // Setting `channel` turns allowDowngrade on in electron-updater (AppUpdater's channel setter): off again.
      updater.allowDowngrade = settings.allowDowngrade;
    },
    async check() {
      await updater.checkForUpdates();
    },
    async download() {
      await updater.downloadUpdate();
    },
    setInstallOnQuit(on) {
      updater.autoInstallOnAppQuit = on;
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

/** electron-updater's errors can carry a whole HTTP response body: the first line, at most 300 characters. */
function errorText(err: Error | string | null): string {
  const text = err instanceof Error ? err.message : String(err ?? 'unknown error');
  const first = text.split('\n')[0]!.trim() || 'unknown error';
  return first.length > 300 ? `${first.slice(0, 299)}…` : first;
}

/**
 * The autoUpdater from electron-updater's module as `import()` gives it. electron-updater is CommonJS and defines
 * `autoUpdater` as a lazy getter (Object.defineProperty), which Node's CommonJS export detection does not see: under
 * a real dynamic import only `default` (module.exports) has it. A bundler's interop may give it by name instead.
 */
export function pickAutoUpdater(mod: { autoUpdater?: AppUpdaterLike; default?: { autoUpdater?: AppUpdaterLike } }): AppUpdaterLike {
  const updater = mod.autoUpdater ?? mod.default?.autoUpdater;
  if (!updater) throw new Error('electron-updater has no autoUpdater export');
  return updater;
}

/** Loads electron-updater's autoUpdater. Main process only (it requires 'electron'); kept out of every other bundle. */
export async function loadElectronUpdater(): Promise<AppUpdaterLike> {
  return pickAutoUpdater((await import('electron-updater')) as unknown as Parameters<typeof pickAutoUpdater>[0]);
}
