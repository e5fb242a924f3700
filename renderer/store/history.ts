/** History paging and filters: pure functions from the store's filters to `queryHistory` inputs and back. */
import type { HistoryQuery } from '../../shared/api/contract.js';
import type { Operation } from '../../shared/api/types.js';
import type { HistoryFilters, HistoryState } from './types.js';

export const PAGE_SIZE = 100;

export const EMPTY_FILTERS: HistoryFilters = { project: null, status: null, kind: null, from: null, to: null };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A local calendar day (from an `<input type="date">`) as an ISO instant: its first millisecond, or with
 * `endOfDay` its last, in the given time-zone offset resolver (the browser's by default).
 */
export function dayToIso(day: string, endOfDay: boolean): string | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = endOfDay ? new Date(y, mo, d, 23, 59, 59, 999) : new Date(y, mo, d, 0, 0, 0, 0);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo) return null;
  return date.toISOString();
}

/** The `queryHistory` input for one page of the current filters. */
export function buildHistoryQuery(filters: HistoryFilters, offset: number, limit = PAGE_SIZE): HistoryQuery {
  // The list shows no steps (the detail panel reads them with getOperation): a page is a third of the size.
  const q: HistoryQuery = { limit, offset, steps: false };
  if (filters.project) q.project = filters.project;
  if (filters.status) q.status = [filters.status];
  if (filters.kind) q.kind = [filters.kind];
  const since = filters.from ? dayToIso(filters.from, false) : null;
  const until = filters.to ? dayToIso(filters.to, true) : null;
  if (since) q.since = since;
  if (until) q.until = until;
  if (since && until && since > until) {
    // A reversed range: swap rather than show nothing for a slip of the finger.
    q.since = dayToIso(filters.to!, false)!;
    q.until = dayToIso(filters.from!, true)!;
  }
  return q;
}

export function filtersActive(f: HistoryFilters): boolean {
  return Boolean(f.project || f.status || f.kind || f.from || f.to);
}

/** Page indexes that cover rows [start, end] (inclusive), limited to the known total. */
export function pagesForRange(start: number, end: number, total: number | null, pageSize = PAGE_SIZE): number[] {
  if (total === 0) return [];
  const last = total == null ? end : Math.min(end, total - 1);
  if (last < start || start < 0) return total == null ? [0] : [];
  const out: number[] = [];
  for (let p = Math.floor(start / pageSize); p <= Math.floor(last / pageSize); p++) out.push(p);
  return out;
}

/** Pages of the range that are neither loaded nor being loaded. */
export function missingPages(h: Pick<HistoryState, 'pages' | 'loading' | 'total'>, start: number, end: number, pageSize = PAGE_SIZE): number[] {
  return pagesForRange(start, end, h.total, pageSize).filter((p) => !h.pages[p] && !h.loading[p]);
}

/** The operation at a row, if its page is loaded. */
export function historyItem(h: Pick<HistoryState, 'pages'>, index: number, pageSize = PAGE_SIZE): Operation | undefined {
  return h.pages[Math.floor(index / pageSize)]?.[index % pageSize];
}

/** A fresh history state for new filters (keeps the selection). */
export function resetHistory(h: HistoryState, filters: HistoryFilters = h.filters): HistoryState {
  return { ...h, filters, total: null, pages: {}, loading: {}, error: null, generation: h.generation + 1 };
}

/** Applies one page answer; drops it when it belongs to an older generation. */
export function applyHistoryPage(h: HistoryState, generation: number, page: number, operations: Operation[], total: number): HistoryState {
  if (generation !== h.generation) return h;
  const loading = { ...h.loading };
  delete loading[page];
  return { ...h, total, pages: { ...h.pages, [page]: operations }, loading, error: null };
}

/** Replaces an operation wherever it is loaded (a live update of a running operation). */
export function patchHistoryOperation(h: HistoryState, op: Operation): HistoryState {
  let changed = false;
  const pages: Record<number, Operation[]> = {};
  for (const [k, ops] of Object.entries(h.pages)) {
    const i = ops.findIndex((o) => o.id === op.id);
    if (i === -1) {
      pages[Number(k)] = ops;
    } else {
      changed = true;
      const copy = ops.slice();
      copy[i] = op;
      pages[Number(k)] = copy;
    }
  }
  return changed ? { ...h, pages } : h;
}
