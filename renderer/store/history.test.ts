import { describe, expect, it } from 'vitest';
import { historyQuerySchema } from '../../shared/api/contract.js';
import { operation } from '../testing/fixtures.js';
import { EMPTY_FILTERS, PAGE_SIZE, applyHistoryPage, buildHistoryQuery, dayToIso, filtersActive, historyItem, missingPages, pagesForRange, patchHistoryOperation, resetHistory } from './history.js';
import { initialData } from './store.js';

describe('buildHistoryQuery', () => {
  it('sends only the filters that are set, and the page window', () => {
    expect(buildHistoryQuery(EMPTY_FILTERS, 0)).toEqual({ limit: PAGE_SIZE, offset: 0, steps: false });
    expect(buildHistoryQuery({ ...EMPTY_FILTERS, project: 'core', status: 'rolled_back', kind: 'upgrade' }, 300, 50)).toEqual({
      limit: 50,
      offset: 300,
      steps: false,
      project: 'core',
      status: ['rolled_back'],
      kind: ['upgrade'],
    });
  });

  it('turns local days into inclusive instants the contract accepts', () => {
    const q = buildHistoryQuery({ ...EMPTY_FILTERS, from: '2026-11-01', to: '2026-11-21' }, 0);
    expect(q.since).toBe(new Date(2026, 10, 1, 0, 0, 0, 0).toISOString());
    expect(q.until).toBe(new Date(2026, 10, 21, 23, 59, 59, 999).toISOString());
    expect(historyQuerySchema.safeParse(q).success).toBe(true);
  });

  it('swaps a reversed range and ignores malformed days', () => {
    const q = buildHistoryQuery({ ...EMPTY_FILTERS, from: '2026-11-21', to: '2026-11-01' }, 0);
    expect(Date.parse(q.since!)).toBeLessThan(Date.parse(q.until!));
    expect(buildHistoryQuery({ ...EMPTY_FILTERS, from: '2026-02-30', to: 'yesterday' }, 0)).toEqual({ limit: PAGE_SIZE, offset: 0, steps: false });
    expect(dayToIso('2026-13-01', false)).toBeNull();
  });

  it('every query it builds passes the contract schema', () => {
    for (const status of [null, 'running', 'succeeded', 'rolled_back', 'failed', 'blocked', 'interrupted'] as const) {
      const q = buildHistoryQuery({ ...EMPTY_FILTERS, status, project: 'p', from: '2026-01-01' }, 9900);
      expect(historyQuerySchema.safeParse(q).success).toBe(true);
    }
  });

  it('knows when filters are active', () => {
    expect(filtersActive(EMPTY_FILTERS)).toBe(false);
    expect(filtersActive({ ...EMPTY_FILTERS, to: '2026-01-01' })).toBe(true);
  });
});

describe('paging', () => {
  it('maps a row range to pages within the total', () => {
    expect(pagesForRange(0, 30, null)).toEqual([0]);
    expect(pagesForRange(95, 230, 10_000)).toEqual([0, 1, 2]);
    expect(pagesForRange(9990, 10_020, 10_000)).toEqual([99]);
    expect(pagesForRange(0, 50, 0)).toEqual([]);
  });

  it('asks only for pages neither loaded nor loading', () => {
    const h = { pages: { 0: [] }, loading: { 1: true as const }, total: 1000 };
    expect(missingPages(h, 50, 350)).toEqual([2, 3]);
  });

  it('applies answers of the current generation only, and finds rows', () => {
    let h = initialData().history;
    h = { ...h, loading: { 0: true } };
    const ops = [operation({ id: 'op_a' }), operation({ id: 'op_b' })];
    const stale = applyHistoryPage(h, h.generation - 1, 0, ops, 2);
    expect(stale).toBe(h);
    h = applyHistoryPage(h, h.generation, 0, ops, 2);
    expect(h.total).toBe(2);
    expect(h.loading).toEqual({});
    expect(historyItem(h, 1)?.id).toBe('op_b');
    expect(historyItem(h, 150)).toBeUndefined();
    const reset = resetHistory(h, { ...EMPTY_FILTERS, project: 'core' });
    expect(reset.generation).toBe(h.generation + 1);
    expect(reset.pages).toEqual({});
    expect(reset.total).toBeNull();
  });

  it('patches a loaded operation in place', () => {
    let h = initialData().history;
    h = applyHistoryPage(h, h.generation, 0, [operation({ id: 'op_a' })], 1);
    const patched = patchHistoryOperation(h, operation({ id: 'op_a', status: 'succeeded' }));
    expect(historyItem(patched, 0)?.status).toBe('succeeded');
    expect(patchHistoryOperation(h, operation({ id: 'op_zzz' }))).toBe(h);
  });
});
