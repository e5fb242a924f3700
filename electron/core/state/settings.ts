import { parseJsonObject, type StoreContext } from './internal.js';

/**
 * The app's settings as loose key → JSON values. The store does not know the Settings schema (it lives in the
 * UI contract, validated by the service); it only keeps what it is given, so an older or newer app sharing the
 * database never loses keys it does not understand.
 */
export class SettingsRepo {
  constructor(private readonly ctx: StoreContext) {}

  /** Every stored key with its parsed value; values that are not valid JSON are left out. */
  all(): Record<string, unknown> {
    const rows = this.ctx.stmts.get('SELECT key, value FROM settings ORDER BY key').all() as Array<{ key: string; value: string }>;
    const out: Record<string, unknown> = {};
    for (const r of rows) {
      try {
        out[r.key] = JSON.parse(r.value) as unknown;
      } catch {
        // A value this build cannot read counts as unset: the default applies.
      }
    }
    return out;
  }

  get(key: string): unknown {
    const row = this.ctx.stmts.get('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    if (!row) return undefined;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Writes every key of `values` in one transaction; a key set to `undefined` is removed. */
  set(values: Record<string, unknown>): void {
    const now = this.ctx.now();
    this.ctx.db
      .transaction(() => {
        for (const [key, value] of Object.entries(values)) {
          if (value === undefined) this.ctx.stmts.get('DELETE FROM settings WHERE key = ?').run(key);
          else
            this.ctx.stmts
              .get('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
              .run(key, JSON.stringify(value), now);
        }
      })
      .immediate();
  }

  /** A JSON object setting, or `{}` when unset or not an object. */
  object(key: string): Record<string, unknown> {
    const v = this.get(key);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : parseJsonObject(null);
  }
}
