import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db.js';
import { BACKUP_FILE } from './failure.js';
import { syncDir } from './mirror.js';

/**
 * `$UPSHIFT_HOME/state.db.backup`: a verified copy of the state, for the day the database is damaged (power loss, a
 * sync tool copying it mid-write). Made with SQLite's online backup API into a temporary file, which then gets a
 * `backup_info` table (when it was taken, what it holds), passes `PRAGMA integrity_check`, and only then replaces
 * the previous backup with one atomic rename — a failed or damaged copy never replaces a good one.
 *
 * A backup is only taken when no operation is unfinished, and the copy itself is checked to hold none: crash
 * recovery acts on the journals of running operations, and a restored journal would undo an upgrade that in truth
 * finished after the backup.
 */
export interface BackupInfo {
  takenAt: string;
  schemaVersion: number;
  projects: string[];
  operations: number;
  lastOperation: { id: string; project: string; kind: string; status: string; at: string } | null;
  /** What the state looked like (see stateSignature): an unchanged state needs no new backup. */
  signature: string;
}

export type BackupOutcome =
  | { taken: true; file: string; info: BackupInfo }
  | { taken: false; reason: 'busy' | 'fresh' | 'empty' | 'failed'; detail: string };

export interface BackupPolicy {
  /** Now (tests inject it). */
  now?: () => Date;
  /** No new backup within this long of the last one, whatever changed. Default 10 minutes. */
  minIntervalMs?: number;
  /** A backup older than this is renewed even when nothing changed. Default 24 hours. */
  maxAgeMs?: number;
}

export const DEFAULT_BACKUP_MIN_INTERVAL_MS = 10 * 60_000;
export const DEFAULT_BACKUP_MAX_AGE_MS = 24 * 60 * 60_000;

export function backupPath(home: string): string {
  return path.join(home, BACKUP_FILE);
}

/** A cheap fingerprint of what a restore would bring back: operations, projects, settings and decisions. */
export function stateSignature(db: Db): string {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM operations) AS ops,
              (SELECT max(coalesce(finished_at, started_at)) FROM operations) AS lastOp,
              (SELECT group_concat(name || char(31) || path || char(31) || coalesce(core, '') || char(31) || channel || char(31) || settings, char(30)) FROM (SELECT * FROM projects ORDER BY name)) AS projects,
              (SELECT count(*) || ':' || coalesce(max(updated_at), '') FROM settings) AS settings,
              (SELECT count(*) || ':' || coalesce(max(decided_at), '') FROM decisions) AS decisions`,
    )
    .get() as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32);
}

function describe(db: Db, takenAt: string): BackupInfo {
  const projects = (db.prepare('SELECT name FROM projects ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
  const operations = (db.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }).n;
  const last = db
    .prepare('SELECT id, project, kind, status, coalesce(finished_at, started_at) AS at FROM operations ORDER BY started_at DESC, rowid DESC LIMIT 1')
    .get() as BackupInfo['lastOperation'] | undefined;
  return { takenAt, schemaVersion: Number(db.pragma('user_version', { simple: true })), projects, operations, lastOperation: last ?? null, signature: stateSignature(db) };
}

/** Reads what a backup file says it holds, without verifying it; null when it is missing or unreadable. */
export function readBackupInfo(file: string): BackupInfo | null {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db.prepare("SELECT value FROM backup_info WHERE key = 'info'").get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as BackupInfo) : null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

export type BackupCheck = { ok: true; info: BackupInfo } | { ok: false; problem: string };

/** Opens a backup read-only and runs `PRAGMA integrity_check` over it: is it safe to restore? */
export function verifyBackup(file: string): BackupCheck {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const result = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    if (result.length !== 1 || result[0] !== 'ok') return { ok: false, problem: `integrity_check: ${result.slice(0, 3).join('; ')}` };
    const row = db.prepare("SELECT value FROM backup_info WHERE key = 'info'").get() as { value: string } | undefined;
    if (!row) return { ok: false, problem: 'it has no backup_info table: it was not made by Upshift' };
    return { ok: true, info: JSON.parse(row.value) as BackupInfo };
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  } finally {
    db?.close();
  }
}

function removeQuietly(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
}

/** Temporary copies a crashed backup left behind (their process is gone: any older than an hour). */
function removeStaleTemps(home: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(home);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${BACKUP_FILE}.tmp-`)) continue;
    try {
      if (now - statSync(path.join(home, name)).mtimeMs > 60 * 60_000) rmSync(path.join(home, name), { force: true });
    } catch {
      // raced with another process's cleanup
    }
  }
}

/**
 * Takes a verified backup of `db` (the live state at `home`) now, unless an operation is unfinished. Throws only
 * for failures of the state directory (read-only, full disk); the previous backup is left as it was in every case.
 */
export async function takeBackup(db: Db, home: string, now: () => Date = () => new Date()): Promise<BackupOutcome> {
  const running = (db.prepare("SELECT count(*) AS n FROM operations WHERE status = 'running'").get() as { n: number }).n;
  if (running > 0) return { taken: false, reason: 'busy', detail: `${running} operation(s) unfinished` };
  const file = backupPath(home);
  const tmp = `${file}.tmp-${process.pid}-${now().getTime()}`;
  removeStaleTemps(home, now().getTime());
  try {
    await db.backup(tmp);
    const copy = new Database(tmp);
    let info: BackupInfo;
    try {
      // One self-contained file: no -wal beside it to lose or mismatch.
      copy.pragma('journal_mode = DELETE');
      const stillRunning = (copy.prepare("SELECT count(*) AS n FROM operations WHERE status = 'running'").get() as { n: number }).n;
      if (stillRunning > 0) {
        copy.close();
        removeQuietly(tmp);
        return { taken: false, reason: 'busy', detail: 'an operation started while the copy was made' };
      }
      info = describe(copy, now().toISOString());
      copy.exec('CREATE TABLE backup_info (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)');
      copy.prepare("INSERT INTO backup_info (key, value) VALUES ('info', ?)").run(JSON.stringify(info));
      const check = (copy.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
      if (check.length !== 1 || check[0] !== 'ok') {
        copy.close();
        removeQuietly(tmp);
        return { taken: false, reason: 'failed', detail: `the copy failed its integrity check (${check.slice(0, 3).join('; ')}); the previous backup was kept` };
      }
    } finally {
      if (copy.open) copy.close();
    }
    chmodSync(tmp, 0o600);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    syncDir(home);
    return { taken: true, file, info };
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
}

/**
 * Takes a backup when one is due: none yet, or the last is older than `minIntervalMs` and the state changed since,
 * or it is older than `maxAgeMs`. Costs one stat while the last backup is recent. An empty state (no projects, no
 * operations) is not worth a backup.
 */
export async function maintainBackup(db: Db, home: string, policy: BackupPolicy = {}): Promise<BackupOutcome> {
  const now = policy.now ?? (() => new Date());
  const minInterval = policy.minIntervalMs ?? DEFAULT_BACKUP_MIN_INTERVAL_MS;
  const maxAge = policy.maxAgeMs ?? DEFAULT_BACKUP_MAX_AGE_MS;
  const file = backupPath(home);
  let mtime: number | null = null;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    mtime = null;
  }
  const t = now().getTime();
  if (mtime !== null && t - mtime < minInterval && t >= mtime) return { taken: false, reason: 'fresh', detail: 'the last backup is recent' };
  const counts = db.prepare('SELECT (SELECT count(*) FROM projects) AS p, (SELECT count(*) FROM operations) AS o').get() as { p: number; o: number };
  if (counts.p === 0 && counts.o === 0) return { taken: false, reason: 'empty', detail: 'no projects and no history yet' };
  if (mtime !== null) {
    const info = readBackupInfo(file);
    if (info && info.signature === stateSignature(db) && t - Date.parse(info.takenAt) < maxAge) {
      return { taken: false, reason: 'fresh', detail: 'nothing changed since the last backup' };
    }
  }
  return takeBackup(db, home, now);
}
