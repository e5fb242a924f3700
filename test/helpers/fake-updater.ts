/**
 * A stand-in for electron-updater's autoUpdater: the same fields, methods and events (checking-for-update,
 * update-available, update-not-available, download-progress, update-downloaded, error), scripted per test, for
 * the service's and the dashboard's edge cases. The real electron-updater, against a fake GitHub feed, is run by
 * test/selfupdate.feed.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { AppUpdaterLike } from '../../electron/main/self-updater.js';

export interface FeedRelease {
  version: string;
  releaseName?: string | null;
  releaseNotes?: string | Array<{ version: string; note: string | null }> | null;
  releaseDate?: string;
}

export class FakeUpdater extends EventEmitter implements AppUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = false;
  allowPrerelease = false;
  private channelValue: string | null = null;
  /** What the feed answers: a release, nothing new, or a failure. */
  feed: FeedRelease | null | Error = null;
  /** Make downloads fail with this. */
  downloadError: Error | null = null;
  checks = 0;
  downloads = 0;

  get channel(): string | null {
    return this.channelValue;
  }
  // As electron-updater's AppUpdater does: setting a channel turns allowDowngrade on.
  set channel(value: string | null) {
    this.channelValue = value;
    this.allowDowngrade = true;
  }

  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    const feed = this.feed;
    if (feed instanceof Error) {
      this.emit('error', feed);
      throw feed;
    }
    if (feed === null) {
      this.emit('update-not-available', { version: '0.0.0' });
      return null;
    }
    const info = { releaseDate: '2026-12-05T12:00:00.000Z', ...feed };
    this.emit('update-available', info);
    return { updateInfo: info };
  }

  async downloadUpdate(): Promise<unknown> {
    this.downloads++;
    if (this.downloadError) {
      this.emit('error', this.downloadError);
      throw this.downloadError;
    }
    const feed = this.feed as FeedRelease;
    this.emit('download-progress', { percent: 40, transferred: 40, total: 100, bytesPerSecond: 10, delta: 40 });
    this.emit('download-progress', { percent: 100, transferred: 100, total: 100, bytesPerSecond: 10, delta: 60 });
    this.emit('update-downloaded', { releaseDate: '2026-12-05T12:00:00.000Z', ...feed, downloadedFile: '/tmp/upshift.AppImage' });
    return ['/tmp/upshift.AppImage'];
  }
}
