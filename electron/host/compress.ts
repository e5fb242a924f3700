/**
 * Compressed static files: brotli or gzip, as the browser's Accept-Encoding allows (RFC 9110 §12.5.3), always with
 * `Vary: Accept-Encoding` so a cache never hands a compressed body to a client that did not ask for it.
 *
 * The renderer build writes `<file>.br` and `<file>.gz` beside each compressible asset (renderer/vite.config.ts,
 * at the highest levels, once). A folder built without them (or a file added by hand) is compressed on first
 * request at a fast level and kept in memory, keyed by path, size and mtime, so each file is compressed once.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Below this, compression saves less than a packet and costs a round of CPU. */
export const MIN_COMPRESS_BYTES = 1024;
/** In-memory compressed copies kept at most (bytes); the renderer's are a few hundred KB. */
export const CACHE_LIMIT_BYTES = 32 * 1024 * 1024;

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|manifest\+json|wasm)|image\/svg\+xml)/;

export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType);
}

/**
 * The encoding to send: brotli when accepted, else gzip, else none. `q=0` refuses an encoding; `*` stands for any
 * encoding not named. Equal preference goes to brotli, which is smaller.
 */
export function chooseEncoding(acceptEncoding: string | string[] | undefined): Encoding | null {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    if (Number.isFinite(weight)) q.set(name, weight);
  }
  const weightOf = (e: string) => q.get(e) ?? (e === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  const br = weightOf('br');
  const gzipWeight = weightOf('gzip');
  if (br > 0 && br >= gzipWeight) return 'br';
  if (gzipWeight > 0) return 'gzip';
  return null;
}

const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

export class CompressedFiles {
  private readonly cache = new Map<string, Buffer>();
  private bytes = 0;

  /**
   * The file's body in `encoding`: the build's precompressed sibling when it is there and not older than the file,
   * else a copy compressed now and cached.
   */
  async get(path: string, size: number, mtimeMs: number, encoding: Encoding): Promise<Buffer> {
    const sibling = `${path}${SUFFIX[encoding]}`;
    // A synchronous stat (microseconds on a small local folder) and the bytes kept in memory: the entry script and
    // stylesheet of a cold load no longer wait on four trips through libuv's thread pool each, which on a loaded
    // machine made their first byte arrive 35–60 ms after the request while an API call took 8 (docs/performance.md).
    const st = statSync(sibling, { throwIfNoEntry: false });
    if (st?.isFile() && st.mtimeMs >= mtimeMs) {
      const key = `pre:${st.size}:${st.mtimeMs}:${sibling}`;
      const kept = this.cache.get(key);
      if (kept) return kept;
      const body = await readFile(sibling);
      this.remember(key, body);
      return body;
    }
    const key = `${encoding}:${size}:${mtimeMs}:${path}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const raw = await readFile(path);
    const body =
      encoding === 'br'
        ? await brotli(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
        : await gz(raw, { level: 6 });
    this.remember(key, body);
    return body;
  }

  private remember(key: string, body: Buffer): void {
    if (body.length > CACHE_LIMIT_BYTES) return;
    this.cache.set(key, body);
    this.bytes += body.length;
    for (const [k, v] of this.cache) {
      if (this.bytes <= CACHE_LIMIT_BYTES) break;
      this.cache.delete(k);
      this.bytes -= v.length;
    }
  }
}
