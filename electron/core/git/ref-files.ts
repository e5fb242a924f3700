import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** What the plain ref files say about a checkout, read without starting git. */
export interface RefFilesSnapshot {
  /** The commit HEAD points at. */
  headSha: string;
  /** The branch HEAD is on, or null when detached. */
  branch: string | null;
  /**
   * Changes whenever HEAD or any tag ref changes (a loose tag file or packed-refs). Equal fingerprints mean the
   * tags at HEAD are the same as when a value was computed, so a cached current version still holds.
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

/**
 * Reads HEAD and a fingerprint of the tag refs straight from `.git`, so that a check of many projects does not
 * start a git process per project just to learn that nothing changed. Returns null for anything but the plain
 * layout it understands (a `.git` file as in worktrees and submodules, reftable, symbolic refs to non-branches,
 * thousands of loose tags): callers then ask git.
 */
export function readRefFiles(workTree: string): RefFilesSnapshot | null {
  const gitDir = join(workTree, '.git');
  if (!stat(gitDir)?.isDirectory() || stat(join(gitDir, 'reftable'))) return null;
  let head: string;
  let packed: string | null;
  try {
    head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return null;
  }
  const packedStat = stat(join(gitDir, 'packed-refs'));
  try {
    packed = packedStat ? readFileSync(join(gitDir, 'packed-refs'), 'utf8') : null;
  } catch {
    return null;
  }
  let sha: string | null;
  let branch: string | null = null;
  if (SHA.test(head)) {
    sha = head;
  } else if (head.startsWith('ref: refs/heads/')) {
    const ref = head.slice(5);
    branch = ref.slice('refs/heads/'.length);
    let loose: string | null = null;
    try {
      loose = readFileSync(join(gitDir, ref), 'utf8').trim();
    } catch {
      loose = null;
    }
    sha = loose !== null && SHA.test(loose) ? loose : packedRef(packed, ref);
  } else {
    return null;
  }
  if (!sha) return null;
  const hash = createHash('sha1');
  hash.update(`${head}\0${sha}\0${packedStat?.size ?? -1}\0${packedStat?.mtimeMs ?? -1}\n`);
  if (!hashLooseTags(join(gitDir, 'refs', 'tags'), '', hash, { left: MAX_LOOSE_TAGS })) return null;
  return { headSha: sha, branch, fingerprint: hash.digest('hex') };
}
