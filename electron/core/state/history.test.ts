import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationKind, OperationStatus } from '../../../shared/api/types.js';
import { StateStore } from './store.js';

let dir: string;
let store: StateStore | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'upshift-history-'));
  store = StateStore.open(path.join(dir, 'home'));
});
afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const STATUSES: OperationStatus[] = ['succeeded', 'rolled_back', 'failed', 'blocked', 'interrupted'];
const KINDS: OperationKind[] = ['upgrade', 'upgrade', 'upgrade', 'rollback', 'recovery'];
const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const MINUTE = 60_000;

/** `n` finished operations, one a minute from BASE, over 5 projects, each with 7 steps; inserted in one transaction. */
function seed(s: StateStore, n: number): void {
  s.database.transaction(() => {
    for (let i = 0; i < n; i++) {
      const startedAt = new Date(BASE + i * MINUTE).toISOString();
      s.createOperation({
        id: `op_seed_${String(i).padStart(6, '0')}`,
        project: `p${i % 5}`,
        kind: KINDS[i % KINDS.length]!,
        status: STATUSES[i % STATUSES.length]!,
        startedAt,
        finishedAt: new Date(BASE + i * MINUTE + 5000).toISOString(),
        steps: ['preflight', 'snapshot', 'fetch', 'checkout', 'install', 'smoke', 'finalize'].map((id) => ({ id, title: id, command: null })),
      });
    }
  })();
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

describe('queryOperations', () => {
  it('pages 10,000 operations with filters and totals well under 50 ms per page', () => {
    const s = store!;
    seed(s, 10_000);
    s.queryOperations({ limit: 200 }); // warm the statement cache, as a running app would be

    const first = timed(() => s.queryOperations({ limit: 200 }));
    expect(first.value.total).toBe(10_000);
    expect(first.value.operations).toHaveLength(200);
    expect(first.value.operations[0]!.id).toBe('op_seed_009999');
    expect(first.value.operations[0]!.steps.map((x) => x.id)).toEqual(['preflight', 'snapshot', 'fetch', 'checkout', 'install', 'smoke', 'finalize']);
    expect(first.value.operations.every((o) => o.steps.length === 7)).toBe(true);
    expect(first.ms).toBeLessThan(50);

    const deep = timed(() => s.queryOperations({ limit: 200, offset: 9_900 }));
    expect(deep.value.operations).toHaveLength(100);
    expect(deep.value.operations.at(-1)!.id).toBe('op_seed_000000');
    expect(deep.ms).toBeLessThan(50);

    const filtered = timed(() => s.queryOperations({ project: 'p1', status: ['rolled_back', 'failed'], kind: ['upgrade'], limit: 50 }));
    // p1 ⇔ i%5==1 ⇔ status rolled_back, kind upgrade: every one of them matches.
    expect(filtered.value.total).toBe(2_000);
    expect(filtered.value.operations.every((o) => o.project === 'p1' && o.status === 'rolled_back' && o.kind === 'upgrade')).toBe(true);
    expect(filtered.ms).toBeLessThan(50);

    const byStatus = timed(() => s.queryOperations({ status: ['interrupted'], limit: 10 }));
    expect(byStatus.value.total).toBe(2_000);
    expect(byStatus.ms).toBeLessThan(50);
  });

  it('leaves the steps out when asked (steps: false), for lists that show none', () => {
    const s = store!;
    seed(s, 300);
    const withSteps = s.queryOperations({ limit: 100 });
    const without = s.queryOperations({ limit: 100, steps: false });
    expect(without.total).toBe(300);
    expect(without.operations.map((o) => o.id)).toEqual(withSteps.operations.map((o) => o.id));
    expect(without.operations.every((o) => o.steps.length === 0)).toBe(true);
    expect(without.operations.map((o) => ({ ...o, steps: [] }))).toEqual(withSteps.operations.map((o) => ({ ...o, steps: [] })));
    expect(JSON.stringify(without).length).toBeLessThan(JSON.stringify(withSteps).length / 2);
  });

  it('filters on the start time with inclusive bounds in any offset', () => {
    const s = store!;
    seed(s, 100);
    const since = new Date(BASE + 10 * MINUTE).toISOString();
    const until = new Date(BASE + 19 * MINUTE).toISOString();
    const r = s.queryOperations({ since, until, limit: 1000 });
    expect(r.total).toBe(10);
    expect(r.operations.map((o) => o.id)).toEqual(Array.from({ length: 10 }, (_, k) => `op_seed_${String(19 - k).padStart(6, '0')}`));
    // The same instant written with a +02:00 offset.
    const r2 = s.queryOperations({ since: '2026-01-01T02:10:00+02:00', until: '2026-01-01T02:19:00+02:00' });
    expect(r2.total).toBe(10);
    expect(s.queryOperations({ since: new Date(BASE + 200 * MINUTE).toISOString() }).total).toBe(0);
    expect(() => s.queryOperations({ since: 'yesterday' })).toThrow(/since must be an ISO-8601/);
  });

  it('uses the indexes instead of scanning for the filtered, ordered page', () => {
    const s = store!;
    const plan = (sql: string) => (s.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    expect(plan(`SELECT id FROM operations ORDER BY started_at DESC, rowid DESC LIMIT 200`)).toMatch(/USING (COVERING )?INDEX operations_by_started/);
    expect(plan(`SELECT id FROM operations WHERE project = 'p1' ORDER BY started_at DESC, rowid DESC LIMIT 200`)).toMatch(/INDEX operations_by_project/);
    expect(plan(`SELECT id FROM operations WHERE status IN ('failed') ORDER BY started_at DESC, rowid DESC LIMIT 200`)).toMatch(/INDEX operations_by_status/);
    expect(plan(`SELECT step_id FROM steps WHERE operation_id IN (SELECT value FROM json_each('[]')) ORDER BY operation_id, seq`)).toMatch(/USING (COVERING )?INDEX|PRIMARY KEY/);
  });

  it('reads the steps of a page with one query, not one per operation', () => {
    seed(store!, 50);
    // A second connection whose statements are counted from the start (its statement cache is empty).
    const other = StateStore.open(store!.paths.home);
    let stepQueries = 0;
    const prepare = other.database.prepare.bind(other.database);
    (other.database as unknown as { prepare: typeof prepare }).prepare = ((sql: string) => {
      const stmt = prepare(sql);
      if (/FROM steps/.test(sql)) {
        const all = stmt.all.bind(stmt);
        (stmt as unknown as { all: typeof all }).all = ((...args: unknown[]) => {
          stepQueries++;
          return all(...(args as []));
        }) as typeof all;
      }
      return stmt;
    }) as typeof prepare;
    try {
      expect(other.queryOperations({ limit: 50 }).operations).toHaveLength(50);
      expect(stepQueries).toBe(1);
      expect(other.listOperations({ limit: 20 })).toHaveLength(20);
      expect(stepQueries).toBe(2);
    } finally {
      other.close();
    }
  });
});

describe('recentTargets', () => {
  it("reads one project's newest operations of a kind without steps, on the project index, well under 50 ms over 10,000", () => {
    const s = store!;
    seed(s, 10_000);
    const plan = s.database
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM operations WHERE project = ? AND +kind = ? ORDER BY started_at DESC, rowid DESC LIMIT ?")
      .all('p1', 'upgrade', 50) as Array<{ detail: string }>;
    expect(plan.map((r) => r.detail).join('; ')).toContain('operations_by_project');

    s.recentTargets('p1', 'upgrade', 50); // warm the statement cache
    const got = timed(() => ['p0', 'p1', 'p2', 'p3', 'p4'].map((p) => s.recentTargets(p, 'upgrade', 50)));
    // The same operations, in the same order, as the full listing (which reads the steps too).
    const full = s.listOperations({ project: 'p1', kind: 'upgrade', limit: 50 });
    expect(got.value[1]!.map((o) => o.id)).toEqual(full.map((o) => o.id));
    expect(got.value[1]![0]).toEqual({ id: full[0]!.id, toVersion: full[0]!.to.version, status: full[0]!.status, startedAt: full[0]!.startedAt, finishedAt: full[0]!.finishedAt });
    // The seed gives p0–p2 upgrades only, p3 rollbacks, p4 recoveries.
    expect(got.value.map((list) => list.length)).toEqual([50, 50, 50, 0, 0]);
    expect(got.ms).toBeLessThan(50);
    expect(s.recentTargets('nobody', 'upgrade', 50)).toEqual([]);
    // p1's operations are all rolled_back; the seed marks no step failed, so one is failed here by hand.
    s.setStepStatus(full[0]!.id, 'smoke', 'failed', 'exit 1');
    s.setStepStatus(full[0]!.id, 'finalize', 'failed', 'exit 1');
    const failed = s.firstFailedSteps([full[0]!.id, full[1]!.id, 'op_missing']);
    expect([...failed]).toEqual([[full[0]!.id, { id: 'smoke', title: 'smoke' }]]);
    expect(s.firstFailedSteps([])).toEqual(new Map());
    expect(s.recentTargets('p1', 'upgrade', 0)).toEqual([]);
  });
});
