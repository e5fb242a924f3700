import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { UpshiftError } from '../errors.js';
import { backupPath, verifyBackup, type BackupInfo } from './backup.js';
import { openDatabase, type Db } from './db.js';
import { stateFailure } from './failure.js';
import { mirrorPath, readMirror, syncDir, type MirroredProject, type ProjectsMirror } from './mirror.js';

/**
 * `upshift state` and `upshift state restore`: how healthy the state directory is, and the way back from a damaged
 * database — move it aside (never delete it), then put back the verified backup, or rebuild the projects from the
 * mirror when there is no backup, and say which happened and what was lost.
 */
export interface DatabaseHealth {
  file: string;
  exists: boolean;
  ok: boolean;
  /**
   * `damaged`: SQLite says the file is not a sound database (restore helps); `unavailable`: it cannot be opened at
   * all (read-only or full disk, permissions — `failure` says which; restore would not help).
   */
  status: 'ok' | 'missing' | 'damaged' | 'unavailable';
  /** Why it is not ok (SQLite's words), null when ok or missing. */
  problem: string | null;
  /** For `unavailable`: the STATE_* error naming the cause. */
  failure: { code: string; message: string } | null;
  projects: string[] | null;
  operations: number | null;
  running: number | null;
}

export interface StateHealth {
  home: string;
  database: DatabaseHealth;
  backup: { file: string; exists: boolean; ok: boolean; problem: string | null; info: BackupInfo | null };
  mirror: { file: string; exists: boolean; ok: boolean; problem: string | null; writtenAt: string | null; projects: string[] | null };
  /** Damaged databases moved aside by earlier restores (kept until you delete them). */
  corruptCopies: string[];
}

function rows<T>(db: Db, sql: string): T[] {
  return db.prepare(sql).all() as T[];
}

/** Opens the database read-only and runs `PRAGMA quick_check`: a damaged file reports why, never throws. */
export function checkDatabase(file: string): DatabaseHealth {
  const base: DatabaseHealth = { file, exists: existsSync(file), ok: false, status: 'missing', problem: null, failure: null, projects: null, operations: null, running: null };
  if (!base.exists) return base;
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check);
    if (check.length !== 1 || check[0] !== 'ok') return { ...base, status: 'damaged', problem: `quick_check: ${check.slice(0, 3).join('; ')}` };
    const projects = rows<{ name: string }>(db, 'SELECT name FROM projects ORDER BY name').map((r) => r.name);
    const counts = db.prepare("SELECT count(*) AS n, sum(status = 'running') AS r FROM operations").get() as { n: number; r: number | null };
    return { ...base, ok: true, status: 'ok', projects, operations: counts.n, running: counts.r ?? 0 };
  } catch (err) {
    const failure = stateFailure(err, { home: path.dirname(file), target: file, phase: 'open' });
    if (failure && failure.code !== 'STATE_CORRUPT') return { ...base, status: 'unavailable', problem: (err as Error).message, failure: { code: failure.code, message: failure.message } };
    return { ...base, status: 'damaged', problem: (err as Error).message };
  } finally {
    db?.close();
  }
}

export function inspectState(home: string): StateHealth {
  const database = checkDatabase(path.join(home, 'state.db'));
  const bfile = backupPath(home);
  const bexists = existsSync(bfile);
  const verified = bexists ? verifyBackup(bfile) : null;
  const mfile = mirrorPath(home);
  const reading = readMirror(home);
  let corruptCopies: string[] = [];
  try {
    corruptCopies = readdirSync(home)
      .filter((n) => /^state\.db\.corrupt-\d{8}T\d{6}Z(-\d+)?$/.test(n))
      .sort()
      .map((n) => path.join(home, n));
  } catch {
    corruptCopies = [];
  }
  return {
    home,
    database,
    backup: { file: bfile, exists: bexists, ok: verified?.ok === true, problem: verified && !verified.ok ? verified.problem : null, info: verified?.ok ? verified.info : null },
    mirror: {
      file: mfile,
      exists: existsSync(mfile),
      ok: reading.mirror !== null,
      problem: reading.mirror ? null : existsSync(mfile) ? reading.problem : null,
      writtenAt: reading.mirror?.writtenAt ?? null,
      projects: reading.mirror?.projects.map((p) => p.name) ?? null,
    },
    corruptCopies,
  };
}

export interface LostOperation {
  id: string;
  project: string;
  kind: string;
  status: string;
  startedAt: string;
}

export interface RestoreReport {
  home: string;
  /** `backup`: the verified backup was put back; `mirror`: there was no usable backup, the projects were rebuilt. */
  source: 'backup' | 'mirror';
  /** Where the damaged database (and its -wal/-shm) went; empty when there was no state.db. */
  movedAside: string[];
  backup: BackupInfo | null;
  /** Why the backup was not used (source mirror). */
  backupProblem: string | null;
  mirror: { file: string; writtenAt: string; used: boolean } | null;
  /** After the restore. */
  projects: string[];
  operations: number;
  /** Projects the mirror (newer than the backup) had and the backup did not: added back. */
  projectsAdded: string[];
  /** Projects the backup had and the newer mirror did not (removed since): removed again. */
  projectsRemoved: string[];
  /** What the damaged database recorded that the restored state does not have, when it could still be read. */
  lost: { readable: boolean; operations: LostOperation[]; unfinished: LostOperation[]; note: string };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function insertProject(db: Db, p: MirroredProject): void {
  db.prepare('INSERT INTO projects (name, path, core, manifest, channel, settings, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    p.name,
    p.path,
    p.core,
    p.manifest,
    p.channel,
    JSON.stringify(p.settings),
    p.addedAt,
  );
}

function writeSettings(db: Db, settings: Record<string, unknown>, now: string): void {
  db.prepare('DELETE FROM settings').run();
  const put = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)');
  for (const [k, v] of Object.entries(settings)) put.run(k, JSON.stringify(v), now);
}

/** Brings the restored backup's projects and settings up to the newer mirror's. */
function reconcile(db: Db, mirror: ProjectsMirror, now: string): { added: string[]; removed: string[] } {
  const have = new Map(rows<{ name: string; path: string }>(db, 'SELECT name, path FROM projects').map((r) => [r.name, r.path]));
  const want = new Map(mirror.projects.map((p) => [p.name, p]));
  const added: string[] = [];
  const removed: string[] = [];
  db.transaction(() => {
    for (const name of have.keys()) {
      if (!want.has(name)) {
        db.prepare('DELETE FROM projects WHERE name = ?').run(name);
        removed.push(name);
      }
    }
    for (const p of mirror.projects) {
      if (have.has(p.name)) {
        db.prepare('UPDATE projects SET path = ?, core = ?, manifest = ?, channel = ?, settings = ? WHERE name = ?').run(p.path, p.core, p.manifest, p.channel, JSON.stringify(p.settings), p.name);
      } else {
        // A project whose path another (since renamed) project held in the backup takes it over.
        db.prepare('DELETE FROM projects WHERE path = ? AND name <> ?').run(p.path, p.name);
        insertProject(db, p);
        added.push(p.name);
      }
    }
    writeSettings(db, mirror.settings, now);
  })();
  return { added, removed };
}

/** What the damaged file still lets us read: operations the restored state does not hold. */
function salvageLost(damaged: string | null, restored: Db, since: string | null): RestoreReport['lost'] {
  if (!damaged) return { readable: false, operations: [], unfinished: [], note: 'there was no damaged database to compare with' };
  let db: Db | null = null;
  try {
    db = new Database(damaged, { readonly: true, fileMustExist: true });
    const all = rows<{ id: string; project: string; kind: string; status: string; started_at: string }>(db, 'SELECT id, project, kind, status, started_at FROM operations ORDER BY started_at');
    const known = new Set(rows<{ id: string }>(restored, 'SELECT id FROM operations').map((r) => r.id));
    const lost = all.filter((o) => !known.has(o.id)).map((o) => ({ id: o.id, project: o.project, kind: o.kind, status: o.status, startedAt: o.started_at }));
    return {
      readable: true,
      operations: lost,
      unfinished: lost.filter((o) => o.status === 'running'),
      note: lost.length === 0 ? 'the damaged database recorded no operation the restored state lacks' : `${lost.length} operation(s) recorded after the backup are not in the restored history`,
    };
  } catch (err) {
    return {
      readable: false,
      operations: [],
      unfinished: [],
      note: `the damaged database could not be read (${(err as Error).message}): anything recorded${since ? ` after ${since}` : ''} — operations, checks, settings changed since — is not in the restored state`,
    };
  } finally {
    db?.close();
  }
}

/**
 * Replaces a damaged (or missing) `state.db` with the verified backup, or — without one — with a new database
 * holding the projects and settings of `projects.json`. The damaged file and its -wal/-shm are renamed
 * `state.db.corrupt-<time>[-wal|-shm]`, never deleted. Refused (nothing-to-do) while the database passes its check.
 * The new database is complete and checked before the damaged one is moved; until then nothing changes.
 */
export function restoreState(home: string, now: () => Date = () => new Date()): RestoreReport {
  const dbFile = path.join(home, 'state.db');
  const health = checkDatabase(dbFile);
  if (health.ok) {
    throw new UpshiftError('STATE_HEALTHY', `${dbFile} passes its integrity check (${health.projects?.length ?? 0} projects, ${health.operations ?? 0} operations): there is nothing to restore. Nothing was changed.`, {
      category: 'nothing-to-do',
      details: { file: dbFile },
    });
  }
  if (health.status === 'unavailable') {
    // Read-only or full disk, permissions: a restore would meet the same wall. Say what it is instead.
    throw checkFailure(dbFile, home);
  }
  const bfile = backupPath(home);
  const verified = existsSync(bfile) ? verifyBackup(bfile) : null;
  const reading = readMirror(home);
  if (!verified?.ok && !reading.mirror) {
    throw new UpshiftError(
      'STATE_NO_BACKUP',
      `${dbFile} ${health.exists ? `is damaged (${health.problem})` : 'does not exist'}, and there is nothing to restore from: ${verified ? `the backup ${bfile} is unusable (${verified.problem})` : `no backup ${bfile}`}, and ${reading.problem}. Nothing was changed. To start over, move ${dbFile} aside yourself (mv "${dbFile}" "${dbFile}.corrupt") and add your projects again with \`upshift add\`.`,
      { category: 'state', details: { file: dbFile, backup: bfile, mirror: mirrorPath(home) } },
    );
  }
  const at = now();
  const tmp = path.join(home, `state.db.restoring-${process.pid}`);
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  const source: RestoreReport['source'] = verified?.ok ? 'backup' : 'mirror';
  let added: string[] = [];
  let removed: string[] = [];
  let mirrorUsed = false;
  let db: Db | null = null;
  try {
    if (verified?.ok) copyFileSync(bfile, tmp);
    db = openDatabase(tmp); // migrates a backup from an older schema, creates the schema for a rebuild
    if (verified?.ok) {
      db.exec('DROP TABLE IF EXISTS backup_info');
      // The processes that held locks when the backup was taken are gone.
      db.exec('DELETE FROM locks');
      if (reading.mirror && reading.mirror.writtenAt > verified.info.takenAt) {
        ({ added, removed } = reconcile(db, reading.mirror, at.toISOString()));
        mirrorUsed = true;
      }
    } else if (reading.mirror) {
      const m = reading.mirror;
      db.transaction(() => {
        for (const p of m.projects) insertProject(db!, p);
        writeSettings(db!, m.settings, at.toISOString());
      })();
      added = m.projects.map((p) => p.name);
      mirrorUsed = true;
    }
    const check = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    if (check.length !== 1 || check[0] !== 'ok') throw new UpshiftError('STATE_RESTORE_FAILED', `The restored copy failed its integrity check (${check[0]}). Nothing was changed.`, { category: 'state' });
    db.pragma('journal_mode = DELETE');
    db.close();
    db = null;
    fsyncFile(tmp);

    const movedAside: string[] = [];
    const aside = path.join(home, `state.db.corrupt-${stamp(at)}`);
    let target = aside;
    for (let n = 2; existsSync(target); n++) target = `${aside}-${n}`;
    if (existsSync(dbFile)) {
      // The -wal travels with its database: left beside the restored file, SQLite would replay it into it.
      renameSync(dbFile, target);
      movedAside.push(target);
      for (const suffix of ['-wal', '-shm', '-journal']) {
        if (existsSync(`${dbFile}${suffix}`)) {
          renameSync(`${dbFile}${suffix}`, `${target}${suffix}`);
          movedAside.push(`${target}${suffix}`);
        }
      }
    }
    try {
      renameSync(tmp, dbFile);
    } catch (err) {
      // Put the damaged file back where it was: better than no state.db at all.
      for (const moved of movedAside) renameSync(moved, moved.replace(target, dbFile));
      throw err;
    }
    syncDir(home);

    const restored = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      const projects = rows<{ name: string }>(restored, 'SELECT name FROM projects ORDER BY name').map((r) => r.name);
      const operations = (restored.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }).n;
      const lost = salvageLost(movedAside[0] ?? null, restored, verified?.ok ? verified.info.takenAt : null);
      return {
        home,
        source,
        movedAside,
        backup: verified?.ok ? verified.info : null,
        backupProblem: verified && !verified.ok ? verified.problem : verified ? null : `no backup at ${bfile}`,
        mirror: reading.mirror ? { file: mirrorPath(home), writtenAt: reading.mirror.writtenAt, used: mirrorUsed } : null,
        projects,
        operations,
        projectsAdded: added,
        projectsRemoved: removed,
        lost,
      };
    } finally {
      restored.close();
    }
  } catch (err) {
    db?.close();
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
    throw stateFailure(err, { home, target: tmp, phase: 'open' }) ?? err;
  }
}

function checkFailure(file: string, home: string): UpshiftError {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('quick_check');
  } catch (err) {
    const failure = stateFailure(err, { home, target: file, phase: 'open' });
    if (failure) return failure;
  } finally {
    db?.close();
  }
  return new UpshiftError('STATE_UNAVAILABLE', `${file} cannot be opened. Nothing was changed.`, { category: 'state', details: { file } });
}

/** Size and modification time, for the status output. */
export function fileFacts(file: string): { bytes: number; modifiedAt: string } | null {
  try {
    const s = statSync(file);
    return { bytes: s.size, modifiedAt: s.mtime.toISOString() };
  } catch {
    return null;
  }
}
