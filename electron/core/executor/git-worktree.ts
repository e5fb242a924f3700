import {
  checkoutDetached,
  createLightweightTag,
  createSnapshotRef,
  currentBranch,
  fetchTag,
  getStatus,
  headSha,
  isGitError,
  listStashes,
  readHead,
  resolveCommit,
  restoreBranch,
  returnStash,
  predictStashApply,
  SNAPSHOT_REF_PREFIX,
  stashCreate,
  stashPush,
  createRescueRef,
} from '../git/index.js';
import { moveBranch } from '../git/branch.js';
import type { Worktree } from './worktree.js';

/** The executor's Worktree over the real git layer. */
export function gitWorktree(path: string): Worktree {
  return {
    path,
    async headSha() {
      const fast = readHead(path);
      if (fast) return fast.sha;
      const sha = await headSha(path);
      if (!sha) throw new Error(`${path} has no commit checked out`);
      return sha;
    },
    async currentBranch() {
      const fast = readHead(path);
      return fast ? fast.branch : currentBranch(path);
    },
    async changedFiles(opts = {}) {
      const s = await getStatus(path);
      const untracked = s.untracked.filter((p) => !(opts.leaveUntracked ?? []).includes(p));
      return [...new Set([...s.conflicted, ...s.staged, ...s.unstaged, ...untracked])];
    },
    stashPush: (message) => stashPush(path, message),
    async findStash(message) {
      const entry = (await listStashes(path)).find((e) => e.subject.endsWith(`: ${message}`));
      return entry?.sha ?? null;
    },
    returnStash: (sha) => returnStash(path, sha),
    async predictStash(sha) {
      return predictStashApply(path, sha, await this.headSha());
    },
    async rescueChanges(id) {
      const sha = await stashCreate(path, `upshift: changes found in the tree before rolling back ${id}`);
      return sha ? { ref: await createRescueRef(path, id, sha), sha } : null;
    },
    async updateRef(ref, sha) {
      if (!ref.startsWith(SNAPSHOT_REF_PREFIX)) throw new Error(`refusing to write ${ref}: Upshift only writes ${SNAPSHOT_REF_PREFIX}*`);
      // The executor snapshots the HEAD it read at the start of the operation: a commit by construction.
      await createSnapshotRef(path, ref.slice(SNAPSHOT_REF_PREFIX.length), sha, { knownCommit: true });
    },
    async createTag(name, sha) {
      try {
        await createLightweightTag(path, name, sha);
        return true;
      } catch (err) {
        if (isGitError(err, 'ref-exists')) return false;
        throw err;
      }
    },
    async fetchTag(remote, tag) {
      return (await fetchTag(path, remote, tag)).sha;
    },
    checkoutDetached: (sha) => checkoutDetached(path, sha),
    checkoutBranch: (branch, sha) => restoreBranch(path, branch, sha),
    forceBranch: (branch, sha) => restoreBranch(path, branch, sha, { discardChanges: true }),
    forceDetached: (sha) => checkoutDetached(path, sha, { discardChanges: true }),
    resolveCommit: (ref) => resolveCommit(path, ref),
    moveBranch: (branch, from, to) => moveBranch(path, branch, from, to),
  };
}
