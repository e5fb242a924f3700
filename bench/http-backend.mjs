// A small CGI server in front of `git http-backend` on 127.0.0.1, for the discovery tests and benches: smart HTTP
// exactly as git serves it (GIT_PROJECT_ROOT, GIT_HTTP_EXPORT_ALL; protocol v2 when the client's Git-Protocol header
// is passed through as GIT_PROTOCOL). Knobs for the failure cases: a v0-only server (the header dropped), Basic
// authentication, paths that stall, redirects, and a dumb (non-smart) answer.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { Buffer } from 'node:buffer';

/**
 * @param {{ root: string, v0Only?: boolean | ((path: string) => boolean), auth?: { user: string, password: string }, stall?: (path: string) => boolean,
 *   redirect?: (path: string) => string | null, dumb?: (path: string) => boolean,
 *   tls?: { key: string, cert: string } }} opts
 */
export async function startHttpBackend(opts) {
  const stats = { connections: 0, requests: 0, cgi: 0 };
  const stalled = new Set();
  const handler = (req, res) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    if (opts.stall?.(path)) {
      stalled.add(res);
      return;
    }
    const to = opts.redirect?.(path);
    if (to) {
      res.writeHead(301, { location: to + url.search });
      res.end();
      return;
    }
    if (opts.auth) {
      const want = `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-length': '0' });
        res.end();
        return;
      }
    }
    if (opts.dumb?.(path)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('');
      return;
    }
    stats.cgi++;
    const v0 = typeof opts.v0Only === 'function' ? opts.v0Only(path) : opts.v0Only;
    const protocol = v0 ? undefined : req.headers['git-protocol'];
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: opts.root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: path,
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(protocol ? { GIT_PROTOCOL: String(protocol), HTTP_GIT_PROTOCOL: String(protocol) } : {}),
      ...(opts.auth ? { REMOTE_USER: opts.auth.user } : {}),
    };
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    req.pipe(child.stdin);
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      let split = out.indexOf('\r\n\r\n');
      let sepLen = 4;
      if (split < 0) {
        split = out.indexOf('\n\n');
        sepLen = 2;
      }
      const head = out.subarray(0, Math.max(split, 0)).toString('latin1');
      const body = split < 0 ? Buffer.alloc(0) : out.subarray(split + sepLen);
      let status = 200;
      const headers = {};
      for (const line of head.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim().toLowerCase();
        const v = line.slice(i + 1).trim();
        if (k === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      headers['content-length'] = String(body.length);
      res.writeHead(status, headers);
      res.end(body);
    });
  };
  const server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createServer(handler);
  server.on(opts.tls ? 'secureConnection' : 'connection', () => stats.connections++);
  // Keep-alive on the server side as long as the client's pool keeps sockets.
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    stats,
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
