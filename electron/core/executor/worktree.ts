/**
 * The git operations the executor needs on one checkout, as one small port. The implementation is a thin
 * wire to electron/core/git (one file per verb); the executor reads as a state machine, not as git plumbing.
 */
export interface Worktree {
  readonly path: string;
  headSha(): Promise<string>;
  /** The checked-out branch, or null when HEAD is detached. */
  currentBranch(): Promise<string | null>;
  /** Paths with uncommitted changes: tracked edits, staged changes and untracked files that are not ignored. */
  changedFiles(): Promise<string[]>;
  /** Stashes everything uncommitted (untracked included); returns the stash commit, or null if nothing to stash. */
  stashPush(message: string): Promise<string | null>;
  /** The stash commit whose message is exactly `message`, if it is still in the stash list. */
  findStash(message: string): Promise<string | null>;
  /** Applies a stash (index included) and drops it from the list; throws with git's words on conflict. */
  stashPop(sha: string): Promise<void>;
  updateRef(ref: string, sha: string): Promise<void>;
  /** Creates a lightweight tag; false when the name is taken. */
  createTag(name: string, sha: string): Promise<boolean>;
  /** Fetches exactly one tag from the remote and returns the commit it points at. */
  fetchTag(remote: string, tag: string): Promise<string>;
  /** Checks a commit out detached, with hooks disabled and no submodule recursion, discarding nothing untracked. */
  checkoutDetached(sha: string): Promise<void>;
  /** Puts HEAD back on `branch` at `sha`, forcing tracked files to match. */
  restoreBranch(branch: string, sha: string): Promise<void>;
  /** Forces tracked files back to `sha` with HEAD detached. */
  forceDetached(sha: string): Promise<void>;
  /** The commit a local ref points at, or null. */
  resolveCommit(ref: string): Promise<string | null>;
}
