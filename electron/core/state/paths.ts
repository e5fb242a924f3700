import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { UpshiftError } from '../errors.js';

/**
 * Where Upshift keeps its state. One directory per user:
 *
 *   <home>/state.db                              SQLite store (projects, operations, steps, check cache, locks)
 *   <home>/logs/<operation-id>/<step>.log        full output of each step, capped
 *   <home>/snapshots/<operation-id>/...          paths an upgrade moved or copied aside
 */
export interface StatePaths {
  home: string;
  db: string;
  logs: string;
  snapshots: string;
}

/**
 * The state directory: `$UPSHIFT_HOME` when set (must be absolute), else the platform's per-user data
 * directory: Linux `$XDG_DATA_HOME/upshift` or `~/.local/share/upshift`, macOS
 * `~/Library/Application Support/Upshift`, Windows `%APPDATA%\Upshift`.
 */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const explicit = env.UPSHIFT_HOME;
  if (explicit !== undefined && explicit !== '') {
    if (!p.isAbsolute(explicit)) {
      throw new UpshiftError('BAD_UPSHIFT_HOME', `UPSHIFT_HOME must be an absolute path; got "${explicit}". Set it to a full path such as ${platform === 'win32' ? 'C:\\Users\\me\\upshift' : '/home/me/.upshift'}, or unset it to use the default location.`, { category: 'usage', details: { UPSHIFT_HOME: explicit } });
    }
    return p.normalize(explicit);
  }
  const userHome = (platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
  if (platform === 'win32') {
    const appData = env.APPDATA && p.isAbsolute(env.APPDATA) ? env.APPDATA : p.join(userHome, 'AppData', 'Roaming');
    return p.join(appData, 'Upshift');
  }
  if (platform === 'darwin') return p.join(userHome, 'Library', 'Application Support', 'Upshift');
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  if (xdg && p.isAbsolute(xdg)) return p.join(xdg, 'upshift');
  return p.join(userHome, '.local', 'share', 'upshift');
}

export function statePaths(home: string): StatePaths {
  return {
    home,
    db: path.join(home, 'state.db'),
    logs: path.join(home, 'logs'),
    snapshots: path.join(home, 'snapshots'),
  };
}

/**
 * Creates the state directory (and logs/, snapshots/) readable by the owner only (0700). An existing
 * directory's permissions are left alone: `UPSHIFT_HOME` may point somewhere the user manages.
 */
export function ensureHome(home: string = resolveHome()): StatePaths {
  const paths = statePaths(home);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  mkdirSync(paths.snapshots, { recursive: true, mode: 0o700 });
  return paths;
}

/** A file-name-safe form of an id: step ids like `hook:preUpgrade` become `hook_preUpgrade`. */
export function safeSegment(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  if (cleaned === '') throw new UpshiftError('BAD_PATH_SEGMENT', `"${id}" cannot be used as a file name.`);
  return cleaned.slice(0, 120);
}

export function operationLogDir(home: string, operationId: string): string {
  return path.join(home, 'logs', safeSegment(operationId));
}

export function stepLogPath(home: string, operationId: string, stepId: string): string {
  return path.join(operationLogDir(home, operationId), `${safeSegment(stepId)}.log`);
}

export function operationSnapshotDir(home: string, operationId: string): string {
  return path.join(home, 'snapshots', safeSegment(operationId));
}
