/**
 * The built renderer as static files. Only GET and HEAD; `/` is index.html; anything outside the folder is
 * refused however it is spelled (`/../`, `%2e%2e`, `%2f`, backslashes, absolute paths, symlinks pointing out).
 * Text is sent brotli- or gzip-compressed when the browser accepts it (compress.ts); source maps are never served
 * (the build keeps them beside, in dist/renderer-maps/).
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CompressedFiles, chooseEncoding, isCompressible, MIN_COMPRESS_BYTES } from './compress.js';
import { apiError, sendError } from './http.js';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * Vite puts content-hashed files under assets/: a new build gives them new names, so they can be cached for good.
 * Everything else (index.html above all) is revalidated on each load, so a rebuilt renderer shows up at once.
 */
export function cacheControlFor(relPath: string): string {
  return /^assets\/.+[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(relPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The request path as a path relative to the static root, or null when it must be refused. Works on the raw
 * request target (not a URL-normalised one) so every spelling of `..` is seen and rejected.
 */
export function safeRelativePath(rawPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  // No parent references, no hidden files, no Windows drive letters.
  if (segments.some((s) => s === '..' || s.startsWith('.') || s.includes(':'))) return null;
  const rel = segments.join('/');
  return rel === '' ? 'index.html' : rel;
}

/** True when `child` is `root` or inside it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Upshift</title></head>
<body>
<h1>Upshift</h1>
<p>The dashboard is not built yet, so there is nothing to show here. The API is running.</p>
<p>Build it from the repository with <code>npm run build</code> (the renderer is built with Vite into
<code>dist/renderer/</code>), then run <code>upshift serve</code> again and open the URL it prints.</p>
</body></html>
`;

export class StaticFiles {
  private readonly root: string | null;
  private realRoot: string | null = null;
  private readonly compressed = new CompressedFiles();

  constructor(staticDir: string | null) {
    this.root = staticDir === null ? null : resolve(staticDir);
  }

  async serve(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, apiError('METHOD_NOT_ALLOWED', `${req.method ?? '?'} is not allowed here; use GET.`), { Allow: 'GET, HEAD' });
      return;
    }
    const rel = safeRelativePath(rawPath);
    if (rel === null) {
      sendError(res, 400, apiError('BAD_PATH', 'Refused: the path is malformed or leaves the dashboard folder.'));
      return;
    }
    if (/\.map$/i.test(rel)) {
      // Source maps would hand out the whole source; they are built beside the renderer, not into it.
      sendError(res, 404, apiError('NOT_FOUND', 'Source maps are not served; they are in dist/renderer-maps/ beside the build.'));
      return;
    }
    const file = this.resolveFile(rel);
    if (file === null) {
      if (rel === 'index.html') {
        this.send(req, res, 200, 'text/html; charset=utf-8', 'no-cache', Buffer.from(NOT_BUILT_PAGE));
        return;
      }
      sendError(res, 404, apiError('NOT_FOUND', `Nothing at ${rawPath}.`));
      return;
    }
    const type = CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string | number> = { 'Content-Type': type, 'Cache-Control': cacheControlFor(rel) };
    if (isCompressible(type)) {
      headers.Vary = 'Accept-Encoding';
      const encoding = file.size >= MIN_COMPRESS_BYTES ? chooseEncoding(req.headers['accept-encoding']) : null;
      if (encoding !== null) {
        const body = await this.compressed.get(file.path, file.size, file.mtimeMs, encoding);
        res.writeHead(200, { ...headers, 'Content-Encoding': encoding, 'Content-Length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
    }
    res.writeHead(200, { ...headers, 'Content-Length': file.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  /**
   * The regular file at `rel` inside the root, following symlinks only when they stay inside. Synchronous on
   * purpose: a realpath and a stat in a small local folder take microseconds, while each async call is a trip
   * through libuv's thread pool that a loaded machine turns into milliseconds on a cold load's critical path.
   */
  private resolveFile(rel: string): { path: string; size: number; mtimeMs: number } | null {
    if (this.root === null) return null;
    try {
      this.realRoot ??= realpathSync(this.root);
      const real = realpathSync(join(this.realRoot, rel));
      if (!isInside(this.realRoot, real)) return null;
      const st = statSync(real);
      return st.isFile() ? { path: real, size: st.size, mtimeMs: st.mtimeMs } : null;
    } catch {
      return null;
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, type: string, cache: string, body: Buffer): void {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': cache });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
