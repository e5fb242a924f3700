import { createReadStream, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { ArchiveError, printable } from './errors.js';
import { BLOCK, padding, parseHeader, parsePaxRecords, type TypeFlag } from './tar-header.js';

/** One entry as the archive describes it, with pax and GNU long-name headers applied; nothing normalised yet. */
export interface RawEntry {
  /** The name as stored: from a pax `path`, a GNU long name, or the header (with its ustar prefix). */
  name: string;
  linkname: string;
  typeflag: TypeFlag;
  size: number;
  mode: number;
  mtime: number;
  /** Where its header starts in the (decompressed) tar stream, for messages. */
  offset: number;
}

export interface ReadTarOptions {
  /** Cap on the decompressed tar stream (headers, data and padding). */
  maxBytes: number;
  /** Cap on the number of headers. */
  maxEntries: number;
  signal?: AbortSignal | undefined;
}

/** Yielded for each entry; `body()` streams its data and may be left unread (the reader then skips it). */
export interface TarItem {
  entry: RawEntry;
  body(): AsyncGenerator<Buffer>;
}

/** Pax or GNU long names bigger than this are refused: no real archive needs them and they are held in memory. */
const MAX_META_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** Formats worth naming when someone hands over the wrong kind of file. */
const OTHER_FORMATS: [string, Buffer][] = [
  ['a zip archive', Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  ['an empty zip archive', Buffer.from([0x50, 0x4b, 0x05, 0x06])],
  ['xz-compressed', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['bzip2-compressed', Buffer.from('BZh')],
  ['zstd-compressed', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['a 7-Zip archive', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
];

/** Reads a byte stream in exact amounts, counting what it hands out against a cap. */
class ByteSource {
  private readonly it: AsyncIterator<Buffer>;
  private chunk: Buffer = EMPTY;
  private at = 0;
  position = 0;

  constructor(
    stream: AsyncIterable<Buffer>,
    private readonly limit: number,
    private readonly overLimit: () => never,
  ) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes (at least one unless at the end). */
  async piece(n: number): Promise<Buffer> {
    while (this.at >= this.chunk.length) {
      const next = await this.it.next();
      if (next.done) return EMPTY;
      this.chunk = next.value;
      this.at = 0;
    }
    const size = Math.min(n, this.chunk.length - this.at);
    const out = this.chunk.subarray(this.at, this.at + size);
    this.at += size;
    this.position += size;
    if (this.position > this.limit) this.overLimit();
    return out;
  }

  /** Exactly `n` bytes, or fewer at the end of the stream. */
  async take(n: number): Promise<Buffer> {
    const first = await this.piece(n);
    if (first.length === n || first.length === 0) return first;
    const parts = [first];
    let got = first.length;
    while (got < n) {
      const p = await this.piece(n - got);
      if (p.length === 0) break;
      parts.push(p);
      got += p.length;
    }
    return Buffer.concat(parts, got);
  }

  /** Skips `n` bytes; false when the stream ended first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      const p = await this.piece(Math.min(left, 1 << 20));
      if (p.length === 0) return false;
      left -= p.length;
    }
    return true;
  }
}

interface Pending {
  path?: string;
  linkpath?: string;
  size?: number;
  longName?: string;
  longLink?: string;
}

/** Opens `file` and names its compression: gzip (by magic bytes, not extension) or none. */
async function openStream(file: string): Promise<{ stream: AsyncIterable<Buffer>; gzip: boolean; destroy: () => void }> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      head = Buffer.alloc(8);
      const { bytesRead } = await fh.read(head, 0, 8, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new ArchiveError('ARCHIVE_IO', `Cannot read the archive ${file}: ${(e as Error).message}. Nothing was changed.`, { file, cause: e });
  }
  if (head.length === 0) throw new ArchiveError('NOT_AN_ARCHIVE', `${file} is empty: not a tar or tar.gz archive. Nothing was changed.`, { file });
  for (const [label, magic] of OTHER_FORMATS) {
    if (head.subarray(0, magic.length).equals(magic)) {
      throw new ArchiveError('NOT_AN_ARCHIVE', `${file} is ${label}, not a tar or tar.gz archive (the only formats Upshift unpacks). Nothing was changed.`, { file });
    }
  }
  const raw: ReadStream = createReadStream(file, { highWaterMark: 256 * 1024 });
  if (head[0] !== 0x1f || head[1] !== 0x8b) return { stream: raw, gzip: false, destroy: () => raw.destroy() };
  const gunzip: Gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  return {
    stream: gunzip,
    gzip: true,
    destroy: () => {
      raw.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * The entries of a tar or tar.gz file, in order, read in one pass with bounded memory. Throws ArchiveError for a
 * file that is not a tar (NOT_AN_ARCHIVE), ends early (TRUNCATED_ARCHIVE), has a malformed header or pax record
 * (CORRUPT_ARCHIVE), or goes over a cap (TOO_LARGE). The reader stops at the end-of-archive marker; whatever follows
 * it is not read.
 */
export async function* readTar(file: string, opts: ReadTarOptions): AsyncGenerator<TarItem> {
  const aborted = () => new ArchiveError('ARCHIVE_ABORTED', `Reading ${file} was cancelled. Nothing was changed.`, { file });
  if (opts.signal?.aborted) throw aborted();
  const { stream, gzip, destroy } = await openStream(file);
  const tooLarge = (): never => {
    throw new ArchiveError(
      'TOO_LARGE',
      `${file} unpacks to more than ${opts.maxBytes} bytes (the limit${gzip ? '; a gzip bomb would look like this' : ''}), so it was refused. Nothing was changed.`,
      { file, details: { maxBytes: opts.maxBytes } },
    );
  };
  const src = new ByteSource(stream, opts.maxBytes, tooLarge);
  const onAbort = () => destroy();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const corrupt = (what: string) => new ArchiveError('CORRUPT_ARCHIVE', `${file} is corrupt: ${what}. Nothing was changed.`, { file });
  const truncated = (what: string) => new ArchiveError('TRUNCATED_ARCHIVE', `${file} is truncated: ${what}. Nothing was changed.`, { file });
  const notTar = (why: string) =>
    new ArchiveError('NOT_AN_ARCHIVE', `${file} is not a tar or tar.gz archive${gzip ? ' (it is gzip-compressed, but what it holds is not a tar)' : ''}: ${why}. Nothing was changed.`, { file });

  // Maps stream failures (gzip data errors, read errors, cancellation) to ArchiveErrors.
  const guard = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (e) {
      if (e instanceof ArchiveError) throw e;
      if (opts.signal?.aborted) throw aborted();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'Z_BUF_ERROR') throw truncated('the gzip data ends early');
      if (code === 'Z_DATA_ERROR' || code === 'Z_STREAM_ERROR') throw corrupt(`the gzip data is invalid (${(e as Error).message})`);
      throw new ArchiveError('ARCHIVE_IO', `Cannot read the archive ${file}: ${(e as Error).message}. Nothing was changed.`, { file, cause: e });
    }
  };

  try {
    let pending: Pending = {};
    let headers = 0;
    for (;;) {
      if (opts.signal?.aborted) throw aborted();
      const offset = src.position;
      const block = await guard(src.take(BLOCK));
      if (block.length < BLOCK) {
        if (offset === 0) throw notTar(block.length === 0 ? 'it holds no data' : `it is only ${block.length} bytes long`);
        if (block.length === 0) throw truncated(`it ends at byte ${offset} without the end-of-archive marker`);
        throw truncated(`it ends in the middle of the header at byte ${offset}`);
      }
      const parsed = parseHeader(block);
      if (parsed.kind === 'zero') {
        if (Object.keys(pending).length > 0) throw corrupt(`the extended header before byte ${offset} is not followed by an entry`);
        return;
      }
      if (parsed.kind === 'bad-checksum') {
        if (offset === 0) throw notTar('its first block is not a tar header');
        throw corrupt(`the header at byte ${offset} has a bad checksum`);
      }
      if (parsed.kind === 'bad-field') throw corrupt(`the header at byte ${offset} has an invalid ${parsed.field} field`);
      const header = parsed.header;
      if (++headers > opts.maxEntries) {
        throw new ArchiveError('TOO_LARGE', `${file} has more than ${opts.maxEntries} entries (the limit), so it was refused. Nothing was changed.`, {
          file,
          details: { maxEntries: opts.maxEntries },
        });
      }

      if (header.typeflag === 'x' || header.typeflag === 'g' || header.typeflag === 'L' || header.typeflag === 'K') {
        if (header.size > MAX_META_BYTES) throw corrupt(`the extended header at byte ${offset} is ${header.size} bytes (over ${MAX_META_BYTES})`);
        const data = await guard(src.take(header.size));
        if (data.length < header.size || !(await guard(src.skip(padding(header.size))))) throw truncated(`it ends inside the extended header at byte ${offset}`);
        if (header.typeflag === 'L' || header.typeflag === 'K') {
          // GNU long names are NUL-terminated; a NUL before the end stays, and is refused later.
          const value = data.toString('utf8').replace(/\0+$/, '');
          if (header.typeflag === 'L') pending.longName = value;
          else pending.longLink = value;
          continue;
        }
        const records = parsePaxRecords(data);
        if (typeof records === 'string') throw corrupt(`the pax header at byte ${offset} is malformed: ${records}`);
        if (header.typeflag === 'g') {
          // git archive writes a global header with the commit id (`comment`). One that renames or resizes every
          // later entry is legal but unused in practice, and readers disagree about it: refuse.
          for (const key of ['path', 'linkpath', 'size']) if (records.has(key)) throw corrupt(`the global pax header at byte ${offset} sets "${key}", which Upshift does not support`);
          continue;
        }
        const path = records.get('path');
        const linkpath = records.get('linkpath');
        const size = records.get('size');
        if (path !== undefined) pending.path = path;
        if (linkpath !== undefined) pending.linkpath = linkpath;
        if (size !== undefined) {
          if (!/^[0-9]+$/.test(size) || !Number.isSafeInteger(Number(size))) throw corrupt(`the pax header at byte ${offset} has an invalid size "${printable(size, 40)}"`);
          pending.size = Number(size);
        }
        continue;
      }

      const entry: RawEntry = {
        name: pending.path ?? pending.longName ?? header.name,
        linkname: pending.linkpath ?? pending.longLink ?? header.linkname,
        typeflag: header.typeflag,
        size: pending.size ?? header.size,
        mode: header.mode,
        mtime: header.mtime,
        offset,
      };
      pending = {};
      // A header that declares more data than the cap allows is refused before any of it is decompressed.
      if (offset + BLOCK + entry.size > opts.maxBytes) tooLarge();
      let remaining = entry.size;
      const body = async function* (): AsyncGenerator<Buffer> {
        while (remaining > 0) {
          const piece = await guard(src.piece(Math.min(remaining, 1 << 20)));
          if (piece.length === 0) throw truncated(`it ends inside the data of "${printable(entry.name)}"`);
          remaining -= piece.length;
          yield piece;
        }
      };
      yield { entry, body };
      if (remaining > 0 && !(await guard(src.skip(remaining)))) throw truncated(`it ends inside the data of "${printable(entry.name)}"`);
      remaining = 0;
      if (!(await guard(src.skip(padding(entry.size))))) throw truncated(`it ends inside the padding after "${printable(entry.name)}"`);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    destroy();
  }
}
