import type { ApplyPrediction } from '../git/index.js';

/**
 * The git operations the executor needs on one checkout, as one small port. The implementation is a thin
 * wire to electron/core/git (one file per verb); the executor reads as a state machine, not as git plumbing.
 */
export interface Worktree {
  readonly path: string;
  headSha(): Promise<string>;
  /** The checked-out branch, or null when HEAD is detached. */
  currentBranch(): Promise<string | null>;
  /**
   * Paths with uncommitted changes: tracked edits, staged changes and untracked files that are not ignored, except
   * the untracked files named in `leaveUntracked` (only while untracked: staged or tracked, they count).
   */
  changedFiles(opts?: { leaveUntracked?: readonly string[] }): Promise<string[]>;
  /** Stashes everything uncommitted (untracked included); returns the stash commit, or null if nothing to stash. */
  stashPush(message: string): Promise<string | null>;
  /** The stash commit whose message is exactly `message`, if it is still in the stash list. */
  findStash(message: string): Promise<string | null>;
  /**
   * Gives stashed work back exactly (index included) and drops its entry. Safe to repeat after a crash; refuses,
   * touching nothing, when the tree holds changes the stash does not (see git/stash-return.ts).
   */
  returnStash(sha: string): Promise<void>;
  /** Whether stash `sha` would apply cleanly on HEAD (nothing in the tree changes). */
  predictStash(sha: string): Promise<ApplyPrediction>;
  /** Keeps the tree's tracked changes as `refs/upshift/rescued/<id>` without touching them; null when there are none. */
  rescueChanges(id: string): Promise<{ ref: string; sha: string } | null>;
  updateRef(ref: string, sha: string): Promise<void>;
  /** Creates a lightweight tag; false when the name is taken. */
  createTag(name: string, sha: string): Promise<boolean>;
  /** Fetches exactly one tag from the remote and returns the commit it points at. */
  fetchTag(remote: string, tag: string): Promise<string>;
  /** Checks a commit out detached, with hooks disabled and no submodule recursion, discarding nothing untracked. */
  checkoutDetached(sha: string): Promise<void>;
  /** Puts HEAD on `branch` at `sha`; local changes that would be overwritten make it fail instead. */
  checkoutBranch(branch: string, sha: string): Promise<void>;
  /** Puts HEAD back on `branch` at `sha`, forcing tracked files to match. Only after {@link rescueChanges}. */
  forceBranch(branch: string, sha: string): Promise<void>;
  /** Forces tracked files back to `sha` with HEAD detached. Only after {@link rescueChanges}. */
  forceDetached(sha: string): Promise<void>;
  /** The commit a local ref points at, or null. */
  resolveCommit(ref: string): Promise<string | null>;
  /**
   * Moves `refs/heads/<branch>` from `from` to `to` (null: absent) with a compare-and-swap, stepping HEAD off it first
   * when it is checked out (the tree is not touched). Refuses, moving nothing, when the branch is anywhere else.
   */
  moveBranch(branch: string, from: string | null, to: string | null): Promise<void>;
}
