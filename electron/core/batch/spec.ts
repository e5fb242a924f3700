/**
 * A plan as the batch runner takes it: the members that change, in the plan's execution order, each with why it is
 * there. Refuses what the runner cannot do safely, before anything is recorded.
 */
import type { BatchOnFailure, BatchPlan, HopPlan } from '../../../shared/api/types.js';
import { blockedError, UpshiftError, usageError } from '../errors.js';
import type { NewBatch } from './store.js';

/** `upgrade --all` / `--with-dependents`. */
export function batchSpec(plan: BatchPlan, onFailure: BatchOnFailure): NewBatch {
  if (onFailure === 'last-good') throw usageError('BAD_ARGUMENTS', 'last-good applies to multi-hop paths; a batch is all-or-nothing or --keep-going. Nothing was changed.');
  if (plan.blocked) throw blockedError('BLOCKED', `The batch is blocked: ${plan.blockers.join('; ')}. Nothing was changed.`, { blockers: plan.blockers, conflicts: plan.conflicts });
  if (plan.windows.length > 0) {
    // Each member runs the single-project checks, which refuse the incompatible state between the two steps.
    throw blockedError('BLOCKED', `No order keeps every project compatible between two steps (${plan.windows.join('; ')}): each member is checked as a single upgrade, which refuses that state. Upgrade those projects together by hand, or wait for a release that accepts both versions. Nothing was changed.`, { windows: plan.windows });
  }
  if (plan.order.length === 0) {
    throw new UpshiftError('NOTHING_TO_DO', `Nothing in the batch changes: ${plan.members.map((m) => `${m.project} ${m.from} (${m.reason})`).join('; ') || 'no projects'}.`, { category: 'nothing-to-do' });
  }
  const byName = new Map(plan.members.map((m) => [m.project, m]));
  return {
    kind: 'batch',
    mode: plan.mode,
    root: plan.root,
    onFailure,
    plan,
    members: plan.order.map((name) => {
      const m = byName.get(name)!;
      return { project: name, from: m.from, to: m.to, reason: m.orderReason ?? m.reason };
    }),
  };
}

/** A multi-hop path: one member per hop, in order. */
export function pathSpec(plan: HopPlan, onFailure: BatchOnFailure): NewBatch {
  if (onFailure === 'keep-going') throw usageError('BAD_ARGUMENTS', 'A path cannot keep going past a failed hop (the next hop starts from it); choose rollback-all or last-good. Nothing was changed.');
  if (plan.refused) throw blockedError('BLOCKED', `${plan.refused.message}. Nothing was changed.`, { code: plan.refused.code });
  return {
    kind: 'path',
    mode: 'path',
    root: plan.project,
    onFailure,
    plan,
    members: plan.hops.map((h, i) => ({
      project: plan.project,
      from: h.from,
      to: h.to,
      reason: h.stop.map((s) => s.reason).join('; '),
      hop: { index: i + 1, of: plan.hops.length, stop: h.stop },
    })),
  };
}
