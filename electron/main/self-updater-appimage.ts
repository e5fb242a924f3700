/**
 * Installing a downloaded AppImage over the running one, so that a failed install leaves the old one in place.
 *
 * electron-updater's AppImageUpdater.doInstall (6.8.x) deletes the running AppImage first and only then runs
 * `mv -f` from its cache: when the move fails — the cached download was cleaned or altered between download and
 * quit, a full disk on another filesystem — the user is left with no Upshift at all
 * (test/selfupdate.feed.test.ts shows it against the real class). Here the new file is verified against the sha512
 * the release published, written beside the old one and renamed over it (one atomic step on POSIX): until that
 * rename nothing of the old AppImage has changed. Node only; no Electron.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

export interface AppImageInstall {
  /** The running AppImage ($APPIMAGE). */
  appImage: string | undefined;
  /** The verified download in electron-updater's cache. */
  installer: string;
  /** Base64 sha512 from the release's latest-linux.yml, as electron-updater recorded it when it downloaded. */
  sha512: string;
  /** Start the new AppImage afterwards (quitAndInstall), else run it once with APPIMAGE_EXIT_AFTER_INSTALL. */
  runAfter: boolean;
  /** Starts a detached process (BaseUpdater.spawnLog, so the app can quit meanwhile). */
  spawnDetached: (file: string, env: NodeJS.ProcessEnv) => void;
  /** How long the new AppImage's one run with APPIMAGE_EXIT_AFTER_INSTALL may take; default FIRST_RUN_TIMEOUT_MS. */
  firstRunTimeoutMs?: number;
}

/**
 * The app waits for that run while it quits (electron-updater waits without a limit: a new AppImage that does not
 * exit would keep the old app from ever quitting).
 */
export const FIRST_RUN_TIMEOUT_MS = 30_000;

/**
 * An install refused or failed before anything changed (ERR_UPDATER_FIRST_RUN_FAILED: after — the new AppImage is in
 * place, only its first run went wrong). `code` as electron-updater names its errors.
 */
export class AppImageInstallError extends Error {
  constructor(
    // Not ERR_CHECKSUM_MISMATCH for a file that changed after its download: that code means the download itself.
    readonly code: 'ERR_UPDATER_OLD_FILE_NOT_FOUND' | 'ERR_UPDATER_INSTALL_FAILED' | 'ERR_UPDATER_FIRST_RUN_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'AppImageInstallError';
  }
}

/**
 * Replaces the running AppImage with the download. Returns where the new AppImage now is (electron-updater's rule:
 * a file name with a version in it becomes the new file's name, any other name is kept, issue
 * electron-userland/electron-builder#2964). Throws AppImageInstallError, the old AppImage untouched, when it cannot.
 */
export function installAppImage(job: AppImageInstall): string {
  const current = job.appImage;
  if (!current || !isAbsolute(current) || current.includes('\0')) {
    throw new AppImageInstallError('ERR_UPDATER_OLD_FILE_NOT_FOUND', `APPIMAGE is not the absolute path of the running AppImage (${JSON.stringify(current ?? null)}): nothing was installed.`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(job.installer);
  } catch (err) {
    throw new AppImageInstallError('ERR_UPDATER_INSTALL_FAILED', `The downloaded update ${job.installer} cannot be read (${codeOf(err)}): nothing was installed; ${current} was left as it was.`);
  }
  const actual = createHash('sha512').update(bytes).digest('base64');
  if (actual !== job.sha512) {
    throw new AppImageInstallError('ERR_UPDATER_INSTALL_FAILED', `The downloaded update ${job.installer} no longer matches the sha512 its release published (it changed after the download): nothing was installed; ${current} was left as it was.`);
  }
  const currentName = basename(current);
  const destination = basename(job.installer) === currentName || !/\d+\.\d+\.\d+/.test(currentName) ? current : join(dirname(current), basename(job.installer));
  // Beside the destination, so the rename below stays on one filesystem and is atomic.
  const staging = join(dirname(destination), `.${basename(destination)}.upshift-update`);
  try {
    copyFileSync(job.installer, staging);
    chmodSync(staging, 0o755);
    renameSync(staging, destination);
  } catch (err) {
    // A partly written copy goes; anything else already there under that name (not ours to delete) stays.
    try {
      rmSync(staging, { force: true });
    } catch {
      /* not a file */
    }
    throw new AppImageInstallError('ERR_UPDATER_INSTALL_FAILED', `The new AppImage could not be written beside ${current} (${codeOf(err)}): nothing was installed; ${current} was left as it was.`);
  }
  // From here the new AppImage is in place: what follows only tidies up and lets it integrate itself.
  if (destination !== current) unlinkSync(current);
  rmSync(job.installer, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, APPIMAGE_SILENT_INSTALL: 'true' };
  if (job.runAfter) {
    job.spawnDetached(destination, env);
    return destination;
  }
  const timeout = job.firstRunTimeoutMs ?? FIRST_RUN_TIMEOUT_MS;
  try {
    execFileSync(destination, [], { env: { ...env, APPIMAGE_EXIT_AFTER_INSTALL: 'true' }, stdio: 'ignore', timeout, killSignal: 'SIGKILL' });
  } catch (err) {
    const why = (err as { code?: unknown }).code === 'ETIMEDOUT' ? `did not finish within ${Number((timeout / 1000).toFixed(1))} s and was stopped` : `failed (${codeOf(err)})`;
    throw new AppImageInstallError('ERR_UPDATER_FIRST_RUN_FAILED', `The new AppImage is installed at ${destination}, but its first run (desktop integration) ${why}; the next start runs the new version.`);
  }
  return destination;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
}
