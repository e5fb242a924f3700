/** Compressed static files over real HTTP: negotiation, Vary, precompressed siblings, compress-once, no source maps. */
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostServer, type HostServer } from '../electron/host/index.js';
import { chooseEncoding } from '../electron/host/compress.js';
import { FakeApi } from './helpers/host.js';
import { makeTempDir } from './helpers/repos.js';

const servers: HostServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const SCRIPT = `export const words = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => `word${i % 50}`))};\n`;

function renderer(): string {
  const dir = join(makeTempDir('upshift-renderer-'), 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dashboard</title>');
  writeFileSync(join(dir, 'assets', 'index-AbCd1234.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'index-AbCd1234.js.map'), '{"version":3,"sources":["secret.ts"]}');
  writeFileSync(join(dir, 'assets', 'pre-EfGh5678.js'), SCRIPT);
  // A precompressed sibling whose content differs, to see that it is what gets sent.
  writeFileSync(join(dir, 'assets', 'pre-EfGh5678.js.br'), brotliCompressSync(Buffer.from(`${SCRIPT}// from the build\n`)));
  writeFileSync(join(dir, 'assets', 'logo.png'), Buffer.alloc(4096, 7));
  return dir;
}

function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(dir = renderer()) {
  const server = await createHostServer({ api: new FakeApi(), staticDir: dir });
  servers.push(server);
  return { url: server.url, dir };
}

describe('chooseEncoding', () => {
  it('prefers brotli, honours q=0 and *', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('gzip, deflate')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0')).toBeNull();
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding('')).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
    expect(chooseEncoding('x-gzip')).toBe('gzip');
  });
});

describe('compressed static files', () => {
  it('sends brotli or gzip as accepted, with Vary, and the plain file otherwise', async () => {
    const { url } = await start();
    const br = await get(url, '/assets/index-AbCd1234.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(SCRIPT.length / 5);
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    const gz = await get(url, '/assets/index-AbCd1234.js', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    const plain = await get(url, '/assets/index-AbCd1234.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString()).toBe(SCRIPT);
    const head = await get(url, '/assets/index-AbCd1234.js', { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.headers['content-length']).toBe(br.headers['content-length']);
    expect(head.body.length).toBe(0);
    // The second request is the cached copy: the same bytes.
    expect((await get(url, '/assets/index-AbCd1234.js', { 'Accept-Encoding': 'br' })).body.equals(br.body)).toBe(true);
  });

  it("sends the build's precompressed sibling when it is not older than the file", async () => {
    const { url, dir } = await start();
    const pre = await get(url, '/assets/pre-EfGh5678.js', { 'Accept-Encoding': 'br' });
    expect(brotliDecompressSync(pre.body).toString()).toContain('// from the build');
    // Older than the file it stands for (the file was rebuilt by hand): compressed afresh instead.
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'assets', 'pre-EfGh5678.js.br'), past, past);
    const fresh = await get(url, '/assets/pre-EfGh5678.js', { 'Accept-Encoding': 'br' });
    expect(brotliDecompressSync(fresh.body).toString()).toBe(SCRIPT);
  });

  it("keeps the build's precompressed bytes in memory while the sibling is unchanged, and reads a new one at once", async () => {
    const { url, dir } = await start();
    const sibling = join(dir, 'assets', 'pre-EfGh5678.js.br');
    // Whole seconds, so that setting the same time stamp again gives the very same mtime.
    const stamp = Math.ceil(statSync(join(dir, 'assets', 'pre-EfGh5678.js')).mtimeMs / 1000) + 1;
    utimesSync(sibling, stamp, stamp);
    const first = await get(url, '/assets/pre-EfGh5678.js', { 'Accept-Encoding': 'br' });
    // Rewritten with other bytes of the same size and the same time stamp: still the bytes in memory.
    writeFileSync(sibling, Buffer.alloc(first.body.length, 0x20));
    utimesSync(sibling, stamp, stamp);
    expect((await get(url, '/assets/pre-EfGh5678.js', { 'Accept-Encoding': 'br' })).body.equals(first.body)).toBe(true);
    // A rebuild writes a new sibling (a new time stamp): sent at once.
    const rebuilt = brotliCompressSync('// rebuilt');
    writeFileSync(sibling, rebuilt);
    utimesSync(sibling, stamp + 5, stamp + 5);
    expect(brotliDecompressSync((await get(url, '/assets/pre-EfGh5678.js', { 'Accept-Encoding': 'br' })).body).toString()).toBe('// rebuilt');
  });

  it('leaves images and small files alone', async () => {
    const { url } = await start();
    const png = await get(url, '/assets/logo.png', { 'Accept-Encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
    expect(png.body.length).toBe(4096);
    const index = await get(url, '/', { 'Accept-Encoding': 'br, gzip' });
    expect(index.headers['content-encoding']).toBeUndefined();
    expect(index.body.toString()).toContain('<title>dashboard</title>');
  });

  it('never serves source maps', async () => {
    const { url } = await start();
    for (const path of ['/assets/index-AbCd1234.js.map', '/assets/INDEX-AbCd1234.js.MAP', '/assets/missing.map']) {
      const r = await get(url, path, { 'Accept-Encoding': 'br' });
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toContain('secret.ts');
    }
  });
});
