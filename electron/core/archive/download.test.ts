import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/repos.js';
import { displayUrl, downloadToFile, type DownloadOptions } from './download.js';
import { DownloadError } from './errors.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 whose routes a test sets, recording each request's path and headers. */
class TestServer {
  readonly requests: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  routes = new Map<string, Handler>();
  private readonly server: http.Server | https.Server;

  constructor(tlsOptions?: { key: string; cert: string }) {
    const handle: Handler = (req, res) => {
      this.requests.push({ path: req.url ?? '', headers: req.headers });
      const route = this.routes.get((req.url ?? '').split('?')[0]!);
      if (route) route(req, res);
      else res.writeHead(404).end('no such file');
    };
    this.server = tlsOptions ? https.createServer(tlsOptions, handle) : http.createServer(handle);
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  get base(): string {
    const scheme = this.server instanceof https.Server ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  url(p: string): URL {
    return new URL(`${this.base}${p}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const PAYLOAD = randomBytes(1024 * 1024 + 123);
const PAYLOAD_SHA = createHash('sha256').update(PAYLOAD).digest('hex');
const TOKEN = 'ghp_s3cretTokenValue';

const base = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({ maxBytes: 8 * 1024 * 1024, timeoutMs: 10_000, env: {}, ...extra });

/** The directory holds exactly `names` (so no `.partial` is left behind). */
function expectOnly(dir: string, names: string[]): void {
  expect(readdirSync(dir).sort()).toEqual([...names].sort());
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DownloadError);
  const e = err as DownloadError;
  expect(e.message).not.toContain(TOKEN);
  expect(JSON.stringify(e.toApiError())).not.toContain(TOKEN);
  return e;
}

describe('downloadToFile over http to 127.0.0.1', () => {
  let a: TestServer;
  let b: TestServer;
  let dir: string;

  beforeAll(async () => {
    a = await new TestServer().start();
    b = await new TestServer().start();
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });
  beforeEach(() => {
    a.routes.clear();
    b.routes.clear();
    a.requests.length = 0;
    b.requests.length = 0;
    dir = makeTempDir();
  });

  it('streams the body to dest with its sha256 and progress', async () => {
    a.routes.set('/asset.tar.gz', (_q, res) => {
      res.writeHead(200, { 'content-length': String(PAYLOAD.length), 'content-type': 'application/octet-stream' });
      res.end(PAYLOAD);
    });
    const progress: [number, number | null][] = [];
    const dest = path.join(dir, 'asset.tar.gz');
    const result = await downloadToFile(a.url('/asset.tar.gz'), dest, base({ onProgress: (n, t) => progress.push([n, t]) }));
    expect(result).toEqual({ bytes: PAYLOAD.length, sha256: PAYLOAD_SHA, finalUrl: `${a.base}/asset.tar.gz` });
    expect(readFileSync(dest).equals(PAYLOAD)).toBe(true);
    expect(progress.at(-1)).toEqual([PAYLOAD.length, PAYLOAD.length]);
    expect(progress.every(([, t]) => t === PAYLOAD.length)).toBe(true);
    expectOnly(dir, ['asset.tar.gz']);
    expect(a.requests[0]?.headers['user-agent']).toMatch(/^upshift/);
  });

  it('creates the destination directory and replaces an existing file only on success', async () => {
    a.routes.set('/f', (_q, res) => res.end('new'));
    const dest = path.join(dir, 'sub', 'f');
    await downloadToFile(a.url('/f'), dest, base());
    expect(readFileSync(dest, 'utf8')).toBe('new');
    writeFileSync(dest, 'old');
    await failure(downloadToFile(a.url('/missing'), dest, base()));
    expect(readFileSync(dest, 'utf8')).toBe('old');
    expectOnly(path.join(dir, 'sub'), ['f']);
  });

  it('follows a redirect to another port and drops the Authorization header there (and credential headers)', async () => {
    a.routes.set('/releases/download/v1/asset', (_q, res) => res.writeHead(302, { location: `${b.base}/storage/asset?X-Amz-Signature=abc` }).end());
    b.routes.set('/storage/asset', (_q, res) => res.end(PAYLOAD));
    const dest = path.join(dir, 'asset');
    const result = await downloadToFile(a.url('/releases/download/v1/asset'), dest, base({ authorization: `Bearer ${TOKEN}`, headers: { Cookie: 'session=1', Accept: 'application/octet-stream' } }));
    expect(result.sha256).toBe(PAYLOAD_SHA);
    expect(result.finalUrl).toBe(`${b.base}/storage/asset?X-Amz-Signature=abc`);
    expect(a.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(a.requests[0]?.headers.cookie).toBe('session=1');
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]?.headers.authorization).toBeUndefined();
    expect(b.requests[0]?.headers.cookie).toBeUndefined();
    expect(b.requests[0]?.headers.accept).toBe('application/octet-stream');
  });

  it('keeps the Authorization header on a same-origin redirect, and never re-sends it after leaving the origin', async () => {
    a.routes.set('/one', (_q, res) => res.writeHead(301, { location: '/two' }).end());
    a.routes.set('/two', (_q, res) => res.writeHead(307, { location: `${b.base}/three` }).end());
    b.routes.set('/three', (_q, res) => res.writeHead(308, { location: `${a.base}/four` }).end());
    a.routes.set('/four', (_q, res) => res.end('ok'));
    await downloadToFile(a.url('/one'), path.join(dir, 'x'), base({ authorization: `token ${TOKEN}` }));
    expect(a.requests.map((r) => [r.path, r.headers.authorization ?? null])).toEqual([
      ['/one', `token ${TOKEN}`],
      ['/two', `token ${TOKEN}`],
      ['/four', null],
    ]);
    expect(b.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('gives up after 5 redirects', async () => {
    a.routes.set('/loop', (_q, res) => res.writeHead(302, { location: '/loop' }).end());
    const err = await failure(downloadToFile(a.url('/loop'), path.join(dir, 'x'), base({ authorization: TOKEN })));
    expect(err).toMatchObject({ kind: 'too-many-redirects', code: 'DOWNLOAD_TOO_MANY_REDIRECTS' });
    expect(err.message).toMatch(/redirected more than 5 times/);
    expect(a.requests).toHaveLength(6);
    expectOnly(dir, []);
  });

  it('reports a 404 with the status and URL, never the token, and leaves nothing behind', async () => {
    const err = await failure(downloadToFile(a.url('/nope.tar.gz?token=q'), path.join(dir, 'nope.tar.gz'), base({ authorization: `Bearer ${TOKEN}` })));
    expect(err).toMatchObject({ kind: 'http-status', status: 404, code: 'DOWNLOAD_HTTP_STATUS', category: 'failed', retryable: false, url: `${a.base}/nope.tar.gz?…` });
    expect(err.message).toBe(`${a.base}/nope.tar.gz?… answered HTTP 404 (Not Found). The partial download was removed; ${path.join(dir, 'nope.tar.gz')} was not changed.`);
    expectOnly(dir, []);
  });

  it('marks a 503 retryable', async () => {
    a.routes.set('/busy', (_q, res) => res.writeHead(503).end());
    expect(await failure(downloadToFile(a.url('/busy'), path.join(dir, 'x'), base()))).toMatchObject({ status: 503, retryable: true });
  });

  it('refuses a Content-Length over maxBytes before reading the body', async () => {
    let written = 0;
    a.routes.set('/big', (_q, res) => {
      res.writeHead(200, { 'content-length': String(PAYLOAD.length) });
      res.write(PAYLOAD.subarray(0, 1000), () => (written += 1000));
      // The rest never comes: the client must not wait for it.
    });
    const err = await failure(downloadToFile(a.url('/big'), path.join(dir, 'big'), base({ maxBytes: 1024 })));
    expect(err).toMatchObject({ kind: 'too-large', category: 'blocked' });
    expect(err.message).toMatch(new RegExp(`is ${PAYLOAD.length} bytes, over the 1024-byte limit; it was not downloaded`));
    expectOnly(dir, []);
    expect(written).toBeLessThanOrEqual(1000);
  });

  it('stops a body without Content-Length once it passes maxBytes', async () => {
    a.routes.set('/chunked', (_q, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      const pump = () => {
        if (res.destroyed) return;
        res.write(Buffer.alloc(64 * 1024), () => setImmediate(pump));
      };
      pump();
    });
    const err = await failure(downloadToFile(a.url('/chunked'), path.join(dir, 'c'), base({ maxBytes: 256 * 1024 })));
    expect(err.kind).toBe('too-large');
    expect(err.message).toMatch(/sent more than the 262144-byte limit; the download was stopped/);
    expectOnly(dir, []);
  });

  it('fails when the body stops short of its Content-Length', async () => {
    a.routes.set('/short', (req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.write(Buffer.alloc(1000), () => req.socket.destroy());
    });
    const err = await failure(downloadToFile(a.url('/short'), path.join(dir, 's'), base()));
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
    expectOnly(dir, []);
  });

  it('fails on an idle connection after idleTimeoutMs', async () => {
    a.routes.set('/stall', (_q, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(1000));
    });
    const started = Date.now();
    const err = await failure(downloadToFile(a.url('/stall'), path.join(dir, 'stall'), base({ idleTimeoutMs: 300 })));
    expect(err).toMatchObject({ kind: 'idle-timeout', code: 'DOWNLOAD_IDLE_TIMEOUT', retryable: true });
    expect(err.message).toMatch(/stalled: no data for 0\.3 s/);
    expect(Date.now() - started).toBeLessThan(5000);
    expectOnly(dir, []);
  });

  it('fails a trickling download at the whole-download deadline even though it is never idle', async () => {
    a.routes.set('/trickle', (_q, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 50);
      res.on('close', () => clearInterval(timer));
    });
    const err = await failure(downloadToFile(a.url('/trickle'), path.join(dir, 't'), base({ timeoutMs: 600, idleTimeoutMs: 400 })));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/did not finish within 0\.6 s/);
    expectOnly(dir, []);
  });

  it('stops when the signal aborts mid-body, and before starting when already aborted', async () => {
    a.routes.set('/slow', (_q, res) => {
      res.writeHead(200, { 'content-length': String(PAYLOAD.length) });
      res.write(PAYLOAD.subarray(0, 64 * 1024));
    });
    const ac = new AbortController();
    const err = await failure(downloadToFile(a.url('/slow'), path.join(dir, 'slow'), base({ signal: ac.signal, onProgress: () => ac.abort() })));
    expect(err).toMatchObject({ kind: 'aborted', code: 'DOWNLOAD_ABORTED' });
    expectOnly(dir, []);
    const before = a.requests.length;
    await expect(downloadToFile(a.url('/slow'), path.join(dir, 'slow'), base({ signal: ac.signal }))).rejects.toMatchObject({ kind: 'aborted' });
    expect(a.requests.length).toBe(before);
  });

  it('passes an error thrown by onProgress through unchanged, and still cleans up', async () => {
    a.routes.set('/f', (_q, res) => res.end(PAYLOAD));
    const boom = new Error('disk quota reached in the UI');
    await expect(downloadToFile(a.url('/f'), path.join(dir, 'f'), base({ onProgress: () => { throw boom; } }))).rejects.toBe(boom);
    expectOnly(dir, []);
  });

  it('reports a refused connection as a retryable network error', async () => {
    const closed = await new TestServer().start();
    const url = closed.url('/x');
    await closed.stop();
    const err = await failure(downloadToFile(url, path.join(dir, 'x'), base()));
    expect(err).toMatchObject({ kind: 'network', retryable: true, message: expect.stringMatching(/Cannot download .*ECONNREFUSED/) });
  });

  it('refuses non-http(s) URLs, plain http off this machine, and redirects to either', async () => {
    const refused = async (u: string) => failure(downloadToFile(new URL(u), path.join(dir, 'x'), base()));
    expect(await refused('ftp://127.0.0.1/x')).toMatchObject({ kind: 'refused-url', category: 'usage', message: expect.stringMatching(/is not an https:\/\/ URL; it was not requested/) });
    expect(await refused('http://example.com/x')).toMatchObject({ kind: 'refused-url', message: expect.stringMatching(/uses plain http; downloads must use https:\/\//) });
    a.routes.set('/to-file', (_q, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    expect((await refused(`${a.base}/to-file`)).message).toMatch(/redirected to file:\/\/ URL, which Upshift does not follow/);
    a.routes.set('/to-remote-http', (_q, res) => res.writeHead(302, { location: 'http://192.0.2.1/x' }).end());
    expect((await refused(`${a.base}/to-remote-http`)).message).toMatch(/http:\/\/192\.0\.2\.1\/x uses plain http/);
    expectOnly(dir, []);
  });

  it('goes through a CONNECT proxy from HTTP_PROXY', async () => {
    const connects: string[] = [];
    const sockets = new Set<net.Socket>();
    const proxy = http.createServer((_q, r) => r.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const up = net.connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      sockets.add(client).add(up);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      a.routes.set('/p', (_q, res) => res.end('via proxy'));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      await downloadToFile(a.url('/p'), path.join(dir, 'p'), base({ env: { HTTP_PROXY: proxyUrl } }));
      expect(readFileSync(path.join(dir, 'p'), 'utf8')).toBe('via proxy');
      expect(connects).toEqual([new URL(a.base).host]);
      const err = await failure(downloadToFile(a.url('/p'), path.join(dir, 'q'), base({ env: { HTTP_PROXY: 'http://127.0.0.1:1' } })));
      expect(err.kind).toBe('proxy');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('shows URLs without credentials or query', () => {
    expect(displayUrl(new URL('https://u:p@example.com:8443/a/b?sig=1'))).toBe('https://example.com:8443/a/b?…');
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('downloadToFile over https', () => {
  let tlsServer: TestServer;
  let plain: TestServer;
  let cert = '';

  beforeAll(async () => {
    const certDir = makeTempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(certDir, 'k.pem'), '-out', path.join(certDir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(path.join(certDir, 'c.pem'), 'utf8');
    tlsServer = await new TestServer({ key: readFileSync(path.join(certDir, 'k.pem'), 'utf8'), cert }).start();
    plain = await new TestServer().start();
  });
  afterAll(async () => {
    await Promise.all([tlsServer.stop(), plain.stop()]);
  });

  it('downloads over https with an extra CA, and refuses a certificate it does not trust', async () => {
    tlsServer.routes.set('/a', (_q, res) => res.end(PAYLOAD));
    const dir = makeTempDir();
    expect((await downloadToFile(tlsServer.url('/a'), path.join(dir, 'a'), base({ ca: cert }))).sha256).toBe(PAYLOAD_SHA);
    const err = await failure(downloadToFile(tlsServer.url('/a'), path.join(dir, 'b'), base()));
    expect(err).toMatchObject({ kind: 'network', message: expect.stringMatching(/certificate/i) });
    expectOnly(dir, ['a']);
  });

  it('refuses an https→http downgrade to another machine, allows one to loopback', async () => {
    tlsServer.routes.set('/down', (_q, res) => res.writeHead(302, { location: 'http://192.0.2.1/asset' }).end());
    tlsServer.routes.set('/local', (_q, res) => res.writeHead(302, { location: `${plain.base}/asset` }).end());
    plain.routes.set('/asset', (_q, res) => res.end('local'));
    const dir = makeTempDir();
    const err = await failure(downloadToFile(tlsServer.url('/down'), path.join(dir, 'x'), base({ ca: cert })));
    expect(err).toMatchObject({ kind: 'refused-url', message: expect.stringMatching(/redirected from https to plain http \(http:\/\/192\.0\.2\.1\/asset\), a downgrade Upshift refuses/) });
    await downloadToFile(tlsServer.url('/local'), path.join(dir, 'y'), base({ ca: cert }));
    expect(readFileSync(path.join(dir, 'y'), 'utf8')).toBe('local');
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });
});
