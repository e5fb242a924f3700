/**
 * Where the shell's files are, relative to the bundled main process (dist/electron-main/main.cjs): the same
 * layout in a checkout and inside a packaged app.asar, so no branch on app.isPackaged is needed.
 */
import { join } from 'node:path';

export interface AppPaths {
  /** The built renderer (index.html and its assets). */
  renderer: string;
  /** The bundled, sandbox-compatible preload. */
  preload: string;
  /** assets/ (tray icons, app icon). */
  assets: string;
}

export function appPaths(bundleDir: string): AppPaths {
  return {
    renderer: join(bundleDir, '..', 'renderer'),
    preload: join(bundleDir, 'preload.cjs'),
    assets: join(bundleDir, '..', '..', 'assets'),
  };
}

/** `#/plan/<project>?to=<version>`: the renderer's route to an update's plan. */
export function planRoute(project: string, version: string | null): string {
  const base = `#/plan/${encodeURIComponent(project)}`;
  return version ? `${base}?to=${encodeURIComponent(version)}` : base;
}
