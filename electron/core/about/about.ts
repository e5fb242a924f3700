import path from 'node:path';
import type { AboutInfo, BuildInfo } from '../../../shared/api/about.js';
import type { SelfUpdateStatus } from '../../../shared/policy/selfupdate.js';

/** What the face serving the dashboard knows about itself; the service adds the state directory and self-update. */
export interface AboutHost {
  mode: 'app' | 'browser';
  /** Where this Upshift is installed: app.getAppPath() in the tray app; default the running script's folder. */
  installPath?: string;
  /** process.versions.electron / .chrome in the tray app. */
  electron?: string | null;
  chrome?: string | null;
}

/** The About document: build, runtime, where it is installed and where its state lives. */
export function aboutInfo(build: BuildInfo, host: AboutHost, stateDir: string, selfUpdate: SelfUpdateStatus): AboutInfo {
  const script = process.argv[1];
  return {
    build,
    runtime: { node: process.versions.node, electron: host.electron ?? null, chrome: host.chrome ?? null, platform: process.platform, arch: process.arch },
    mode: host.mode,
    installPath: host.installPath ?? (script ? path.dirname(path.resolve(script)) : process.cwd()),
    stateDir,
    selfUpdate,
  };
}

/** Browser mode's and the CLI's word on updating Upshift itself (they have no updater, and offer no button). */
export const BROWSER_UPDATE_NOTE =
  'In browser mode (upshift serve) Upshift is updated the way it was installed: by your package manager, or in a source checkout with git pull, npm ci and npm run build. The tray app updates itself.';
