import { runGit } from './core.js';
import { assertFullSha } from './refname.js';
import { resolveCommit } from './rev-parse.js';
import { getStatus } from './status.js';
import { STASH_IDENTITY, stashCreate, type StashOptions } from './stash.js';

/**
 * Whether uncommitted work would apply cleanly on another commit, computed without touching the tree, the index,
 * the stash list or any ref (only unreachable objects are written, which `git gc` removes).
 */
export interface ApplyPrediction {
  clean: boolean;
  /** Tracked files whose changes conflict with the target (in the work tree or in what is staged). */
  conflicts: string[];
  /** Untracked files at a path the target has a file of its own (git would refuse to overwrite them). */
  untrackedCollisions: string[];
}

const NUL_LIST = (out: string) => out.split('\0').filter((p) => p !== '');

/** A root commit of `tree`, or a child of `parent`: the stand-ins that give merge-tree the base a stash apply uses. */
async function commitTree(cwd: string, tree: string, parent: string | null, opts: StashOptions): Promise<string> {
  const args = ['commit-tree', `${tree}^{tree}`, ...(parent ? ['-p', parent] : []), '-m', 'upshift: prediction (never referenced)'];
  return (await runGit(args, { cwd, signal: opts.signal, env: STASH_IDENTITY })).stdout.trim();
}

/** Paths that conflict when `theirs` (made on `base`) is merged into `ours`, the way `git stash apply` merges. */
async function conflictsOf(cwd: string, base: string, ours: string, theirs: string, opts: StashOptions): Promise<string[]> {
  // merge-tree picks the merge base itself (git 2.39 has no --merge-base): both sides are re-rooted on one commit
  // holding the base's tree, so the 3-way merge is exactly base → ours versus base → theirs.
  const root = await commitTree(cwd, base, null, opts);
  const [o, t] = await Promise.all([commitTree(cwd, ours, root, opts), commitTree(cwd, theirs, root, opts)]);
  const r = await runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', o, t], { cwd, signal: opts.signal, expectedExitCodes: [0, 1] });
  if (r.exitCode === 0) return [];
  // -z: the merged tree's id, then each conflicted path, then an empty field before the (suppressed) messages.
  const fields = r.stdout.split('\0');
  const paths: string[] = [];
  for (const f of fields.slice(1)) {
    if (f === '') break;
    paths.push(f);
  }
  return [...new Set(paths)];
}

async function untrackedCollisions(cwd: string, untracked: readonly string[], onto: string, opts: StashOptions): Promise<string[]> {
  if (untracked.length === 0) return [];
  const { stdout } = await runGit(['ls-tree', '-r', '-z', '--name-only', '--full-tree', onto], { cwd, signal: opts.signal });
  const inTarget = new Set(NUL_LIST(stdout));
  // A directory in the target where an untracked file is, or a file where an untracked directory's file is.
  const dirs = new Set<string>();
  for (const p of inTarget) for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  return untracked.filter((p) => inTarget.has(p) || dirs.has(p) || p.split('/').some((_, i, parts) => i > 0 && inTarget.has(parts.slice(0, i).join('/')))).sort();
}

/** Would stash `stash` (made on its parent commit) apply cleanly, index included, on commit `onto`? */
export async function predictStashApply(cwd: string, stash: string, onto: string, opts: StashOptions = {}): Promise<ApplyPrediction> {
  assertFullSha(stash, cwd);
  assertFullSha(onto, cwd);
  const [base, index, untrackedCommit] = await Promise.all([
    resolveCommit(cwd, `${stash}^1`, opts),
    resolveCommit(cwd, `${stash}^2`, opts),
    resolveCommit(cwd, `${stash}^3`, opts),
  ]);
  if (!base || !index) throw new Error(`${stash.slice(0, 12)} is not a stash commit`);
  const untracked = untrackedCommit ? NUL_LIST((await runGit(['ls-tree', '-r', '-z', '--name-only', '--full-tree', untrackedCommit], { cwd, signal: opts.signal })).stdout) : [];
  return predict(cwd, { base, work: stash, index, untracked }, onto, opts);
}

/**
 * Would the work in the tree now (staged, unstaged and untracked) apply cleanly on commit `onto` once stashed?
 * What `upgrade --stash` will do at its end, foretold by the plan.
 */
export async function predictWorkApply(cwd: string, onto: string, opts: StashOptions = {}): Promise<ApplyPrediction & { hasWork: boolean }> {
  assertFullSha(onto, cwd);
  // The common case, a clean tree, costs one process: `stash create` and `ls-files` run only when status lists
  // something (issue 12 §2: an upgrade starts only the git processes it needs).
  if ((await getStatus(cwd, opts)).entries.length === 0) return { hasWork: false, clean: true, conflicts: [], untrackedCollisions: [] };
  const [work, untrackedOut] = await Promise.all([
    stashCreate(cwd, 'upshift: prediction of the work in the tree', opts),
    runGit(['ls-files', '--others', '--exclude-standard', '-z'], { cwd, signal: opts.signal }).then((r) => NUL_LIST(r.stdout)),
  ]);
  if (!work && untrackedOut.length === 0) return { hasWork: false, clean: true, conflicts: [], untrackedCollisions: [] };
  const head = await resolveCommit(cwd, 'HEAD', opts);
  if (!head) return { hasWork: true, clean: true, conflicts: [], untrackedCollisions: [] };
  const index = work ? await resolveCommit(cwd, `${work}^2`, opts) : head;
  return { hasWork: true, ...(await predict(cwd, { base: head, work: work ?? head, index: index ?? head, untracked: untrackedOut }, onto, opts)) };
}

async function predict(cwd: string, w: { base: string; work: string; index: string; untracked: readonly string[] }, onto: string, opts: StashOptions): Promise<ApplyPrediction> {
  if (onto === w.base) return { clean: true, conflicts: [], untrackedCollisions: [] };
  const [inWork, inIndex, collisions] = await Promise.all([
    conflictsOf(cwd, w.base, onto, w.work, opts),
    // `stash apply --index` also merges what was staged; a conflict there fails the whole apply.
    w.index === w.base ? Promise.resolve([]) : conflictsOf(cwd, w.base, onto, w.index, opts),
    untrackedCollisions(cwd, w.untracked, onto, opts),
  ]);
  const conflicts = [...new Set([...inWork, ...inIndex])].sort();
  return { clean: conflicts.length === 0 && collisions.length === 0, conflicts, untrackedCollisions: collisions };
}
