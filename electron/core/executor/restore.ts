import { stopProcessGroup } from '../process/index.js';
import { shellQuote } from '../../../shared/plan/index.js';
import type { BranchMove, Journal } from './journal.js';
import { stashMessage } from './journal.js';
import { restoreSetAside } from './set-aside.js';
import type { Worktree } from './worktree.js';

export interface RestoreResult {
  ok: boolean;
  /** Each thing that went wrong while restoring, in order; empty when ok. */
  problems: string[];
  /** Commands a person can run to finish by hand when `ok` is false. */
  manualRecovery: string | null;
}

export interface RestoreHooks {
  /** The operation being undone: names the ref that keeps changes a forced restore would overwrite. */
  operationId?: string;
  /** Makes progress durable in the undone operation's journal, so a restore interrupted in turn resumes safely. */
  record?: (patch: Partial<Journal>) => void;
  /** Runs the onRollback hook; failures are reported as warnings, never block the restore. */
  onRollback?: () => Promise<void>;
  /** Called before each part so the caller can record it as a step. */
  part?: (id: 'stop-orphan' | 'checkout' | 'paths' | 'stash' | 'hook' | 'verify', fn: () => Promise<void>) => Promise<void>;
}

/** Stops a process group left behind by a process that died mid-command (kill -9 of the CLI during install). */
export async function stopOrphanGroup(running: Journal['runningPgid']): Promise<void> {
  if (running) await stopProcessGroup(running.pid, running.startTime, { graceMs: 2000 });
}

/**
 * Brings a checkout back to the journal's recorded state: HEAD and branch, the paths set aside, the stashed
 * work. Every part is idempotent and runs even when an earlier one failed, so as much as possible is restored
 * and nothing the user had is dropped. The rules that keep uncommitted work safe, whoever calls this (a failed
 * step, a cancel, crash recovery, a recovery interrupted in turn):
 * - HEAD is only forced back when this operation moved it (`checkoutStarted`) and no earlier restore already put
 *   it back (`headRestored`). If it never moved there is nothing to restore, and nothing is forced: a crash before
 *   the checkout never touches the tree. If it is not where the journal says, it is reported, not moved.
 * - Before a forced checkout, any tracked change in the tree is kept as `refs/upshift/rescued/<operation>`.
 * - Branch refs the checkout moved (`movedBranches`: `checkout: branch`, or a rollback putting a branch back) return
 *   to where they were with a compare-and-swap from where the operation put them, before HEAD does; a branch that is
 *   anywhere else was moved by someone since (a commit on it) and is left there, reported, never rewritten.
 * - Stashed work is given back only once HEAD is verified back, and only over a tree whose every change the stash
 *   already holds byte for byte (see returnStash); anything else stays where it is and the message says where.
 */
export async function restoreFromJournal(tree: Worktree, journal: Journal, hooks: RestoreHooks = {}): Promise<RestoreResult> {
  const problems: string[] = [];
  const notes: string[] = [];
  const record = (patch: Partial<Journal>) => {
    Object.assign(journal, patch);
    hooks.record?.(patch);
  };
  const run = async (id: Parameters<NonNullable<RestoreHooks['part']>>[0], fn: () => Promise<void>): Promise<boolean> => {
    try {
      if (hooks.part) await hooks.part(id, fn);
      else await fn();
      return true;
    } catch (err) {
      problems.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  };
  const where = async () => ({ sha: await tree.headSha(), branch: await tree.currentBranch() });
  const isOriginal = (at: { sha: string; branch: string | null }) => at.sha === journal.originalSha && at.branch === journal.originalBranch;

  await run('stop-orphan', () => stopOrphanGroup(journal.runningPgid ?? null));

  const moved = journal.checkoutStarted === true && journal.headRestored !== true;
  let headBack = true;
  if (moved) {
    headBack = await run('checkout', async () => {
      const at = await where();
      const away = await branchesAway(tree, journal);
      // Back already, with nothing in the tree: a crash came right after the checkout was recorded, or after a restore.
      if (isOriginal(at) && away.length === 0 && (await tree.changedFiles()).length === 0) return;
      // What the tree holds now was written by this operation's own steps (the user's work was set aside before
      // the checkout started); it is kept all the same before being overwritten.
      const rescued = await tree.rescueChanges(hooks.operationId ?? 'operation');
      if (rescued) {
        record({ rescued: [...(journal.rescued ?? []), rescued] });
        notes.push(`changes found in the tree before rolling back are kept as ${rescued.ref} (\`git stash apply ${rescued.sha}\` brings them back)`);
      }
      // Branch refs the checkout moved go back first (each only from where this operation put it), so that the
      // original branch is where it was when HEAD returns to it.
      const stuck = await putBranchesBack(tree, away);
      if (journal.originalBranch) await tree.forceBranch(journal.originalBranch, journal.originalSha);
      else await tree.forceDetached(journal.originalSha);
      if (stuck.length > 0) throw new Error(stuck.join('; '));
    });
  }

  for (const entry of journal.setAside ?? []) {
    // The tree the failed install left is removed after the rollback, not before it is done (set-aside.ts).
    await run('paths', async () => restoreSetAside(tree.path, entry, { discardInBackground: true }));
  }

  if (hooks.onRollback) {
    try {
      await hooks.onRollback();
    } catch (err) {
      notes.push(`onRollback hook: ${err instanceof Error ? err.message : String(err)} (ignored: the checkout is restored regardless)`);
    }
  }

  headBack =
    (await run('verify', async () => {
      const at = await where();
      const away = isOriginal(at) ? await branchesAway(tree, journal) : [];
      if (away.length > 0) throw new Error(away.map((mv) => `branch ${mv.branch} is not back at ${mv.from ?? 'nothing (it did not exist)'}`).join('; '));
      if (isOriginal(at)) {
        if (!journal.headRestored) record({ headRestored: true });
        return;
      }
      const said = `HEAD is ${at.branch ? `on ${at.branch} at` : 'detached at'} ${at.sha}, expected ${journal.originalBranch ? `${journal.originalBranch} at` : 'detached at'} ${journal.originalSha}`;
      if (!moved) throw new Error(`${said}; this operation never moved HEAD, so something else did, and Upshift left it there`);
      throw new Error(said);
    })) && headBack;

  let stashSha = journal.stash?.sha ?? null;
  if (journal.stash && !stashSha) stashSha = await tree.findStash(journal.stash.message).catch(() => null);
  if (stashSha) {
    if (headBack) {
      await run('stash', async () => {
        await tree.returnStash(stashSha!);
        record({ stash: null });
      });
    } else problems.push(`stash: your uncommitted work is kept safe in stash ${stashSha} ("${journal.stash?.message ?? stashMessage('?')}")`);
  }

  return { ok: problems.length === 0, problems: [...problems, ...notes], manualRecovery: problems.length === 0 ? null : manualSteps(tree.path, journal, journal.stash ? stashSha : null, moved) };
}

/** The branches the operation moved that are not back where they were yet. */
async function branchesAway(tree: Worktree, journal: Journal): Promise<BranchMove[]> {
  const away: BranchMove[] = [];
  for (const mv of journal.movedBranches ?? []) if ((await tree.resolveCommit(`refs/heads/${mv.branch}`)) !== mv.from) away.push(mv);
  return away;
}

/**
 * Moves each branch back (last moved first) with a compare-and-swap from where the operation put it. A branch that is
 * anywhere else was moved by someone else since: it is left there, and the returned sentences say so.
 */
async function putBranchesBack(tree: Worktree, away: readonly BranchMove[]): Promise<string[]> {
  const stuck: string[] = [];
  for (const mv of [...away].reverse()) {
    const now = await tree.resolveCommit(`refs/heads/${mv.branch}`);
    if (now === mv.to) {
      await tree.moveBranch(mv.branch, mv.to, mv.from);
      continue;
    }
    const was = mv.from ? mv.from.slice(0, 12) : 'absent';
    const put = mv.to ? mv.to.slice(0, 12) : 'deleted';
    stuck.push(`branch ${mv.branch} is ${now ? `at ${now.slice(0, 12)}` : 'gone'}, neither where it was (${was}) nor where this operation put it (${put}): something else moved it, and Upshift left it there`);
  }
  return stuck;
}

/** The commands that finish a restore by hand, in order, for the message shown when the automatic one failed. */
export function manualSteps(path: string, journal: Journal, stashSha: string | null, moved = true): string {
  const lines = [`cd ${shellQuote(path)}`];
  if (moved) {
    for (const mv of [...(journal.movedBranches ?? [])].reverse()) {
      const ref = shellQuote(`refs/heads/${mv.branch}`);
      lines.push(mv.from ? `git update-ref ${ref} ${mv.from}   # branch ${mv.branch} back where it was` : `git update-ref -d ${ref}   # branch ${mv.branch} did not exist before`);
    }
  }
  if (!moved) {
    lines.push(`git status   # HEAD was never moved by this operation: compare it with ${journal.originalBranch ?? 'detached'} at ${journal.originalSha}`);
  } else if (journal.originalBranch) {
    lines.push(`git checkout -f ${shellQuote(journal.originalBranch)}`, `git reset --hard ${journal.originalSha}`);
  } else {
    lines.push(`git checkout -f --detach ${journal.originalSha}`);
  }
  for (const entry of journal.setAside ?? []) {
    if (entry.done && !entry.absent) lines.push(`rm -rf ${shellQuote(entry.path)} && mv ${shellQuote(entry.stored)} ${shellQuote(entry.path)}`);
  }
  if (stashSha) lines.push(`git stash apply --index ${stashSha}   # your uncommitted work`);
  return lines.join('\n');
}
