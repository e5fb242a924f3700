import type { BatchRecovery } from '../batch/recover.js';
import type { BatchListener } from '../batch/run.js';
import type { BatchEngine } from '../batch/engine.js';
import { BatchStore } from '../batch/store.js';
import type { OperationListener } from '../executor/events.js';
import type { RecoveryReport } from '../executor/recovery.js';
import type { StateStore } from '../state/index.js';

/**
 * What changes a checkout — the upgrade and rollback executor, its drivers, snapshots, health checks, the archive
 * reader, batches — is loaded when an operation runs or something is left to recover, not when the engine opens:
 * `check`, `list`, `status` and `plan` never use it, and parsing it cost every CLI process its code's memory
 * (issue 12: peak RSS of a 200-project check). The CLI's bundle (build/postbuild.mjs) puts each dynamic import's
 * code in its own chunk, so what is imported here is read from disk only on first use.
 */
export function runPath(): Promise<typeof import('./run.js')> {
  return import('./run.js');
}

/**
 * Operations a dead process left running, recovered (executor/recovery.ts). Nothing unfinished is the common case
 * and costs the one query recovery itself would make, without loading the executor.
 */
export async function recoverOperations(store: StateStore, listener?: OperationListener): Promise<RecoveryReport> {
  if (store.unfinishedOperations().length === 0) return { recovered: [], leftAlone: [] };
  const { recoverInterrupted } = await import('../executor/recovery.js');
  return recoverInterrupted(store, listener);
}

/** Batches a dead process left unfinished, finished from their journal (batch/recover.ts); likewise loaded only then. */
export async function recoverBatchRuns(engine: BatchEngine, listener?: BatchListener): Promise<BatchRecovery[]> {
  if (new BatchStore(engine.store).unfinished().length === 0) return [];
  const { recoverBatches } = await import('../batch/recover.js');
  return recoverBatches(engine, listener);
}
