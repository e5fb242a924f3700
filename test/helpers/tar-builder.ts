/**
 * A tiny raw tar writer for tests: it writes whatever header it is told to, including the hostile ones a real tar
 * never would (absolute and `../` names, devices, links out of the tree, lying sizes), so the archive module's
 * refusals can be tested against crafted bytes. Not a general tar library: no validation on purpose.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'contiguous';

const FLAGS: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6', contiguous: '7' };

export interface TarSpec {
  /** Written into the header's name field (cut to 100 bytes; use `pax` or `longName` for longer ones). */
  name: string;
  /** A named type, or any single typeflag character ('x', 'g', 'L', 'S', 'V', …). Default 'file'. */
  type?: TarType | string;
  body?: string | Buffer;
  /** Default 0o644 for files, 0o755 for directories. */
  mode?: number;
  linkname?: string;
  /** The size written in the header, when it must differ from the body length. */
  size?: number;
  mtime?: number;
  /** A pax extended header ('x') emitted before this entry with these records. */
  pax?: Record<string, string>;
  /** A GNU long-name header ('L') emitted before this entry (written as given, plus a NUL). */
  longName?: string;
  /** A GNU long-link header ('K') emitted before this entry. */
  longLink?: string;
  /** The ustar prefix field (joined to the name with '/'). */
  prefix?: string;
  /** Header magic: POSIX ustar (default), GNU (`ustar  \0`), or none (v7). */
  format?: 'ustar' | 'gnu' | 'v7';
  /** Writes a wrong checksum. */
  badChecksum?: boolean;
}

export interface TarBuildOptions {
  gzip?: boolean;
  /** Leave out the two zero blocks that end an archive. */
  noEnd?: boolean;
}

function field(buf: Buffer, offset: number, length: number, value: string | Buffer): void {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  bytes.copy(buf, offset, 0, Math.min(bytes.length, length));
}

function octal(buf: Buffer, offset: number, length: number, value: number): void {
  if (value >= 8 ** (length - 1)) {
    // GNU base-256 for values that do not fit in octal.
    buf[offset] = 0x80;
    let v = value;
    for (let i = length - 1; i > 0; i--) {
      buf[offset + i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  field(buf, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function header(spec: { name: string; flag: string; size: number; mode: number; linkname: string; mtime: number; prefix?: string | undefined; format: string; badChecksum?: boolean | undefined }): Buffer {
  const h = Buffer.alloc(512);
  field(h, 0, 100, spec.name);
  octal(h, 100, 8, spec.mode);
  octal(h, 108, 8, 1000);
  octal(h, 116, 8, 1000);
  octal(h, 124, 12, spec.size);
  octal(h, 136, 12, spec.mtime);
  h.write(spec.flag, 156, 1, 'latin1');
  field(h, 157, 100, spec.linkname);
  if (spec.format === 'ustar') {
    field(h, 257, 8, 'ustar\x0000');
    if (spec.prefix) field(h, 345, 155, spec.prefix);
  } else if (spec.format === 'gnu') {
    field(h, 257, 8, 'ustar  \0');
  }
  if (spec.format !== 'v7') {
    field(h, 265, 32, 'tester');
    field(h, 297, 32, 'tester');
  }
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  if (spec.badChecksum) sum += 1;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function pad(data: Buffer): Buffer[] {
  const rest = data.length % 512;
  return rest === 0 ? [data] : [data, Buffer.alloc(512 - rest)];
}

/** pax records: `<length> key=value\n`, the length counting itself. */
export function paxRecords(records: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    parts.push(Buffer.from(`${len}${rest}`, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** The archive's bytes. */
export function buildTar(entries: readonly TarSpec[], opts: TarBuildOptions = {}): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const flag = type in FLAGS ? FLAGS[type as TarType] : type;
    const format = e.format ?? 'ustar';
    const meta = (name: string, metaFlag: string, data: Buffer) => {
      out.push(header({ name, flag: metaFlag, size: data.length, mode: 0o644, linkname: '', mtime: 0, format }), ...pad(data));
    };
    if (e.pax) meta(`PaxHeaders/${e.name.slice(0, 80)}`, 'x', paxRecords(e.pax));
    if (e.longName !== undefined) meta('././@LongLink', 'L', Buffer.from(`${e.longName}\0`, 'utf8'));
    if (e.longLink !== undefined) meta('././@LongLink', 'K', Buffer.from(`${e.longLink}\0`, 'utf8'));
    const body = typeof e.body === 'string' ? Buffer.from(e.body, 'utf8') : (e.body ?? Buffer.alloc(0));
    out.push(
      header({
        name: e.name,
        flag,
        size: e.size ?? body.length,
        mode: e.mode ?? (type === 'dir' ? 0o755 : 0o644),
        linkname: e.linkname ?? '',
        mtime: e.mtime ?? 1_700_000_000,
        prefix: e.prefix,
        format,
        badChecksum: e.badChecksum,
      }),
    );
    if (body.length > 0) out.push(...pad(body));
  }
  if (!opts.noEnd) out.push(Buffer.alloc(1024));
  const tar = Buffer.concat(out);
  return opts.gzip ? gzipSync(tar) : tar;
}

/** Writes the archive to `file` and returns the path. */
export function writeTar(file: string, entries: readonly TarSpec[], opts: TarBuildOptions = {}): string {
  writeFileSync(file, buildTar(entries, opts));
  return file;
}
