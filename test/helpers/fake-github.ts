/**
 * A local fake of the GitHub REST API's release listing, on 127.0.0.1, for tests and the benchmark. Releases are
 * built from the real recorded release object in test/fixtures/real/github/octokit-release-assets.raw.json, and
 * responses carry its real headers (ETag style, X-RateLimit-*, Cache-Control). Like GitHub: a 304 does not count
 * against the primary rate limit. No vitest import, so the benchmark can bundle it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_FILE =
  process.env.UPSHIFT_GITHUB_FIXTURE ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/real/github/octokit-release-assets.raw.json');

interface RecordedEntry {
  method: string;
  path: string;
  status: number;
  response: Record<string, unknown>;
  rawHeaders: string[];
}

/** The recorded `GET /repos/{o}/{r}/releases/tags/v1.0.0` exchange: its release object and its headers. */
export function recordedRelease(): { release: Record<string, unknown>; headers: Record<string, string> } {
  const entries = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as RecordedEntry[];
  const e = entries.find((x) => x.method === 'get' && /\/releases\/tags\//.test(x.path));
  if (!e) throw new Error(`${FIXTURE_FILE} has no release exchange`);
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < e.rawHeaders.length; i += 2) headers[e.rawHeaders[i]!.toLowerCase()] = e.rawHeaders[i + 1]!;
  return { release: e.response, headers };
}

export interface FakeAsset {
  name: string;
  content: string | Buffer;
}

export interface FakeRelease {
  tag: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
  publishedAt?: string;
  assets?: FakeAsset[];
}

export type Failure =
  | { kind: '500' }
  | { kind: 'rate-limited'; resetEpochSeconds: number }
  | { kind: '429'; retryAfterSeconds: number }
  | { kind: 'secondary'; retryAfterSeconds?: number }
  | { kind: 'malformed' }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'foreign-link'; to: string };

export interface FakeCounts {
  total: number;
  conditional: number;
  notModified: number;
  /** Requests that counted against the primary rate limit (everything but 304s). */
  primaryCost: number;
}

export interface FakeGitHubOptions {
  perPage?: number;
  rateLimit?: number;
  resetEpochSeconds?: number;
}

const PASSTHROUGH = ['server', 'content-type', 'cache-control', 'vary', 'x-github-media-type', 'x-ratelimit-resource', 'x-content-type-options'];

export class FakeGitHub {
  readonly counts: FakeCounts = { total: 0, conditional: 0, notModified: 0, primaryCost: 0 };
  /** Authorization headers seen, in order (to check a token is sent, and only where it should be). */
  readonly authorizations: Array<string | null> = [];
  readonly paths: string[] = [];
  remaining: number;
  limit: number;
  reset: number;
  private readonly repos = new Map<string, FakeRelease[]>();
  private readonly failures: Failure[] = [];
  private readonly assets = new Map<number, FakeAsset>();
  private readonly assetTags = new Map<FakeAsset, string>();
  /** `<tag>/<asset name>` of every release download asked for, in order. */
  readonly downloads: string[] = [];
  private readonly template = recordedRelease();
  private server: http.Server | null = null;
  private port = 0;
  private readonly perPage: number;

  constructor(opts: FakeGitHubOptions = {}) {
    this.perPage = opts.perPage ?? 100;
    this.limit = opts.rateLimit ?? Number(this.template.headers['x-ratelimit-limit'] ?? 5000);
    this.remaining = this.limit;
    this.reset = opts.resetEpochSeconds ?? Math.floor(Date.now() / 1000) + 3600;
  }

  /** http://127.0.0.1:PORT — the apiUrl to configure. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setReleases(repo: string, releases: FakeRelease[]): void {
    this.repos.set(repo, releases);
  }

  /** The next requests fail this way, one failure each, in order. */
  fail(...failures: Failure[]): void {
    this.failures.push(...failures);
  }

  resetCounts(): void {
    Object.assign(this.counts, { total: 0, conditional: 0, notModified: 0, primaryCost: 0 });
    this.authorizations.length = 0;
    this.paths.length = 0;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private releaseJson(repo: string, r: FakeRelease, index: number): Record<string, unknown> {
    const id = 72286832 + index;
    const base = `${this.url}/repos/${repo}`;
    const assets = (r.assets ?? []).map((a, i) => {
      const assetId = id * 10 + i;
      this.assets.set(assetId, a);
      this.assetTags.set(a, r.tag);
      return {
        url: `${base}/releases/assets/${assetId}`,
        id: assetId,
        name: a.name,
        label: null,
        content_type: 'application/json',
        state: 'uploaded',
        size: Buffer.byteLength(a.content),
        download_count: 0,
        browser_download_url: `${this.url}/${repo}/releases/download/${r.tag}/${a.name}`,
      };
    });
    return {
      ...this.template.release,
      url: `${base}/releases/${id}`,
      assets_url: `${base}/releases/${id}/assets`,
      html_url: `https://github.com/${repo}/releases/tag/${r.tag}`,
      id,
      tag_name: r.tag,
      name: r.name ?? `Version ${r.tag}`,
      draft: r.draft ?? false,
      prerelease: r.prerelease ?? false,
      published_at: r.draft ? null : (r.publishedAt ?? this.template.release.published_at),
      tarball_url: `${base}/tarball/${r.tag}`,
      zipball_url: `${base}/zipball/${r.tag}`,
      body: r.body ?? '',
      assets,
    };
  }

  private baseHeaders(): Record<string, string> {
    const h: Record<string, string> = {};
    for (const k of PASSTHROUGH) if (this.template.headers[k] !== undefined) h[k] = this.template.headers[k]!;
    h['x-ratelimit-limit'] = String(this.limit);
    h['x-ratelimit-remaining'] = String(Math.max(0, this.remaining));
    h['x-ratelimit-reset'] = String(this.reset);
    h['x-ratelimit-used'] = String(this.limit - Math.max(0, this.remaining));
    h.date = new Date().toUTCString();
    return h;
  }

  private send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counts.total++;
    const inm = req.headers['if-none-match'];
    if (inm) this.counts.conditional++;
    this.authorizations.push(req.headers.authorization ?? null);
    const url = new URL(req.url ?? '/', this.url);
    this.paths.push(`${url.pathname}${url.search}`);
    const failure = this.failures.shift();
    if (failure) return this.failWith(res, failure, url);

    // Like github.com: a release download redirects to the storage host (here `localhost` instead of 127.0.0.1,
    // another host as far as a client is concerned, so the token must not follow), which serves the bytes.
    const download = /^\/([^/]+\/[^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (download) {
      const id = [...this.assets.entries()].find(([, a]) => a.name === decodeURIComponent(download[3]!) && this.assetTags.get(a) === decodeURIComponent(download[2]!))?.[0];
      if (id === undefined) return this.send(res, 404, {}, 'Not Found');
      this.downloads.push(`${decodeURIComponent(download[2]!)}/${decodeURIComponent(download[3]!)}`);
      res.writeHead(302, { location: `http://localhost:${new URL(this.url).port}/storage/${id}`, 'content-length': '0' });
      res.end();
      return;
    }
    const storage = /^\/storage\/(\d+)$/.exec(url.pathname);
    if (storage) {
      const a = this.assets.get(Number(storage[1]));
      if (!a) return this.send(res, 404, {}, 'Not Found');
      return this.send(res, 200, { 'content-type': 'application/octet-stream' }, a.content);
    }
    const asset = /^\/repos\/[^/]+\/[^/]+\/releases\/assets\/(\d+)$/.exec(url.pathname);
    if (asset) {
      const a = this.assets.get(Number(asset[1]));
      this.remaining--;
      this.counts.primaryCost++;
      if (!a) return this.send(res, 404, this.baseHeaders(), JSON.stringify({ message: 'Not Found' }));
      return this.send(res, 200, { ...this.baseHeaders(), 'content-type': 'application/octet-stream' }, a.content);
    }
    const m = /^\/repos\/([^/]+\/[^/]+)\/releases$/.exec(url.pathname);
    const releases = m ? this.repos.get(decodeURIComponent(m[1]!)) : undefined;
    if (!m || !releases) {
      this.remaining--;
      this.counts.primaryCost++;
      return this.send(res, 404, this.baseHeaders(), JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }));
    }
    const repo = decodeURIComponent(m[1]!);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, this.perPage);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(releases.length / perPage));
    const slice = releases.slice((page - 1) * perPage, page * perPage).map((r, i) => this.releaseJson(repo, r, (page - 1) * perPage + i));
    const body = JSON.stringify(slice);
    const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
    const headers: Record<string, string> = { ...this.baseHeaders(), etag };
    const pageUrl = (n: number) => `${this.url}/repos/${repo}/releases?per_page=${perPage}&page=${n}`;
    const links: string[] = [];
    if (page < pages) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(pages)}>; rel="last"`);
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
    if (links.length > 0) headers.link = links.join(', ');
    if (inm && inm === etag) {
      this.counts.notModified++;
      const { 'content-type': _ct, ...rest } = headers;
      res.writeHead(304, rest);
      res.end();
      return;
    }
    this.remaining--;
    this.counts.primaryCost++;
    headers['x-ratelimit-remaining'] = String(Math.max(0, this.remaining));
    this.send(res, 200, headers, body);
  }

  private failWith(res: http.ServerResponse, f: Failure, url: URL): void {
    const h = this.baseHeaders();
    this.counts.primaryCost++;
    switch (f.kind) {
      case '500':
        return this.send(res, 500, h, JSON.stringify({ message: 'Server Error' }));
      case 'rate-limited':
        return this.send(res, 403, { ...h, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(f.resetEpochSeconds) }, JSON.stringify({ message: 'API rate limit exceeded for 127.0.0.1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' }));
      case '429':
        return this.send(res, 429, { ...h, 'retry-after': String(f.retryAfterSeconds) }, JSON.stringify({ message: 'Too Many Requests' }));
      case 'secondary':
        return this.send(
          res,
          403,
          { ...h, ...(f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {}) },
          JSON.stringify({ message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }),
        );
      case 'malformed':
        return this.send(res, 200, { ...h, etag: '"malformed"' }, '[{"tag_name": "v1.0.0", "draft": fal');
      case 'oversized': {
        // Declared honestly and sent in full: the client must stop reading.
        res.writeHead(200, { ...h, 'content-type': 'application/json; charset=utf-8' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const write = () => {
          while (sent < f.bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', write);
          }
          res.end();
        };
        res.on('error', () => {});
        write();
        return;
      }
      case 'foreign-link':
        return this.send(res, 200, { ...h, etag: '"foreign"', link: `<${f.to}${url.pathname}?per_page=100&page=2>; rel="next"` }, JSON.stringify([this.releaseJson('o/r', { tag: 'v0.0.1' }, 999)]));
    }
  }
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(opts).start();
}
