import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { UpshiftError } from '../errors.js';
import { stateFailure } from './failure.js';

export type Db = Database.Database;

export interface Migration {
  /** Becomes `PRAGMA user_version` once applied. Strictly increasing from 1, never renumbered or edited once released. */
  version: number;
  name: string;
  sql: string;
  /**
   * The migration rebuilds tables (create new, copy, drop old, rename): foreign keys are switched off around its
   * transaction, as SQLite's procedure requires (a DROP would otherwise cascade), and checked before it commits.
   */
  rebuildsTables?: boolean;
}

/**
 * The schema, as an append-only list. Each migration runs in its own IMMEDIATE transaction together with the
 * `user_version` bump, so a crash mid-migration leaves the previous version intact, and two processes opening a
 * fresh database at once cannot both apply it.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE projects (
        name        TEXT PRIMARY KEY NOT NULL,
        path        TEXT NOT NULL UNIQUE,
        core        TEXT,
        manifest    TEXT NOT NULL DEFAULT 'none' CHECK (manifest IN ('upshift.yml', 'vertical_manifest.yaml', 'none')),
        channel     TEXT NOT NULL DEFAULT 'stable' CHECK (channel IN ('stable', 'prerelease')),
        settings    TEXT NOT NULL DEFAULT '{}',
        added_at    TEXT NOT NULL
      );

      -- History outlives the project: no foreign key to projects.
      CREATE TABLE operations (
        id              TEXT PRIMARY KEY NOT NULL,
        project         TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('upgrade', 'rollback', 'recovery')),
        status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'rolled_back', 'failed', 'blocked', 'interrupted')),
        from_version    TEXT,
        from_tag        TEXT,
        from_sha        TEXT,
        to_version      TEXT,
        to_tag          TEXT,
        to_sha          TEXT,
        target_id       TEXT,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        error           TEXT,
        manual_recovery TEXT,
        host            TEXT NOT NULL,
        user            TEXT NOT NULL,
        pid             INTEGER NOT NULL,
        pid_start_time  INTEGER,
        boot_id         TEXT,
        log_dir         TEXT,
        journal         TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX operations_by_project ON operations (project, started_at);
      CREATE INDEX operations_by_started ON operations (started_at);
      CREATE INDEX operations_running ON operations (status) WHERE status = 'running';
      CREATE INDEX operations_by_target ON operations (target_id) WHERE target_id IS NOT NULL;

      CREATE TABLE steps (
        operation_id   TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        step_id        TEXT NOT NULL,
        title          TEXT NOT NULL,
        command        TEXT,
        status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped', 'rolled_back')),
        started_at     TEXT,
        finished_at    TEXT,
        duration_ms    INTEGER,
        error          TEXT,
        output_excerpt TEXT,
        log_path       TEXT,
        PRIMARY KEY (operation_id, seq),
        UNIQUE (operation_id, step_id)
      );

      -- The latest check per project.
      CREATE TABLE checks (
        project    TEXT PRIMARY KEY NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
        checked_at TEXT NOT NULL,
        result     TEXT NOT NULL
      );

      -- One row per held project lock (see lock.ts).
      CREATE TABLE locks (
        project        TEXT PRIMARY KEY NOT NULL,
        token          TEXT NOT NULL,
        pid            INTEGER NOT NULL,
        pid_start_time INTEGER,
        boot_id        TEXT,
        host           TEXT NOT NULL,
        user           TEXT NOT NULL,
        operation_id   TEXT,
        acquired_at    TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'dashboard: settings, update decisions, notifications sent, history indexes',
    sql: `
      -- App settings (poll interval, pause, notifications, per-project overrides), one JSON value per key.
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY NOT NULL,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- "Skip this version" and "Remind me later", per (project, version): one decision each.
      CREATE TABLE decisions (
        project    TEXT NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
        version    TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('skip', 'snooze')),
        until      TEXT,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (project, version)
      );

      -- Which release the user was told about, and when: once per version, across restarts and processes.
      CREATE TABLE notified (
        project TEXT NOT NULL REFERENCES projects (name) ON DELETE CASCADE,
        version TEXT NOT NULL,
        at      TEXT NOT NULL,
        PRIMARY KEY (project, version)
      );

      -- History filters by status or kind, newest first, without scanning the table.
      CREATE INDEX operations_by_status ON operations (status, started_at);
      CREATE INDEX operations_by_kind ON operations (kind, started_at);
    `,
  },
  {
    version: 3,
    name: 'HTTP cache for release sources (ETag and body per URL)',
    sql: `
      -- The last 200 response per URL (GitHub Releases pages, release assets): the next request sends
      -- If-None-Match with the ETag, and a 304 reuses the body. Never holds credentials.
      CREATE TABLE http_cache (
        url        TEXT PRIMARY KEY NOT NULL,
        etag       TEXT,
        body       BLOB NOT NULL,
        headers    TEXT NOT NULL DEFAULT '{}',
        fetched_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'release readings: contracts version and breaking changes per release commit, for the compatibility verdict',
    sql: `
      -- What a release's own tree says for the verdict (contracts version, breaking changes, LTS), read once per
      -- commit: conventional-commit breaking changes depend on the commit before it too, hence (sha, previous).
      -- A moved tag has another commit, so it is read again. Never holds credentials.
      CREATE TABLE release_readings (
        sha      TEXT NOT NULL,
        previous TEXT NOT NULL,
        version  TEXT NOT NULL,
        reading  TEXT NOT NULL,
        read_at  TEXT NOT NULL,
        PRIMARY KEY (sha, previous, version)
      );
    `,
  },
  {
    version: 5,
    name: 'HTTP host blocks: a rate limit recorded by one process is honoured by the next',
    sql: `
      -- "No request to this host before": a used-up GitHub rate limit (its reset time) or a secondary limit's
      -- back-off, per API host and per credential, since a token has a limit of its own. credential is
      -- 'anonymous' or a short SHA-256 fingerprint of the token, never the token.
      CREATE TABLE http_host_blocks (
        host        TEXT NOT NULL,
        credential  TEXT NOT NULL,
        until       TEXT NOT NULL,
        reason      TEXT NOT NULL CHECK (reason IN ('primary', 'secondary')),
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (host, credential)
      );
    `,
  },
  {
    version: 6,
    name: "operations may end 'cancelled' (a Cancel, Ctrl-C, SIGTERM or SIGHUP that rolled back) or 'stash_kept', steps 'cancelled'",
    rebuildsTables: true,
    sql: `
      -- SQLite cannot change a CHECK constraint in place: each table is rebuilt (sqlite.org/lang_altertable.html,
      -- "making other kinds of table schema changes"), with foreign keys off around the transaction.
      CREATE TABLE operations_v6 (
        id              TEXT PRIMARY KEY NOT NULL,
        project         TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('upgrade', 'rollback', 'recovery')),
        status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'stash_kept', 'rolled_back', 'cancelled', 'failed', 'blocked', 'interrupted')),
        from_version    TEXT,
        from_tag        TEXT,
        from_sha        TEXT,
        to_version      TEXT,
        to_tag          TEXT,
        to_sha          TEXT,
        target_id       TEXT,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        error           TEXT,
        manual_recovery TEXT,
        host            TEXT NOT NULL,
        user            TEXT NOT NULL,
        pid             INTEGER NOT NULL,
        pid_start_time  INTEGER,
        boot_id         TEXT,
        log_dir         TEXT,
        journal         TEXT NOT NULL DEFAULT '{}'
      );
      INSERT INTO operations_v6 SELECT id, project, kind, status, from_version, from_tag, from_sha, to_version, to_tag, to_sha, target_id,
        started_at, finished_at, error, manual_recovery, host, user, pid, pid_start_time, boot_id, log_dir, journal FROM operations;
      DROP TABLE operations;
      ALTER TABLE operations_v6 RENAME TO operations;
      CREATE INDEX operations_by_project ON operations (project, started_at);
      CREATE INDEX operations_by_started ON operations (started_at);
      CREATE INDEX operations_running ON operations (status) WHERE status = 'running';
      CREATE INDEX operations_by_target ON operations (target_id) WHERE target_id IS NOT NULL;
      CREATE INDEX operations_by_status ON operations (status, started_at);
      CREATE INDEX operations_by_kind ON operations (kind, started_at);

      CREATE TABLE steps_v6 (
        operation_id   TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        step_id        TEXT NOT NULL,
        title          TEXT NOT NULL,
        command        TEXT,
        status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'rolled_back')),
        started_at     TEXT,
        finished_at    TEXT,
        duration_ms    INTEGER,
        error          TEXT,
        output_excerpt TEXT,
        log_path       TEXT,
        PRIMARY KEY (operation_id, seq),
        UNIQUE (operation_id, step_id)
      );
      INSERT INTO steps_v6 SELECT operation_id, seq, step_id, title, command, status, started_at, finished_at, duration_ms, error, output_excerpt, log_path FROM steps;
      DROP TABLE steps;
      ALTER TABLE steps_v6 RENAME TO steps;
    `,
  },
  {
    version: 7,
    name: 'notification outbox: messages to channels, claimed before sending, retried, given up after 24 h; channel health',
    sql: `
      -- One row per (event, channel), inserted in one statement when the event happens: delivery runs later, in the
      -- background (electron/core/notify/delivery.ts). key is the idempotency key sent with the message. target is the
      -- channel's URL and may hold its secrets: never printed (the redacted form is computed when shown). Times in ms.
      CREATE TABLE notify_outbox (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        key         TEXT NOT NULL UNIQUE,
        channel     TEXT NOT NULL,
        target      TEXT NOT NULL,
        type        TEXT NOT NULL,
        project     TEXT,
        event       TEXT NOT NULL,
        digest      INTEGER NOT NULL DEFAULT 0,
        status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'gave_up')),
        created_at  INTEGER NOT NULL,
        due_at      INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        claimed_by  TEXT,
        claim_until INTEGER,
        last_error  TEXT,
        done_at     INTEGER
      );
      CREATE INDEX notify_outbox_due ON notify_outbox (status, due_at);
      CREATE INDEX notify_outbox_channel ON notify_outbox (channel, status);

      -- Per channel: no send before next_send_at (rate limit, Retry-After), shared by every process; and its health.
      CREATE TABLE notify_channels (
        channel         TEXT PRIMARY KEY NOT NULL,
        next_send_at    INTEGER NOT NULL DEFAULT 0,
        last_success_at INTEGER,
        last_failure_at INTEGER,
        last_error      TEXT,
        gave_up         INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 8,
    name: 'automation: who started an operation (started_by), the approval queue, the scheduler lease',
    sql: `
      -- JSON {by: 'policy', trigger, window, approvedBy, scheduler}: set when the scheduler started the operation
      -- (electron/core/scheduler); NULL when a person did.
      ALTER TABLE operations ADD COLUMN started_by TEXT;

      -- One row per approval record of shared/policy/approvals.ts (record is its JSON); seq keeps the queue's order.
      CREATE TABLE approvals (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        project    TEXT NOT NULL,
        version    TEXT NOT NULL,
        commit_sha TEXT NOT NULL,
        state      TEXT NOT NULL,
        record     TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX approvals_project ON approvals (project, state);

      -- One leader per state directory (electron/core/scheduler/lease.ts): the holder's pid and start time as the
      -- project locks record them, and a lease it renews; a dead holder, or an expired lease of another host, is
      -- taken over.
      CREATE TABLE leases (
        name           TEXT PRIMARY KEY NOT NULL,
        token          TEXT NOT NULL,
        pid            INTEGER NOT NULL,
        pid_start_time INTEGER,
        boot_id        TEXT,
        host           TEXT NOT NULL,
        user           TEXT NOT NULL,
        role           TEXT NOT NULL,
        acquired_at    INTEGER NOT NULL,
        renewed_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        state          TEXT
      );
    `,
  },
  {
    version: 9,
    name: 'trust on first use: the commit each release tag pointed at when first seen, and who accepted a move',
    sql: `
      -- One row per (project, tag): the commit the tag pointed at when Upshift first saw it (electron/core/trust/).
      -- A tag seen later at another commit is "moved": moved_sha and moved_seen_at hold where it points now, and no
      -- upgrade goes to it until \`upshift trust\` accepts it (accepted_by/accepted_at; previous_sha keeps the old one).
      CREATE TABLE tag_commits (
        project       TEXT NOT NULL,
        tag           TEXT NOT NULL,
        sha           TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        moved_sha     TEXT,
        moved_seen_at TEXT,
        previous_sha  TEXT,
        accepted_by   TEXT,
        accepted_at   TEXT,
        PRIMARY KEY (project, tag)
      );
    `,
  },
  {
    version: 10,
    name: 'batches and multi-hop paths: one parent record over the member operations (electron/core/batch)',
    sql: `
      -- One row per batch (upgrade --all / --with-dependents) or multi-hop path: who runs it (pid and start time as
      -- the operations record them, so recovery can tell a dead owner), what to do on a failure, and the phase its
      -- journal is in: 'forward' (members run in order), 'rolling-back' (undoing the succeeded members, last first),
      -- 'done'. The member operations stay ordinary rows of operations; batch_members ties them to the batch.
      CREATE TABLE batches (
        id             TEXT PRIMARY KEY NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('batch', 'path')),
        mode           TEXT NOT NULL,
        root           TEXT,
        on_failure     TEXT NOT NULL CHECK (on_failure IN ('all-or-nothing', 'keep-going', 'last-good')),
        status         TEXT NOT NULL,
        phase          TEXT NOT NULL DEFAULT 'forward' CHECK (phase IN ('forward', 'rolling-back', 'done')),
        started_at     TEXT NOT NULL,
        finished_at    TEXT,
        error          TEXT,
        host           TEXT NOT NULL,
        user           TEXT NOT NULL,
        pid            INTEGER NOT NULL,
        pid_start_time INTEGER,
        boot_id        TEXT,
        started_by     TEXT,
        plan           TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX batches_by_started ON batches (started_at);
      CREATE INDEX batches_running ON batches (phase) WHERE phase <> 'done';

      -- The members in execution order (seq): a project of a batch, or a hop of a path. operation_id is the member's
      -- upgrade, rollback_id the rollback that undid it (all-or-nothing, or recovery).
      CREATE TABLE batch_members (
        batch_id     TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,
        project      TEXT NOT NULL,
        from_version TEXT,
        to_version   TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'pending',
        operation_id TEXT,
        rollback_id  TEXT,
        reason       TEXT,
        detail       TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (batch_id, seq)
      );
      CREATE INDEX batch_members_by_operation ON batch_members (operation_id) WHERE operation_id IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: 'conditional discovery: each project\'s last tag advertisement hash and the inputs its check was computed from',
    sql: `
      -- One row per project (electron/core/state/discovery-memo.ts): the SHA-256 of its remote's tag advertisement
      -- and a key over everything else its check read (HEAD and tag refs, manifests, trust records, the build). A check
      -- whose advertisement and key are both unchanged reuses the stored check instead of parsing versions, selecting
      -- releases and judging compatibility again.
      CREATE TABLE discovery_memo (
        project     TEXT PRIMARY KEY NOT NULL,
        advert_hash TEXT NOT NULL,
        input_key   TEXT NOT NULL,
        via         TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: 'commit facts: what a plan reads from git about release commits, by the ids it was read from',
    sql: `
      -- Immutable facts about commits (electron/core/state/commit-facts.ts): a release's notes and metadata read at
      -- its tag object and commit, the commits and diffstat between two commits, the commit a tag object peels to.
      -- The key holds every object id the fact was read from, so a moved tag (another id) is simply a miss; nothing
      -- here ever goes stale. Oldest rows are pruned past a cap. Never holds credentials.
      CREATE TABLE commit_facts (
        kind        TEXT NOT NULL,
        key         TEXT NOT NULL,
        facts       TEXT NOT NULL,
        computed_at TEXT NOT NULL,
        PRIMARY KEY (kind, key)
      );
      CREATE INDEX commit_facts_age ON commit_facts (computed_at);
    `,
  },
  {
    version: 13,
    name: 'scheduler runs: what each evaluation that found releases due tried, and what came of it',
    sql: `
      -- electron/core/scheduler/runs.ts: one row per scheduler evaluation that tried to start an unattended upgrade,
      -- with each outcome (the operation recorded, or why the engine refused before recording one). Pruned to the
      -- latest 1,000 runs.
      CREATE TABLE scheduler_runs (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        TEXT NOT NULL,
        scheduler TEXT NOT NULL,
        outcomes  TEXT NOT NULL,
        problems  TEXT NOT NULL DEFAULT '[]'
      );
    `,
  },
  {
    version: 14,
    name: 'manifest memo: each project\'s manifest as last loaded, by a hash of everything it was loaded from',
    sql: `
      -- One row per project (electron/core/state/manifest-memo.ts): the SHA-256 of the manifest's and the
      -- configuration's bytes with every other input of loading them (path, core, build), and the normalised manifest
      -- that came out. Same hash, same manifest: a check or plan uses it instead of parsing YAML and validating again.
      -- Only manifests that loaded without error are kept, so a broken one is always reported as loading it reports.
      CREATE TABLE manifest_memo (
        project     TEXT PRIMARY KEY NOT NULL,
        input_hash  TEXT NOT NULL,
        manifest    TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export interface OpenOptions {
  /** For tests: a different migration list. */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the SQLite database at `file`: WAL, `synchronous=FULL` (a committed transition is on
 * disk before the action that follows it), `busy_timeout=5000`, foreign keys on, then brings the schema up to date.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const migrations = opts.migrations ?? MIGRATIONS;
  const creating = file !== ':memory:' && !existsSync(file);
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw classifyOpenFailure(err, file) ?? new UpshiftError('STATE_OPEN_FAILED', `Cannot open the state database ${file}: ${(err as Error).message}. Nothing was changed.`, { category: 'state', cause: err, details: { file } });
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!opts.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (file !== ':memory:' && String(mode).toLowerCase() !== 'wal') {
        throw new UpshiftError('STATE_OPEN_FAILED', `Cannot switch ${file} to WAL mode (got ${String(mode)}); is it on a network filesystem? Nothing was changed; set UPSHIFT_HOME to a directory on a local disk.`, { category: 'state', details: { file } });
      }
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (creating) {
      try {
        chmodSync(file, 0o600);
      } catch {
        // best effort: the home directory is 0700 anyway
      }
    }
    migrate(db, migrations, file);
  } catch (err) {
    db.close();
    throw classifyOpenFailure(err, file) ?? err;
  }
  return db;
}

/** A corrupt, read-only or full state directory as the STATE_* error naming it (see failure.ts), or null. */
function classifyOpenFailure(err: unknown, file: string): UpshiftError | null {
  if (file === ':memory:') return null;
  return stateFailure(err, { home: path.dirname(file), target: file, phase: 'open' });
}

/**
 * Runs `fn` — writes of derived data only (caches a later read rebuilds: facts about commits, release readings, the
 * cached current version) — committing without an fsync of its own (`synchronous=NORMAL`). In WAL mode that cannot
 * corrupt anything, and a killed process loses nothing (the WAL is in the page cache); a power loss may lose these
 * commits, and only until the next durable one (a lock, a journal step), which syncs the WAL with them in it. Saves
 * an upgrade about ten fsyncs (issue 12 §2). Inside a transaction it changes nothing: the transaction decides.
 */
export function withRelaxedSync<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  const was = Number(db.pragma('synchronous', { simple: true }));
  if (was <= 1) return fn();
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma(`synchronous = ${was}`);
  }
}

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function migrate(db: Db, migrations: readonly Migration[], file: string): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new UpshiftError(
      'STATE_TOO_NEW',
      `The state database ${file} has schema version ${current}, newer than this Upshift understands (${latest}). Upgrade Upshift, or point UPSHIFT_HOME elsewhere.`,
      { category: 'state', details: { file, schemaVersion: current, supported: latest } },
    );
  }
  if (current === latest) return;
  for (const m of migrations) {
    if (m.version <= current) continue;
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      if (m.rebuildsTables) {
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`${broken.length} row(s) would break a foreign key`);
      }
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    });
    // PRAGMA foreign_keys is a no-op inside a transaction: it is switched around it.
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      apply.immediate();
    } catch (err) {
      throw new UpshiftError('STATE_MIGRATION_FAILED', `Migrating ${file} to schema version ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
    } finally {
      if (m.rebuildsTables) db.pragma('foreign_keys = ON');
    }
  }
}
