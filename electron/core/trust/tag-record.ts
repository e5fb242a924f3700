/**
 * Trust on first use for release tags (issue 10 §5): the commit each release tag pointed at when Upshift first saw
 * it is remembered (`tag_commits`, migration 9). A tag that later points elsewhere — force-pushed, or a remote that
 * was tampered with — is "moved": flagged in check, plan and the dashboard, announced once, and never upgraded to
 * until someone accepts the new commit with `upshift trust <project> <tag>`, which records who and when.
 */
import type { TagMove } from '../../../shared/api/trust.js';
import type { Db } from '../state/db.js';

interface Row {
  tag: string;
  sha: string;
  first_seen_at: string;
  moved_sha: string | null;
  moved_seen_at: string | null;
  previous_sha: string | null;
  accepted_by: string | null;
  accepted_at: string | null;
}

/** The record of one tag as `upshift trust` and the dashboard show it. */
export interface TagRecord {
  tag: string;
  sha: string;
  firstSeenAt: string;
  movedTo: string | null;
  previousSha: string | null;
  acceptedBy: string | null;
  acceptedAt: string | null;
}

export class TagCommitRecord {
  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  /**
   * Records the tags seen now (tag → commit; an empty commit, as a source that lists none gives, is skipped) and
   * returns every tag of the project whose commit differs from the one first seen, new moves first noticed now
   * marked `fresh` (so a notification goes out once).
   */
  observe(project: string, seen: ReadonlyArray<{ tag: string; sha: string }>): TagMove[] {
    const rows = new Map((this.db.prepare('SELECT * FROM tag_commits WHERE project = ?').all(project) as Row[]).map((r) => [r.tag, r]));
    const at = this.now();
    const insert = this.db.prepare('INSERT OR IGNORE INTO tag_commits (project, tag, sha, first_seen_at) VALUES (?, ?, ?, ?)');
    const move = this.db.prepare('UPDATE tag_commits SET moved_sha = ?, moved_seen_at = ? WHERE project = ? AND tag = ?');
    const settle = this.db.prepare('UPDATE tag_commits SET moved_sha = NULL, moved_seen_at = NULL WHERE project = ? AND tag = ?');
    const moves: TagMove[] = [];
    this.db.transaction(() => {
      for (const { tag, sha } of seen) {
        if (!sha) continue;
        const row = rows.get(tag);
        if (!row) {
          insert.run(project, tag, sha, at);
          continue;
        }
        if (row.sha === sha) {
          // Moved back to the commit first seen: nothing to accept any more.
          if (row.moved_sha) settle.run(project, tag);
          continue;
        }
        const fresh = row.moved_sha !== sha;
        if (fresh) move.run(sha, at, project, tag);
        moves.push(moveOf(tag, row.sha, sha, fresh ? at : (row.moved_seen_at ?? at), row.first_seen_at, fresh));
      }
    })();
    return moves;
  }

  /** The tags of `project` known to have moved (as last seen), without looking at the remote. */
  moved(project: string): TagMove[] {
    const rows = this.db.prepare('SELECT * FROM tag_commits WHERE project = ? AND moved_sha IS NOT NULL ORDER BY tag').all(project) as Row[];
    return rows.map((r) => moveOf(r.tag, r.sha, r.moved_sha!, r.moved_seen_at ?? r.first_seen_at, r.first_seen_at, false));
  }

  get(project: string, tag: string): TagRecord | null {
    const r = this.db.prepare('SELECT * FROM tag_commits WHERE project = ? AND tag = ?').get(project, tag) as Row | undefined;
    return r ? recordOf(r) : null;
  }

  /** Accepts `sha` as the commit of `tag` from now on, keeping the one it replaces and who accepted it when. */
  accept(project: string, tag: string, sha: string, by: string): TagRecord {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO tag_commits (project, tag, sha, first_seen_at, accepted_by, accepted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project, tag) DO UPDATE SET previous_sha = CASE WHEN sha = excluded.sha THEN previous_sha ELSE sha END,
           sha = excluded.sha, moved_sha = NULL, moved_seen_at = NULL, accepted_by = excluded.accepted_by, accepted_at = excluded.accepted_at`,
      )
      .run(project, tag, sha, at, by, at);
    return this.get(project, tag)!;
  }
}

function moveOf(tag: string, was: string, now: string, seenAt: string, firstSeenAt: string, fresh: boolean): TagMove {
  return {
    tag,
    was,
    now,
    firstSeenAt,
    movedSeenAt: seenAt,
    fresh,
    message: `TAG MOVED: ${tag} pointed at ${was.slice(0, 12)} when first seen (${firstSeenAt}) and now points at ${now.slice(0, 12)}; it is never upgraded to until you check the new commit and accept it`,
  };
}

function recordOf(r: Row): TagRecord {
  return { tag: r.tag, sha: r.sha, firstSeenAt: r.first_seen_at, movedTo: r.moved_sha, previousSha: r.previous_sha, acceptedBy: r.accepted_by, acceptedAt: r.accepted_at };
}
