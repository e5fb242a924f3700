import { runGit } from './core.js';
import type { BlobInfo, ShowOptions } from './show.js';
import { assertFullSha, assertRepoPath } from './refname.js';

export interface TreeBlob extends BlobInfo {
  /** Path from the repository root (`CHANGES.rst`, `docs/changelog.md`). */
  path: string;
}

/**
 * The files directly in the repository root and in each of `dirs` (`docs/`) at a commit, one git process
 * (`git ls-tree --long`); subdirectories, symlinks and submodules are left out. A directory that does not exist
 * lists nothing. Used to find files whose names vary in case (`CHANGELOG.md`, `Changelog.md`, `changelog.md`).
 */
export async function listRootFiles(cwd: string, sha: string, dirs: readonly string[] = [], opts: ShowOptions = {}): Promise<TreeBlob[]> {
  return regularFiles(await listRootBlobs(cwd, sha, dirs, opts));
}

/** A blob in a tree listing, with its mode: `100644`/`100755` a file, `120000` a symlink (its blob is the target). */
export interface TreeEntry extends TreeBlob {
  mode: string;
}

/** Every blob directly in the root and in each of `dirs`, symlinks included, from one `git ls-tree --long`. */
export async function listRootBlobs(cwd: string, sha: string, dirs: readonly string[] = [], opts: ShowOptions = {}): Promise<TreeEntry[]> {
  assertFullSha(sha, cwd);
  for (const d of dirs) assertRepoPath(d, cwd);
  const { stdout } = await runGit(['ls-tree', '-z', '--long', '--full-tree', sha, '--', '.', ...dirs.map((d) => (d.endsWith('/') ? d : `${d}/`))], {
    cwd,
    signal: opts.signal,
  });
  const out: TreeEntry[] = [];
  for (const entry of stdout.split('\0')) {
    const m = /^(100644|100755|120000) blob ([0-9a-f]{40,64}) +(\d+)\t(.+)$/s.exec(entry);
    if (m) out.push({ mode: m[1] as string, oid: m[2] as string, size: Number(m[3]), path: m[4] as string });
  }
  return out;
}

/** The regular files of a listing (what listRootFiles returns): symlinks left out. */
export function regularFiles(entries: readonly TreeEntry[]): TreeBlob[] {
  return entries.filter((e) => e.mode !== '120000').map(({ oid, size, path }) => ({ oid, size, path }));
}

/**
 * What `statFilesAtCommit` says of root-level `paths`, answered from a listing that includes the root: any blob
 * (a symlink's too, as `cat-file` reports it) or null. Saves the `cat-file` process when a listing is at hand.
 */
export function statRootPaths(entries: readonly TreeEntry[], paths: readonly string[]): Map<string, BlobInfo | null> {
  const out = new Map<string, BlobInfo | null>();
  for (const p of paths) {
    const e = p.includes('/') ? undefined : entries.find((x) => x.path === p);
    out.set(p, e ? { oid: e.oid, size: e.size } : null);
  }
  return out;
}
