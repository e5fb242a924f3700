import type Database from 'better-sqlite3';
import type { Db } from './db.js';

/** Prepared statements, compiled once per connection and reused. */
export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Db) {}

  get(sql: string): Database.Statement {
    let stmt = this.cache.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

export interface StoreContext {
  db: Db;
  stmts: StatementCache;
  /** ISO-8601 UTC timestamp for "now"; injectable for tests. */
  now: () => string;
  home: string;
}

export function parseJsonObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
