import type { Db } from './db.js';

/** A project's manifest as last loaded: the hash of its inputs and the normalised manifest as JSON. */
export interface ManifestMemoRow {
  inputHash: string;
  manifest: string;
}

/** The `manifest_memo` table (migration 14); what the hash covers is in electron/core/manifest/memo.ts. */
export class ManifestMemoStore {
  private upsert: ReturnType<Db['prepare']> | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /** Every project's row in one query: a command that loads many manifests reads them once. */
  all(): Map<string, ManifestMemoRow> {
    const rows = this.db.prepare('SELECT project, input_hash, manifest FROM manifest_memo').all() as Array<{ project: string; input_hash: string; manifest: string }>;
    return new Map(rows.map((r) => [r.project, { inputHash: r.input_hash, manifest: r.manifest }]));
  }

  /** Writes rows in one transaction (one disk sync for a whole check's worth of new manifests). */
  putAll(rows: ReadonlyMap<string, ManifestMemoRow>): void {
    if (rows.size === 0) return;
    const stmt = (this.upsert ??= this.db.prepare(
      'INSERT INTO manifest_memo (project, input_hash, manifest, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (project) DO UPDATE SET input_hash = excluded.input_hash, manifest = excluded.manifest, updated_at = excluded.updated_at',
    ));
    const at = this.now();
    this.db.transaction(() => {
      for (const [project, r] of rows) stmt.run(project, r.inputHash, r.manifest, at);
    })();
  }
}
