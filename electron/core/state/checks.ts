import type { ProjectCheck } from '../../../shared/api/types.js';
import { usageError } from '../errors.js';
import type { StoreContext } from './internal.js';

/** The latest ProjectCheck per project, so `status` can answer without touching the network. */
export class ChecksRepo {
  constructor(private readonly ctx: StoreContext) {}

  /** Replaces the cached check of `check.name` (a registered project). */
  save(check: ProjectCheck): void {
    try {
      this.ctx.stmts
        .get(
          // A failed check replaces the last one but remembers when the project was last checked without error
          // (`_lastSuccessAt`, read by /metrics' upshift_last_successful_check_timestamp_seconds, stripped on read).
          `INSERT INTO checks (project, checked_at, result) VALUES (?, ?, ?) ON CONFLICT (project) DO UPDATE SET checked_at = excluded.checked_at,
             result = CASE WHEN json_type(excluded.result, '$.error') = 'object'
               THEN json_set(excluded.result, '$._lastSuccessAt', CASE WHEN json_type(checks.result, '$.error') = 'object' THEN json_extract(checks.result, '$._lastSuccessAt') ELSE checks.checked_at END)
               ELSE excluded.result END`,
        )
        .run(check.name, check.checkedAt || this.ctx.now(), JSON.stringify(check));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw usageError('UNKNOWN_PROJECT', `No project named "${check.name}" is registered.`, { name: check.name });
      }
      throw err;
    }
  }

  get(project: string): ProjectCheck | null {
    const row = this.ctx.stmts.get('SELECT result FROM checks WHERE project = ?').get(project) as { result: string } | undefined;
    return row ? parse(row.result) : null;
  }

  list(): ProjectCheck[] {
    const rows = this.ctx.stmts.get('SELECT result FROM checks ORDER BY project').all() as Array<{ result: string }>;
    return rows.map((r) => parse(r.result)).filter((c): c is ProjectCheck => c !== null);
  }

  clear(project: string): void {
    this.ctx.stmts.get('DELETE FROM checks WHERE project = ?').run(project);
  }
}

function parse(text: string): ProjectCheck | null {
  try {
    const { _lastSuccessAt: _kept, ...check } = JSON.parse(text) as ProjectCheck & { _lastSuccessAt?: unknown };
    return check;
  } catch {
    return null;
  }
}
