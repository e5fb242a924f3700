// A small CGI server in front of `git http-backend` on 127.0.0.1, for the discovery tests and benches: smart HTTP
// exactly as git serves it (GIT_PROJECT_ROOT, GIT_HTTP_EXPORT_ALL; protocol v2 when the client's Git-Protocol header
// is passed through as GIT_PROTOCOL). Knobs for the failure cases: a v0-only server (the header dropped), Basic
// authentication, paths that stall, redirects, and a dumb (non-smart) answer. Over TLS either HTTPS/1.1 only
// (`tls`) or HTTP/2 with HTTP/1.1 beside it (`tls` + `h2`: node:http2 createSecureServer({ allowHTTP1 }), ALPN
// offering h2 and http/1.1), with knobs for the server's stream limit and a GOAWAY after N requests.
import { execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createSecureServer, constants as h2constants } from 'node:http2';
import { createServer as createTlsServer } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';

/**
 * A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost, made with
 * openssl in `dir` (as a real deployment has: clients trust the CA, not the server's own certificate).
 * @returns {{ caFile: string, key: string, cert: string }}
 */
export function makeTestCertificates(dir) {
  const f = (n) => join(dir, n);
  const ossl = (args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  ossl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca-key.pem'), '-out', f('ca.pem'), '-subj', '/CN=Upshift test CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  ossl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server-key.pem'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  const ext = f('server.ext');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$0"`, ext]);
  ossl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca-key.pem'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', ext]);
  return { caFile: f('ca.pem'), key: readFileSync(f('server-key.pem'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8') };
}

/**
 * @param {{ root: string, v0Only?: boolean | ((path: string) => boolean), auth?: { user: string, password: string }, stall?: (path: string) => boolean,
 *   redirect?: (path: string) => string | null, dumb?: (path: string) => boolean,
 *   tls?: { key: string, cert: string }, h2?: boolean, maxConcurrentStreams?: number, goawayAfter?: number, destroyAfter?: number }} opts
 *   `h2` (with `tls`): HTTP/2 offered by ALPN, HTTP/1.1 still served; `maxConcurrentStreams`: the server's
 *   SETTINGS_MAX_CONCURRENT_STREAMS; `goawayAfter`: a graceful GOAWAY on a session once it has had that many streams;
 *   `destroyAfter`: the session destroyed (no GOAWAY) when a stream beyond that many arrives.
 */
export async function startHttpBackend(opts) {
  // connections: TLS (or TCP) connections accepted; h2 / http1: requests by protocol; peakStreams: the most
  // concurrent HTTP/2 streams seen on one session; sessions and goaways: HTTP/2 sessions opened and GOAWAYs sent.
  const stats = { connections: 0, requests: 0, cgi: 0, h2: 0, http1: 0, alpn: [], peakStreams: 0, sessions: 0, goaways: 0, destroyed: 0 };
  const stalled = new Set();
  const handler = (req, res) => {
    // A stream whose session this server destroyed (destroyAfter) is not answered.
    if (req.stream && (req.stream.destroyed || req.stream.session?.destroyed)) return;
    stats.requests++;
    if (req.httpVersionMajor === 2) stats.h2++;
    else stats.http1++;
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
  const h2 = Boolean(opts.tls && opts.h2);
  const server = h2
    ? createSecureServer({ key: opts.tls.key, cert: opts.tls.cert, allowHTTP1: true, ...(opts.maxConcurrentStreams ? { settings: { maxConcurrentStreams: opts.maxConcurrentStreams } } : {}) }, handler)
    : opts.tls
      ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler)
      : createServer(handler);
  server.on(opts.tls ? 'secureConnection' : 'connection', (socket) => {
    stats.connections++;
    if (opts.tls) stats.alpn.push(socket.alpnProtocol || 'none');
  });
  const sessions = new Set();
  if (h2) {
    server.on('session', (session) => {
      stats.sessions++;
      sessions.add(session);
      session.on('close', () => sessions.delete(session));
      let open = 0;
      let seen = 0;
      let sent = false;
      session.on('stream', (stream) => {
        open++;
        seen++;
        // A session error mid-run: the connection dropped without GOAWAY while streams are in flight.
        if (opts.destroyAfter && seen > opts.destroyAfter) {
          stats.destroyed++;
          session.destroy();
          return;
        }
        stats.peakStreams = Math.max(stats.peakStreams, open);
        const id = stream.id;
        stream.on('close', () => {
          open--;
          // After the stream that reached the limit has been answered: a GOAWAY naming it as the last one processed,
          // so streams the client opened after it (in flight now) are refused and must be retried elsewhere.
          if (opts.goawayAfter && seen >= opts.goawayAfter && !sent && !session.closed && !session.destroyed) {
            sent = true;
            stats.goaways++;
            session.goaway(h2constants.NGHTTP2_NO_ERROR, id);
          }
        });
      });
    });
  }
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
      for (const session of sessions) session.destroy();
      if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * The server in a process of its own (child_process.fork of this file with the options as JSON in argv[2]; `tls`
 * may be given as { caDir } to make certificates there), so a bench's client and the server do not share one event
 * loop. Messages: the child sends { url, caFile }; 'stats' is answered with the stats; 'close' closes and exits.
 */
export function forkHttpBackend(opts) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(opts)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the http-backend server exited (${code})`)));
    child.once('message', (hello) => {
      child.removeAllListeners('exit');
      const ask = () =>
        new Promise((res) => {
          child.once('message', res);
          child.send('stats');
        });
      resolve({
        url: hello.url,
        caFile: hello.caFile,
        stats: ask,
        close: () =>
          new Promise((res) => {
            child.once('exit', () => res(undefined));
            child.send('close');
          }),
      });
    });
  });
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = JSON.parse(process.argv[2]);
  let caFile;
  if (opts.tls?.caDir) {
    const made = makeTestCertificates(opts.tls.caDir);
    caFile = made.caFile;
    opts.tls = { key: made.key, cert: made.cert };
  }
  const server = await startHttpBackend(opts);
  process.on('message', async (m) => {
    if (m === 'stats') process.send(server.stats);
    if (m === 'close') {
      await server.close();
      process.exit(0);
    }
  });
  process.send({ url: server.url, caFile });
}
