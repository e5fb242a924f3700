import { withRelaxedSync, type Db } from './db.js';

/** What the compatibility verdict needs from one release's own tree (see engine/verdict.ts). */
export interface StoredReading {
  contractsVersion: string | null;
  breaking: Array<{ text: string; id?: string; version: string }>;
  /** `lts` in the release metadata; null when it does not say. */
  lts: boolean | null;
  /** A security release and why (issue 9 §1); null when not. */
  security: { critical: boolean; ids: string[]; because: string[] } | null;
  /** `eol_date`/`replacement` in the release metadata; null when it says neither. */
  eol: { eolDate: string | null; replacement: string | null } | null;
}

/** Which reading: the release's commit, the commit before it ('' for none), and the version its metadata is read for. */
export interface ReadingKey {
  sha: string;
  previous: string | null;
  version: string;
}

/**
 * Release readings in the state database (`release_readings`, migration 4). A commit's tree never changes, so an
 * entry never goes stale: a check reads each release once, and afterwards costs one SQLite lookup.
 */
export class ReleaseReadings {
  private select: ReturnType<Db['prepare']> | null = null;
  private upsert: ReturnType<Db['prepare']> | null = null;
  private readonly many = new Map<number, ReturnType<Db['prepare']>>();

  constructor(
    private readonly db: Db,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  get(key: ReadingKey): StoredReading | null {
    const row = (this.select ??= this.db.prepare('SELECT reading FROM release_readings WHERE sha = ? AND previous = ? AND version = ?')).get(key.sha, key.previous ?? '', key.version) as
      | { reading: string }
      | undefined;
    return row ? parseReading(row.reading) : null;
  }

  /** Several readings in one query (a check looks up every newer release of a project at once), by {@link keyText}. */
  getMany(keys: readonly ReadingKey[]): Map<string, StoredReading> {
    const out = new Map<string, StoredReading>();
    const shas = [...new Set(keys.map((k) => k.sha))];
    for (let i = 0; i < shas.length; i += 500) {
      const chunk = shas.slice(i, i + 500);
      let stmt = this.many.get(chunk.length);
      if (!stmt) this.many.set(chunk.length, (stmt = this.db.prepare(`SELECT sha, previous, version, reading FROM release_readings WHERE sha IN (${chunk.map(() => '?').join(',')})`)));
      for (const row of stmt.all(chunk) as Array<{ sha: string; previous: string; version: string; reading: string }>) {
        const reading = parseReading(row.reading);
        if (reading) out.set(keyText({ sha: row.sha, previous: row.previous, version: row.version }), reading);
      }
    }
    return out;
  }

  put(key: ReadingKey, reading: StoredReading): void {
    const stmt = (this.upsert ??= this.db.prepare(
      'INSERT INTO release_readings (sha, previous, version, reading, read_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha, previous, version) DO UPDATE SET reading = excluded.reading, read_at = excluded.read_at',
    ));
    // A reading is read again from git if lost: no fsync of its own.
    withRelaxedSync(this.db, () => stmt.run(key.sha, key.previous ?? '', key.version, JSON.stringify(reading), this.now()));
  }
}

/** The map key of a reading in {@link ReleaseReadings.getMany}. */
export function keyText(key: ReadingKey): string {
  return `${key.sha}\0${key.previous ?? ''}\0${key.version}`;
}

function parseReading(text: string): StoredReading | null {
  try {
    const v = JSON.parse(text) as StoredReading;
    // A reading stored before security releases were told apart or end-of-life dates were read (no `security` or
    // `eol` key) is read again, once.
    if (!Array.isArray(v.breaking) || !('security' in v) || !('eol' in v)) return null;
    return { contractsVersion: v.contractsVersion ?? null, breaking: v.breaking, lts: typeof v.lts === 'boolean' ? v.lts : null, security: validSecurity(v.security), eol: v.eol ?? null };
  } catch {
    return null; // a damaged row is read again
  }
}

function validSecurity(s: unknown): StoredReading['security'] {
  if (!s || typeof s !== 'object') return null;
  const o = s as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { critical: o.critical === true, ids: list(o.ids), because: list(o.because) };
}
