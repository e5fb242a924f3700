import type { Operation } from '../../../shared/api/types.js';
import { loadManifest } from '../manifest/index.js';
import { assessOwner, ProjectLock, type OperationJournal, type OperationRecord, type StateStore } from '../state/index.js';
import { OperationContext } from './context.js';
import type { OperationListener } from './events.js';
import type { Journal } from './journal.js';
import { restoreFromJournal, stopOrphanGroup } from './restore.js';
import { gitWorktree } from './git-worktree.js';
import { undoArtifact } from './artifact-driver.js';
import { undoCommand } from './command-driver.js';
import { rmSync, statSync } from 'node:fs';
import { stepLogPath } from '../state/paths.js';
import { moduleLogger } from '../telemetry/index.js';

const log = moduleLogger('recovery');

export interface RecoveryReport {
  /** Operations recovered by this call: the interrupted one and the recovery operation recorded for it. */
  recovered: Array<{ interrupted: string; recovery: Operation }>;
  /** Unfinished operations left alone because their process is still running (or runs on another host). */
  leftAlone: string[];
}

/**
 * Finishes what a crash, `kill -9` or power loss left half done. For every operation still marked running whose
 * process is gone: if its smoke tests had passed, it is finalised (stashed work given back, marked succeeded);
 * otherwise the checkout is restored from its journal. Each recovery is recorded as a `recovery` operation.
 * An operation whose owner is still alive is never touched: the project lock decides, atomically.
 */
export async function recoverInterrupted(store: StateStore, listener?: OperationListener): Promise<RecoveryReport> {
  const report: RecoveryReport = { recovered: [], leftAlone: [] };
  for (const record of store.unfinishedOperations()) {
    const op = record.operation;
    const state = assessOwner({ pid: op.pid, pidStartTime: record.pidStartTime, bootId: record.bootId, host: op.host });
    if (state === 'alive' || state === 'other-host') {
      report.leftAlone.push(op.id);
      continue;
    }
    let lock: ProjectLock;
    try {
      lock = ProjectLock.acquire(store, op.project, { operationId: `recovery-of-${op.id}` });
    } catch {
      report.leftAlone.push(op.id);
      continue;
    }
    try {
      // Another process may have recovered it between the listing and the lock.
      const fresh = store.getOperationRecord(op.id);
      if (!fresh || fresh.operation.status !== 'running') continue;
      if (fresh.operation.kind === 'recovery') {
        // A recovery that was itself interrupted changed nothing of its own: the operation it was recovering is
        // still unfinished, with a journal that says how far it got, and is recovered again (in this same pass).
        for (const s of fresh.operation.steps) if (s.status === 'running' || s.status === 'pending') store.setStepStatus(op.id, s.id, 'skipped');
        store.finishOperation(op.id, 'interrupted', { error: `This recovery was itself interrupted (process ${op.pid} is gone); ${fresh.operation.target ?? 'the operation it recovered'} is recovered again.` });
        continue;
      }
      report.recovered.push({ interrupted: op.id, recovery: await recoverOne(store, fresh, listener) });
    } finally {
      lock.release();
    }
  }
  return report;
}

async function recoverOne(store: StateStore, record: OperationRecord, listener?: OperationListener): Promise<Operation> {
  const op = record.operation;
  const journal = record.journal as unknown as Journal;
  const project = store.getProject(op.project);
  const path = project?.path ?? '';
  const running = op.steps.find((s) => s.status === 'running');
  const { finalize, keepStash } = await finalizeOrRollBack(op, journal, project ? path : null);
  const recovery = store.createOperation({
    project: op.project,
    kind: 'recovery',
    target: op.id,
    from: op.to,
    to: finalize ? op.to : op.from,
    steps: [
      { id: 'stop-orphan', title: 'Stop any command the interrupted process left running', command: null },
      finalize
        ? { id: 'finalize', title: `Finalise ${op.id}: its smoke tests had passed`, command: null }
        : { id: 'rollback', title: `Roll back ${op.id} from its journal`, command: null },
    ],
  });
  const ctx = new OperationContext(store, recovery.id, { name: op.project, path }, listener, undefined);
  const interruptedAt = running ? `during step "${running.id}"` : 'between steps';
  log.warn('recovering an interrupted operation', { op: recovery.id, project: op.project, interrupted: op.id, interruptedAt, action: finalize ? 'finalize' : 'rollback' });
  let ok = false;
  let error: string | null = null;
  let manual: string | null = null;
  try {
    await ctx.step('stop-orphan', 'Stop any command the interrupted process left running', () => stopOrphanGroup(journal.runningPgid ?? null));
    if (running) {
      store.finishStep(op.id, running.id, {
        status: 'failed',
        error: `Interrupted: process ${op.pid} ended ${interruptedAt}.`,
        durationMs: lastSignOfLife(store.paths.home, op.id, running),
      });
    }
    if (!project) throw new Error(`project "${op.project}" is no longer registered; its checkout was not touched`);
    const tree = gitWorktree(path);
    if (finalize) {
      await ctx.step('finalize', `Finalise ${op.id}`, async () => {
        if (journal.kind === 'artifact') {
          if (journal.artifact?.downloadDir) rmSync(journal.artifact.downloadDir, { recursive: true, force: true });
          return;
        }
        if (journal.kind === 'command') return;
        const sha = journal.stash?.sha ?? (journal.stash ? await tree.findStash(journal.stash.message) : null);
        if (!sha || journal.stashReturned || journal.stashKept) return;
        if (keepStash) {
          store.setJournal(op.id, { stashKept: true });
          return;
        }
        await tree.returnStash(sha);
        store.setJournal(op.id, { stashReturned: true });
      });
      for (const s of op.steps) if (s.status === 'pending') store.setStepStatus(op.id, s.id, 'skipped');
      const kept = keepStash || journal.stashKept === true;
      store.finishOperation(op.id, kept ? 'stash_kept' : 'succeeded', {
        error: `Interrupted ${interruptedAt}; finalised by ${recovery.id} because its checks had passed.${kept ? ` The uncommitted work did not apply on ${op.to.version ?? 'the new version'} and stays in stash ${journal.stash?.sha ?? journal.stash?.message ?? ''}, as chosen with --keep-on-conflict.` : ''}`,
      });
      ok = true;
    } else {
      const manifest = safeManifest(path, project.core);
      const env = { UPSHIFT_OPERATION_ID: recovery.id, UPSHIFT_PROJECT: op.project };
      if (journal.kind === 'artifact' || journal.kind === 'command') {
        // The journal says what to undo; the manifest only adds the restart or rollback command.
        const undone =
          journal.kind === 'artifact'
            ? await undoArtifact(ctx, journal.artifact ?? { previous: null }, { restart: manifest?.artifact?.restart ?? null, env, ignoreCancel: true })
            : manifest?.command
              ? await undoCommand(ctx, journal.command?.previousVersion ?? null, manifest.command, env, journal.command?.applyStarted === true)
              : { ok: journal.command?.applyStarted !== true, problems: ['the manifest that names the rollback command cannot be read'], manualRecovery: null };
        if (!undone.ok) {
          manual = undone.manualRecovery;
          throw new Error(undone.problems.join('; '));
        }
      } else await ctx.step('rollback', `Roll back ${op.id} from its journal`, async () => {
        const result = await restoreFromJournal(tree, journal, {
          operationId: op.id,
          record: (patch) => void store.setJournal(op.id, patch as Partial<OperationJournal>),
          ...(manifest?.hooks.onRollback
            ? { onRollback: async () => void (await ctx.command('hook:onRollback', { command: manifest.hooks.onRollback!, timeoutMs: 600_000, env: { UPSHIFT_OPERATION_ID: recovery.id } })) }
            : {}),
        });
        if (!result.ok) {
          manual = result.manualRecovery;
          throw new Error(result.problems.join('; '));
        }
      });
      for (const s of op.steps) if (s.status === 'pending') store.setStepStatus(op.id, s.id, 'skipped');
      store.finishOperation(op.id, 'interrupted', { error: `Interrupted ${interruptedAt} (process ${op.pid} is gone); rolled back by ${recovery.id}.` });
      ok = true;
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    store.finishOperation(op.id, 'interrupted', {
      error: `Interrupted ${interruptedAt}; the automatic recovery ${recovery.id} FAILED: ${error}`,
      manualRecovery: manual,
    });
  }
  store.finishOperation(recovery.id, ok ? 'succeeded' : 'failed', { error, manualRecovery: manual });
  if (ok) log.info('recovery finished', { op: recovery.id, project: op.project, interrupted: op.id, status: 'succeeded' });
  else log.error('recovery failed', { op: recovery.id, project: op.project, interrupted: op.id, status: 'failed', error, manualRecovery: manual });
  return store.getOperation(recovery.id)!;
}

/**
 * Whether an interrupted operation is finalised or rolled back. An upgrade whose checks had all passed is finalised,
 * unless its finalize step had decided to roll back, or the stashed work would not apply on the new version (then it
 * rolls back, or keeps the new version with the work in its stash when the user chose so): never a half-applied stash.
 */
async function finalizeOrRollBack(op: Operation, journal: Journal, path: string | null): Promise<{ finalize: boolean; keepStash: boolean }> {
  if (op.kind !== 'upgrade' || journal.smokePassed !== true || journal.rollbackDecided === true) return { finalize: false, keepStash: false };
  if ((journal.kind ?? 'git') !== 'git' || !journal.stash || journal.stashReturned || journal.stashKept || path === null) return { finalize: true, keepStash: false };
  try {
    const tree = gitWorktree(path);
    const sha = journal.stash.sha ?? (await tree.findStash(journal.stash.message));
    if (!sha) return { finalize: true, keepStash: false };
    if ((await tree.predictStash(sha)).clean) return { finalize: true, keepStash: false };
    return journal.keepOnConflict ? { finalize: true, keepStash: true } : { finalize: false, keepStash: false };
  } catch {
    // Cannot tell: finalising gives the work back only if it applies cleanly (returnStash refuses otherwise).
    return { finalize: true, keepStash: false };
  }
}

/**
 * How long the interrupted step ran, as far as anything shows: until its log was last written (a command's
 * output), else unknown. Never until now: the recovery may come hours after the process died.
 */
function lastSignOfLife(home: string, operationId: string, step: { id: string; startedAt: string | null }): number | null {
  if (!step.startedAt) return null;
  try {
    const written = statSync(stepLogPath(home, operationId, step.id)).mtimeMs;
    return Math.max(0, Math.round(written - Date.parse(step.startedAt)));
  } catch {
    return null;
  }
}

function safeManifest(path: string, core: string | null) {
  try {
    return loadManifest(path, core ? { core } : {});
  } catch {
    // A manifest broken since the upgrade began must not stop the checkout from being restored.
    return null;
  }
}
