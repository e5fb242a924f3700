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

/**
 * "No request to `host` before `until`" for one credential: a used-up rate limit (`primary`, until its reset) or a
 * secondary limit's back-off. Kept with the cache so the next process honours it too.
 */
export interface HostBlock {
  host: string;
  /** 'anonymous', or a fingerprint of the token (never the token): each token has a limit of its own. */
  credential: string;
  /** Epoch milliseconds. */
  until: number;
  reason: 'primary' | 'secondary';
}

/** Where conditional requests keep what they learnt. */
export interface HttpCache {
  get(url: string): CachedResponse | null;
  put(entry: CachedResponse): void;
  /** Marks a 304: the entry is still good as of `at`. */
  touch(url: string, at: string): void;
  /** The recorded block of `host` for `credential`, expired or not; null when there is none. */
  getBlock(host: string, credential: string): HostBlock | null;
  /** Records a block, replacing the host's previous one for that credential. */
  putBlock(block: HostBlock, recordedAt: string): void;
  /** Forgets the block of `host` for `credential` if it ends at or before `until` (an expired one). */
  clearBlock(host: string, credential: string, until: number): void;
}

/** The HTTP cache in the state database (`http_cache`, migration 3; `http_host_blocks`, migration 5). */
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

  getBlock(host: string, credential: string): HostBlock | null {
    const row = this.db.prepare('SELECT until, reason FROM http_host_blocks WHERE host = ? AND credential = ?').get(host, credential) as { until: string; reason: string } | undefined;
    if (!row) return null;
    const until = Date.parse(row.until);
    // A damaged row blocks nothing: the next response records the limit again.
    if (!Number.isFinite(until) || (row.reason !== 'primary' && row.reason !== 'secondary')) return null;
    return { host, credential, until, reason: row.reason };
  }

  putBlock(block: HostBlock, recordedAt: string): void {
    this.db
      .prepare(
        'INSERT INTO http_host_blocks (host, credential, until, reason, recorded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (host, credential) DO UPDATE SET until = excluded.until, reason = excluded.reason, recorded_at = excluded.recorded_at',
      )
      .run(block.host, block.credential, new Date(block.until).toISOString(), block.reason, recordedAt);
  }

  clearBlock(host: string, credential: string, until: number): void {
    this.db.prepare('DELETE FROM http_host_blocks WHERE host = ? AND credential = ? AND until <= ?').run(host, credential, new Date(until).toISOString());
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
  private readonly blocks = new Map<string, HostBlock>();
  getBlock(host: string, credential: string): HostBlock | null {
    return this.blocks.get(`${host} ${credential}`) ?? null;
  }
  putBlock(block: HostBlock): void {
    this.blocks.set(`${block.host} ${block.credential}`, { ...block });
  }
  clearBlock(host: string, credential: string, until: number): void {
    const key = `${host} ${credential}`;
    const b = this.blocks.get(key);
    if (b && b.until <= until) this.blocks.delete(key);
  }
}
