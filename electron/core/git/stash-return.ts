import { lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runGit, GitError } from './core.js';
import { assertFullSha } from './refname.js';
import { headSha, resolveCommit } from './rev-parse.js';
import { predictStashApply, type ApplyPrediction } from './merge-tree.js';
import { findStash, stashApply, stashDrop, type StashOptions } from './stash.js';

/** The refusal when stashed work would not apply cleanly: which files, and that nothing was touched. */
export function stashConflict(cwd: string, sha: string, p: ApplyPrediction): GitError {
  const parts = [
    ...(p.conflicts.length > 0 ? [`changes to ${p.conflicts.join(', ')} conflict with it`] : []),
    ...(p.untrackedCollisions.length > 0 ? [`untracked ${p.untrackedCollisions.join(', ')} would be overwritten by its own files`] : []),
  ];
  return new GitError({
    kind: 'conflict',
    args: ['stash', 'apply', sha],
    exitCode: null,
    stderr: '',
    cwd,
    message: `Your uncommitted work (stash ${sha.slice(0, 12)}) does not apply cleanly on this version: ${parts.join('; ')}. Nothing was applied; the work is safe in the stash.`,
    details: { stash: sha, conflicts: p.conflicts, untrackedCollisions: p.untrackedCollisions },
  });
}

/**
 * Which of the tree's uncommitted changes a stash already holds, byte for byte. After a crash the tree can hold
 * part of the stashed work (`git stash push` was killed between storing the stash and cleaning the tree) or all
 * of it (the stash was applied, then the process died before dropping it): those paths can be cleared and the
 * stash applied again without losing anything. Any other change is someone else's work and is never touched.
 */
export interface StashCoverage {
  /** Changed paths (index, work tree or untracked) whose content is exactly the stash's. */
  covered: string[];
  /** Changed paths whose content the stash does not hold: work Upshift did not set aside. */
  foreign: string[];
  /** Untracked files among `covered` (clearing them means deleting them). */
  coveredUntracked: string[];
  /** Foreign paths that the stash also holds a version of: applying it would overwrite them. */
  clashing: string[];
}

const NUL_LIST = (out: string) => out.split('\0').filter((p) => p !== '');

async function names(cwd: string, args: string[], opts: StashOptions): Promise<Set<string>> {
  const { stdout } = await runGit(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', ...args, '--'], { cwd, signal: opts.signal });
  return new Set(NUL_LIST(stdout));
}

/** Compares the tree with stash `sha`, path by path. */
export async function stashCoverage(cwd: string, sha: string, opts: StashOptions = {}): Promise<StashCoverage> {
  assertFullSha(sha, cwd);
  const [base, index, untrackedCommit, head] = await Promise.all([
    resolveCommit(cwd, `${sha}^1`, opts),
    resolveCommit(cwd, `${sha}^2`, opts),
    resolveCommit(cwd, `${sha}^3`, opts),
    headSha(cwd, opts),
  ]);
  const [stagedVsHead, workVsHead, untrackedOut] = await Promise.all([
    names(cwd, ['--cached', 'HEAD'], opts),
    names(cwd, ['HEAD'], opts),
    runGit(['ls-files', '--others', '--exclude-standard', '-z'], { cwd, signal: opts.signal }).then((r) => NUL_LIST(r.stdout)),
  ]);
  const changedTracked = new Set([...stagedVsHead, ...workVsHead]);
  if (base === null || index === null) throw new GitError({ kind: 'ref-not-found', args: ['rev-parse', `${sha}^2`], exitCode: null, stderr: '', cwd, message: `${sha.slice(0, 12)} is not a stash commit. Nothing was changed.` });
  const [stagedVsStash, workVsStash, stashedWork, stashedIndex] = await Promise.all([
    names(cwd, ['--cached', index], opts),
    names(cwd, [sha], opts),
    names(cwd, [base, sha], opts),
    names(cwd, [base, index], opts),
  ]);
  // On another commit than the stash's (giving work back after an upgrade), a change is the stash's only on a
  // path that commit did not touch: there, applying the stash again gives the same bytes.
  const onBase = head === base;
  const moved = onBase || head === null ? new Set<string>() : await names(cwd, [base, head], opts);
  const covered: string[] = [];
  const foreign: string[] = [];
  for (const p of changedTracked) {
    // Each layer must hold either HEAD's bytes or the stash's: the index its index, the work tree its work tree.
    const indexForeign = stagedVsHead.has(p) && stagedVsStash.has(p);
    const workForeign = workVsHead.has(p) && workVsStash.has(p);
    if (moved.has(p) || indexForeign || workForeign) foreign.push(p);
    else covered.push(p);
  }
  const coveredUntracked: string[] = [];
  const stored = new Map<string, string>();
  if (untrackedOut.length > 0 || foreign.length > 0) {
    if (untrackedCommit) {
      const { stdout } = await runGit(['ls-tree', '-r', '-z', '--full-tree', untrackedCommit], { cwd, signal: opts.signal });
      for (const line of NUL_LIST(stdout)) {
        const tab = line.indexOf('\t');
        const blob = line.slice(0, tab).split(' ')[2];
        if (blob) stored.set(line.slice(tab + 1), blob);
      }
    }
    const candidates = untrackedOut.filter((p) => stored.has(p) && isRegularOrLink(join(cwd, p)));
    const hashes = candidates.length > 0 ? (await runGit(['hash-object', '--stdin-paths'], { cwd, signal: opts.signal, stdin: candidates.join('\n') + '\n' })).stdout.trim().split('\n') : [];
    const same = new Set(candidates.filter((p, i) => hashes[i] === stored.get(p) && !moved.has(p)));
    for (const p of untrackedOut) {
      if (same.has(p)) coveredUntracked.push(p);
      else foreign.push(p);
    }
    covered.push(...coveredUntracked);
  }
  const clashing = foreign.filter((p) => stashedWork.has(p) || stashedIndex.has(p) || stored.has(p) || [...stored.keys()].some((q) => q.startsWith(`${p}/`)));
  return { covered: covered.sort(), foreign: foreign.sort(), coveredUntracked: coveredUntracked.sort(), clashing: clashing.sort() };
}

function isRegularOrLink(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() || st.isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Gives the work in stash `sha` back to the tree, exactly (staged stays staged, untracked stays untracked), and
 * drops its entry. Safe to run again after a crash at any point of an earlier attempt:
 * - changes the stash holds byte for byte (a half-finished `stash push`, or an apply whose drop never ran) are
 *   cleared first, path by path, and the stash applied again: nothing is lost;
 * - other changes on paths the stash does not touch stay as they are, beside the work given back;
 * - other changes on a path the stash holds: nothing is touched, and the error names those paths and the stash.
 * An entry already dropped (the stash commit itself is kept by its id) is applied without dropping.
 */
export async function returnStash(cwd: string, sha: string, opts: StashOptions = {}): Promise<void> {
  assertFullSha(sha, cwd);
  const coverage = await stashCoverage(cwd, sha, opts);
  if (coverage.clashing.length > 0) {
    const list = coverage.clashing.slice(0, 20).join(', ') + (coverage.clashing.length > 20 ? ` and ${coverage.clashing.length - 20} more` : '');
    throw new GitError({
      kind: 'dirty-tree',
      args: ['stash', 'apply', sha],
      exitCode: null,
      stderr: '',
      cwd,
      message: `Your uncommitted work is safe in stash ${sha.slice(0, 12)}, but it was not given back: the tree holds other changes to ${list}, which the stash would overwrite, and Upshift does not overwrite work it did not set aside. Nothing was changed. Commit or move those changes, then run \`git stash apply --index ${sha}\`.`,
      details: { stash: sha, paths: coverage.clashing },
    });
  }
  // On another commit, git would merge and could leave conflict markers: foretell it and refuse instead.
  const [head, base] = await Promise.all([headSha(cwd, opts), resolveCommit(cwd, `${sha}^1`, opts)]);
  if (head && base && head !== base && coverage.covered.length === 0) {
    const prediction = await predictStashApply(cwd, sha, head, opts);
    if (!prediction.clean) throw stashConflict(cwd, sha, prediction);
  }
  const untracked = new Set(coverage.coveredUntracked);
  const tracked = coverage.covered.filter((p) => !untracked.has(p));
  if (tracked.length > 0) {
    // Each of these is a byte-identical copy of what the stash holds: putting it back to HEAD loses nothing.
    await runGit(['restore', '--source=HEAD', '--staged', '--worktree', '--no-recurse-submodules', '--pathspec-from-file=-', '--pathspec-file-nul'], {
      cwd,
      signal: opts.signal,
      stdin: tracked.join('\0') + '\0',
      env: { GIT_LITERAL_PATHSPECS: '1' },
    });
  }
  for (const p of untracked) rmSync(join(cwd, p), { force: true });
  await stashApply(cwd, sha, opts);
  if (await findStash(cwd, sha, opts)) await stashDrop(cwd, sha, opts);
}
