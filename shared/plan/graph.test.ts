import { describe, expect, it } from 'vitest';
import { dependencyGraph, dependencyOrder, formatCycle, type GraphProject } from './index.js';

function order(projects: GraphProject[]) {
  return dependencyOrder(dependencyGraph(projects));
}

describe('dependencyOrder', () => {
  it('puts dependencies first through a diamond, ties by name, from core: and requires: alike', () => {
    const result = order([
      { name: 'dashboard', requires: { finance: {}, root: {} } },
      { name: 'root', core: 'core' },
      { name: 'finance', requires: { core: { max: '1.x.x' } } },
      { name: 'core' },
      { name: 'alone' },
    ]);
    expect(result.order).toEqual(['alone', 'core', 'finance', 'root', 'dashboard']);
    expect(result.cycles).toEqual([]);
    expect(result.blocked).toEqual([]);
  });

  it('orders a double diamond so every project comes after everything it depends on', () => {
    const projects: GraphProject[] = [
      { name: 'e', requires: { c: {}, d: {} } },
      { name: 'd', requires: { a: {}, b: {} } },
      { name: 'c', requires: { a: {}, b: {} } },
      { name: 'b', core: 'base' },
      { name: 'a', core: 'base' },
      { name: 'base' },
    ];
    const result = order(projects);
    expect(result.order).toEqual(['base', 'a', 'b', 'c', 'd', 'e']);
    const at = new Map(result.order.map((n, i) => [n, i]));
    for (const p of projects) for (const d of [p.core, ...Object.keys(p.requires ?? {})]) if (d) expect(at.get(d)!).toBeLessThan(at.get(p.name)!);
  });

  it('names each cycle with its path, and the projects stuck behind one', () => {
    const result = order([
      { name: 'a', requires: { b: {} } },
      { name: 'b', requires: { c: {} } },
      { name: 'c', core: 'a' },
      { name: 'self', requires: { self: {} } },
      { name: 'plugin', core: 'b' },
      { name: 'core' },
    ]);
    expect(result.order).toEqual(['core']);
    expect(result.cycles.map(formatCycle)).toEqual(['a → b → c → a', 'self → self']);
    expect(result.blocked).toEqual([{ project: 'plugin', cycle: 'a → b → c → a' }]);
  });

  it('reports the shortest cycle through the smallest name when several overlap', () => {
    const result = order([
      { name: 'a', requires: { b: {}, d: {} } },
      { name: 'b', requires: { c: {} } },
      { name: 'c', requires: { a: {} } },
      { name: 'd', requires: { a: {} } },
    ]);
    expect(result.cycles.map(formatCycle)).toEqual(['a → d → a']);
  });

  it('keeps names outside the set out of the graph and says so', () => {
    const graph = dependencyGraph([{ name: 'finance', core: 'platform' }]);
    expect(graph.unknown).toEqual(['finance depends on "platform", which is not in the set']);
    expect(dependencyOrder(graph).order).toEqual(['finance']);
  });
});
