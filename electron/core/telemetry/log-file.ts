/**
 * The log file: JSON lines appended to `<home>/logs/upshift.log`, rotated by size and kept as `upshift.log.1` …
 * `upshift.log.N` (1 the newest). Several processes append to the same file at once — the CLI, `serve`, the
 * daemon — so:
 *
 * - every line is one `write(2)` on a descriptor opened with O_APPEND: the kernel appends whole lines, never
 *   interleaving two writers' bytes (lines are far below PIPE_BUF-sized concerns on local file systems);
 * - rotation takes a lock file created with O_EXCL (`upshift.log.lock`), so two processes never shift the set at
 *   the same time; a lock older than {@link STALE_LOCK_MS} is a crashed rotator's and is taken over;
 * - a writer whose file was rotated away by another process notices (the path's inode is no longer its
 *   descriptor's) and reopens, so nobody keeps appending to `upshift.log.1`.
 *
 * Writes are synchronous: the CLI may exit right after its last line (process.exit), and a log that loses the end
 * of a failed upgrade is worse than the few microseconds a write costs. A file that cannot be written (read-only
 * state directory, disk full) makes logging stop quietly: the logger must never break the command it describes.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_KEEP = 5;
const STALE_LOCK_MS = 10_000;

export interface RotatingFileOptions {
  /** Rotate when the file reaches this size (bytes). */
  maxBytes?: number;
  /** Rotated files kept beside the live one (`.1` … `.keep`); older ones are deleted. */
  keep?: number;
}

export class RotatingFile {
  private fd: number | null = null;
  private ino = 0;
  private size = 0;
  private broken = false;
  readonly maxBytes: number;
  readonly keep: number;

  constructor(readonly path: string, opts: RotatingFileOptions = {}) {
    this.maxBytes = Math.max(1024, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    this.keep = Math.max(1, opts.keep ?? DEFAULT_KEEP);
  }

  /** Appends one line (the caller adds the newline). Never throws. */
  write(line: string): void {
    if (this.broken) return;
    try {
      if (this.fd === null) this.open();
      // The file's real size (other processes append too), one fstat: a couple of microseconds.
      else this.size = fstatSync(this.fd).size;
      if (this.size >= this.maxBytes) this.rotate();
      const bytes = Buffer.from(line, 'utf8');
      writeSync(this.fd!, bytes);
      this.size += bytes.length;
    } catch {
      this.broken = true;
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = null;
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    const st = fstatSync(this.fd);
    this.ino = st.ino;
    this.size = st.size;
  }

  /** Our count says the file is full: check what the path holds now, and shift the set if nobody else did. */
  private rotate(): void {
    const current = statOrNull(this.path);
    if (current === null || current.ino !== this.ino) {
      // Another process rotated (or someone deleted the file): append to the new one.
      this.close();
      this.open();
      if (this.size < this.maxBytes) return;
    } else {
      this.size = current.size;
      if (this.size < this.maxBytes) return;
    }
    const lock = `${this.path}.lock`;
    if (!takeLock(lock)) return; // another process is rotating right now; our lines still land in a valid file
    try {
      const again = statOrNull(this.path);
      if (again !== null && again.size >= this.maxBytes) {
        rmSync(`${this.path}.${this.keep}`, { force: true });
        for (let i = this.keep - 1; i >= 1; i--) {
          try {
            renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
          } catch {
            // a gap in the set
          }
        }
        renameSync(this.path, `${this.path}.1`);
      }
    } finally {
      rmSync(lock, { force: true });
    }
    this.close();
    this.open();
  }
}

function statOrNull(path: string): { ino: number; size: number } | null {
  try {
    const st = statSync(path);
    return { ino: st.ino, size: st.size };
  } catch {
    return null;
  }
}

function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
    return true;
  } catch {
    const st = statOrNullTime(lock);
    if (st !== null && Date.now() - st > STALE_LOCK_MS) {
      rmSync(lock, { force: true });
      try {
        closeSync(openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

function statOrNullTime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
