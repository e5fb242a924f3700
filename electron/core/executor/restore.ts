import { stopProcessGroup } from '../process/index.js';
import { shellQuote } from '../../../shared/plan/index.js';
import type { Journal } from './journal.js';
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
 * and nothing the user had is dropped; the stash is only popped once HEAD is verified back where it was.
 */
export async function restoreFromJournal(tree: Worktree, journal: Journal, hooks: RestoreHooks = {}): Promise<RestoreResult> {
  const problems: string[] = [];
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

  await run('stop-orphan', () => stopOrphanGroup(journal.runningPgid ?? null));

  let headBack = await run('checkout', async () => {
    if (journal.originalBranch) await tree.restoreBranch(journal.originalBranch, journal.originalSha);
    else await tree.forceDetached(journal.originalSha);
  });

  for (const entry of journal.setAside ?? []) {
    await run('paths', async () => restoreSetAside(tree.path, entry));
  }

  if (hooks.onRollback) {
    try {
      await hooks.onRollback();
    } catch (err) {
      problems.push(`onRollback hook: ${err instanceof Error ? err.message : String(err)} (ignored: the checkout is restored regardless)`);
    }
  }

  headBack =
    (await run('verify', async () => {
      const sha = await tree.headSha();
      const branch = await tree.currentBranch();
      if (sha !== journal.originalSha) throw new Error(`HEAD is ${sha}, expected ${journal.originalSha}`);
      if (branch !== journal.originalBranch) {
        throw new Error(`HEAD is on ${branch ?? '(detached)'}, expected ${journal.originalBranch ?? '(detached)'}`);
      }
    })) && headBack;

  let stashSha = journal.stash?.sha ?? null;
  if (journal.stash && !stashSha) stashSha = await tree.findStash(journal.stash.message).catch(() => null);
  if (stashSha) {
    if (headBack) await run('stash', async () => tree.stashPop(stashSha!));
    else problems.push(`stash: your uncommitted work is kept safe in stash ${stashSha} ("${journal.stash?.message ?? stashMessage('?')}")`);
  }

  // The onRollback hook counts as a warning, not a failed restore.
  const hard = problems.filter((p) => !p.startsWith('onRollback hook:'));
  return { ok: hard.length === 0, problems, manualRecovery: hard.length === 0 ? null : manualSteps(tree.path, journal, stashSha) };
}

/** The commands that finish a restore by hand, in order, for the message shown when the automatic one failed. */
export function manualSteps(path: string, journal: Journal, stashSha: string | null): string {
  const lines = [`cd ${shellQuote(path)}`];
  if (journal.originalBranch) {
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
