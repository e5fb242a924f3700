/**
 * A stand-in for GitHub's releases on 127.0.0.1, serving what electron-updater's GitHubProvider reads, in the shape
 * GitHub and electron-builder publish it:
 *   GET /OWNER/REPO/releases.atom                          the releases feed, newest first, prereleases included,
 *                                                          notes rendered to HTML in <content type="html">
 *   GET /api/v3/repos/OWNER/REPO/releases/latest           the newest release that is neither draft nor prerelease
 *                                                          (a custom `host` makes the provider ask the Enterprise API)
 *   GET /OWNER/REPO/releases/download/TAG/FILE             302 to /objects/… like github.com, then the bytes:
 *                                                          latest-linux.yml / beta-linux.yml and the AppImage
 * Drafts are never listed, as on GitHub. Every request is recorded.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRelease {
  /** Without the v: the tag is `v${version}` (electron-builder's vPrefixedTagName). */
  version: string;
  title?: string;
  /** The notes as GitHub renders them into the feed (HTML). */
  notesHtml?: string;
  prerelease?: boolean;
  draft?: boolean;
  /** The AppImage's bytes. */
  artifact: Buffer;
  /** Serve these bytes instead of `artifact` (the yml still describes `artifact`): a tampered download. */
  servedArtifact?: Buffer;
  /** The AppImage carries electron-builder's embedded block map of this size (embedBlockMap): listed in the yml. */
  blockMapSize?: number;
  /**
   * Serve the AppImage at its download URL instead of behind github.com's 302. electron-updater's differential
   * downloader follows redirects only through Electron net's 'redirect' event; over node:http it cannot.
   */
  directDownload?: boolean;
  /** A .deb of the release too (electron-builder lists it in latest-linux.yml beside the AppImage). */
  deb?: Buffer;
  /** Serve these bytes instead of `deb` (the yml still describes `deb`). */
  servedDeb?: Buffer;
  /** Which channel file the release carries; default latest-linux.yml, or beta-linux.yml for a prerelease. */
  channelFile?: string;
  releaseDate?: string;
}

export const sha512 = (bytes: Buffer): string => createHash('sha512').update(bytes).digest('base64');

export const artifactName = (version: string): string => `Upshift-${version}-linux-x86_64.AppImage`;
export const debName = (version: string): string => `Upshift-${version}-linux-amd64.deb`;

/**
 * Appends the block map electron-builder embeds in every AppImage it builds (app-builder-lib's own buildBlockMap,
 * 'deflate', as its AppImage target calls it), so electron-updater can download only the blocks that changed.
 */
export async function embedBlockMap(bytes: Buffer): Promise<{ bytes: Buffer; blockMapSize: number }> {
  const { buildBlockMap } = createRequire(import.meta.url)('app-builder-lib/out/targets/blockmap/blockmap.js') as {
    buildBlockMap: (file: string, compression: 'deflate' | 'gzip') => Promise<{ size: number; sha512: string; blockMapSize: number }>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'upshift-blockmap-'));
  try {
    const file = join(dir, 'app.AppImage');
    writeFileSync(file, bytes);
    const info = await buildBlockMap(file, 'deflate');
    return { bytes: readFileSync(file), blockMapSize: info.blockMapSize };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** latest-linux.yml as electron-builder 26 writes it for an AppImage (no blockMapSize: see docs/self-update.md). */
export function channelYml(r: FakeRelease): string {
  const name = artifactName(r.version);
  const hash = sha512(r.artifact);
  return [
    `version: ${r.version}`,
    'files:',
    `  - url: ${name}`,
    `    sha512: ${hash}`,
    `    size: ${r.artifact.length}`,
    ...(r.blockMapSize !== undefined ? [`    blockMapSize: ${r.blockMapSize}`] : []),
    ...(r.deb ? [`  - url: ${debName(r.version)}`, `    sha512: ${sha512(r.deb)}`, `    size: ${r.deb.length}`] : []),
    `path: ${name}`,
    `sha512: ${hash}`,
    `releaseDate: '${r.releaseDate ?? '2026-12-05T12:00:00.000Z'}'`,
    '',
  ].join('\n');
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class FakeGitHubReleases {
  /** Newest first, as GitHub lists them. */
  releases: FakeRelease[] = [];
  readonly requests: string[] = [];
  /** Body bytes sent per path (a Range answer counts what it sent). */
  readonly bytesServed = new Map<string, number>();
  private server: Server | null = null;
  port = 0;

  constructor(
    readonly owner = 'upshift-dev',
    readonly repo = 'upshift',
  ) {}

  private held: { match: (path: string) => boolean; arrived: () => void; gate: Promise<void> } | null = null;

  /**
   * Holds the answer to requests whose path `match`es until `release()` (a slow network, deterministically).
   * `arrived` resolves when the first such request came in.
   */
  hold(match: (path: string) => boolean): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrivedP = new Promise<void>((r) => (arrived = r));
    const gate = new Promise<void>((r) => (release = r));
    this.held = { match, arrived, gate };
    return {
      arrived: arrivedP,
      release: () => {
        this.held = null;
        release();
      },
    };
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push(`${req.method} ${url.pathname}`);
      const held = this.held;
      if (held?.match(url.pathname)) {
        held.arrived();
        await held.gate;
      }
      const answer = this.route(url.pathname);
      if (answer.redirect) {
        res.writeHead(302, { location: answer.redirect });
        res.end();
        return;
      }
      // One byte range, as S3 behind GitHub answers it (electron-updater asks for one range per request there).
      const range = answer.status === 200 ? /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '') : null;
      let body = answer.body;
      const headers: Record<string, string> = { 'content-type': answer.type ?? 'text/plain', 'accept-ranges': 'bytes' };
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(Number(range[2]), body.length - 1);
        headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
        body = body.subarray(start, end + 1);
      }
      headers['content-length'] = String(body.length);
      res.writeHead(range ? 206 : answer.status, headers);
      res.end(body);
      this.bytesServed.set(url.pathname, (this.bytesServed.get(url.pathname) ?? 0) + body.length);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The `publish:` entry of build/electron-builder.yml pointed here, as electron-builder writes it into app-update.yml. */
  appUpdateYml(cacheDirName = 'upshift-updater'): string {
    return [`provider: github`, `owner: ${this.owner}`, `repo: ${this.repo}`, `host: 127.0.0.1:${this.port}`, `protocol: http`, `releaseType: draft`, `vPrefixedTagName: true`, `updaterCacheDirName: ${cacheDirName}`, ''].join('\n');
  }

  private published(): FakeRelease[] {
    return this.releases.filter((r) => !r.draft);
  }

  private route(path: string): { status: number; body: Buffer; type?: string; redirect?: string } {
    const base = `/${this.owner}/${this.repo}/releases`;
    const text = (status: number, body: string, type?: string) => ({ status, body: Buffer.from(body), ...(type ? { type } : {}) });
    if (path === `${base}.atom`) return text(200, this.atom(), 'application/atom+xml; charset=utf-8');
    if (path === `/api/v3/repos/${this.owner}/${this.repo}/releases/latest`) {
      const latest = this.published().find((r) => !r.prerelease);
      return latest ? text(200, JSON.stringify({ tag_name: `v${latest.version}`, name: latest.title ?? null, draft: false, prerelease: false }), 'application/json') : text(404, '{"message":"Not Found"}', 'application/json');
    }
    const download = path.match(new RegExp(`^${base}/download/v([^/]+)/([^/]+)$`));
    if (download) {
      const direct = this.published().find((x) => x.version === download[1] && x.directDownload && download[2] === artifactName(x.version));
      if (direct) return { status: 200, body: direct.servedArtifact ?? direct.artifact, type: 'application/octet-stream' };
      return { status: 302, body: Buffer.alloc(0), redirect: `http://127.0.0.1:${this.port}/objects/${download[1]}/${download[2]}` };
    }
    const object = path.match(/^\/objects\/([^/]+)\/([^/]+)$/);
    if (object) {
      const r = this.published().find((x) => x.version === object[1]);
      if (!r) return text(404, 'Not Found');
      if (object[2] === (r.channelFile ?? (r.prerelease ? 'beta-linux.yml' : 'latest-linux.yml'))) return text(200, channelYml(r), 'application/octet-stream');
      if (object[2] === artifactName(r.version)) return { status: 200, body: r.servedArtifact ?? r.artifact, type: 'application/octet-stream' };
      if (r.deb && object[2] === debName(r.version)) return { status: 200, body: r.servedDeb ?? r.deb, type: 'application/octet-stream' };
      return text(404, 'Not Found');
    }
    return text(404, 'Not Found');
  }

  private atom(): string {
    const site = `https://github.com/${this.owner}/${this.repo}`;
    const entries = this.published().map((r) =>
      [
        '  <entry>',
        `    <id>tag:github.com,2008:Repository/1/v${r.version}</id>`,
        `    <updated>${r.releaseDate ?? '2026-12-05T12:00:00Z'}</updated>`,
        `    <link rel="alternate" type="text/html" href="${site}/releases/tag/v${r.version}"/>`,
        `    <title>${xml(r.title ?? `v${r.version}`)}</title>`,
        `    <content type="html">${r.notesHtml ? xml(r.notesHtml) : 'No content.'}</content>`,
        '    <author><name>upshift-bot</name></author>',
        '  </entry>',
      ].join('\n'),
    );
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en-US">',
      `  <id>tag:github.com,2008:${site}/releases</id>`,
      `  <link type="text/html" rel="alternate" href="${site}/releases"/>`,
      `  <link type="application/atom+xml" rel="self" href="${site}/releases.atom"/>`,
      `  <title>Release notes from ${this.repo}</title>`,
      '  <updated>2026-12-05T12:00:00Z</updated>',
      ...entries,
      '</feed>',
      '',
    ].join('\n');
  }
}
