/**
 * Executes a batch (`upgrade --all` / `--with-dependents`) or a multi-hop path as one journalled batch operation over
 * ordinary member operations. Each member is exactly the single-project path (Engine.upgradeLocked: plan, snapshot,
 * checkout, install, smoke, health, watch, journal, its own rollback on failure); the batch adds the order, the
 * project locks held for the whole run, and what a member's failure does to the others:
 * - all-or-nothing (default): every member that succeeded is rolled back, last first, each exactly as
 *   `upshift rollback` would (Engine.rollbackLocked), so the whole set is back where it started;
 * - keep-going (batches): what succeeded stays; members the plan says need what failed are skipped, members whose
 *   new version refuses the failed one's old version are rolled back;
 * - last-good (paths): the hops that passed their checkpoint stay; the path stops at the last good hop.
 * A plain function of the engine, so the scheduler can run a batch as the CLI does.
 */
import type { BatchMember, BatchOnFailure, BatchOperation, BatchPlan, Operation, StartedBy } from '../../../shared/api/types.js';
import { toApiError, UpshiftError } from '../errors.js';
import type { OperationEvent, OperationListener } from '../executor/events.js';
import { newOperationId, ProjectLock } from '../state/index.js';
import { withLogContext } from '../telemetry/index.js';
import { crashPoint } from '../util/crash-points.js';
import type { BatchEngine } from './engine.js';
import { BatchStore, newBatchId, type NewBatch } from './store.js';

/** A member operation's event with the batch it belongs to and, for a path, the hop. */
export type BatchEvent =
  | (OperationEvent & { batch?: { id: string; seq: number; project: string; hop: number | null } })
  | { type: 'batch-member'; batchId: string; seq: number; project: string; hop: number | null; status: string; operationId: string | null; error: string | null }
  | { type: 'batch-finished'; batchId: string; status: string; error: string | null };

export type BatchListener = (event: BatchEvent) => void;

export interface BatchRunOptions {
  signal?: AbortSignal;
  listener?: BatchListener;
  /** Stash uncommitted work of each member for its upgrade (as `upgrade --stash`). */
  stash?: boolean;
  /** Upgrade members even after repeated automatic rollbacks (rollback-loop protection). */
  force?: boolean;
  startedBy?: StartedBy | null;
  /** Called once the batch is recorded (locks held), before any member runs. */
  onStarted?: (batch: BatchOperation) => void;
}

/** Records the batch, takes every member's project lock for the whole run, and runs it. */
export async function runBatch(engine: BatchEngine, spec: NewBatch, opts: BatchRunOptions = {}): Promise<BatchOperation> {
  const id = newBatchId();
  const locks = lockAll(engine, spec.members.map((m) => m.project), id);
  try {
    return await withLogContext({ op: id }, async () => {
      const batches = new BatchStore(engine.store);
      const batch = batches.create({ ...spec, ...(opts.startedBy ? { startedBy: opts.startedBy } : {}) }, id);
      crashPoint('batch:recorded');
      try {
        opts.onStarted?.(batch);
      } catch {
        // The caller's bookkeeping must never leave a recorded batch unexecuted.
      }
      return await driveBatch(engine, id, opts);
    });
  } finally {
    for (const l of locks) l.release();
  }
}

/**
 * Takes every project's lock, or none: a lock held by another process refuses the whole batch before anything is
 * recorded or changed (LockHeldError names the holder).
 */
export function lockAll(engine: BatchEngine, projects: readonly string[], holder: string): ProjectLock[] {
  const locks: ProjectLock[] = [];
  try {
    for (const p of [...new Set(projects)]) locks.push(ProjectLock.acquire(engine.store, p, { operationId: holder }));
  } catch (err) {
    for (const l of locks) l.release();
    throw err;
  }
  return locks;
}

/**
 * Runs the batch's pending members in order and applies its failure policy; the caller holds every lock. Also what
 * `upshift resume` continues with after recovery kept the members that had succeeded.
 */
export async function driveBatch(engine: BatchEngine, id: string, opts: BatchRunOptions = {}): Promise<BatchOperation> {
  const batches = new BatchStore(engine.store);
  const batch = batches.get(id)!;
  const plan = batches.plan(id) as BatchPlan | null;
  const emit = opts.listener ?? (() => {});
  let failure: { seq: number; message: string } | null = null;
  const skipped = new Set<string>();

  for (const member of batch.members) {
    if (member.status !== 'pending') continue;
    const hop = member.hop?.index ?? null;
    if (skipped.has(member.project) || (failure !== null && batch.onFailure !== 'keep-going')) {
      const why = failure ? `not run: ${batch.members[failure.seq]!.project} ${batch.members[failure.seq]!.to} failed` : 'not run';
      batches.setMember(id, member.seq, { status: 'skipped', reason: skipped.has(member.project) ? `${why}, and ${member.project} ${member.to} needs it` : why });
      emit({ type: 'batch-member', batchId: id, seq: member.seq, project: member.project, hop, status: 'skipped', operationId: null, error: null });
      continue;
    }
    if (opts.signal?.aborted) {
      failure = { seq: member.seq, message: 'cancelled before it started' };
      batches.setMember(id, member.seq, { status: 'skipped', reason: 'cancelled before it started' });
      continue;
    }
    const operationId = newOperationId();
    // Recorded before the member's operation exists: recovery finds it (or sees it never started) from here.
    batches.setMember(id, member.seq, { status: 'running', operationId });
    emit({ type: 'batch-member', batchId: id, seq: member.seq, project: member.project, hop, status: 'running', operationId, error: null });
    crashPoint('batch:member-started');
    const outcome = await runMember(engine, member.project, member.to, operationId, opts, (e) => emit({ ...e, batch: { id, seq: member.seq, project: member.project, hop } }));
    crashPoint('batch:member-finished');
    batches.setMember(id, member.seq, { status: outcome.ok ? 'succeeded' : 'failed', ...(outcome.ok ? {} : { reason: outcome.message }) });
    emit({ type: 'batch-member', batchId: id, seq: member.seq, project: member.project, hop, status: outcome.ok ? 'succeeded' : 'failed', operationId, error: outcome.ok ? null : outcome.message });
    if (outcome.ok) continue;
    failure ??= { seq: member.seq, message: `${member.project} ${member.to}: ${outcome.message}` };
    if (outcome.manual) break; // its own rollback failed: touch nothing else, a person must look first
    if (batch.onFailure === 'keep-going' && plan) {
      const effect = plan.members?.find((m: BatchMember) => m.project === member.project)?.onFailure?.keepGoing;
      for (const s of effect?.skip ?? []) skipped.add(s);
      const undo = (effect?.rollBack ?? []).filter((p) => p !== member.project);
      if (undo.length > 0) await rollBackMembers(engine, id, opts, (m) => undo.includes(m.project));
    }
  }

  const after = batches.get(id)!;
  if (failure === null) return finish(batches, id, 'succeeded', null, emit);
  if (after.members.some((m) => m.status === 'failed' && m.operationId && engine.store.getOperation(m.operationId)?.manualRecovery)) {
    return finish(batches, id, 'failed', `${failure.message}. Its automatic rollback failed too: see its operation for what to do by hand; the other members were left as they are.`, emit);
  }
  if (batch.onFailure === 'all-or-nothing') {
    const ok = await rollBackMembers(engine, id, opts, () => true);
    return finish(
      batches,
      id,
      ok ? 'rolled_back' : 'failed',
      ok ? `${failure.message}. Every member was put back where it started (all-or-nothing).` : `${failure.message}. Rolling the other members back FAILED for some: see their rollback operations.`,
      emit,
    );
  }
  return finish(batches, id, 'partial', partialMessage(failure.message, batches.get(id)!, batch.onFailure), emit);
}

interface MemberOutcome {
  ok: boolean;
  message: string;
  /** The member's own automatic rollback failed: its checkout needs a person. */
  manual: boolean;
}

async function runMember(engine: BatchEngine, project: string, to: string, operationId: string, opts: BatchRunOptions, listener: OperationListener): Promise<MemberOutcome> {
  let op: Operation | null;
  try {
    op = await withLogContext({ op: operationId, project }, () =>
      engine.upgradeLocked(project, operationId, {
        to,
        // The batch's plan chose this version for this member: that is the explicit choice a manual gate asks for.
        explicit: true,
        stash: opts.stash ?? false,
        force: opts.force ?? false,
        listener,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.startedBy ? { startedBy: opts.startedBy } : {}),
      }),
    );
  } catch (err) {
    // Refused before any change (blocked plan, tag moved, source unreachable): nothing of this member changed.
    const e = err instanceof UpshiftError ? err : toApiError(err);
    return { ok: false, message: `${e.message}`, manual: false };
  }
  if (!op) return { ok: false, message: 'declined', manual: false };
  if (op.status === 'succeeded' || op.status === 'stash_kept') return { ok: true, message: '', manual: false };
  return { ok: false, message: `${op.status} (${op.id}): ${op.error ?? 'no reason recorded'}`, manual: op.manualRecovery !== null };
}

/**
 * Rolls back the succeeded members `which` selects, last first, each exactly as `upshift rollback` would. Each
 * member's status says how far it got, so a crash in the middle is finished by recovery. True when all went back.
 */
export async function rollBackMembers(engine: BatchEngine, id: string, opts: BatchRunOptions, which: (m: BatchOperation['members'][number]) => boolean): Promise<boolean> {
  const batches = new BatchStore(engine.store);
  batches.setPhase(id, 'rolling-back');
  crashPoint('batch:rolling-back');
  const emit = opts.listener ?? (() => {});
  let ok = true;
  const members = batches.get(id)!.members.filter((m) => m.status === 'succeeded' && m.operationId && which(m)).reverse();
  for (const m of members) {
    const target = engine.store.getOperation(m.operationId!);
    if (!target) continue;
    const rollbackId = newOperationId();
    batches.setMember(id, m.seq, { rollbackId });
    const hop = m.hop?.index ?? null;
    let back: Operation | null = null;
    let error: string | null = null;
    try {
      // Never cancelled: a rollback the user interrupted would leave the set half upgraded.
      back = await withLogContext({ op: rollbackId, project: m.project }, () =>
        engine.rollbackLocked(m.project, rollbackId, target, { listener: (e) => emit({ ...e, batch: { id, seq: m.seq, project: m.project, hop } }) }),
      );
    } catch (err) {
      error = toApiError(err).message;
    }
    crashPoint('batch:member-rolled-back');
    const undone = back !== null && back.status === 'succeeded';
    if (!undone) ok = false;
    batches.setMember(id, m.seq, { status: undone ? 'rolled_back' : 'rollback_failed', reason: undone ? 'rolled back: another member failed' : `its rollback failed: ${error ?? back?.error ?? back?.status ?? 'unknown'}` });
    emit({ type: 'batch-member', batchId: id, seq: m.seq, project: m.project, hop, status: undone ? 'rolled_back' : 'rollback_failed', operationId: rollbackId, error: undone ? null : (error ?? back?.error ?? null) });
  }
  return ok;
}

function partialMessage(failed: string, batch: BatchOperation, onFailure: BatchOnFailure): string {
  const kept = batch.members.filter((m) => m.status === 'succeeded').map((m) => `${m.project} ${m.to}`);
  const notRun = batch.members.filter((m) => m.status === 'skipped').map((m) => `${m.project} ${m.to}`);
  const keptText = kept.length > 0 ? `kept ${kept.join(', ')}` : 'nothing was kept';
  const rule = onFailure === 'last-good' ? 'the path stopped at the last good hop' : 'kept what succeeded (--keep-going)';
  return `${failed}. As asked, ${rule}: ${keptText}${notRun.length > 0 ? `; not run: ${notRun.join(', ')}` : ''}.`;
}

function finish(batches: BatchStore, id: string, status: BatchOperation['status'], error: string | null, emit: BatchListener): BatchOperation {
  crashPoint('batch:finishing');
  batches.finish(id, status, error);
  emit({ type: 'batch-finished', batchId: id, status, error });
  return batches.get(id)!;
}

/**
 * Continues an interrupted batch or path (recovery kept what had succeeded, under keep-going or last-good) with the
 * members not run yet: a path goes on from its last good hop.
 */
export async function resumeBatch(engine: BatchEngine, id: string, opts: BatchRunOptions = {}): Promise<BatchOperation> {
  const batches = new BatchStore(engine.store);
  const b = batches.get(id);
  if (!b) throw new UpshiftError('BATCH_NOT_FOUND', `No batch ${id} is recorded. See \`upshift history\`. Nothing was changed.`, { category: 'usage' });
  if (b.status !== 'interrupted' || !b.members.some((m) => m.status === 'pending')) {
    throw new UpshiftError('NOTHING_TO_DO', `Batch ${id} is ${b.status}${b.status === 'running' ? ' (another process runs it)' : ''}: there is nothing to resume. Nothing was changed.`, { category: 'nothing-to-do' });
  }
  const locks = lockAll(engine, b.members.map((m) => m.project), id);
  try {
    batches.takeOver(id, 'running');
    try {
      opts.onStarted?.(batches.get(id)!);
    } catch {
      // As in runBatch: bookkeeping never stops the batch.
    }
    return await withLogContext({ op: id }, () => driveBatch(engine, id, opts));
  } finally {
    for (const l of locks) l.release();
  }
}
