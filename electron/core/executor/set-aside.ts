import { cpSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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
export function planSetAside(snapshotDir: string, paths: readonly string[], mode: 'move' | 'copy'): SetAsideEntry[] {
  return paths.map((path, i) => ({ path, stored: join(snapshotDir, `${i}`), mode, done: false, absent: false }));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Moves across file systems by copying then removing, since rename cannot. */
function moveAcross(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, errorOnExist: true, force: false });
    rmSync(from, { recursive: true, force: true });
  }
}

/** Sets one path aside; returns the entry as it should be journalled afterwards. */
export function setAside(root: string, entry: SetAsideEntry): SetAsideEntry {
  const source = projectPath(root, entry.path);
  if (!exists(source)) return { ...entry, done: true, absent: true };
  rmSync(entry.stored, { recursive: true, force: true });
  if (entry.mode === 'move') {
    moveAcross(source, entry.stored);
  } else {
    mkdirSync(dirname(entry.stored), { recursive: true });
    cpSync(source, entry.stored, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
  return { ...entry, done: true };
}

/**
 * Puts one path back as it was before the operation. Idempotent, so recovery can run it again after a crash
 * in the middle: an unfinished copy is discarded (the original was never touched), an unfinished move is
 * recognised by where the data is.
 */
export function restoreSetAside(root: string, entry: SetAsideEntry, opts: { keepStored?: boolean } = {}): void {
  const target = projectPath(root, entry.path);
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
    // Already moved back by an earlier, interrupted restore.
    if (exists(target)) return;
    throw new Error(`the saved copy of "${entry.path}" is missing from ${entry.stored}`);
  }
  rmSync(target, { recursive: true, force: true });
  if (opts.keepStored) {
    mkdirSync(dirname(target), { recursive: true });
    cpSync(entry.stored, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  } else {
    moveAcross(entry.stored, target);
  }
}

export function storedCopyExists(entry: SetAsideEntry): boolean {
  return entry.absent || existsSync(entry.stored);
}
