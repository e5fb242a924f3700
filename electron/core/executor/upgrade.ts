import type { OperationStatus } from '../../../shared/api/types.js';
import { HealthFailure, runHealthChecks, watchHealth, type HealthRunOptions } from '../health/index.js';
import type { ProjectManifest } from '../manifest/types.js';
import { operationSnapshotDir } from '../state/paths.js';
import { cancelReason, OperationContext, StepFailure } from './context.js';
import { stashMessage, type Journal, type SetAsideEntry } from './journal.js';
import { restoreFromJournal } from './restore.js';
import { planSetAside, restoreSetAside, setAside } from './set-aside.js';
import type { Worktree } from './worktree.js';
import { verifyTag } from '../trust/signature.js';
import { snapshotModes } from '../../../shared/plan/index.js';
import { readTagRef } from '../git/ref-files.js';
import { assertFreeSpace, HOOK_TIMEOUT_MS, INSTALL_TIMEOUT_MS, operationEnv, type KindDriver, type OperationJob, type OperationOutcome, type UndoResult } from './job.js';

export * from './job.js';

function seedSmokeExit(code: number): string | null {
  if (code === 1) return 'reported failing smoke tests (exit 1)';
  if (code === 2) return 'could not run the smoke tests (exit 2: error)';
  return null;
}


/** The git checkout's own steps, and its undo: restore HEAD and branch, set-aside paths and stashed work. */
export function gitDriver(ctx: OperationContext, tree: Worktree, job: OperationJob, env: Record<string, string>): KindDriver {
  const m = job.manifest;
  return {
    rollBack: () => rollBack(ctx, tree, m),
    actions: {
      preflight: async () => {
        assertFreeSpace(tree.path, job);
        const changed = await tree.changedFiles(job.leaveUntracked ? { leaveUntracked: job.leaveUntracked } : {});
        if (changed.length > 0 && !job.stash) {
          const list = changed.slice(0, 20).map((f) => `  ${f}`).join('\n');
          const more = changed.length > 20 ? `\n  … and ${changed.length - 20} more` : '';
          throw new StepFailure(
            'preflight',
            `The working tree has uncommitted changes in ${changed.length} file(s):\n${list}${more}\nNothing was changed. Commit them, or pass --stash to set them aside for the upgrade and get them back afterwards.`,
            null,
            true,
            'DIRTY_TREE',
          );
        }
        if (changed.length > 0) {
          const message = stashMessage(ctx.operationId);
          ctx.record({ stash: { message, sha: null } });
          const sha = await tree.stashPush(message);
          ctx.record({ stash: sha ? { message, sha } : null });
        }
      },
      snapshot: async () => {
        const j = ctx.journal();
        const ref = `refs/upshift/snapshots/${ctx.operationId}`;
        ctx.record({ snapshotRef: ref });
        await tree.updateRef(ref, j.originalSha);
        if (m.seedFormat) ctx.record({ snapshotTag: await seedTag(tree, j.originalSha) });
        const modes = snapshotModes(m.snapshot.mode, m.snapshot.paths, m.install);
        const planned = planSetAside(operationSnapshotDir(ctx.store.paths.home, ctx.operationId), modes);
        const entries: SetAsideEntry[] = [];
        for (const [i, entry] of planned.entries()) {
          ctx.record({ setAside: [...entries, entry] });
          const started = Date.now();
          const done = setAside(tree.path, entry, { onProgress: (p) => ctx.note('snapshot', `${p.path}: ${p.files.toLocaleString('en')} files copied so far`) });
          entries.push(done);
          ctx.record({ setAside: entries });
          // Which mode each path got, and why (README "Snapshots"; docs/snapshots.md): in the operation's log.
          const how = done.absent ? 'absent, nothing to set aside' : done.method === 'rename' ? `moved aside (${modes[i]!.reason})` : done.method === 'reflink' ? 'cloned by reflink' : 'copied file by file (no reflink on this file system)';
          ctx.note('snapshot', `${entry.path}: ${how} in ${Date.now() - started} ms`);
        }
      },
      fetch: async () => {
        if (!job.to.tag) throw new StepFailure('fetch', 'No tag to fetch.');
        // The plan fetched this tag moments ago under the same lock; fetch again only if it is not there as planned.
        // Read from the ref files when they say it (the tag object the plan fetched, or the commit itself): no process.
        const ref = readTagRef(tree.path, job.to.tag);
        const known = ref !== null && (ref.objectSha === job.to.sha || ref.objectSha === job.tagObject || ref.peeled === job.to.sha);
        const local = known ? job.to.sha : await tree.resolveCommit(`refs/tags/${job.to.tag}`);
        if (local !== job.to.sha && job.offline) {
          throw new StepFailure('fetch', `Offline: tag ${job.to.tag} is not in the local repository as planned, and fetching it would use the network. Nothing was changed.`, null, false, 'OFFLINE');
        }
        if (local !== job.to.sha && job.beforeFetch) await job.beforeFetch();
        const sha = local === job.to.sha ? local : await tree.fetchTag(job.remote, job.to.tag);
        if (sha !== job.to.sha) {
          throw new StepFailure('fetch', `Tag ${job.to.tag} now points at ${sha}, but the plan was made for ${job.to.sha}. The remote tag moved: review the new plan before upgrading.`, null, false, 'TAG_MOVED');
        }
      },
      // Who signed the fetched tag, checked again right before checkout (the plan checked it too): only an allowed
      // signer's tag is ever checked out (issue 10 §5).
      verify: async () => {
        if (!job.to.tag || !m.verify) throw new StepFailure('verify', 'No tag or no allowed signers to verify against.');
        const v = await verifyTag(tree.path, job.to.tag, m.verify, ctx.signal);
        if (v.status !== 'good') throw new StepFailure('verify', `${v.message}. Only tags signed by an allowed key (verify:) are checked out.`, null, false, 'SIGNATURE_REFUSED');
        ctx.log('verify', v.message);
      },
      checkout: async () => {
        const moves = job.branchMoves ?? [];
        // A branch to move must still be where the plan saw it; if someone committed on it meanwhile, nothing moves.
        for (const mv of moves) {
          const now = await tree.resolveCommit(`refs/heads/${mv.branch}`);
          if (now !== mv.from) {
            const was = mv.from ? `at ${mv.from.slice(0, 12)}` : 'absent';
            throw new StepFailure('checkout', `Branch ${mv.branch} is ${now ? `at ${now.slice(0, 12)}` : 'gone'}, but the plan saw it ${was}; Upshift did not move it. Make the plan again.`, null, false, 'BRANCH_MOVED');
          }
        }
        // Recorded before any ref moves: a rollback or a recovery puts each branch back from exactly these values.
        ctx.record({ checkoutStarted: true, targetSha: job.to.sha, ...(moves.length > 0 ? { movedBranches: [...moves] } : {}) });
        const branch = job.to.branch ?? null;
        // With branches to move: the tree moves once, detached at the target; then each ref (compare-and-swap); then
        // HEAD onto its branch, which the tree already matches.
        if (moves.length > 0) await tree.checkoutDetached(job.to.sha);
        for (const mv of moves) await tree.moveBranch(mv.branch, mv.from, mv.to);
        if (branch) await tree.checkoutBranch(branch, job.to.sha);
        else if (moves.length === 0) await tree.checkoutDetached(job.to.sha);
        const head = await tree.headSha();
        if (head !== job.to.sha) throw new StepFailure('checkout', `After checkout HEAD is ${head}, expected ${job.to.sha}.`);
      },
      'restore-paths': async () => {
        for (const entry of job.restorePaths ?? []) restoreSetAside(tree.path, entry, { keepStored: true });
      },
      install: async () => {
        if (m.install) await ctx.command('install', { command: m.install, timeoutMs: INSTALL_TIMEOUT_MS, env });
      },
      finalize: async () => {
        await returnStash(ctx, tree, job);
      },
    },
  };
}

/**
 * Runs an upgrade or a rollback as a state machine over the plan's steps. Each transition is committed to the
 * journal before the action it describes, so a crash at any point leaves enough for recovery; any failure after
 * the first change undoes the operation automatically (for a git checkout: HEAD and branch, set-aside paths,
 * stashed work; for an artifact: the `current` link; for a command: the rollback command).
 */
export async function executeOperation(ctx: OperationContext, job: OperationJob, makeDriver: (env: Record<string, string>) => KindDriver): Promise<OperationOutcome> {
  const m = job.manifest;
  const env = operationEnv(ctx, job);
  const driver = makeDriver(env);
  // Recovery finalises an operation whose checks passed: only once the last of smoke, health and watch has.
  const verifySteps = job.steps.map((st) => st.id).filter((id) => id === 'smoke' || id === 'health' || id === 'watch');
  const lastVerify = verifySteps[verifySteps.length - 1] ?? 'smoke';
  const healthOptions = (stepId: string): HealthRunOptions => ({
    exec: async (command, timeoutMs) => void (await ctx.command(stepId, { command, timeoutMs, env })),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    log: (line) => ctx.log(stepId, line),
  });
  const asStepFailure = (stepId: string, err: unknown) =>
    err instanceof HealthFailure ? new StepFailure(stepId, err.message, err.excerpt, false, 'HEALTH_FAILED') : err;
  const hook = (id: string, command: string | null) =>
    command ? ctx.step(id, `Run the ${id.slice(5)} hook`, async () => void (await ctx.command(id, { command, timeoutMs: HOOK_TIMEOUT_MS, env }))) : Promise.resolve();

  const actions: Record<string, () => Promise<void>> = {
    'hook:preUpgrade': () => hook('hook:preUpgrade', m.hooks.preUpgrade),
    'hook:postCheckout': () => hook('hook:postCheckout', m.hooks.postCheckout),
    smoke: async () => {
      if (!m.smoke) return;
      await ctx.command('smoke', {
        command: m.smoke.command,
        timeoutMs: m.smoke.timeoutSeconds * 1000,
        env,
        ...(m.smoke.seedExitCodes ? { describeExit: seedSmokeExit } : {}),
      });
      if (lastVerify === 'smoke') ctx.record({ smokePassed: true });
    },
    health: async () => {
      try {
        await runHealthChecks(m.health ?? [], healthOptions('health'));
      } catch (err) {
        throw asStepFailure('health', err);
      }
      if (lastVerify === 'health') ctx.record({ smokePassed: true });
    },
    watch: async () => {
      if (!m.watch) return;
      try {
        await watchHealth(m.health ?? [], m.watch, healthOptions('watch'));
      } catch (err) {
        throw asStepFailure('watch', err);
      }
      if (lastVerify === 'watch') ctx.record({ smokePassed: true });
    },
    'hook:postUpgrade': () => hook('hook:postUpgrade', m.hooks.postUpgrade),
    'hook:onRollback': () => hook('hook:onRollback', m.hooks.onRollback),
    ...driver.actions,
  };

  const pending = job.steps.map((s) => s.id);
  try {
    for (const step of job.steps) {
      const action = actions[step.id];
      if (!action) throw new StepFailure(step.id, `Unknown step "${step.id}" in the plan.`);
      // Hooks and commands record their own step rows through ctx.command; wrap the rest here.
      if (step.id.startsWith('hook:')) await action();
      else await ctx.step(step.id, step.title, action, { command: step.command });
      pending.shift();
    }
    const done = ctx.journal();
    return { status: done.stashKept ? 'stash_kept' : 'succeeded', error: null, failedStep: null, manualRecovery: null, warnings: done.warnings ?? [] };
  } catch (err) {
    const failure = err instanceof StepFailure ? err : new StepFailure(pending[0] ?? 'unknown', String(err));
    for (const id of pending.slice(1)) ctx.skip(id);
    if (failure.beforeAnyChange) {
      const status: OperationStatus = failure.code === 'DIRTY_TREE' ? 'blocked' : 'failed';
      return { status, error: failure.message, failedStep: failure.stepId, manualRecovery: null, warnings: [] };
    }
    const restored = await driver.rollBack();
    const cancelled = failure.code === 'CANCELLED';
    const error = cancelled
      ? `Cancelled${cancelReason(ctx.signal)} during step "${failure.stepId}"; everything was put back as it was before the operation.`
      : `Step "${failure.stepId}" failed: ${failure.message}`;
    if (restored.ok) {
      return { status: cancelled ? 'cancelled' : 'rolled_back', error, failedStep: failure.stepId, manualRecovery: null, warnings: restored.problems };
    }
    return {
      status: 'failed',
      error: `${error}\nTHE AUTOMATIC ROLLBACK ALSO FAILED: ${restored.problems.join('; ')}`,
      failedStep: failure.stepId,
      manualRecovery: restored.manualRecovery,
      warnings: [],
    };
  }
}

/** Restores the checkout from the journal, recorded as a `rollback` step with its own outcome. */
export async function rollBack(ctx: OperationContext, tree: Worktree, m: ProjectManifest): Promise<UndoResult> {
  const env = { UPSHIFT_OPERATION_ID: ctx.operationId, UPSHIFT_PROJECT: ctx.project.name };
  const j = ctx.journal();
  let result: Awaited<ReturnType<typeof restoreFromJournal>> | null = null;
  try {
    await ctx.step('rollback', 'Roll back: restore HEAD and branch, set-aside paths and stashed work', async () => {
      result = await restoreFromJournal(tree, j, {
        operationId: ctx.operationId,
        record: (patch) => void ctx.record(patch),
        ...(m.hooks.onRollback
          ? { onRollback: async () => void (await ctx.command('hook:onRollback', { command: m.hooks.onRollback!, timeoutMs: HOOK_TIMEOUT_MS, env, ignoreCancel: true })) }
          : {}),
      });
      if (!result.ok) throw new StepFailure('rollback', result.problems.join('; '));
    }, { ignoreCancel: true });
  } catch {
    // The step row already carries the reason; the result says what to do by hand.
  }
  const r = result as Awaited<ReturnType<typeof restoreFromJournal>> | null;
  if (r?.ok) ctx.record({ stash: null });
  return r ?? { ok: false, problems: ['rollback did not run'], manualRecovery: null };
}

/**
 * Gives stashed work back after success. Work that would not apply cleanly on the new version is never applied half
 * (no conflict markers, nothing staged that was not): by default the upgrade is rolled back, which gives the work
 * back exactly where it was made; with `keepOnConflict` the new version stays, the tree clean, the work in its stash.
 */
async function returnStash(ctx: OperationContext, tree: Worktree, job: OperationJob): Promise<void> {
  const j = ctx.journal();
  if (!j.stash || j.stashReturned || j.stashKept) return;
  const sha = j.stash.sha ?? (await tree.findStash(j.stash.message));
  if (!sha) return;
  try {
    await tree.returnStash(sha);
    ctx.record({ stashReturned: true });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (job.keepOnConflict) {
      ctx.record({ stashKept: true });
      ctx.warn(`${why} As asked (--keep-on-conflict), ${job.to.version ?? 'the new version'} is kept with a clean tree; your work stays in stash ${sha} ("${j.stash.message}"): run \`git stash apply --index ${sha}\` to merge it by hand.`);
      return;
    }
    // Recorded first: a crash from here on must roll back too, not finalise.
    ctx.record({ rollbackDecided: true });
    throw new StepFailure('finalize', `${why} The upgrade is rolled back so that it comes back exactly as it was (or upgrade with --keep-on-conflict to keep ${job.to.version ?? 'the new version'} and merge the work by hand).`, null, false, 'STASH_CONFLICT');
  }
}

/** A `pre-upgrade-YYYYMMDD-HHMMSS` tag (seed format) that never collides: a suffix is added within one second. */
async function seedTag(tree: Worktree, sha: string, now: Date = new Date()): Promise<string> {
  const p = (n: number) => String(n).padStart(2, '0');
  const base = `pre-upgrade-${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  for (let i = 1; i < 1000; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (await tree.createTag(name, sha)) return name;
  }
  throw new StepFailure('snapshot', `Could not find a free tag name after ${base}-999.`);
}

export type { Journal };
