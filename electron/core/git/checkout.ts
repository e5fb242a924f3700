import { runGit, GitError } from './core.js';
import { assertBranchName, assertFullSha, displayName } from './refname.js';
import { readHead } from './ref-files.js';
import { currentBranch, headSha, resolveCommit } from './rev-parse.js';

export interface CheckoutOptions {
  signal?: AbortSignal | undefined;
  /**
   * Throw away local changes to tracked files (`checkout --force`). Only for rollback, after the user's own work
   * was stashed: what is left in the tree then is what the failed upgrade wrote.
   */
  discardChanges?: boolean;
}

function checkoutArgs(target: string, opts: CheckoutOptions, detach: boolean): string[] {
  return ['checkout', '--quiet', '--no-recurse-submodules', ...(opts.discardChanges ? ['--force'] : []), ...(detach ? ['--detach'] : []), target, '--'];
}

/**
 * Checks out a commit by its full id, detached. Only a 40/64-hex id is accepted: a tag name could have been
 * moved since it was fetched, and a name could be read as an option or a path. Hooks do not run (runGit sets
 * `core.hooksPath=/dev/null` on every command), submodules are not touched, and local changes that would be
 * overwritten make it fail with `dirty-tree` rather than be lost.
 */
export async function checkoutDetached(cwd: string, sha: string, opts: CheckoutOptions = {}): Promise<void> {
  assertFullSha(sha, cwd);
  await runGit(checkoutArgs(sha, opts, true), { cwd, signal: opts.signal });
  // HEAD read from .git/HEAD where the layout is the plain one (a detached HEAD is the id itself): no process.
  const now = readHead(cwd)?.sha ?? (await headSha(cwd, opts));
  if (now !== sha) {
    throw new GitError({
      kind: 'ref-mismatch',
      args: ['checkout', sha],
      exitCode: 0,
      stderr: '',
      cwd,
      message: `After checking out ${sha.slice(0, 12)}, HEAD is at ${now?.slice(0, 12) ?? 'nothing'}. Something else changed the repository; inspect it with \`git status\`.`,
    });
  }
}

export interface RestoreBranchOptions extends CheckoutOptions {
  /**
   * When the branch has moved away from `sha` since the snapshot (someone committed or reset it meanwhile),
   * move it back anyway. Off by default: restoring would hide their commits (they stay in the reflog).
   */
  moveBranch?: boolean;
}

/**
 * Puts HEAD back on `branch` at exactly `sha`, as it was before an upgrade detached it. The seed left rollbacks
 * on a detached HEAD; this returns the user to their branch.
 *
 * Steps, each safe to repeat: if the branch is missing it is created at `sha`; if it points elsewhere the call
 * fails with `ref-mismatch` unless `moveBranch` (then it is moved with a compare-and-swap on its old value); then
 * the branch is checked out. The working tree is expected to be clean or stashed (pass `discardChanges` to
 * overwrite leftovers from a failed upgrade). Nothing here resets a branch the user is working on by surprise.
 */
export async function restoreBranch(cwd: string, branch: string, sha: string, opts: RestoreBranchOptions = {}): Promise<void> {
  assertBranchName(branch, cwd);
  assertFullSha(sha, cwd);
  if ((await resolveCommit(cwd, sha, opts)) === null) {
    throw new GitError({
      kind: 'ref-not-found',
      args: ['rev-parse', sha],
      exitCode: 1,
      stderr: '',
      cwd,
      message: `Cannot restore branch "${displayName(branch)}": commit ${sha.slice(0, 12)} is not in the repository. Nothing was changed.`,
    });
  }
  const ref = `refs/heads/${branch}`;
  const current = await resolveCommit(cwd, ref, opts);

  if (current !== sha) {
    if (current !== null && !opts.moveBranch) {
      throw new GitError({
        kind: 'ref-mismatch',
        args: ['update-ref', ref, sha],
        exitCode: 0,
        stderr: '',
        cwd,
        message: `Branch "${displayName(branch)}" has moved to ${current.slice(0, 12)} since the snapshot at ${sha.slice(0, 12)}; Upshift did not move it back, to keep those commits on it. HEAD was left where it is. Check out the branch by hand, or restore with \`git checkout -B ${branch} ${sha}\` if the new commits are not wanted.`,
        details: { branch, expectedSha: sha, actualSha: current },
      });
    }
    // Moving the branch HEAD is on would leave the index and tree behind; step off it first (no tree change).
    if ((await currentBranch(cwd, opts)) === branch) {
      await runGit(['checkout', '--quiet', '--no-recurse-submodules', '--detach'], { cwd, signal: opts.signal });
    }
    // Compare-and-swap: '' as the old value means "must not exist"; otherwise it must still be `current`.
    await runGit(['update-ref', '-m', `upshift: restore ${branch}`, ref, sha, current ?? ''], { cwd, signal: opts.signal });
  }

  await runGit(checkoutArgs(branch, opts, false), { cwd, signal: opts.signal });
  const [onBranch, now] = await Promise.all([currentBranch(cwd, opts), headSha(cwd, opts)]);
  if (onBranch !== branch || now !== sha) {
    throw new GitError({
      kind: 'ref-mismatch',
      args: ['checkout', branch],
      exitCode: 0,
      stderr: '',
      cwd,
      message: `After restoring, HEAD is on ${onBranch ?? 'no branch'} at ${now?.slice(0, 12) ?? 'nothing'}, not on "${displayName(branch)}" at ${sha.slice(0, 12)}. Inspect the repository with \`git status\`.`,
    });
  }
}
