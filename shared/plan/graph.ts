/**
 * The dependency graph of a set of projects, as their manifests express it: `core:` (the project this one builds
 * on) and the keys of `requires:` (requirements on other projects by name). Pure.
 *
 * An edge points from a dependent to what it depends on. Dependency order lists dependencies first: a core before
 * its verticals. Names that are not in the set are kept out of the graph (a requirement on a project that is not
 * watched cannot be ordered; the batch keeps it as a warning).
 */

/** The parts of a project the graph reads. Plain data: the engine maps ProjectManifest onto it. */
export interface GraphProject {
  name: string;
  /** Manifest `core:`, or null. */
  core?: string | null;
  /** Manifest `requires:` keys matter here (the requirements themselves are the batch's business). */
  requires?: Readonly<Record<string, unknown>>;
}

export interface DependencyGraph {
  /** Every project name, sorted. */
  names: string[];
  /** Dependent → what it depends on (within the set), sorted. */
  dependencies: Map<string, string[]>;
  /** Dependency → its dependents (within the set), sorted. */
  dependents: Map<string, string[]>;
  /** Dependencies named by a project but absent from the set: `finance requires "platform", which is not in the set`. */
  unknown: string[];
}

export interface DependencyOrder {
  /** Dependencies before dependents, ties broken by name. Projects in or behind a cycle are left out. */
  order: string[];
  /** Each cycle as its path, first name repeated at the end: `["a", "b", "c", "a"]` (a depends on b …). */
  cycles: string[][];
  /** Projects not in a cycle that still cannot be ordered because they depend on one, each with the cycle's path. */
  blocked: Array<{ project: string; cycle: string }>;
}

/** Builds the graph; duplicate names keep the first project. */
export function dependencyGraph(projects: readonly GraphProject[]): DependencyGraph {
  const names = [...new Set(projects.map((p) => p.name))].sort(byName);
  const known = new Set(names);
  const dependencies = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  for (const n of names) {
    dependencies.set(n, []);
    dependents.set(n, []);
  }
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const p of projects) {
    if (seen.has(p.name)) continue;
    seen.add(p.name);
    const deps = new Set<string>();
    if (typeof p.core === 'string' && p.core !== '') deps.add(p.core);
    for (const key of Object.keys(p.requires ?? {})) deps.add(key);
    const list: string[] = [];
    for (const d of deps) {
      if (known.has(d)) list.push(d);
      else unknown.push(`${p.name} depends on "${d}", which is not in the set`);
    }
    list.sort(byName);
    dependencies.set(p.name, list);
    for (const d of list) dependents.get(d)!.push(p.name);
  }
  for (const list of dependents.values()) list.sort(byName);
  return { names, dependencies, dependents, unknown };
}

/**
 * Topological order (Kahn), dependencies first, the smallest ready name first so the order is stable. Cycles are
 * found with Tarjan's strongly connected components; each is reported as one concrete path through it (the
 * shortest cycle through its smallest name), so the user sees which `requires:` to break. A project that requires
 * itself is a cycle of one: `a → a`.
 */
export function dependencyOrder(graph: DependencyGraph): DependencyOrder {
  const remaining = new Map<string, number>();
  for (const n of graph.names) remaining.set(n, graph.dependencies.get(n)!.length);
  const ready = graph.names.filter((n) => remaining.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const n = ready.shift()!;
    order.push(n);
    for (const d of graph.dependents.get(n)!) {
      const left = remaining.get(d)! - 1;
      remaining.set(d, left);
      if (left === 0) insertSorted(ready, d);
    }
  }
  if (order.length === graph.names.length) return { order, cycles: [], blocked: [] };

  const cycles = findCycles(graph);
  const inCycle = new Map<string, string>();
  for (const c of cycles) for (const n of c) if (!inCycle.has(n)) inCycle.set(n, formatCycle(c));
  const ordered = new Set(order);
  const blocked: Array<{ project: string; cycle: string }> = [];
  for (const n of graph.names) {
    if (ordered.has(n) || inCycle.has(n)) continue;
    blocked.push({ project: n, cycle: cycleBehind(n, graph, inCycle) });
  }
  return { order, cycles, blocked };
}

/** `a → b → c → a`. */
export function formatCycle(path: readonly string[]): string {
  return path.join(' → ');
}

/** One cycle per strongly connected component that has one (size > 1, or a self-edge). */
function findCycles(graph: DependencyGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  // Iterative Tarjan: a frame is a node and the position in its dependency list.
  for (const start of graph.names) {
    if (index.has(start)) continue;
    const frames: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const deps = graph.dependencies.get(frame.node)!;
      if (frame.i < deps.length) {
        const d = deps[frame.i++]!;
        if (!index.has(d)) {
          index.set(d, next);
          low.set(d, next++);
          stack.push(d);
          onStack.add(d);
          frames.push({ node: d, i: 0 });
        } else if (onStack.has(d)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(d)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        components.push(component);
      }
    }
  }
  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const first = [...component].sort(byName)[0]!;
    if (component.length === 1 && !graph.dependencies.get(first)!.includes(first)) continue;
    cycles.push(shortestCycle(first, members, graph));
  }
  cycles.sort((a, b) => byName(a[0]!, b[0]!));
  return cycles;
}

/** Breadth-first from `start` along dependencies inside the component, back to `start`. */
function shortestCycle(start: string, members: ReadonlySet<string>, graph: DependencyGraph): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q]!;
    for (const d of graph.dependencies.get(n)!) {
      if (!members.has(d)) continue;
      if (d === start) {
        const path = [start];
        for (let m: string | undefined = n; m !== undefined && m !== start; m = previous.get(m)) path.splice(1, 0, m);
        path.push(start);
        return path;
      }
      if (!previous.has(d)) {
        previous.set(d, n);
        queue.push(d);
      }
    }
  }
  return [start, start];
}

/** The cycle a blocked project depends on, following dependencies in name order. */
function cycleBehind(project: string, graph: DependencyGraph, inCycle: ReadonlyMap<string, string>): string {
  const seen = new Set<string>([project]);
  const queue = [project];
  for (let q = 0; q < queue.length; q++) {
    for (const d of graph.dependencies.get(queue[q]!)!) {
      const cycle = inCycle.get(d);
      if (cycle !== undefined) return cycle;
      if (!seen.has(d)) {
        seen.add(d);
        queue.push(d);
      }
    }
  }
  return '';
}

function insertSorted(list: string[], name: string): void {
  let i = list.length;
  while (i > 0 && byName(list[i - 1]!, name) > 0) i--;
  list.splice(i, 0, name);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
