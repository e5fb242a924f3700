import { runGit, GitError, isGitError } from './core.js';
import { assertBranchName, assertFullSha, displayName } from './refname.js';
import { currentBranch, resolveCommit } from './rev-parse.js';

export interface BranchOptions {
  signal?: AbortSignal | undefined;
}

/** The commit `refs/heads/<branch>` points at, or null when there is no such branch. */
export async function branchCommit(cwd: string, branch: string, opts: BranchOptions = {}): Promise<string | null> {
  assertBranchName(branch, cwd);
  return resolveCommit(cwd, `refs/heads/${branch}`, opts);
}

/**
 * Moves `refs/heads/<branch>` from `from` to `to` with a compare-and-swap (`git update-ref <ref> <new> <old>`):
 * `from` null means the branch must not exist (it is created), `to` null deletes it. If the branch is anywhere else
 * — someone committed on it, or reset it — git refuses and nothing moves: the caller said where it expects the
 * branch, and Upshift never rewrites a branch it did not leave there. When HEAD is on the branch, it steps off it
 * first (`checkout --detach`, no change to the index or the tree), so the tree never ends up behind its branch.
 */
export async function moveBranch(cwd: string, branch: string, from: string | null, to: string | null, opts: BranchOptions & { reason?: string } = {}): Promise<void> {
  assertBranchName(branch, cwd);
  if (from !== null) assertFullSha(from, cwd);
  if (to !== null) assertFullSha(to, cwd);
  const ref = `refs/heads/${branch}`;
  if ((await currentBranch(cwd, opts)) === branch) {
    await runGit(['checkout', '--quiet', '--no-recurse-submodules', '--detach'], { cwd, signal: opts.signal });
  }
  const reason = opts.reason ?? `upshift: move ${branch}`;
  try {
    if (to === null) await runGit(['update-ref', '-m', reason, '-d', ref, from ?? ''], { cwd, signal: opts.signal });
    else await runGit(['update-ref', '-m', reason, ref, to, from ?? ''], { cwd, signal: opts.signal });
  } catch (e) {
    if (!isGitError(e) || e.kind === 'aborted' || e.kind === 'timeout' || e.kind === 'lock-held') throw e;
    const now = await resolveCommit(cwd, ref, opts).catch(() => null);
    throw new GitError({
      kind: 'ref-mismatch',
      args: e.args,
      exitCode: e.exitCode,
      stderr: e.stderr,
      cwd,
      message: `Branch "${displayName(branch)}" is ${now ? `at ${now.slice(0, 12)}` : 'missing'}, not ${from ? `at ${from.slice(0, 12)}` : 'absent'} as expected; Upshift did not move it, so no commit on it is lost.`,
      details: { branch, expectedSha: from, actualSha: now },
    });
  }
}
