/**
 * The tar header block and pax records, parsed strictly. Formats: POSIX ustar (with the 155-byte prefix), GNU
 * (`ustar  \0` magic, base-256 sizes) and old v7 headers; pax extended headers and GNU long names are read by
 * tar-reader.ts. References: POSIX.1-2017 `pax` (ustar Interchange Format, pax Extended Header) and the GNU tar
 * manual, "Basic Tar Format".
 */

export const BLOCK = 512;

/** The typeflag byte as a character; '\0' (old regular files) is reported as '0'. */
export type TypeFlag = string;

export interface RawHeader {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: TypeFlag;
  linkname: string;
}

export type HeaderResult = { kind: 'header'; header: RawHeader } | { kind: 'zero' } | { kind: 'bad-checksum' } | { kind: 'bad-field'; field: string };

/** A NUL-terminated (or full-width) text field. */
function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/**
 * An unsigned number field: octal digits (leading spaces, trailing NUL or space allowed), or GNU base-256 when the
 * first byte has its high bit set. Null when malformed or negative.
 */
export function parseNumber(block: Buffer, offset: number, length: number): number | null {
  const field = block.subarray(offset, offset + length);
  const first = field[0]!;
  if (first & 0x80) {
    if (first === 0xff) return null; // negative base-256
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) {
      value = value * 256 + field[i]!;
      if (value > Number.MAX_SAFE_INTEGER) return null;
    }
    return value;
  }
  const digits = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) return null;
  const value = parseInt(digits, 8);
  return Number.isSafeInteger(value) ? value : null;
}

/** The header checksum: the sum of all bytes with the checksum field counted as spaces (unsigned, or signed for old tars). */
function checksumMatches(block: Buffer): boolean {
  const stored = parseNumber(block, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** One 512-byte header block. */
export function parseHeader(block: Buffer): HeaderResult {
  if (isZeroBlock(block)) return { kind: 'zero' };
  if (!checksumMatches(block)) return { kind: 'bad-checksum' };
  const magic = block.subarray(257, 263).toString('latin1');
  const mode = parseNumber(block, 100, 8);
  const size = parseNumber(block, 124, 12);
  const mtime = parseNumber(block, 136, 12);
  if (mode === null) return { kind: 'bad-field', field: 'mode' };
  if (size === null) return { kind: 'bad-field', field: 'size' };
  const flagByte = block[156]!;
  const typeflag = flagByte === 0 ? '0' : String.fromCharCode(flagByte);
  let name = text(block, 0, 100);
  // The ustar prefix field; GNU tar uses those bytes for other things, so only POSIX ustar ("ustar\0") has it.
  if (magic === 'ustar\0') {
    const prefix = text(block, 345, 155);
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  return { kind: 'header', header: { name, mode, size, mtime: mtime ?? 0, typeflag, linkname: text(block, 157, 100) } };
}

/** Bytes of padding after `size` bytes of data, up to the next block boundary. */
export function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

/**
 * Pax extended header records: `<length> <key>=<value>\n`, where length counts the whole record in bytes. Returns
 * the records, or a description of the first malformed one.
 */
export function parsePaxRecords(data: Buffer): Map<string, string> | string {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    // Some writers pad the data with NULs.
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) return `a record at byte ${pos} has no length`;
    const lengthText = data.subarray(pos, space).toString('latin1');
    if (!/^[0-9]+$/.test(lengthText)) return `a record at byte ${pos} has a bad length "${lengthText}"`;
    const length = Number(lengthText);
    const end = pos + length;
    if (length <= space - pos + 1 || end > data.length || data[end - 1] !== 0x0a) return `the record at byte ${pos} does not end where its length says`;
    const record = data.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) return `the record at byte ${pos} has no key`;
    records.set(record.subarray(0, eq).toString('utf8'), record.subarray(eq + 1).toString('utf8'));
    pos = end;
  }
  return records;
}
