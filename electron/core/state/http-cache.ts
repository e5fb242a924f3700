import type { Db } from './db.js';

/** One cached response: the body of the last 200 for a URL and its validator. */
export interface CachedResponse {
  url: string;
  etag: string | null;
  body: Buffer;
  /** Response headers worth keeping (`link`), lower-case names. */
  headers: Record<string, string>;
  fetchedAt: string;
}

/** Where conditional requests keep what they learnt. */
export interface HttpCache {
  get(url: string): CachedResponse | null;
  put(entry: CachedResponse): void;
  /** Marks a 304: the entry is still good as of `at`. */
  touch(url: string, at: string): void;
}

/** The HTTP cache in the state database (`http_cache`, migration 3). */
export class SqliteHttpCache implements HttpCache {
  constructor(private readonly db: Db) {}

  get(url: string): CachedResponse | null {
    const row = this.db.prepare('SELECT url, etag, body, headers, fetched_at FROM http_cache WHERE url = ?').get(url) as
      | { url: string; etag: string | null; body: Buffer; headers: string; fetched_at: string }
      | undefined;
    if (!row) return null;
    let headers: Record<string, string> = {};
    try {
      const parsed: unknown = JSON.parse(row.headers);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) headers = parsed as Record<string, string>;
    } catch {
      // a damaged row: no headers
    }
    return { url: row.url, etag: row.etag, body: Buffer.from(row.body), headers, fetchedAt: row.fetched_at };
  }

  put(entry: CachedResponse): void {
    this.db
      .prepare(
        'INSERT INTO http_cache (url, etag, body, headers, fetched_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, body = excluded.body, headers = excluded.headers, fetched_at = excluded.fetched_at',
      )
      .run(entry.url, entry.etag, entry.body, JSON.stringify(entry.headers), entry.fetchedAt);
  }

  touch(url: string, at: string): void {
    this.db.prepare('UPDATE http_cache SET fetched_at = ? WHERE url = ?').run(at, url);
  }
}

/** An in-memory cache (tests, or a process without a state directory). */
export class MemoryHttpCache implements HttpCache {
  private readonly entries = new Map<string, CachedResponse>();
  get(url: string): CachedResponse | null {
    return this.entries.get(url) ?? null;
  }
  put(entry: CachedResponse): void {
    this.entries.set(entry.url, { ...entry, body: Buffer.from(entry.body) });
  }
  touch(url: string, at: string): void {
    const e = this.entries.get(url);
    if (e) e.fetchedAt = at;
  }
}
