/**
 * Copies a directory tree for a snapshot (issue 12 §3): by reflink (FICLONE) where the file system supports
 * copy-on-write — btrfs, XFS with reflink, APFS — so a 50,000-file node_modules costs metadata only; else a plain
 * copy, file by file, reporting progress. Which of the two was used is returned, for the operation's log.
 *
 * The first regular file decides: cloning it with COPYFILE_FICLONE_FORCE either works (every other file is on the
 * same file systems, so it will too) or fails with "not supported", and the whole tree is copied instead.
 */
import { chmodSync, constants, copyFileSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

export type CloneMethod = 'reflink' | 'copy';

export interface CloneProgress {
  files: number;
  bytes: number;
}

export interface CloneOptions {
  /** Called every `progressEvery` files and once at the end. */
  onProgress?: (p: CloneProgress) => void;
  progressEvery?: number;
  /** For tests: 'copy' never tries a reflink; 'reflink' fails instead of falling back. Default: try, then copy. */
  force?: CloneMethod;
}

export interface CloneResult extends CloneProgress {
  method: CloneMethod;
}

/** errno codes meaning "this file system (pair) cannot clone", as opposed to a real failure. */
const NO_CLONE = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'ENOTTY', 'EPERM']);

/**
 * Copies `from` (a directory, a file or a symlink) to `to`, which must not exist. Symlinks are copied as links
 * (never followed), modes and modification times are kept. Throws on the first real failure (a full disk); the
 * caller discards a partial copy.
 */
export function cloneTree(from: string, to: string, opts: CloneOptions = {}): CloneResult {
  const every = opts.progressEvery ?? 2000;
  const state = { method: (opts.force ?? null) as CloneMethod | null, files: 0, bytes: 0 };
  const copyFile = (src: string, dst: string, size: number) => {
    if (state.method !== 'copy') {
      try {
        copyFileSync(src, dst, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
        state.method = 'reflink';
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (state.method === 'reflink' || !NO_CLONE.has(code)) throw e;
        state.method = 'copy';
      }
    }
    // COPYFILE_FICLONE still clones opportunistically (and copy_file_range lets the kernel copy in place).
    copyFileSync(src, dst, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    state.bytes += size;
  };
  const walk = (src: string, dst: string) => {
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      symlinkSync(readlinkSync(src), dst);
    } else if (st.isDirectory()) {
      mkdirSync(dst);
      for (const name of readdirSync(src)) walk(join(src, name), join(dst, name));
      // The mode last: a read-only directory must be writable while it is filled.
      chmodSync(dst, st.mode & 0o7777);
      utimesSync(dst, st.atime, st.mtime);
      return;
    } else if (st.isFile()) {
      copyFile(src, dst, st.size);
      utimesSync(dst, st.atime, st.mtime);
    } else {
      // Sockets, FIFOs, devices: nothing a dependency directory needs back; skipped like cp -R would fail on them.
      return;
    }
    state.files++;
    if (opts.onProgress && state.files % every === 0) opts.onProgress({ files: state.files, bytes: state.bytes });
  };
  walk(from, to);
  opts.onProgress?.({ files: state.files, bytes: state.bytes });
  return { method: state.method ?? 'copy', files: state.files, bytes: state.bytes };
}
