import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isUsableTagName } from './refname.js';

/** What the plain ref files say about a checkout, read without starting git. */
export interface RefFilesSnapshot {
  /** The commit HEAD points at. */
  headSha: string;
  /** The branch HEAD is on, or null when detached. */
  branch: string | null;
  /**
   * Changes whenever HEAD, any tag ref or any remote-tracking branch changes (a loose ref file or packed-refs).
   * Equal fingerprints mean the tags at HEAD, and the remote branches holding the commits after them, are the same
   * as when a value was computed, so a cached current version still holds.
   */
  fingerprint: string;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const MAX_LOOSE_TAGS = 2000;

function stat(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function packedRef(packed: string | null, ref: string): string | null {
  if (packed === null) return null;
  for (const line of packed.split('\n')) {
    if (line.length > 41 && line.charCodeAt(40) === 32 && line.slice(41) === ref) return line.slice(0, 40);
  }
  return null;
}

/** Adds every loose tag file's name, size and mtime to the hash; false when there are too many to be cheap. */
function hashLooseTags(dir: string, prefix: string, hash: ReturnType<typeof createHash>, budget: { left: number }): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return true;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (--budget.left < 0) return false;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!hashLooseTags(full, `${prefix}${e.name}/`, hash, budget)) return false;
    } else {
      const s = stat(full);
      hash.update(`${prefix}${e.name}\0${s?.size ?? -1}\0${s?.mtimeMs ?? -1}\n`);
    }
  }
  return true;
}

interface HeadFiles {
  gitDir: string;
  head: string;
  sha: string;
  branch: string | null;
  packedStat: Stats | null;
}

function readHeadFiles(workTree: string): HeadFiles | null {
  const gitDir = join(workTree, '.git');
  if (!stat(gitDir)?.isDirectory() || stat(join(gitDir, 'reftable'))) return null;
  let head: string;
  try {
    head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return null;
  }
  const packedStat = stat(join(gitDir, 'packed-refs'));
  if (SHA.test(head)) return { gitDir, head, sha: head, branch: null, packedStat };
  if (!head.startsWith('ref: refs/heads/')) return null;
  const ref = head.slice(5);
  let sha: string | null = null;
  try {
    const loose = readFileSync(join(gitDir, ref), 'utf8').trim();
    if (SHA.test(loose)) sha = loose;
  } catch {
    // Not a loose ref: look in packed-refs.
  }
  if (sha === null && packedStat) {
    try {
      sha = packedRef(readFileSync(join(gitDir, 'packed-refs'), 'utf8'), ref);
    } catch {
      return null;
    }
  }
  return sha ? { gitDir, head, sha, branch: ref.slice('refs/heads/'.length), packedStat } : null;
}

/**
 * HEAD's commit and branch read straight from `.git`, or null for any layout but the plain one (a `.git` file as
 * in worktrees and submodules, reftable, a symbolic ref to a non-branch): callers then ask git.
 */
export function readHead(workTree: string): { sha: string; branch: string | null } | null {
  const h = readHeadFiles(workTree);
  return h ? { sha: h.sha, branch: h.branch } : null;
}

/**
 * Reads HEAD and a fingerprint of the tag refs straight from `.git`, so that a check of many projects does not
 * start a git process per project just to learn that nothing changed. Returns null where `readHead` does, and
 * when there are thousands of loose tags: callers then ask git.
 */
export function readRefFiles(workTree: string): RefFilesSnapshot | null {
  const h = readHeadFiles(workTree);
  if (!h) return null;
  const hash = createHash('sha1');
  hash.update(`${h.head}\0${h.sha}\0${h.packedStat?.size ?? -1}\0${h.packedStat?.mtimeMs ?? -1}\n`);
  const budget = { left: MAX_LOOSE_TAGS };
  if (!hashLooseTags(join(h.gitDir, 'refs', 'tags'), '', hash, budget)) return null;
  // Remote-tracking branches too: whether commits past the tag are on a remote (CurrentVersion.ahead) depends on them.
  hash.update('\0remotes\n');
  if (!hashLooseTags(join(h.gitDir, 'refs', 'remotes'), '', hash, budget)) return null;
  return { headSha: h.sha, branch: h.branch, fingerprint: hash.digest('hex') };
}

/**
 * The object `refs/tags/<tag>` points to, read from the loose ref file or packed-refs (with the commit it peels to
 * when packed-refs records it), or null when it is absent, the layout is not the plain one, or the name is not a
 * usable tag name. Lets a plan see that a tag is already here as discovered without starting git.
 */
export function readTagRef(workTree: string, tag: string): { objectSha: string; peeled: string | null } | null {
  if (!isUsableTagName(tag)) return null;
  const gitDir = join(workTree, '.git');
  if (!stat(gitDir)?.isDirectory() || stat(join(gitDir, 'reftable'))) return null;
  const ref = `refs/tags/${tag}`;
  try {
    const loose = readFileSync(join(gitDir, ref), 'utf8').trim();
    return SHA.test(loose) ? { objectSha: loose, peeled: null } : null;
  } catch {
    // Not loose: packed-refs, where an annotated tag's line is followed by `^<commit>`.
  }
  let packed: string;
  try {
    packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
  } catch {
    return null;
  }
  const lines = packed.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 41 && line.charCodeAt(40) === 32 && line.slice(41) === ref) {
      const next = lines[i + 1] ?? '';
      const peeled = next.startsWith('^') && SHA.test(next.slice(1).trim()) ? next.slice(1).trim() : null;
      return { objectSha: line.slice(0, 40), peeled };
    }
  }
  return null;
}
