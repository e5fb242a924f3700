/**
 * The refusal rules: which tar entries may be written under an extraction root. Pure functions over the entry list,
 * so every rule is decided (and every offending entry collected) before anything touches the disk. See README.md
 * for the rules in prose.
 */
import { printable, type ArchiveProblem } from './errors.js';
import type { RawEntry } from './tar-reader.js';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink';

/** One entry that extraction will write. */
export interface TarEntry {
  /** Where it goes under the destination: `/`-separated, after strip, no `.` or empty components, no trailing `/`. */
  path: string;
  /** The name as written in the archive (before strip and normalisation). */
  name: string;
  type: TarEntryType;
  /** Data bytes (files); 0 for the others. */
  size: number;
  /** Permission bits as stored in the archive (setuid/setgid/sticky included; extraction drops them). */
  mode: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  /**
   * Symlinks: the target as it will be written (backslashes turned into `/`), relative to the link's directory.
   * Hardlinks: the `path` of the earlier file it links to. Null for files and directories.
   */
  linkTarget: string | null;
}

/** Symlink chains longer than this are treated as loops (Linux gives up after 40 too). */
const MAX_SYMLINK_HOPS = 40;

const SPECIAL: Record<string, string> = {
  '3': 'is a character device',
  '4': 'is a block device',
  '6': 'is a FIFO (named pipe)',
  S: 'is a GNU sparse file, which Upshift does not unpack',
  V: 'is a volume label, which Upshift does not unpack',
  M: 'is the continuation of a multi-volume archive, which Upshift does not unpack',
  D: 'is a GNU incremental dump directory, which Upshift does not unpack',
};

function typeOf(flag: string): TarEntryType | null {
  if (flag === '0' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return null;
}

/** `/x`, `\x`, `\\server\share`, `C:\x`, `C:x`: anything not relative to the extraction root. */
function isAbsolute(name: string): boolean {
  return name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name);
}

/**
 * A path as a case-insensitive, normalisation-insensitive file system (macOS, Windows) sees it: symlink checks use
 * this, so `d/a/..` cannot climb through a symlink stored as `d/A`.
 */
function fold(p: string): string {
  return p.normalize('NFC').toLowerCase();
}

/** Components of a name with backslashes read as separators and `.`/empty components dropped. */
function components(name: string): string[] {
  return name.replace(/\\/g, '/').split('/').filter((c) => c !== '' && c !== '.');
}

/** Problems with a name on its own: NUL, absolute, `..` (allowed in symlink targets, which are resolved instead). */
function nameProblems(name: string, what: string, allowDotDot = false): string[] {
  if (name.includes('\0')) return [`its ${what} contains a NUL byte`];
  if (isAbsolute(name)) return [`its ${what} is an absolute path`];
  if (!allowDotDot && components(name).includes('..')) return [`its ${what} has a ".." component`];
  return [];
}

/** Per raw entry, what extraction does with it: null when strip removes it or it is the root directory itself. */
export interface TarPlan {
  entries: TarEntry[];
  /** Same length and order as the raw entries. */
  perRaw: (TarEntry | null)[];
  problems: ArchiveProblem[];
}

/**
 * Decides every entry: normalises names, applies `strip` (entries with no more components than that are dropped,
 * as tar's --strip-components does), and collects each offending entry with all its reasons.
 */
export function planTar(raw: readonly RawEntry[], strip: number): TarPlan {
  const reasons = new Map<number, string[]>();
  const refuse = (i: number, reason: string) => {
    const list = reasons.get(i) ?? [];
    list.push(reason);
    reasons.set(i, list);
  };
  const perRaw: (TarEntry | null)[] = [];

  raw.forEach((r, i) => {
    const type = typeOf(r.typeflag);
    if (type === null) refuse(i, SPECIAL[r.typeflag] ?? `has the unsupported entry type '${printable(r.typeflag)}'`);
    for (const p of nameProblems(r.name, 'path')) refuse(i, p);
    if (type === 'symlink' || type === 'hardlink') {
      if (r.linkname === '') refuse(i, `is a ${type} with an empty target`);
      for (const p of nameProblems(r.linkname, `${type} target`, type === 'symlink')) refuse(i, p);
    }
    if (type === null || reasons.has(i)) {
      perRaw.push(null);
      return;
    }
    const parts = components(r.name);
    if (parts.length === 0) {
      if (type !== 'dir') refuse(i, 'names the extraction root itself');
      perRaw.push(null);
      return;
    }
    if (parts.length <= strip) {
      perRaw.push(null);
      return;
    }
    let linkTarget: string | null = null;
    if (type === 'symlink') linkTarget = r.linkname.replace(/\\/g, '/');
    if (type === 'hardlink') {
      const target = components(r.linkname);
      if (target.length <= strip) {
        refuse(i, `is a hardlink to "${printable(r.linkname)}", which strip ${strip} leaves out`);
        perRaw.push(null);
        return;
      }
      linkTarget = target.slice(strip).join('/');
    }
    perRaw.push({
      path: parts.slice(strip).join('/'),
      name: r.name,
      type,
      size: type === 'file' ? r.size : 0,
      mode: r.mode & 0o7777,
      mtime: r.mtime,
      linkTarget,
    });
  });

  // Explicit entries by path: the first index and the type (a later duplicate of the same type replaces it).
  const byPath = new Map<string, { type: TarEntryType; index: number }>();
  const symlinks = new Map<string, string>();
  perRaw.forEach((e, i) => {
    if (!e) return;
    const seen = byPath.get(e.path);
    if (seen && seen.type !== e.type) {
      refuse(i, `appears twice in the archive, as a ${seen.type} and as a ${e.type}`);
      return;
    }
    if (!seen) byPath.set(e.path, { type: e.type, index: i });
    if (e.type === 'symlink') symlinks.set(fold(e.path), e.linkTarget!);
  });

  // Paths that differ only in letter case (or Unicode normalisation) are one file on macOS and Windows: where one
  // of them is a symlink, the other would be written through it or replace it there. Refused everywhere.
  const folded = new Map<string, { path: string; symlink: boolean }>();
  perRaw.forEach((e, i) => {
    if (!e) return;
    const parts = e.path.split('/');
    for (let n = 1; n <= parts.length; n++) {
      const p = parts.slice(0, n).join('/');
      const symlink = n === parts.length && e.type === 'symlink';
      const prev = folded.get(fold(p));
      if (!prev) {
        folded.set(fold(p), { path: p, symlink });
      } else if (prev.path !== p && (prev.symlink || symlink)) {
        refuse(i, `"${printable(p)}" differs only in letter case from "${printable(prev.path)}", and one of them is a symlink`);
        break;
      }
    }
  });

  perRaw.forEach((e, i) => {
    if (!e) return;
    const parts = e.path.split('/');
    for (let n = 1; n < parts.length; n++) {
      const prefix = parts.slice(0, n).join('/');
      const other = byPath.get(prefix);
      if (other?.type === 'symlink') {
        refuse(i, `would be written through the symlink "${printable(prefix)}"`);
        break;
      }
      if (other && other.type !== 'dir') {
        refuse(i, `needs "${printable(prefix)}" to be a directory, but the archive has it as a ${other.type}`);
        break;
      }
    }
    if (e.type === 'symlink') {
      const outcome = resolveInside(parts.slice(0, -1), e.linkTarget!, symlinks);
      if (outcome === 'outside') refuse(i, `is a symlink to "${printable(e.linkTarget!)}", which resolves outside the extraction root`);
      if (outcome === 'loop') refuse(i, `is a symlink to "${printable(e.linkTarget!)}", which is part of a symlink loop`);
    }
    if (e.type === 'hardlink') {
      const target = byPath.get(e.linkTarget!);
      if (!target || target.type !== 'file' || target.index > i) {
        refuse(i, `is a hardlink to "${printable(e.linkTarget!)}", which is not an earlier regular file in the archive`);
      }
    }
  });

  const problems: ArchiveProblem[] = [...reasons.entries()].sort((a, b) => a[0] - b[0]).map(([i, list]) => ({ entry: raw[i]!.name, reason: list.join('; ') }));
  const refused = new Set(reasons.keys());
  const finalPerRaw = perRaw.map((e, i) => (refused.has(i) ? null : e));
  return { entries: finalPerRaw.filter((e): e is TarEntry => e !== null), perRaw: finalPerRaw, problems };
}

/**
 * Resolves a symlink target from the link's directory the way the OS would once the archive is unpacked: `..` pops
 * a component, and any component that is itself a symlink of the archive is replaced by its target (so a chain of
 * in-archive links cannot climb out either). The destination is fresh, so nothing else exists there.
 */
function resolveInside(dir: string[], target: string, symlinks: ReadonlyMap<string, string>): 'inside' | 'outside' | 'loop' {
  if (isAbsolute(target)) return 'outside';
  const stack = [...dir];
  const queue = components(target);
  let hops = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === '..') {
      if (stack.length === 0) return 'outside';
      stack.pop();
      continue;
    }
    stack.push(c);
    const link = symlinks.get(fold(stack.join('/')));
    if (link === undefined) continue;
    if (++hops > MAX_SYMLINK_HOPS) return 'loop';
    if (isAbsolute(link)) return 'outside';
    stack.pop();
    queue.unshift(...components(link));
  }
  return 'inside';
}
