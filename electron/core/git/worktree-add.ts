import { rmSync } from 'node:fs';
import { runGit } from './core.js';
import { assertFullSha } from './refname.js';

export interface WorktreeOptions {
  signal?: AbortSignal | undefined;
}

/**
 * A throwaway working tree of `repo` at `sha`, detached (no branch is created or moved), at `dir` (which must not
 * exist). Hooks are off as for every git command (runGit), so `post-checkout` of the project never runs.
 */
export async function addDetachedWorktree(repo: string, dir: string, sha: string, opts: WorktreeOptions = {}): Promise<void> {
  assertFullSha(sha, repo);
  await runGit(['worktree', 'add', '--detach', '--quiet', '--', dir, sha], { cwd: repo, signal: opts.signal, timeoutMs: 600_000 });
}

/**
 * Removes a working tree made by {@link addDetachedWorktree}, changes and untracked files included, and its
 * administrative entry in `repo`. Never throws: when git cannot remove it (it was half made, or deleted already), the
 * directory is deleted and `git worktree prune` drops entries whose directory is gone.
 */
export async function removeWorktree(repo: string, dir: string): Promise<void> {
  try {
    await runGit(['worktree', 'remove', '--force', '--force', '--', dir], { cwd: repo, timeoutMs: 120_000 });
    return;
  } catch {
    // fall through: remove by hand
  }
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    await runGit(['worktree', 'prune'], { cwd: repo, timeoutMs: 120_000 });
  } catch {
    // Best effort: a leftover entry is pruned by git itself later (gc.worktreePruneExpire).
  }
}
