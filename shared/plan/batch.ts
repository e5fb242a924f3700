/**
 * A joint plan over a core and everything that depends on it (`upshift upgrade <core> --with-dependents`), or over
 * every project (`upgrade --all`): the dependency order, one version per member that every project accepts, the order
 * that keeps every intermediate state compatible, and what a failure of each member forces. Pure: plain data in,
 * a BatchPlan out. See docs/batches-and-paths.md for the rules with examples.
 *
 * The joint-target search. Members are assigned in dependency order (dependencies first); each takes its preferred
 * version among those that accept what its dependencies were given:
 * - the root (with-dependents) and every member under `all`: the newest usable release;
 * - a dependent under with-dependents: its current version when it accepts; else a "bridge" release that accepts
 *   its dependencies both at their current and at their new version (so it can go first and nothing is ever
 *   incompatible — Discourse's and WordPress's `requires` model); else the newest release that accepts.
 * When a member accepts nothing, the dependencies it refuses are lowered to the newest version that some version of
 * it accepts, and the assignment starts again. Every lowering is strictly downwards, so the search ends; every plan
 * it returns has been checked edge by edge with shared/compat. For a core and its direct dependents (the product's
 * `core:` model) the result is the newest core every dependent can follow; on deeper chains the lowering is a
 * heuristic that may settle lower than a cleverer search would, never on an incompatible plan.
 */
import type { BatchConflict, BatchMember, BatchPlan, RejectedTarget } from '../api/types.js';
import { parseVersion } from '../version/index.js';
import { BatchModel, type BatchProject } from './batch-model.js';
import { executionOrder, failureEffects } from './batch-order.js';
import { dependencyGraph, dependencyOrder, formatCycle } from './graph.js';

export type { BatchProject, BatchRelease } from './batch-model.js';

export interface BatchOptions {
  /** Default: `with-dependents` when `root` is given, else `all`. */
  mode?: 'with-dependents' | 'all';
  /** The core whose upgrade the batch is about (with-dependents). */
  root?: string;
  /** The root's target, chosen explicitly (`--to`): it is not lowered; when a dependent cannot follow, the plan is blocked. */
  to?: string;
}

/** Reasons shown for a member that accepts nothing: this many versions, newest first, then a count. */
const REASONS_SHOWN = 4;

/** Plans the batch. Never throws on bad data: problems become blockers or warnings. */
export function planBatch(projects: readonly BatchProject[], options: BatchOptions = {}): BatchPlan {
  const model = new BatchModel(projects);
  const mode = options.mode ?? (options.root !== undefined ? 'with-dependents' : 'all');
  const root = mode === 'with-dependents' ? (options.root ?? null) : null;
  const plan: BatchPlan = {
    mode,
    root,
    dependencyOrder: [],
    order: [],
    members: [],
    cycles: [],
    windows: [],
    blocked: false,
    blockers: [],
    conflicts: [],
    rejectedTargets: [],
    warnings: [...model.warnings],
  };
  const block = (reason: string): BatchPlan => {
    plan.blocked = true;
    plan.blockers.push(reason);
    return plan;
  };
  if (mode === 'with-dependents' && (root === null || !model.projects.has(root))) {
    return block(root === null ? 'with-dependents needs the core to upgrade' : `${root} is not among the projects`);
  }

  const members = memberSet(model, root);
  const sub = dependencyGraph(
    [...members].map((name) => {
      const p = model.project(name);
      return { name, requires: Object.fromEntries(p.deps.filter((d) => members.has(d)).map((d) => [d, true])) };
    }),
  );
  const ordering = dependencyOrder(sub);
  plan.dependencyOrder = ordering.order;
  plan.cycles = ordering.cycles.map(formatCycle);
  for (const c of plan.cycles) block(`dependency cycle ${c}: each requires the next, so no order upgrades a dependency before its dependents; remove one of these requires:/core: entries`);
  for (const b of ordering.blocked) block(`${b.project} depends on the cycle ${b.cycle}`);
  for (const name of ordering.order) {
    const why = model.unplannable.get(name);
    if (why !== undefined) block(`${why}; nothing in the batch can be planned against it`);
  }
  if (plan.blocked) return plan;

  let fixedRoot: number | null = null;
  if (root !== null && options.to !== undefined) {
    fixedRoot = indexOfTarget(model, root, options.to, block);
    if (fixedRoot === null) return plan;
  }

  const search = new JointSearch(model, ordering.order, members, root, mode, fixedRoot);
  const outcome = search.run();
  plan.rejectedTargets = search.rejected;
  if (root !== null) plan.conflicts = rootConflicts(model, members, root, fixedRoot ?? model.project(root).top);
  if (outcome.fatal !== null) {
    plan.conflicts = mergeConflicts(plan.conflicts, outcome.fatal.conflicts);
    return block(outcome.fatal.message);
  }
  const assign = outcome.assign;

  const changing = ordering.order.filter((n) => assign.get(n)! > 0);
  const ordered = executionOrder(model, changing, assign, ordering.order);
  plan.order = ordered.order;
  plan.windows = ordered.windows;
  const effects = failureEffects(model, ordered.order, assign, members);
  for (const name of ordering.order) {
    const p = model.project(name);
    const a = assign.get(name)!;
    const step = ordered.order.indexOf(name);
    const member: BatchMember = {
      project: name,
      from: p.versions[0]!.text,
      to: p.versions[a]!.text,
      changes: a > 0,
      reason: memberReason(model, name, assign, root, mode, fixedRoot, search.rejected),
      step: step >= 0 ? step : null,
      orderReason: ordered.reasons.get(name) ?? null,
      requirements: p.deps.map((q) => model.accepts(name, a, q, assign.get(q) ?? 0)),
      onFailure: effects.get(name) ?? null,
    };
    plan.members.push(member);
  }
  return plan;
}

/** The root and everything that depends on it, transitively; every project under `all`. */
function memberSet(model: BatchModel, root: string | null): Set<string> {
  if (root === null) return new Set(model.graph.names);
  const out = new Set<string>([root]);
  const queue = [root];
  for (let q = 0; q < queue.length; q++) {
    for (const d of model.project(queue[q]!).dependents) {
      if (!out.has(d)) {
        out.add(d);
        queue.push(d);
      }
    }
  }
  return out;
}

function indexOfTarget(model: BatchModel, root: string, to: string, block: (r: string) => void): number | null {
  const p = model.project(root);
  const wanted = parseVersion(to);
  if (wanted === null) {
    block(`"${to}" is not a version`);
    return null;
  }
  const i = p.versions.findIndex((v) => v.text === wanted.normalized);
  if (i < 0) {
    block(`${root} ${wanted.normalized} is not a known release newer than ${p.versions[0]?.text ?? 'the current version'}`);
    return null;
  }
  if (i > p.top) {
    block(`${root} ${wanted.normalized} cannot be chosen: a release up to it was not read (see warnings)`);
    return null;
  }
  return i;
}

interface SearchOutcome {
  assign: Map<string, number>;
  fatal: { message: string; conflicts: BatchConflict[] } | null;
}

/** The assignment loop with downward lowering (see the file comment). */
class JointSearch {
  readonly rejected: RejectedTarget[] = [];
  private readonly cap = new Map<string, number>();

  constructor(
    private readonly model: BatchModel,
    private readonly order: readonly string[],
    private readonly members: ReadonlySet<string>,
    private readonly root: string | null,
    private readonly mode: 'with-dependents' | 'all',
    private readonly fixedRoot: number | null,
  ) {
    for (const name of order) this.cap.set(name, model.project(name).top);
  }

  run(): SearchOutcome {
    for (;;) {
      const assign = new Map<string, number>();
      let failed: string | null = null;
      for (const name of this.order) {
        const i = this.choose(name, assign);
        if (i < 0) {
          failed = name;
          break;
        }
        assign.set(name, i);
      }
      if (failed === null) return { assign, fatal: null };
      const fatal = this.lower(failed, assign);
      if (fatal !== null) return { assign, fatal };
    }
  }

  /** The version index a member takes given its dependencies' assignment, or -1. */
  private choose(name: string, assign: ReadonlyMap<string, number>): number {
    const p = this.model.project(name);
    const fits = (i: number): boolean => p.deps.every((q) => this.model.accepts(name, i, q, this.at(q, assign)).compatible);
    if (name === this.root && this.fixedRoot !== null) return fits(this.fixedRoot) ? this.fixedRoot : -1;
    const max = this.cap.get(name)!;
    if (this.mode === 'with-dependents' && name !== this.root) {
      if (fits(0)) return 0;
      const bridge = (i: number): boolean => p.deps.every((q) => this.model.accepts(name, i, q, 0).compatible);
      for (let i = max; i > 0; i--) if (fits(i) && bridge(i)) return i;
    }
    for (let i = max; i >= 0; i--) if (fits(i)) return i;
    return -1;
  }

  /** Lowers the dependencies `name` refuses; returns a fatal outcome when none can be lowered. */
  private lower(name: string, assign: ReadonlyMap<string, number>): { message: string; conflicts: BatchConflict[] } | null {
    const p = this.model.project(name);
    const range = this.rangeOf(name);
    const moved = p.deps.filter((q) => this.members.has(q) && this.at(q, assign) > 0);
    const refusedAlone = moved.filter((q) => !range.some((i) => this.model.accepts(name, i, q, this.at(q, assign)).compatible));
    const culprits = refusedAlone.length > 0 ? refusedAlone : moved;
    const reasons = this.refusals(name, assign);
    const lowerable = culprits.filter((q) => !(q === this.root && this.fixedRoot !== null));
    const against = (culprits.length > 0 ? culprits : p.deps).map((q) => `${q} ${this.model.version(q, this.at(q, assign))}`).join(', ');
    if (lowerable.length === 0) {
      const asked = culprits.find((q) => q === this.root);
      const message =
        asked !== undefined
          ? `${asked} ${this.model.version(asked, this.fixedRoot!)} was asked for, and ${name} has no version that accepts it`
          : `${name} has no version that accepts ${against || 'what it depends on'}, even with every dependency at its current version`;
      return { message, conflicts: [{ project: name, against, reasons }] };
    }
    for (const q of lowerable) {
      const a = this.at(q, assign);
      this.rejected.push({ project: q, version: this.model.version(q, a), refusedBy: name, reasons });
      let j = a - 1;
      while (j > 0 && !range.some((i) => this.model.accepts(name, i, q, j).compatible)) j--;
      this.cap.set(q, j);
    }
    return null;
  }

  /** The versions of `name` the search may give it. */
  private rangeOf(name: string): number[] {
    const out: number[] = [];
    for (let i = this.cap.get(name)!; i >= 0; i--) out.push(i);
    return out;
  }

  /** Why each version of `name` refuses the assignment, newest first, a few shown. */
  private refusals(name: string, assign: ReadonlyMap<string, number>): string[] {
    const p = this.model.project(name);
    const range = this.rangeOf(name);
    const shown = range.length <= REASONS_SHOWN ? range : [...range.slice(0, REASONS_SHOWN - 1), 0];
    const out = shown.map((i) => {
      const failures = p.deps
        .map((q) => this.model.accepts(name, i, q, this.at(q, assign)))
        .filter((v) => !v.compatible)
        .map((v) => v.reason);
      return `${name} ${p.versions[i]!.text}${i === 0 ? ' (current)' : ''}: ${failures.join('; ')}`;
    });
    if (range.length > shown.length) out.push(`… and ${range.length - shown.length} other releases of ${name}, refused too`);
    return out;
  }

  private at(q: string, assign: ReadonlyMap<string, number>): number {
    return this.members.has(q) ? (assign.get(q) ?? 0) : 0;
  }
}

/** Per direct dependent of the root: whether any of its versions accepts the root's newest (or asked) target. */
function rootConflicts(model: BatchModel, members: ReadonlySet<string>, root: string, target: number): BatchConflict[] {
  if (target <= 0) return [];
  const out: BatchConflict[] = [];
  const against = `${root} ${model.version(root, target)}`;
  for (const d of model.project(root).dependents) {
    if (!members.has(d)) continue;
    const p = model.project(d);
    const verdicts: string[] = [];
    let any = false;
    for (let i = p.top; i >= 0 && !any; i--) {
      const v = model.accepts(d, i, root, target);
      if (v.compatible) any = true;
      else verdicts.push(`${d} ${p.versions[i]!.text}${i === 0 ? ' (current)' : ''}: ${v.reason}`);
    }
    if (!any) {
      const shown = verdicts.length <= REASONS_SHOWN ? verdicts : [...verdicts.slice(0, REASONS_SHOWN - 1), verdicts[verdicts.length - 1]!];
      if (verdicts.length > shown.length) shown.push(`… and ${verdicts.length - shown.length} other releases of ${d}, refused too`);
      out.push({ project: d, against, reasons: shown });
    }
  }
  return out;
}

function mergeConflicts(a: BatchConflict[], b: BatchConflict[]): BatchConflict[] {
  const out = [...a];
  for (const c of b) if (!out.some((o) => o.project === c.project && o.against === c.against)) out.push(c);
  return out;
}

/** Why a member gets its version, in one sentence. */
function memberReason(
  model: BatchModel,
  name: string,
  assign: ReadonlyMap<string, number>,
  root: string | null,
  mode: 'with-dependents' | 'all',
  fixedRoot: number | null,
  rejected: readonly RejectedTarget[],
): string {
  const p = model.project(name);
  const a = assign.get(name)!;
  const from = p.versions[0]!.text;
  const to = p.versions[a]!.text;
  const refusedNewer = rejected.filter((r) => r.project === name);
  const refusedText =
    refusedNewer.length > 0 ? `; newer refused: ${refusedNewer.map((r) => `${r.version} by ${r.refusedBy}`).join(', ')}` : '';
  const depsAt = p.deps.map((q) => `${q} ${model.version(q, assign.get(q) ?? 0)}`).join(', ');

  if (name === root || mode === 'all') {
    if (name === root && fixedRoot !== null) return a === 0 ? `already on ${to}, as asked` : `${to}, as asked`;
    const who = name === root ? (p.dependents.length > 0 ? ' that every dependent can follow' : '') : depsAt ? ` that accepts ${depsAt}` : '';
    if (a === 0) return p.top <= 0 ? `already on the newest usable release` : `stays on ${from}: no newer release${who}${refusedText}`;
    if (a === p.top) return `newest release${who}`;
    return `newest release${who}${refusedText}`;
  }
  const movedDeps = p.deps.filter((q) => (assign.get(q) ?? 0) > 0);
  if (a === 0) {
    return movedDeps.length === 0 ? `${name} ${from} stays: nothing it depends on changes` : `${name} ${from} accepts ${depsAt}`;
  }
  const refusal = p.deps
    .map((q) => model.accepts(name, 0, q, assign.get(q) ?? 0))
    .filter((v) => !v.compatible)
    .map((v) => v.reason)
    .join('; ');
  const bridge = p.deps.every((q) => model.accepts(name, a, q, 0).compatible);
  const before = p.deps.map((q) => `${q} ${model.version(q, 0)}`).join(', ');
  return (
    `${name} ${from} does not accept ${depsAt} (${refusal}); ${to} does` +
    (bridge ? `, and accepts ${before} too` : `, but not ${before}`)
  );
}
