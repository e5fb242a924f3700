import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { SnapshotPathMode } from '../../../shared/plan/index.js';
import { cloneTree, type CloneProgress } from './clone-tree.js';
import type { SetAsideEntry } from './journal.js';

/** Resolves a manifest path inside the project, refusing anything that escapes it (the manifest loader does too). */
export function projectPath(root: string, rel: string): string {
  const abs = resolve(root, rel);
  const back = relative(root, abs);
  if (back === '' || back.startsWith('..') || back.split(sep).includes('..')) {
    throw new Error(`snapshot path "${rel}" is outside the project ${root}`);
  }
  return abs;
}

/** Plans where each path goes: `<snapshotDir>/<index>` keeps names with odd characters out of the way. */
export function planSetAside(snapshotDir: string, modes: readonly Pick<SnapshotPathMode, 'path' | 'mode'>[]): SetAsideEntry[] {
  return modes.map(({ path, mode }, i) => ({ path, stored: join(snapshotDir, `${i}`), mode, done: false, absent: false }));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Moves across file systems by copying then removing, since rename cannot. Returns how it was moved. */
function moveAcross(from: string, to: string): 'rename' | 'reflink' | 'copy' {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
    return 'rename';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const { method } = cloneTree(from, to);
    rmSync(from, { recursive: true, force: true });
    return method;
  }
}

export interface SetAsideOptions {
  /** Progress of a copy (a reflink clone or a file-by-file copy), every few thousand files. */
  onProgress?: (p: CloneProgress & { path: string }) => void;
}

/** Sets one path aside; returns the entry as it should be journalled afterwards (with how it was done). */
export function setAside(root: string, entry: SetAsideEntry, opts: SetAsideOptions = {}): SetAsideEntry {
  const source = projectPath(root, entry.path);
  if (!exists(source)) return { ...entry, done: true, absent: true };
  rmSync(entry.stored, { recursive: true, force: true });
  if (entry.mode === 'move') return { ...entry, done: true, method: moveAcross(source, entry.stored) };
  mkdirSync(dirname(entry.stored), { recursive: true });
  const progress = opts.onProgress;
  const { method } = cloneTree(source, entry.stored, progress ? { onProgress: (p) => progress({ ...p, path: entry.path }) } : {});
  return { ...entry, done: true, method };
}

/**
 * Where the tree a restore replaces goes first: beside the saved copy (same file system, so a rename), named after
 * it so a repeated restore finds and removes it.
 */
function discardPath(entry: SetAsideEntry): string {
  return join(dirname(entry.stored), `${basename(entry.stored)}.replaced`);
}

/**
 * Puts one path back as it was before the operation. Idempotent, so recovery can run it again after a crash
 * in the middle: an unfinished copy is discarded (the original was never touched), an unfinished move is
 * recognised by where the data is.
 *
 * Restoring is a rename (issue 12 §3): what the failed install left is renamed out of the way, the saved copy renamed
 * into place, and only then is the replaced tree removed. `keepStored` (a rollback that must keep the copy for a
 * later undo) clones it back instead, by reflink where the file system supports it.
 */
export interface RestoreOptions {
  keepStored?: boolean;
  /**
   * Remove the replaced tree (what the failed install left, often as large as the saved one) in a detached `rm -rf`
   * after the restore, so the rollback is done at the rename. It sits under the snapshot directory, outside the
   * project; a removal that dies leaves only that, which the next restore of the entry removes.
   */
  discardInBackground?: boolean;
}

/** Removes `dir` in a detached process (POSIX `rm -rf`), or at once where there is none. */
function removeLater(dir: string): void {
  if (!existsSync(dir)) return;
  if (process.platform === 'win32') {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  try {
    spawn('rm', ['-rf', '--', dir], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function restoreSetAside(root: string, entry: SetAsideEntry, opts: RestoreOptions = {}): void {
  const target = projectPath(root, entry.path);
  const discard = discardPath(entry);
  if (!entry.done) {
    // The copy or move did not complete. A move is a rename: either it happened (data is stored) or not.
    if (entry.mode === 'move' && exists(entry.stored) && !exists(target)) moveAcross(entry.stored, target);
    else rmSync(entry.stored, { recursive: true, force: true });
    return;
  }
  if (entry.absent) {
    rmSync(target, { recursive: true, force: true });
    return;
  }
  if (!exists(entry.stored)) {
    // Already moved back by an earlier, interrupted restore (which may have left the replaced tree behind).
    if (exists(target)) {
      rmSync(discard, { recursive: true, force: true });
      return;
    }
    throw new Error(`the saved copy of "${entry.path}" is missing from ${entry.stored}`);
  }
  if (exists(target)) {
    rmSync(discard, { recursive: true, force: true });
    try {
      renameSync(target, discard);
    } catch (err) {
      // Another file system than the snapshot directory: remove it in place, as before.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      rmSync(target, { recursive: true, force: true });
    }
  }
  if (opts.keepStored) {
    mkdirSync(dirname(target), { recursive: true });
    cloneTree(entry.stored, target);
  } else {
    moveAcross(entry.stored, target);
  }
  if (opts.discardInBackground) removeLater(discard);
  else rmSync(discard, { recursive: true, force: true });
}

export function storedCopyExists(entry: SetAsideEntry): boolean {
  return entry.absent || existsSync(entry.stored);
}

