/**
 * Serves the built renderer (dist/renderer) under `app://upshift/`, with the app's CSP and nosniff on every
 * response. A fetch-style handler (Request → Response) for Electron's protocol.handle, with no Electron import so
 * it is tested under plain Node. Paths are checked with the same rules as browser mode's static server.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { CONTENT_TYPES, isInside, safeRelativePath } from '../host/static.js';
import { APP_CONTENT_SECURITY_POLICY, APP_HOST, APP_SCHEME } from './security.js';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Upshift</title></head>
<body><h1>Upshift</h1>
<p>The dashboard is not built, so this window has nothing to show. Nothing else is wrong: the tray and the checks work.</p>
<p>Build it from the repository with <code>npm run build</code>, then start Upshift again.</p>
</body></html>
`;

function headers(contentType: string, extra: Record<string, string> = {}): Headers {
  return new Headers({
    'Content-Type': contentType,
    'Content-Security-Policy': APP_CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
    ...extra,
  });
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: headers('text/plain; charset=utf-8') });
}

/** A protocol.handle handler for `app://upshift/…` over the files in `rendererDir`. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererDir);
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return text(400, 'Bad URL.');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return text(404, 'Not found.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Only GET is allowed.');
    // The raw path, before URL normalisation folded any `..`: every spelling of a parent reference is refused.
    const rawPath = request.url.slice(`${APP_SCHEME}://${APP_HOST}`.length).split(/[?#]/, 1)[0] || '/';
    const rel = safeRelativePath(rawPath);
    if (rel === null) return text(400, 'Refused: the path is malformed or leaves the dashboard folder.');
    const file = join(root, rel);
    if (!isInside(root, file)) return text(400, 'Refused: the path leaves the dashboard folder.');
    try {
      const st = await stat(file);
      if (!st.isFile()) return text(404, 'Not found.');
      const body = await readFile(file);
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(type, { 'Content-Length': String(body.length) }) });
    } catch {
      if (rel === 'index.html') return new Response(NOT_BUILT_PAGE, { status: 200, headers: headers('text/html; charset=utf-8') });
      return text(404, 'Not found.');
    }
  };
}
