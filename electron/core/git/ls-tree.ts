import { GitError, runGit } from './core.js';
import { withObjectReader, type ObjectReader } from './object-reader.js';
import { parseTree } from './object-text.js';
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
  return withObjectReader(opts.reader, (r) => listWithReader(r, cwd, sha, dirs, opts), () => listWithLsTree(cwd, sha, dirs, opts));
}

async function listWithLsTree(cwd: string, sha: string, dirs: readonly string[], opts: ShowOptions): Promise<TreeEntry[]> {
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

const BLOB_MODES = new Set(['100644', '100755', '120000']);

/**
 * listRootBlobs from tree objects read through the shared reader, in the order `ls-tree` prints them: the entries of
 * each tree in stored order, a listed directory's entries where the directory is (ls-tree descends into a tree that
 * leads to a pathspec ending in `/`, and `.` then matches everything it meets). Sizes are asked for all at once.
 */
async function listWithReader(reader: ObjectReader, cwd: string, sha: string, dirs: readonly string[], opts: ShowOptions): Promise<TreeEntry[]> {
  const wanted = dirs.map((d) => (d.endsWith('/') ? d : `${d}/`));
  const readTree = async (name: string, what: string) => {
    const tree = await reader.contents(name, { signal: opts.signal });
    if (!tree || tree.type !== 'tree') {
      throw new GitError({ kind: 'ref-not-found', args: ['ls-tree', sha], exitCode: 128, stderr: '', cwd, message: `${what} is not in the repository at ${cwd}; fetch the release first. Nothing was changed.` });
    }
    return parseTree(tree.data, tree.oid.length);
  };
  const found: Array<{ mode: string; oid: string; path: string }> = [];
  const walk = async (items: Awaited<ReturnType<typeof readTree>>, prefix: string): Promise<void> => {
    for (const item of items) {
      const path = prefix + item.name;
      if (BLOB_MODES.has(item.mode)) found.push({ mode: item.mode, oid: item.oid, path });
      else if (item.mode === '40000' && wanted.some((d) => d.startsWith(`${path}/`))) await walk(await readTree(item.oid, `The tree ${path} of ${sha.slice(0, 12)}`), `${path}/`);
    }
  };
  await walk(await readTree(`${sha}^{tree}`, `The commit ${sha.slice(0, 12)}`), '');
  const sizes = await Promise.all(found.map((f) => reader.info(f.oid, { signal: opts.signal })));
  return found.map((f, i) => ({ ...f, size: sizes[i]?.size ?? 0 }));
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
