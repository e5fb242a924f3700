/**
 * Finishes a batch or path whose process died (kill -9, power loss), from its journal. Runs after the single-project
 * recovery (executor/recovery.ts), which has already finalised or rolled back the member operation that was running;
 * this decides what the whole set does, as the batch would have on a failure:
 * - all-or-nothing, or a batch that was already rolling back: every member that succeeded is rolled back, last first;
 * - keep-going and last-good: the members that succeeded stay, the rest are marked not run, and the batch is
 *   `interrupted`: `upshift resume <id>` continues with them (a path from its last good hop).
 * A batch whose owner is alive (or on another host) is left alone, as operations are.
 */
import type { BatchOperation } from '../../../shared/api/types.js';
import { assessOwner } from '../state/index.js';
import { moduleLogger } from '../telemetry/index.js';
import type { BatchEngine } from './engine.js';
import { lockAll, rollBackMembers, type BatchListener } from './run.js';
import { BatchStore } from './store.js';

const log = moduleLogger('batch-recovery');

export interface BatchRecovery {
  batch: string;
  status: BatchOperation['status'];
  message: string;
}

export async function recoverBatches(engine: BatchEngine, listener?: BatchListener): Promise<BatchRecovery[]> {
  const batches = new BatchStore(engine.store);
  const out: BatchRecovery[] = [];
  for (const b of batches.unfinished()) {
    const owner = batches.owner(b.id);
    if (!owner) continue;
    const state = assessOwner(owner);
    if (state === 'alive' || state === 'other-host') continue;
    let locks;
    try {
      locks = lockAll(engine, b.members.map((m) => m.project), `recovery-of-${b.id}`);
    } catch {
      continue; // a member is busy with something else: the next command tries again
    }
    try {
      const fresh = batches.get(b.id);
      if (!fresh || fresh.phase === 'done') continue;
      batches.takeOver(b.id, fresh.status);
      out.push(await recoverOne(engine, batches, fresh, listener));
    } finally {
      for (const l of locks) l.release();
    }
  }
  return out;
}

async function recoverOne(engine: BatchEngine, batches: BatchStore, b: BatchOperation, listener?: BatchListener): Promise<BatchRecovery> {
  const died = `its process ${b.pid} ended while it ran`;
  // The member that was running: its operation was finalised or rolled back by the single-project recovery.
  for (const m of b.members) {
    if (m.status === 'running') {
      const op = m.operationId ? engine.store.getOperation(m.operationId) : null;
      const status = op && (op.status === 'succeeded' || op.status === 'stash_kept') ? 'succeeded' : op ? 'failed' : 'skipped';
      batches.setMember(b.id, m.seq, { status, reason: status === 'succeeded' ? 'finalised by recovery: its checks had passed' : op ? `interrupted: ${op.error ?? op.status}` : 'interrupted before it started' });
    } else if (m.status === 'succeeded' && m.rollbackId) {
      // Its rollback had started (all-or-nothing): done if that rollback succeeded, else rolled back again below.
      const back = engine.store.getOperation(m.rollbackId);
      if (back?.status === 'succeeded') batches.setMember(b.id, m.seq, { status: 'rolled_back', reason: 'rolled back: another member failed' });
    }
  }
  const rollBack = b.onFailure === 'all-or-nothing' || b.phase === 'rolling-back';
  if (rollBack) {
    const ok = await rollBackMembers(engine, b.id, listener ? { listener } : {}, () => true);
    for (const m of batches.get(b.id)!.members) if (m.status === 'pending') batches.setMember(b.id, m.seq, { status: 'skipped', reason: 'not run: the batch was interrupted' });
    const message = ok ? `Interrupted (${died}); recovery rolled every member back to where it started.` : `Interrupted (${died}); recovery could not roll every member back: see their rollback operations.`;
    batches.finish(b.id, ok ? 'rolled_back' : 'failed', message);
    log.warn('recovered an interrupted batch', { batch: b.id, action: 'rollback', ok });
    return { batch: b.id, status: ok ? 'rolled_back' : 'failed', message };
  }
  const now = batches.get(b.id)!;
  const kept = now.members.filter((m) => m.status === 'succeeded').map((m) => `${m.project} ${m.to}`);
  const left = now.members.filter((m) => m.status === 'pending' || m.status === 'failed' || m.status === 'skipped');
  // Not run now: left pending, so `upshift resume` picks them up (a failed member is tried again).
  for (const m of left) batches.setMember(b.id, m.seq, { status: 'pending', reason: 'not run yet: the batch was interrupted' });
  const message = `Interrupted (${died}); kept ${kept.length > 0 ? kept.join(', ') : 'nothing'} (${b.onFailure}). Run \`upshift resume ${b.id}\` to continue with ${left.map((m) => `${m.project} ${m.to}`).join(', ') || 'nothing'}.`;
  batches.finish(b.id, 'interrupted', message);
  log.warn('recovered an interrupted batch', { batch: b.id, action: 'keep', kept: kept.length });
  return { batch: b.id, status: 'interrupted', message };
}
