import type { Operation, OperationKind, OperationStatus, OperationStep } from '../../../shared/api/types.js';
import { usageError } from '../errors.js';
import type { StoreContext } from './internal.js';
import { OP_COLUMNS, rowToOperation, STEP_COLUMNS, toStep, type OperationRow, type StepRow } from './operation-rows.js';
import type { OperationFilter } from './operations.js';

/**
 * The read side of the operation history: filtered, paged lists with a total, built to stay fast with tens of
 * thousands of operations. Filtering, ordering and paging happen in SQL over indexes (project, status and kind
 * each with started_at, and started_at alone; the rowid breaks ties), and the steps of a whole page are read in
 * ONE query keyed by the page's ids rather than one query per operation.
 */
export class HistoryRepo {
  constructor(private readonly ctx: StoreContext) {}

  /** Newest first (start time, then insertion order). */
  list(filter: OperationFilter = {}): Operation[] {
    const { clause, params } = where(filter);
    const limit = filter.limit !== undefined && filter.limit >= 0 ? Math.trunc(filter.limit) : -1;
    const offset = filter.offset !== undefined && filter.offset > 0 ? Math.trunc(filter.offset) : 0;
    const rows = this.ctx.stmts
      .get(`SELECT ${OP_COLUMNS} FROM operations ${clause} ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as OperationRow[];
    const steps = filter.steps === false ? new Map<string, OperationStep[]>() : this.stepsOf(rows.map((r) => r.id));
    return rows.map((r) => rowToOperation(r, steps.get(r.id) ?? []));
  }

  count(filter: Omit<OperationFilter, 'limit' | 'offset'> = {}): number {
    const { clause, params } = where(filter);
    return (this.ctx.stmts.get(`SELECT COUNT(*) AS n FROM operations ${clause}`).get(...params) as { n: number }).n;
  }

  /** One page and the number of operations matching the filter (for the pager). */
  page(filter: OperationFilter): { operations: Operation[]; total: number } {
    // One read transaction: the page and its total come from the same snapshot even while others write.
    return this.ctx.db.transaction(() => ({ operations: this.list(filter), total: this.count(filter) }))();
  }

  /**
   * The newest `limit` operations of one kind on a project, without their steps or journals: what the dashboard's
   * state needs to tell which releases failed (service/outcomes.ts). `+kind` keeps SQLite on the (project,
   * started_at) index — on the kind index it walks every upgrade of every project to find one project's 50.
   */
  recentTargets(project: string, kind: OperationKind, limit: number): OperationTarget[] {
    const rows = this.ctx.stmts
      .get('SELECT id, to_version, status, started_at, finished_at FROM operations WHERE project = ? AND +kind = ? ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(project, kind, Math.max(0, Math.trunc(limit))) as Array<{ id: string; to_version: string | null; status: string; started_at: string; finished_at: string | null }>;
    return rows.map((r) => ({ id: r.id, toVersion: r.to_version, status: r.status as OperationStatus, startedAt: r.started_at, finishedAt: r.finished_at }));
  }

  /** The first failed step of each of these operations that has one (id and title only), in one query. */
  firstFailedSteps(ids: readonly string[]): Map<string, { id: string; title: string }> {
    const out = new Map<string, { id: string; title: string }>();
    if (ids.length === 0) return out;
    const rows = this.ctx.stmts
      .get(`SELECT operation_id, step_id, title FROM steps WHERE operation_id IN (SELECT value FROM json_each(?)) AND status = 'failed' ORDER BY operation_id, seq`)
      .all(JSON.stringify(ids)) as Array<{ operation_id: string; step_id: string; title: string }>;
    for (const row of rows) if (!out.has(row.operation_id)) out.set(row.operation_id, { id: row.step_id, title: row.title });
    return out;
  }

  /** Steps of many operations in one query, in plan order, by operation id. */
  stepsOf(ids: readonly string[]): Map<string, OperationStep[]> {
    const out = new Map<string, OperationStep[]>();
    if (ids.length === 0) return out;
    const rows = this.ctx.stmts
      .get(`SELECT operation_id, ${STEP_COLUMNS} FROM steps WHERE operation_id IN (SELECT value FROM json_each(?)) ORDER BY operation_id, seq`)
      .all(JSON.stringify(ids)) as Array<StepRow & { operation_id: string }>;
    for (const row of rows) {
      let list = out.get(row.operation_id);
      if (!list) out.set(row.operation_id, (list = []));
      list.push(toStep(row));
    }
    return out;
  }
}

/** An operation as `recentTargets` reads it: where it went and how it ended. */
export interface OperationTarget {
  id: string;
  toVersion: string | null;
  status: OperationStatus;
  startedAt: string;
  finishedAt: string | null;
}

function asList<T>(v: T | readonly T[] | undefined): readonly T[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

/** Start times are stored as `toISOString()` text, so a bound normalised the same way compares as text. */
function isoBound(field: 'since' | 'until', text: string): string {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw usageError('BAD_DATE', `${field} must be an ISO-8601 date and time; got "${text}".`, { field });
  return new Date(ms).toISOString();
}

function where(filter: Omit<OperationFilter, 'limit' | 'offset'>): { clause: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  if (filter.project !== undefined) {
    conds.push('project = ?');
    params.push(filter.project);
  }
  for (const [column, values] of [
    ['status', asList(filter.status)],
    ['kind', asList(filter.kind)],
  ] as const) {
    if (values === undefined) continue;
    if (values.length === 0) {
      conds.push('0');
      continue;
    }
    conds.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  if (filter.since !== undefined) {
    conds.push('started_at >= ?');
    params.push(isoBound('since', filter.since));
  }
  if (filter.until !== undefined) {
    conds.push('started_at <= ?');
    params.push(isoBound('until', filter.until));
  }
  return { clause: conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '', params };
}
