/**
 * The order a batch's changing members run in, and what a failure of each forces. Pure.
 *
 * Compatibility is pairwise (a requirement names one dependency), so an intermediate state is compatible when every
 * edge is. For an edge "P depends on Q" where both change (p0→p1, q0→q1), running P first passes through (p1, q0)
 * and running Q first through (p0, q1):
 * - only (p1, q0) is compatible: P goes first (its new release accepts both the old and the new Q: a bridge);
 * - only (p0, q1) is compatible: Q goes first;
 * - both: dependencies first (the usual order: a dependent's smoke test then runs against its new core);
 * - neither: Q goes first and the pair is reported as a window of incompatibility; all-or-nothing covers it.
 * Ties follow the dependency order. A cycle among these constraints (possible only on deep graphs) is broken at the
 * member earliest in dependency order, and the constraints it overrides are reported as windows.
 */
import type { BatchFailureEffect } from '../api/types.js';
import type { BatchModel } from './batch-model.js';

export interface ExecutionOrder {
  order: string[];
  reasons: Map<string, string>;
  windows: string[];
}

/** Orders the changing members (see the file comment). */
export function executionOrder(
  model: BatchModel,
  changing: readonly string[],
  assign: ReadonlyMap<string, number>,
  dependencyOrder: readonly string[],
): ExecutionOrder {
  const rank = new Map(dependencyOrder.map((n, i) => [n, i]));
  const isChanging = new Set(changing);
  const before = new Map<string, Set<string>>(changing.map((n) => [n, new Set<string>()])); // X → who must run before X
  const why = new Map<string, string[]>(changing.map((n) => [n, []]));
  const windows: string[] = [];
  const windowPairs = new Set<string>();
  const v = (n: string, i: number) => `${n} ${model.version(n, i)}`;

  for (const p of changing) {
    const p1 = assign.get(p)!;
    for (const q of model.project(p).deps) {
      if (!isChanging.has(q)) continue;
      const q1 = assign.get(q)!;
      const pFirst = model.accepts(p, p1, q, 0);
      const qFirst = model.accepts(p, 0, q, q1);
      if (pFirst.compatible && !qFirst.compatible) {
        before.get(q)!.add(p);
        why.get(p)!.push(`before ${q}: ${v(p, p1)} accepts ${v(q, 0)} and ${model.version(q, q1)}, ${v(p, 0)} does not accept ${v(q, q1)}`);
        why.get(q)!.push(`after ${p}, whose new release accepts both ${v(q, 0)} and ${model.version(q, q1)}`);
      } else if (qFirst.compatible && !pFirst.compatible) {
        before.get(p)!.add(q);
        why.get(p)!.push(`after ${q}: ${v(p, p1)} does not accept ${v(q, 0)}, ${v(p, 0)} accepts ${v(q, q1)}`);
      } else if (qFirst.compatible) {
        before.get(p)!.add(q);
        why.get(p)!.push(`after ${q} (dependencies first; either order keeps ${p} and ${q} compatible)`);
      } else {
        before.get(p)!.add(q);
        windowPairs.add(`${p}\u0000${q}`);
        why.get(p)!.push(`after ${q}, which it needs at ${model.version(q, q1)}; no order keeps ${p} and ${q} compatible in between`);
        windows.push(
          `between upgrading ${q} to ${model.version(q, q1)} and ${p} to ${model.version(p, p1)}: ` +
            `${v(p, 0)} does not accept ${v(q, q1)} (${qFirst.reason}) and ${v(p, p1)} does not accept ${v(q, 0)} (${pFirst.reason}); ` +
            `all-or-nothing puts both back if either fails`,
        );
      }
    }
  }

  const order: string[] = [];
  const done = new Set<string>();
  const pending = [...changing].sort((a, b) => rank.get(a)! - rank.get(b)!);
  while (pending.length > 0) {
    let k = pending.findIndex((n) => [...before.get(n)!].every((m) => done.has(m)));
    if (k < 0) {
      // A cycle of constraints: run the member earliest in dependency order and say what that overrides.
      k = 0;
      const n = pending[0]!;
      for (const m of before.get(n)!) {
        if (done.has(m)) continue;
        windows.push(
          `no order keeps every state compatible around ${n} and ${m}: ${n} runs first (dependency order), so ${m}'s ` +
            `constraint to run before it is overridden; all-or-nothing puts both back if either fails`,
        );
      }
    }
    const n = pending.splice(k, 1)[0]!;
    order.push(n);
    done.add(n);
  }

  const reasons = new Map<string, string>();
  for (const n of order) {
    const list = why.get(n)!;
    reasons.set(n, list.length > 0 ? list.join('; ') : 'no changing project it depends on or that depends on it: dependency order');
  }
  return { order, reasons, windows };
}

/**
 * What a failure of each changing member forces. All-or-nothing: every member run so far and this one, last run
 * first. Keep-going: this one goes back to where it started; an earlier member is rolled back too when its new
 * version and this one's old version refuse each other (then again for whatever that roll-back breaks); a later member
 * is skipped when its new version would be refused by (or refuse) a neighbour as things now stand.
 */
export function failureEffects(
  model: BatchModel,
  order: readonly string[],
  assign: ReadonlyMap<string, number>,
  members: ReadonlySet<string>,
): Map<string, BatchFailureEffect> {
  const effects = new Map<string, BatchFailureEffect>();
  const neighbours = (n: string): Array<[string, string]> => {
    const p = model.project(n);
    const out: Array<[string, string]> = [];
    for (const q of p.deps) if (members.has(q)) out.push([n, q]);
    for (const d of p.dependents) if (members.has(d)) out.push([d, n]);
    return out;
  };
  for (let k = 0; k < order.length; k++) {
    const failed = order[k]!;
    const state = new Map<string, number>();
    for (const m of members) state.set(m, 0);
    for (let j = 0; j < k; j++) state.set(order[j]!, assign.get(order[j]!)!);
    const rollBack: string[] = [];
    const work = neighbours(failed);
    while (work.length > 0) {
      const [p, q] = work.pop()!;
      if (model.accepts(p, state.get(p)!, q, state.get(q)!).compatible) continue;
      // Roll back whichever side was moved by this batch (the dependency first: its dependent's old version refuses it).
      const culprit = state.get(q)! > 0 ? q : state.get(p)! > 0 ? p : null;
      if (culprit === null) continue;
      state.set(culprit, 0);
      rollBack.push(culprit);
      work.push(...neighbours(culprit));
    }
    const skip: string[] = [];
    for (let j = k + 1; j < order.length; j++) {
      const n = order[j]!;
      const target = assign.get(n)!;
      const fits = neighbours(n).every(([p, q]) =>
        model.accepts(p, p === n ? target : state.get(p)!, q, q === n ? target : state.get(q)!).compatible,
      );
      if (fits) state.set(n, target);
      else skip.push(n);
    }
    effects.set(failed, { allOrNothing: order.slice(0, k + 1).reverse(), keepGoing: { rollBack, skip } });
  }
  return effects;
}
