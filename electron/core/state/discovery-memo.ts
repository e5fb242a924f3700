import type { Db } from './db.js';

/** A project's last discovery: its remote's advertisement hash and the key of the other inputs of its check. */
export interface DiscoveryMemoRow {
  advertHash: string;
  inputKey: string;
  via: string;
  updatedAt: string;
}

/** The `discovery_memo` table (migration 11); see electron/core/engine/check-memo.ts for what the key covers. */
export class DiscoveryMemoStore {
  private selectAll: ReturnType<Db['prepare']> | null = null;
  private upsert: ReturnType<Db['prepare']> | null = null;
  private remove: ReturnType<Db['prepare']> | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /** Every project's row in one query: a check of many projects reads them once. */
  all(): Map<string, DiscoveryMemoRow> {
    const rows = (this.selectAll ??= this.db.prepare('SELECT project, advert_hash, input_key, via, updated_at FROM discovery_memo')).all() as Array<{
      project: string;
      advert_hash: string;
      input_key: string;
      via: string;
      updated_at: string;
    }>;
    return new Map(rows.map((r) => [r.project, { advertHash: r.advert_hash, inputKey: r.input_key, via: r.via, updatedAt: r.updated_at }]));
  }

  put(project: string, row: Omit<DiscoveryMemoRow, 'updatedAt'>): void {
    (this.upsert ??= this.db.prepare(
      'INSERT INTO discovery_memo (project, advert_hash, input_key, via, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (project) DO UPDATE SET advert_hash = excluded.advert_hash, input_key = excluded.input_key, via = excluded.via, updated_at = excluded.updated_at',
    )).run(project, row.advertHash, row.inputKey, row.via, this.now());
  }

  forget(project: string): void {
    (this.remove ??= this.db.prepare('DELETE FROM discovery_memo WHERE project = ?')).run(project);
  }
}
