import type { StoreContext } from './internal.js';

/** What the user decided about one release of one project. */
export interface UpdateDecisionRecord {
  project: string;
  /** Normalised version (`1.3.0`). */
  version: string;
  kind: 'skip' | 'snooze';
  /** Snooze only: ISO time after which the user is reminded (once). */
  until: string | null;
  decidedAt: string;
}

interface DecisionRow {
  project: string;
  version: string;
  kind: string;
  until: string | null;
  decided_at: string;
}

const toDecision = (r: DecisionRow): UpdateDecisionRecord => ({
  project: r.project,
  version: r.version,
  kind: r.kind as UpdateDecisionRecord['kind'],
  until: r.until,
  decidedAt: r.decided_at,
});

/**
 * "Skip this version" / "Remind me later" decisions, and the record of which release the user was already told
 * about. Both are per (project, version) and go with the project when it is removed (foreign key cascade).
 */
export class DecisionsRepo {
  constructor(private readonly ctx: StoreContext) {}

  /** Records a decision, replacing any earlier one for the same version (a skip overrides a snooze). */
  set(project: string, version: string, kind: 'skip' | 'snooze', until: string | null = null): UpdateDecisionRecord {
    const row: DecisionRow = { project, version, kind, until: kind === 'snooze' ? until : null, decided_at: this.ctx.now() };
    this.ctx.stmts
      .get(
        `INSERT INTO decisions (project, version, kind, until, decided_at) VALUES (@project, @version, @kind, @until, @decided_at)
         ON CONFLICT (project, version) DO UPDATE SET kind = excluded.kind, until = excluded.until, decided_at = excluded.decided_at`,
      )
      .run(row);
    return toDecision(row);
  }

  clear(project: string, version: string): boolean {
    return this.ctx.stmts.get('DELETE FROM decisions WHERE project = ? AND version = ?').run(project, version).changes > 0;
  }

  /** One project's decisions, or every project's; ordered by project then version text. */
  list(project?: string): UpdateDecisionRecord[] {
    const rows = (
      project === undefined
        ? this.ctx.stmts.get('SELECT project, version, kind, until, decided_at FROM decisions ORDER BY project, version').all()
        : this.ctx.stmts.get('SELECT project, version, kind, until, decided_at FROM decisions WHERE project = ? ORDER BY version').all(project)
    ) as DecisionRow[];
    return rows.map(toDecision);
  }

  get(project: string, version: string): UpdateDecisionRecord | null {
    const row = this.ctx.stmts.get('SELECT project, version, kind, until, decided_at FROM decisions WHERE project = ? AND version = ?').get(project, version) as
      | DecisionRow
      | undefined;
    return row ? toDecision(row) : null;
  }

  /** When the user was last told about this release, or null. */
  notifiedAt(project: string, version: string): string | null {
    const row = this.ctx.stmts.get('SELECT at FROM notified WHERE project = ? AND version = ?').get(project, version) as { at: string } | undefined;
    return row?.at ?? null;
  }

  /**
   * Claims the right to notify about a release, atomically across processes sharing the database: true when
   * no notification was recorded yet, or (for a reminder) when the last one is older than `remindAfter`. The
   * claim is recorded at `at` before it returns, so a second caller — another dashboard, a restart — gets false.
   */
  claimNotification(project: string, version: string, at: string, remindAfter: string | null): boolean {
    const r = this.ctx.stmts
      .get(
        `INSERT INTO notified (project, version, at) VALUES (@project, @version, @at)
         ON CONFLICT (project, version) DO UPDATE SET at = excluded.at WHERE @remind IS NOT NULL AND notified.at < @remind`,
      )
      .run({ project, version, at, remind: remindAfter });
    return r.changes > 0;
  }
}
