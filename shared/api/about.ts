/**
 * What the About view and `upshift --version` show: which Upshift this is, where it came from and where it runs.
 * Types only (the engine fills them in: electron/core/about).
 */
import type { SelfUpdateStatus } from '../policy/selfupdate.js';

/** Baked in at build time (build/build-info.mjs); commit and dirty are null for a build outside a git checkout. */
export interface BuildInfo {
  version: string;
  commit: string | null;
  /** Tracked files differed from `commit` when it was built. */
  dirty: boolean | null;
  /** ISO time of the build; null when running unbundled from the sources (tests, `tsc` output). */
  builtAt: string | null;
}

export interface RuntimeInfo {
  node: string;
  /** Electron's and Chromium's versions in the tray app; null in browser mode and the CLI. */
  electron: string | null;
  chrome: string | null;
  platform: string;
  arch: string;
}

export interface AboutInfo {
  build: BuildInfo;
  runtime: RuntimeInfo;
  /** Which face serves the dashboard: the tray app ('app') or `upshift serve` ('browser'). */
  mode: 'app' | 'browser';
  /** Where this Upshift is installed (the app's resources, or the CLI bundle's folder). */
  installPath: string;
  /** The state directory (projects, history, settings). */
  stateDir: string;
  selfUpdate: SelfUpdateStatus;
}
