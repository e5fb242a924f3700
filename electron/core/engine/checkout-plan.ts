/**
 * What the checkout step of a git upgrade does to branches, decided at plan time so the user approves it (issue 8 §1).
 * `detach` (the default) leaves HEAD detached at the target and the branch it was on where it was — now said in the
 * plan, not done silently. `branch` moves a branch with the upgrade: the current one when it fast-forwards to the
 * target (no commit of it is missing from the target), else a dedicated `upshift/<project>`, created or
 * fast-forwarded. A branch with commits the target lacks is never rewritten: the plan is blocked instead, nothing
 * changed. The executor moves the ref with a compare-and-swap after recording its old value in the journal.
 */
import type { CheckoutPlan, Divergence } from '../../../shared/api/types.js';
import { shellQuote } from '../../../shared/plan/index.js';
import { commitsApart } from '../git/ancestry.js';
import { isWellFormedRefName, resolveCommit } from '../git/index.js';

export type CheckoutMode = 'detach' | 'branch';

export const CHECKOUT_MODES: readonly CheckoutMode[] = ['detach', 'branch'];

export interface CheckoutDecision {
  plan: CheckoutPlan;
  /** The plan's checkout step. */
  step: { title: string; command: string };
  /** Set when the branch cannot be moved without rewriting it: the plan is blocked. */
  blocker: string | null;
}

/** `upshift/<project>`: the branch `checkout: branch` moves when the current one cannot be fast-forwarded. */
export function dedicatedBranch(project: string): string {
  return `upshift/${project}`;
}

const short = (sha: string) => sha.slice(0, 12);
const commitsWord = (n: number) => (n === 1 ? '1 commit' : `${n} commits`);

/**
 * The checkout of `target` (tag and commit) from HEAD (`head`, on `branch` or detached), in `mode`. `divergence` is
 * the verdict's (commits of HEAD the target lacks), used for the wording; whether a branch fast-forwards is asked of
 * git here, so a divergence that could not be counted never lets a branch be rewritten.
 */
export async function planCheckout(
  path: string,
  project: string,
  head: { sha: string; branch: string | null },
  target: { tag: string; sha: string },
  divergence: Divergence | null,
  mode: CheckoutMode,
): Promise<CheckoutDecision> {
  const from = head.branch;
  const hooks = '(hooks disabled, no submodule recursion)';
  const detachCmd = `git -c core.hooksPath=/dev/null checkout --detach --no-recurse-submodules ${target.sha}`;
  const stays = (b: string) => `branch \`${b}\`, which stays at ${short(head.sha)}${divergence ? ` with its ${commitsWord(divergence.count)} not in ${target.tag}` : ''}`;
  if (mode === 'detach') {
    const note = from
      ? `HEAD leaves ${stays(from)}: the checkout is detached at ${target.tag}. \`upshift rollback\` returns to \`${from}\`; with \`checkout: branch\` in the manifest (or \`upgrade --checkout branch\`) a branch follows the upgrade instead.`
      : `HEAD is detached at ${short(head.sha)} and stays detached, at ${target.tag}.`;
    return {
      plan: { mode, fromBranch: from, branch: null, move: null, note },
      step: { title: `Check out ${target.tag} by commit, detached ${hooks}${from ? `; branch ${from} stays at ${short(head.sha)}` : ''}`, command: detachCmd },
      blocker: null,
    };
  }

  const moveCmd = (b: string, old: string | null) =>
    `git checkout --detach ${target.sha} && git update-ref ${shellQuote(`refs/heads/${b}`)} ${target.sha} ${old ?? '""'} && git checkout ${shellQuote(b)}`;
  // The current branch, when it fast-forwards: every commit on it is in the target.
  if (from && (await commitsApart(path, target.sha, head.sha)).count === 0) {
    return {
      plan: { mode, fromBranch: from, branch: from, move: { branch: from, from: head.sha, to: target.sha }, note: `Branch \`${from}\` is fast-forwarded from ${short(head.sha)} to ${target.tag} and stays checked out; no commit of it is left out.` },
      step: { title: `Fast-forward branch ${from} to ${target.tag} and check it out ${hooks}`, command: moveCmd(from, head.sha) },
      blocker: null,
    };
  }

  const dedicated = dedicatedBranch(project);
  const before = from
    ? `HEAD leaves ${stays(from)}${divergence ? ` (a branch with commits of its own is never rewritten)` : ''}`
    : `HEAD was detached at ${short(head.sha)}`;
  const refuse = (why: string): CheckoutDecision => ({
    plan: { mode, fromBranch: from, branch: dedicated, move: null, note: `${before}; branch \`${dedicated}\` cannot follow the upgrade: ${why}.` },
    step: { title: `Check out ${target.tag} on branch ${dedicated} ${hooks}`, command: moveCmd(dedicated, null) },
    blocker: `checkout: branch: ${why}. Nothing was changed. Upgrade with --checkout detach to leave HEAD detached instead`,
  });
  if (!isWellFormedRefName(dedicated)) return refuse(`"${dedicated}" is not a valid branch name`);
  if ((await resolveCommit(path, 'refs/heads/upshift')) !== null) return refuse('a branch named `upshift` exists, so no branch `upshift/…` can be created beside it');
  const at = await resolveCommit(path, `refs/heads/${dedicated}`);
  if (at !== null && at !== target.sha) {
    const own = await commitsApart(path, target.sha, at);
    if (own.count > 0) {
      return refuse(
        `branch \`${dedicated}\` has ${commitsWord(own.count)} that ${target.tag} does not contain, and Upshift never rewrites a branch with commits of its own (keep them under another name with \`git branch -m ${dedicated} ${dedicated}-mine\`, then plan again)`,
      );
    }
  }
  const what = at === null ? `created at ${target.tag}` : at === target.sha ? `already at ${target.tag}` : `fast-forwarded from ${short(at)} to ${target.tag}`;
  return {
    plan: {
      mode,
      fromBranch: from,
      branch: dedicated,
      move: at === target.sha ? null : { branch: dedicated, from: at, to: target.sha },
      note: `${before}; branch \`${dedicated}\` is ${what} and checked out.`,
    },
    step: {
      title: `Check out ${target.tag} on branch ${dedicated} (${what}) ${hooks}${from && from !== dedicated ? `; branch ${from} stays at ${short(head.sha)}` : ''}`,
      command: at === target.sha ? `git checkout ${shellQuote(dedicated)}` : moveCmd(dedicated, at),
    },
    blocker: null,
  };
}
