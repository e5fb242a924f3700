import { DEFAULT_MAX_AUTO_ROLLBACKS_PER_HOUR } from '../manifest/schema.js';
import { blockedError } from '../errors.js';
import type { StateStore } from '../state/index.js';
import type { ProjectContext } from './projects.js';

const HOUR_MS = 3_600_000;

/**
 * Rollback-loop protection: after `maxAutoRollbacksPerHour` automatic rollbacks (upgrades that failed and were
 * rolled back) of one project within the last hour, further upgrades are refused until the oldest of them is
 * an hour old, or `force` is given. The checkout is left exactly as it is.
 */
export function assertNoRollbackLoop(store: StateStore, ctx: ProjectContext, force: boolean): void {
  if (force) return;
  const max = ctx.manifest.maxAutoRollbacksPerHour ?? DEFAULT_MAX_AUTO_ROLLBACKS_PER_HOUR;
  const now = Date.parse(store.now());
  const since = new Date(now - HOUR_MS).toISOString();
  const recent = store
    .listOperations({ project: ctx.record.name, kind: 'upgrade', status: 'rolled_back', since })
    .map((op) => Date.parse(op.finishedAt ?? op.startedAt))
    .filter((t) => now - t < HOUR_MS)
    .sort((a, b) => b - a);
  if (recent.length < max) return;
  // Refused until fewer than `max` fall inside the hour: when the max-th newest one is an hour old.
  const retryAt = new Date(recent[max - 1]! + HOUR_MS);
  const hhmm = retryAt.toISOString().slice(11, 16);
  throw blockedError(
    'ROLLBACK_LOOP',
    `${recent.length} automatic rollbacks of ${ctx.record.name} in the last hour; Upshift stops here and leaves ${ctx.record.name} as it is — fix the cause, then retry after ${hhmm} UTC or pass --force.`,
    { project: ctx.record.name, rollbacks: recent.length, max, retryAfter: retryAt.toISOString() },
  );
}
