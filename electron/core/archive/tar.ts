import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, lstat, mkdir, open, rename, rm, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveError, printable } from './errors.js';
import { readTar, type RawEntry } from './tar-reader.js';
import { planTar, type TarEntry } from './tar-rules.js';

export type { TarEntry, TarEntryType } from './tar-rules.js';

/** 4 GiB: more than any release tarball Upshift installs, far less than a gzip bomb. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;
/** How many offending entries a message lists (the error's `entries` has all of them). */
const LISTED_PROBLEMS = 20;

export interface InspectOptions {
  /** Leading path components to drop, like tar's --strip-components. Entries left with none are skipped. */
  strip?: number;
  /** Cap on the decompressed tar stream: headers, data and padding (default 4 GiB). Over it: TOO_LARGE. */
  maxBytes?: number;
  /** Cap on the number of headers (default 100,000). Over it: TOO_LARGE. */
  maxEntries?: number;
  signal?: AbortSignal;
}

export interface ExtractOptions extends InspectOptions {
  /** Called after each entry is written (for progress); a throw fails the extraction like any other error. */
  onEntry?: (entry: TarEntry, done: { files: number; bytes: number }) => void;
}

export interface ExtractResult {
  /** Regular files and hardlinks written. */
  files: number;
  /** Bytes of file data written. */
  bytes: number;
  /** Everything written, as inspectTar listed it. */
  entries: TarEntry[];
}

interface Inspection {
  raw: RawEntry[];
  perRaw: (TarEntry | null)[];
  entries: TarEntry[];
}

function checkStrip(strip: number | undefined): number {
  const s = strip ?? 0;
  if (!Number.isInteger(s) || s < 0) throw new ArchiveError('UNSAFE_ARCHIVE', `strip must be a whole number of path components (0 or more), not ${s}. Nothing was changed.`, { category: 'usage' });
  return s;
}

async function inspect(file: string, opts: InspectOptions): Promise<Inspection> {
  const strip = checkStrip(opts.strip);
  const raw: RawEntry[] = [];
  for await (const item of readTar(file, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, maxEntries: opts.maxEntries ?? DEFAULT_MAX_ENTRIES, signal: opts.signal })) raw.push(item.entry);
  const plan = planTar(raw, strip);
  if (plan.problems.length > 0) {
    const listed = plan.problems.slice(0, LISTED_PROBLEMS).map((p) => `\n  - "${printable(p.entry)}" ${p.reason}`).join('');
    const more = plan.problems.length > LISTED_PROBLEMS ? `\n  … and ${plan.problems.length - LISTED_PROBLEMS} more` : '';
    const count = plan.problems.length === 1 ? 'an entry' : `${plan.problems.length} entries`;
    throw new ArchiveError('UNSAFE_ARCHIVE', `${file} was refused because ${count} could write outside the destination or ${plan.problems.length === 1 ? 'is' : 'are'} not plain files, directories or links:${listed}${more}\nNothing was extracted and nothing was changed.`, {
      file,
      problems: plan.problems,
    });
  }
  return { raw, perRaw: plan.perRaw, entries: plan.entries };
}

/**
 * Lists what extracting `file` would write, or throws. A tar or tar.gz (gzip recognised by its magic bytes) is read
 * once, start to end-of-archive marker, and every entry is checked against the refusal rules (README.md); when any
 * fails, ArchiveError UNSAFE_ARCHIVE lists every offending entry with its reasons. Also NOT_AN_ARCHIVE,
 * TRUNCATED_ARCHIVE, CORRUPT_ARCHIVE, TOO_LARGE, ARCHIVE_IO, ARCHIVE_ABORTED. Writes nothing.
 */
export async function inspectTar(file: string, opts: InspectOptions = {}): Promise<TarEntry[]> {
  return (await inspect(file, opts)).entries;
}

/** Files keep their exec bits; setuid/setgid/sticky and group/other write go (as under the usual umask 022). */
function fileMode(mode: number): number {
  return (mode & 0o755) | 0o600;
}

function dirMode(mode: number): number {
  return (mode & 0o755) | 0o700;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Creates each missing directory of `parts` under `root`, refusing anything in the way that is not a real directory. */
async function ensureDirs(root: string, parts: readonly string[], created: Map<string, number>): Promise<void> {
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    current = path.join(current, parts[i]!);
    const rel = parts.slice(0, i + 1).join('/');
    if (created.has(rel)) continue;
    try {
      await mkdir(current, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await lstat(current);
      // Never write through a symlink, even one this extraction made (the rules already refuse that archive).
      if (!st.isDirectory()) throw new Error(`${rel} is in the way and is not a directory`);
    }
    created.set(rel, 0o755);
  }
}

/** Removes what a duplicate entry replaces (a file or link of the same type; the rules refuse any other clash). */
async function clear(p: string): Promise<void> {
  try {
    const st = await lstat(p);
    if (st.isDirectory()) throw new Error(`${p} is a directory`);
    await unlink(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Unpacks `file` into `destDir`, which must not exist (DEST_EXISTS). The archive is inspected first, so a refused
 * archive writes nothing. Then it is read again and written into a fresh sibling directory
 * (`<destDir>.partial-<random>`): each entry must match the first pass (CORRUPT_ARCHIVE if the file changed in
 * between), files are created exclusively without following symlinks, modes lose setuid/setgid/sticky bits (exec
 * bits stay), ownership is not restored. Finally the directory is renamed to `destDir`. On any failure the temporary
 * directory is removed and `destDir` is not created.
 */
export async function extractTar(file: string, destDir: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const dest = path.resolve(destDir);
  const destExists = () =>
    new ArchiveError('DEST_EXISTS', `Cannot extract ${file} into ${dest}: it already exists. It was left as it is and nothing was extracted.`, { file, details: { dest } });
  if (await exists(dest)) throw destExists();
  const first = await inspect(file, opts);

  const temp = `${dest}.partial-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(path.dirname(dest), { recursive: true });
    // Not recursive: fails if the name is taken, so the directory is ours alone.
    await mkdir(temp, { mode: 0o700 });
  } catch (e) {
    throw new ArchiveError('ARCHIVE_IO', `Cannot create a directory next to ${dest} to extract ${file} into: ${(e as Error).message}. Nothing was extracted.`, { file, details: { dest }, cause: e });
  }
  const dirs = new Map<string, number>();
  let files = 0;
  let bytes = 0;
  try {
    let k = 0;
    for await (const { entry, body } of readTar(file, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES, maxEntries: opts.maxEntries ?? DEFAULT_MAX_ENTRIES, signal: opts.signal })) {
      const expected = first.raw[k];
      if (!expected || expected.name !== entry.name || expected.typeflag !== entry.typeflag || expected.size !== entry.size || expected.linkname !== entry.linkname) {
        throw new ArchiveError('CORRUPT_ARCHIVE', `${file} changed while it was being extracted (entry ${k + 1} differs from the first read). Nothing was changed.`, { file });
      }
      const planned = first.perRaw[k++];
      if (!planned) continue;
      const parts = planned.path.split('/');
      const target = path.join(temp, ...parts);
      if (planned.type === 'dir') {
        await ensureDirs(temp, parts, dirs);
        dirs.set(planned.path, dirMode(planned.mode));
        opts.onEntry?.(planned, { files, bytes });
        continue;
      }
      await ensureDirs(temp, parts.slice(0, -1), dirs);
      await clear(target);
      if (planned.type === 'symlink') {
        await symlink(planned.linkTarget!, target);
      } else if (planned.type === 'hardlink') {
        await link(path.join(temp, ...planned.linkTarget!.split('/')), target);
        files++;
      } else {
        const fh = await open(target, WRITE_FLAGS, 0o600);
        try {
          for await (const chunk of body()) {
            await fh.write(chunk);
            bytes += chunk.length;
          }
          await fh.chmod(fileMode(planned.mode));
          if (planned.mtime > 0) await fh.utimes(planned.mtime, planned.mtime);
        } finally {
          await fh.close();
        }
        files++;
      }
      opts.onEntry?.(planned, { files, bytes });
    }
    if (k !== first.raw.length) throw new ArchiveError('CORRUPT_ARCHIVE', `${file} changed while it was being extracted (it now has fewer entries). Nothing was changed.`, { file });
    // Deepest first, so a read-only directory is made so after its contents.
    for (const [rel, mode] of [...dirs.entries()].sort((a, b) => b[0].length - a[0].length)) await chmod(path.join(temp, ...rel.split('/')), mode);
    await chmod(temp, 0o755);
    if (await exists(dest)) throw destExists();
    await rename(temp, dest);
    return { files, bytes, entries: first.entries };
  } catch (e) {
    await rm(temp, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    if (e instanceof ArchiveError) {
      if (e.code === 'DEST_EXISTS') throw e;
      throw new ArchiveError(e.code, e.message.replace(/ Nothing was changed\.$/, ` The partial extraction was removed; ${dest} was not created.`), {
        file: e.file,
        problems: e.problems,
        category: e.category,
        details: e.details,
        cause: e.cause,
      });
    }
    throw new ArchiveError('ARCHIVE_IO', `Extracting ${file} into ${dest} failed: ${(e as Error).message}. The partial extraction was removed; ${dest} was not created.`, {
      file,
      details: { dest },
      cause: e,
    });
  }
}
