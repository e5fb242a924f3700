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
  assertFullSha(sha, cwd);
  for (const d of dirs) assertRepoPath(d, cwd);
  const { stdout } = await runGit(['ls-tree', '-z', '--long', '--full-tree', sha, '--', '.', ...dirs.map((d) => (d.endsWith('/') ? d : `${d}/`))], {
    cwd,
    signal: opts.signal,
  });
  const out: TreeBlob[] = [];
  for (const entry of stdout.split('\0')) {
    const m = /^100(?:644|755) blob ([0-9a-f]{40,64}) +(\d+)\t(.+)$/s.exec(entry);
    if (m) out.push({ oid: m[1] as string, size: Number(m[2]), path: m[3] as string });
  }
  return out;
}
