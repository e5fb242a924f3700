import type { SelfUpdateRelease } from '../../../shared/policy/selfupdate.js';

/**
 * What the self-update controller needs from an updater. electron/main/self-updater.ts implements it over
 * electron-updater's autoUpdater (loaded only in the Electron main process); tests implement it with a fake.
 */
export interface UpdaterPort {
  /** Which feed to read. The adapter also turns allowDowngrade off after setting the channel (electron-updater turns it on then). */
  configure(settings: { channel: 'latest' | 'beta'; allowPrerelease: boolean; allowDowngrade: false }): void;
  /** Asks the feed; the answer comes as events. */
  check(): Promise<void>;
  /** Downloads the release the last check found; progress and completion come as events. */
  download(): Promise<void>;
  /** Whether the downloaded release is installed when the app quits (electron-updater's autoInstallOnAppQuit). */
  setInstallOnQuit(on: boolean): void;
  onEvent(listener: (event: UpdaterEvent) => void): () => void;
}

export type UpdaterEvent =
  | { type: 'checking' }
  | { type: 'available'; release: SelfUpdateRelease }
  | { type: 'not-available' }
  | { type: 'progress'; percent: number; transferred: number; total: number; bytesPerSecond: number }
  | { type: 'downloaded'; release: SelfUpdateRelease }
  | { type: 'error'; message: string };
