import { withRelaxedSync, type Db } from './db.js';

/**
 * What is cached: `release` (a release's notes, metadata and breaking changes, by tag object, commit and the commit
 * before it), `range` (the commits between two commits), `diffstat` (what changes between two commits, kept apart
 * because `upgrade --yes` does not read it), `peel` (the commit a tag object points to), `files` (which of some paths
 * a commit's tree holds).
 */
export type CommitFactKind = 'release' | 'range' | 'diffstat' | 'peel' | 'files';

/** Rows kept; past it, the oldest are pruned (a fact read again costs what it cost the first time, nothing more). */
const MAX_ROWS = 20_000;

/**
 * Facts about git objects in the state database (`commit_facts`, migration 12). Every key is made of full object
 * ids, and an object never changes, so an entry is never stale: a tag moved on the remote has another id and
 * misses. A repeated plan, the dashboard's plan view and `upgrade --yes` after `plan` read these instead of
 * starting git (issue 12 §2).
 */
export class CommitFacts {
  private select: ReturnType<Db['prepare']> | null = null;
  private upsert: ReturnType<Db['prepare']> | null = null;
  private pruned = false;

  constructor(
    private readonly db: Db,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly maxRows = MAX_ROWS,
  ) {}

  get<T>(kind: CommitFactKind, key: string): T | null {
    const row = (this.select ??= this.db.prepare('SELECT facts FROM commit_facts WHERE kind = ? AND key = ?')).get(kind, key) as { facts: string } | undefined;
    if (!row) return null;
    try {
      return JSON.parse(row.facts) as T;
    } catch {
      return null; // a damaged row is read again from git
    }
  }

  put(kind: CommitFactKind, key: string, facts: unknown): void {
    const stmt = (this.upsert ??= this.db.prepare(
      'INSERT INTO commit_facts (kind, key, facts, computed_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET facts = excluded.facts, computed_at = excluded.computed_at',
    ));
    // A fact lost is read from git again: no fsync of its own.
    withRelaxedSync(this.db, () => stmt.run(kind, key, JSON.stringify(facts), this.now()));
    if (!this.pruned) {
      // Once per process is enough: a plan writes a handful of rows.
      this.pruned = true;
      const { n } = this.db.prepare('SELECT count(*) AS n FROM commit_facts').get() as { n: number };
      if (n > this.maxRows) this.db.prepare('DELETE FROM commit_facts WHERE rowid IN (SELECT rowid FROM commit_facts ORDER BY computed_at ASC LIMIT ?)').run(n - this.maxRows);
    }
  }
}

/** A key from object ids and other exact inputs (a version text, a cap): NUL-joined, '' for an absent one. */
export function factKey(...parts: ReadonlyArray<string | number | null | undefined>): string {
  return parts.map((p) => (p === null || p === undefined ? '' : String(p))).join('\0');
}
