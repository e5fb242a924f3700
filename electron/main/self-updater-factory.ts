/**
 * Builds electron-updater's updater for this platform around an AppAdapter and an HTTP executor the caller gives.
 * The Electron main process passes Electron's (ElectronAppAdapter over `app`, ElectronHttpExecutor over `net`:
 * self-updater.ts loadElectronUpdater); test/selfupdate.feed.test.ts passes plain-Node ones against a fake GitHub on
 * 127.0.0.1. Everything in between — reading app-update.yml, the GitHub provider, the channel file, the download
 * and its sha512, the quit handler and the install — is the same electron-updater code in both.
 *
 * This file never loads 'electron': electron-updater's updater classes touch it only through the AppAdapter and the
 * executor (and MacUpdater through Squirrel, in its constructor — the Mac app's own concern).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppImageUpdater, AppUpdater, Logger } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import type { InstallOptions } from 'electron-updater/out/BaseUpdater.js';
import type { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor.js';
import { installAppImage } from './self-updater-appimage.js';

/**
 * An HTTP executor for electron-updater: its own over Electron's net, or one over Node's http built on the same
 * copy of builder-util-runtime (electron-updater checks `instanceof HttpError` from its copy: a 404 from another
 * copy's executor would not read as "not found").
 */
export type UpdaterHttpExecutor = Pick<ElectronHttpExecutor, 'request' | 'download' | 'downloadToBuffer' | 'createRequest'>;

export interface UpdaterRuntime {
  app: AppAdapter;
  /** Built once the updater exists (Electron's executor asks the updater for proxy logins). */
  httpExecutor: (updater: AppUpdater) => UpdaterHttpExecutor;
  platform: NodeJS.Platform;
  /** Where electron-builder put app.asar and `package-type` (process.resourcesPath); null outside a package. */
  resourcesPath: string | null;
  logger?: Logger;
}

/** Which updater class a platform (and, on Linux, the package format electron-builder recorded) needs. */
export type UpdaterKind = 'nsis' | 'mac' | 'appimage' | 'deb' | 'rpm' | 'pacman';

/**
 * The same choice as electron-updater's own `autoUpdater` getter (main.js doLoadAutoUpdater): Windows NSIS, macOS
 * Squirrel, Linux the AppImage unless `resources/package-type` names deb, rpm or pacman.
 */
export function updaterKind(platform: NodeJS.Platform, resourcesPath: string | null, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): UpdaterKind {
  if (platform === 'win32') return 'nsis';
  if (platform === 'darwin') return 'mac';
  if (resourcesPath === null) return 'appimage';
  let type: string;
  try {
    type = read(join(resourcesPath, 'package-type')).trim();
  } catch {
    return 'appimage';
  }
  return type === 'deb' || type === 'rpm' || type === 'pacman' ? type : 'appimage';
}

type UpdaterModule = Pick<typeof import('electron-updater'), 'AppImageUpdater' | 'DebUpdater' | 'RpmUpdater' | 'PacmanUpdater' | 'MacUpdater' | 'NsisUpdater'>;

/**
 * electron-updater's classes from its module as `import()` gives them: by name under Node's CommonJS interop,
 * or on `default` (module.exports) under a bundler's.
 */
export function updaterClasses(mod: Partial<UpdaterModule> & { default?: Partial<UpdaterModule> }): UpdaterModule {
  const from = mod.AppImageUpdater ? mod : mod.default;
  if (!from?.AppImageUpdater || !from.NsisUpdater || !from.MacUpdater || !from.DebUpdater || !from.RpmUpdater || !from.PacmanUpdater) {
    throw new Error('electron-updater does not export its updater classes (AppImageUpdater, NsisUpdater, MacUpdater, …)');
  }
  return from as UpdaterModule;
}

/** Creates the updater. It reads its feed from `app.appUpdateConfigPath` (app-update.yml) when it first checks. */
export async function createAppUpdater(rt: UpdaterRuntime): Promise<AppUpdater> {
  const classes = updaterClasses((await import('electron-updater')) as Parameters<typeof updaterClasses>[0]);
  const kind = updaterKind(rt.platform, rt.resourcesPath);
  const updater: AppUpdater =
    kind === 'appimage'
      ? new (replacingAppImageUpdater(classes.AppImageUpdater))(undefined, rt.app)
      : kind === 'nsis'
        ? new classes.NsisUpdater(undefined, rt.app)
        : kind === 'mac'
          ? new classes.MacUpdater(undefined, rt.app)
          : new { deb: classes.DebUpdater, rpm: classes.RpmUpdater, pacman: classes.PacmanUpdater }[kind](undefined, rt.app);
  // Given an AppAdapter, AppUpdater leaves httpExecutor null (it builds Electron's only together with Electron's
  // adapter); every request of the provider and the download goes through this one. Not in the typings (internal).
  (updater as unknown as { httpExecutor: UpdaterHttpExecutor }).httpExecutor = rt.httpExecutor(updater);
  if (rt.logger) updater.logger = rt.logger;
  return updater;
}

/**
 * electron-updater's AppImageUpdater with the install replaced by installAppImage (verify, write beside, rename
 * over): its own deletes the running AppImage before moving the new one, so a failed move leaves nothing.
 * Everything else — feed, download, sha512, quit handler — is the class's own.
 */
export function replacingAppImageUpdater(Base: typeof AppImageUpdater): typeof AppImageUpdater {
  return class ReplacingAppImageUpdater extends Base {
    protected override doInstall(options: InstallOptions): boolean {
      const installer = this.installerPath;
      const info = this.downloadedUpdateHelper?.downloadedFileInfo ?? null;
      if (installer === null || info === null) {
        this.dispatchError(new Error("No update filepath provided, can't quit and install"));
        return false;
      }
      const destination = installAppImage({
        appImage: process.env.APPIMAGE,
        installer,
        sha512: info.sha512,
        runAfter: options.isForceRunAfter,
        spawnDetached: (file, env) => void this.spawnLog(file, [], env),
      });
      if (destination !== process.env.APPIMAGE) this.emit('appimage-filename-updated', destination);
      return true;
    }
  };
}
