import type { OperationKind, OperationStatus } from '../../../shared/api/types.js';
import type { StoreContext } from './internal.js';

/** An operation's identity and status, as the change watcher compares them. */
export interface OperationMark {
  /** The row's insertion order: new operations are those with a higher seq than last seen. */
  seq: number;
  id: string;
  project: string;
  kind: OperationKind;
  status: OperationStatus;
}

/** What makes a project look different to the dashboard: its record and when it was last checked. */
export interface ProjectMark {
  name: string;
  signature: string;
}

/**
 * Cheap queries for noticing what other connections (the CLI, another window) committed. `dataVersion` is the
 * only query run while nothing changes: SQLite bumps it on this connection whenever another connection commits,
 * and never for this connection's own writes.
 */
export class ChangesRepo {
  private readonly versionStmt;

  constructor(private readonly ctx: StoreContext) {
    this.versionStmt = ctx.db.prepare('PRAGMA data_version').pluck();
  }

  dataVersion(): number {
    return Number(this.versionStmt.get());
  }

  lastOperationSeq(): number {
    return (this.ctx.stmts.get('SELECT COALESCE(MAX(rowid), 0) AS n FROM operations').get() as { n: number }).n;
  }

  /** Operations inserted after `seq`, oldest first (at most `limit`, so a flood cannot stall the watcher). */
  operationsAfter(seq: number, limit = 500): OperationMark[] {
    return this.ctx.stmts
      .get('SELECT rowid AS seq, id, project, kind, status FROM operations WHERE rowid > ? ORDER BY rowid LIMIT ?')
      .all(seq, limit) as OperationMark[];
  }

  /** The current marks of the given operations (those that still exist). */
  operationMarks(ids: readonly string[]): OperationMark[] {
    if (ids.length === 0) return [];
    return this.ctx.stmts
      .get('SELECT rowid AS seq, id, project, kind, status FROM operations WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as OperationMark[];
  }

  /** Operations marked running now. */
  runningOperations(): OperationMark[] {
    return this.ctx.stmts.get(`SELECT rowid AS seq, id, project, kind, status FROM operations WHERE status = 'running'`).all() as OperationMark[];
  }

  /** Every project with a signature of what the Updates view shows (its free-form cache is left out). */
  projectMarks(): ProjectMark[] {
    return this.ctx.stmts
      .get(
        `SELECT p.name AS name, p.path || char(0) || IFNULL(p.core, '') || char(0) || p.channel || char(0) || p.manifest || char(0) || IFNULL(c.checked_at, '') AS signature
           FROM projects p LEFT JOIN checks c ON c.project = p.name ORDER BY p.name`,
      )
      .all() as ProjectMark[];
  }

  /** A signature of the settings, decisions and approvals tables (all small; approvals: what `upshift approve` writes). */
  preferencesSignature(): string {
    const row = this.ctx.stmts
      .get(
        `SELECT (SELECT IFNULL(group_concat(key || '=' || value, char(0)), '') FROM (SELECT key, value FROM settings ORDER BY key)) || char(1) ||
                (SELECT IFNULL(group_concat(project || ' ' || version || ' ' || kind || ' ' || IFNULL(until, ''), char(0)), '')
                   FROM (SELECT * FROM decisions ORDER BY project, version)) || char(1) ||
                (SELECT IFNULL(group_concat(record, char(0)), '') FROM (SELECT record FROM approvals ORDER BY seq)) AS s`,
      )
      .get() as { s: string };
    return row.s;
  }
}
