import { closeSync, existsSync, fsyncSync, openSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UpshiftError } from '../errors.js';

/**
 * Failures of the state directory itself — the SQLite database, `logs/`, `snapshots/`, the backup and the
 * projects mirror — as UpshiftErrors of category `state` (exit code 5), each naming the file or directory, the
 * cause in plain words, what was left unchanged and what to do. A corrupt database, a read-only or full disk are
 * real events (power loss, sync tools, a full /home); "disk I/O error" from SQLite says none of that.
 */
export type StateFailureCode = 'STATE_CORRUPT' | 'STATE_READ_ONLY' | 'STATE_DISK_FULL' | 'STATE_UNAVAILABLE';

export const STATE_FAILURE_CODES: readonly StateFailureCode[] = ['STATE_CORRUPT', 'STATE_READ_ONLY', 'STATE_DISK_FULL', 'STATE_UNAVAILABLE'];

/** Whether the failure happened while opening the state (nothing ran yet) or while a command was using it. */
export type StatePhase = 'open' | 'use';

export interface StateWhere {
  /** The state directory. */
  home: string;
  /** The file or directory being opened, read or written; default `<home>/state.db`. */
  target?: string;
  phase: StatePhase;
}

/** The backup and mirror files beside the database: named in the advice when they exist. */
export const BACKUP_FILE = 'state.db.backup';
export const MIRROR_FILE = 'projects.json';

const SQLITE_CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;
const SQLITE_FULL = /^SQLITE_FULL/;
const SQLITE_READONLY = /^SQLITE_READONLY/;
/** Codes that mean "the file or its directory cannot be used"; the directory is probed to say why. */
const SQLITE_IO = /^SQLITE_(CANTOPEN|IOERR|PERM|NOLFS)/;

const ERRNO_READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);
const ERRNO_FULL = new Set(['ENOSPC', 'EDQUOT']);
const ERRNO_UNAVAILABLE = new Set(['ENOTDIR', 'EISDIR', 'EEXIST', 'EIO', 'ENOENT', 'ELOOP', 'ENAMETOOLONG', 'EMFILE', 'ENFILE']);

interface ErrLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  path?: unknown;
  syscall?: unknown;
}

function sqliteCode(err: unknown): string | null {
  const e = err as ErrLike | null;
  return e && e.name === 'SqliteError' && typeof e.code === 'string' ? e.code : null;
}

function errnoCode(err: unknown): string | null {
  const e = err as ErrLike | null;
  return e && typeof e.code === 'string' && typeof e.syscall === 'string' && /^E[A-Z]+$/.test(e.code) ? e.code : null;
}

function inside(home: string, p: string): boolean {
  const rel = path.relative(home, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The first cause in the chain that SQLite or the file system raised (openDatabase wraps them). */
function rootCause(err: unknown): unknown {
  let e: unknown = err;
  for (let i = 0; i < 5 && e instanceof Error; i++) {
    if (sqliteCode(e) || errnoCode(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return err;
}

export function isStateFailure(err: unknown): err is UpshiftError {
  return err instanceof UpshiftError && err.category === 'state';
}

/**
 * `err` as a state-directory failure, or null when it is not one (a busy database, a bug, a failure in a
 * checkout). Already-classified errors are returned as they are. File-system errors count only when their path is
 * inside the state directory, or when the caller says it was touching the state (`where.target`).
 */
export function stateFailure(err: unknown, where: StateWhere): UpshiftError | null {
  if (isStateFailure(err)) return err;
  if (err instanceof UpshiftError && !/^STATE_/.test(err.code)) return null;
  const cause = rootCause(err);
  const home = where.home;
  const dbFile = path.join(home, 'state.db');
  const sqlite = sqliteCode(cause);
  const message = String((cause as ErrLike).message ?? cause);
  if (sqlite) {
    const file = where.target ?? dbFile;
    if (SQLITE_CORRUPT.test(sqlite)) return corrupt(file, home, message, sqlite, where.phase, cause);
    if (SQLITE_FULL.test(sqlite)) return diskFull(home, file, sqlite, where.phase, cause);
    if (SQLITE_READONLY.test(sqlite) || SQLITE_IO.test(sqlite)) return diagnose(home, file, message, sqlite, where.phase, cause);
    return null;
  }
  const errno = errnoCode(cause);
  if (!errno) return null;
  const errPath = typeof (cause as ErrLike).path === 'string' ? ((cause as ErrLike).path as string) : undefined;
  if (!(errPath !== undefined ? inside(home, errPath) || (where.target !== undefined && errPath === where.target) : where.target !== undefined)) return null;
  const target = errPath ?? where.target ?? home;
  if (ERRNO_FULL.has(errno)) return diskFull(home, target, errno, where.phase, cause);
  if (ERRNO_READ_ONLY.has(errno)) return readOnly(home, target, errno, where.phase, cause);
  if (ERRNO_UNAVAILABLE.has(errno)) {
    // Node's recursive mkdir reports ENOENT on a read-only or full file system: ask the disk itself.
    if (errno === 'ENOENT' && !fileWhereDirShouldBe(target)) {
      const dir = existingDir(target);
      const probe = probeDirectory(dir);
      if (probe && ERRNO_READ_ONLY.has(probe)) return readOnly(home, dir, `${errno}/${probe}`, where.phase, cause);
      if (probe && ERRNO_FULL.has(probe)) return diskFull(home, dir, `${errno}/${probe}`, where.phase, cause);
    }
    return unavailable(home, target, describeErrno(errno, target, home), errno, where.phase, cause);
  }
  return null;
}

/** What a probe write into the directory says about it: null when a 4 KiB file could be written and synced. */
export function probeDirectory(dir: string): string | null {
  const file = path.join(dir, `.upshift-probe-${process.pid}-${Date.now()}`);
  let fd: number | null = null;
  try {
    fd = openSync(file, 'wx', 0o600);
    writeSync(fd, Buffer.alloc(4096));
    fsyncSync(fd);
    return null;
  } catch (err) {
    return errnoCode(err) ?? 'EIO';
  } finally {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(file);
    } catch {
      // never created
    }
  }
}

/** Bytes free for an unprivileged writer on the disk holding `dir`, or null when unknown. */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

/** The nearest existing directory at or above `p` (a missing state directory is probed through its parent). */
function existingDir(p: string): string {
  let dir = p;
  for (let i = 0; i < 64; i++) {
    try {
      if (statSync(dir).isDirectory()) return dir;
    } catch {
      // missing, or a file where a directory should be
    }
    const up = path.dirname(dir);
    if (up === dir) return dir;
    dir = up;
  }
  return dir;
}

function diagnose(home: string, file: string, message: string, code: string, phase: StatePhase, cause: unknown): UpshiftError {
  const notDir = fileWhereDirShouldBe(home);
  if (notDir) return unavailable(home, notDir, `${notDir} is a file, not a directory`, code, phase, cause);
  if (existsSync(file) && statSync(file).isDirectory()) return unavailable(home, file, `${file} is a directory, not a database file`, code, phase, cause);
  const dir = existingDir(home);
  const probe = probeDirectory(dir);
  if (probe && ERRNO_FULL.has(probe)) return diskFull(home, dir, `${code}/${probe}`, phase, cause);
  if (probe && ERRNO_READ_ONLY.has(probe)) return readOnly(home, dir, `${code}/${probe}`, phase, cause);
  const free = freeBytes(dir);
  if (free !== null && free < 64 * 1024) return diskFull(home, dir, code, phase, cause);
  if (SQLITE_READONLY.test(code)) return readOnly(home, file, code, phase, cause);
  return unavailable(home, file, `SQLite: ${message}`, code, phase, cause);
}

/** `home` or one of its parents is a regular file: ENOTDIR for everything below it. */
function fileWhereDirShouldBe(home: string): string | null {
  let p = home;
  for (let i = 0; i < 64; i++) {
    try {
      const s = statSync(p);
      return s.isDirectory() ? null : p;
    } catch {
      const up = path.dirname(p);
      if (up === p) return null;
      p = up;
    }
  }
  return null;
}

function describeErrno(errno: string, target: string, home: string): string {
  switch (errno) {
    case 'ENOTDIR': {
      const file = fileWhereDirShouldBe(target) ?? fileWhereDirShouldBe(home);
      return file ? `${file} is a file, not a directory` : `a part of ${target} is a file, not a directory`;
    }
    case 'EISDIR':
      return `${target} is a directory where a file was expected`;
    case 'EEXIST':
      return `${target} already exists and is not a directory`;
    case 'ENOENT':
      return `${target} does not exist (was it deleted while Upshift ran?)`;
    case 'EIO':
      return `the disk reported an input/output error on ${target}`;
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return `${errno} on ${target}`;
  }
}

function unchanged(phase: StatePhase): string {
  return phase === 'open'
    ? 'Nothing was changed: no command ran and no checkout was touched.'
    : 'The command stopped here. Your checkouts are as they were — or, if an upgrade was under way, it is rolled back by the next command once the state directory works again.';
}

function corrupt(file: string, home: string, message: string, code: string, phase: StatePhase, cause: unknown): UpshiftError {
  const backup = path.join(home, BACKUP_FILE);
  const mirror = path.join(home, MIRROR_FILE);
  const hasBackup = existsSync(backup);
  const hasMirror = existsSync(mirror);
  const next = hasBackup
    ? `restore the verified backup ${backup} (from ${statSync(backup).mtime.toISOString()})`
    : hasMirror
      ? `rebuild your projects from ${mirror} (there is no backup, so the history is lost)`
      : 'start an empty one (there is no backup and no projects mirror: add your projects again)';
  return new UpshiftError(
    'STATE_CORRUPT',
    `The state database ${file} is damaged (SQLite: "${message}"). ${unchanged(phase)} Run \`upshift state restore\` to move the damaged file aside (it is kept, renamed state.db.corrupt-<time>) and ${next}; \`upshift state\` shows what each holds.`,
    { category: 'state', cause, details: { file, home, reason: 'corrupt', cause: code, ...(hasBackup ? { backup } : {}), ...(hasMirror ? { mirror } : {}) } },
  );
}

function readOnly(home: string, target: string, code: string, phase: StatePhase, cause: unknown): UpshiftError {
  const denied = /EACCES|EPERM|SQLITE_PERM/.test(code);
  const why = denied ? `permission denied (it is not writable by ${process.getuid?.() === 0 ? 'root here' : 'your user'})` : 'it is read-only (the file system is mounted read-only)';
  return new UpshiftError(
    'STATE_READ_ONLY',
    `Upshift cannot write to its state directory: ${target} — ${why}. ${unchanged(phase)} Make ${home} writable (${denied ? 'fix its owner or permissions' : 'remount it read-write'}), or set UPSHIFT_HOME to a writable directory, then run the command again.`,
    { category: 'state', cause, details: { home, path: target, reason: denied ? 'permission-denied' : 'read-only', cause: code } },
  );
}

function diskFull(home: string, target: string, code: string, phase: StatePhase, cause: unknown): UpshiftError {
  const free = freeBytes(existingDir(home));
  return new UpshiftError(
    'STATE_DISK_FULL',
    `The disk is full: Upshift could not write ${target === home ? 'to its state directory' : `${target} in its state directory`} ${home}${free !== null ? ` (${free} bytes free)` : ''}. ${unchanged(phase)} Free some space on that disk, or set UPSHIFT_HOME to a directory on another disk, then run the command again.`,
    { category: 'state', retryable: true, cause, details: { home, path: target, reason: 'disk-full', cause: code, ...(free !== null ? { freeBytes: free } : {}) } },
  );
}

function unavailable(home: string, target: string, why: string, code: string, phase: StatePhase, cause: unknown): UpshiftError {
  return new UpshiftError(
    'STATE_UNAVAILABLE',
    `Upshift cannot use its state directory ${home}: ${why}. ${unchanged(phase)} Fix ${target} (or set UPSHIFT_HOME to another directory), then run the command again.`,
    { category: 'state', cause, details: { home, path: target, reason: why, cause: code } },
  );
}
