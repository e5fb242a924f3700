import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync, constants as zlib } from 'node:zlib';

/**
 * Just enough of git's object store to peel a tag ref without git: an object's type, and for a tag object the
 * object it names. Loose objects (zlib, https://git-scm.com/book/en/v2/Git-Internals-Git-Objects) and packed ones
 * found through the pack index v2 (https://git-scm.com/docs/gitformat-pack); a deltified tag object, an index of
 * another version or anything unreadable is `unknown`, and the caller asks git.
 */
export type ObjectHead = { type: 'commit' | 'tree' | 'blob' } | { type: 'tag'; object: string; objectType: string } | { type: 'unknown'; why: string };

const TYPES = ['', 'commit', 'tree', 'blob', 'tag'] as const;

export class ObjectReader {
  private packs: Array<{ idx: string; pack: string }> | null = null;

  constructor(
    private readonly dir: string,
    private readonly hashBytes: 20 | 32 = 20,
  ) {}

  head(sha: string): ObjectHead {
    const loose = this.loose(sha);
    if (loose) return parseHead(loose);
    for (const p of this.packList()) {
      const offset = findInIndex(p.idx, sha, this.hashBytes);
      if (offset === 'bad') return { type: 'unknown', why: 'a pack index this reader does not read' };
      if (offset !== null) return packedHead(p.pack, offset);
    }
    return { type: 'unknown', why: 'an object that is not in the repository' };
  }

  /** The commit (or other non-tag object) a tag peels to; null when `sha` is not a tag; a reason when unknown. */
  peel(sha: string): string | null | { fallback: string } {
    let at = sha;
    for (let depth = 0; depth < 10; depth++) {
      const h = this.head(at);
      if (h.type === 'unknown') return { fallback: h.why };
      if (h.type !== 'tag') return depth === 0 ? null : at;
      // The tag says what it names: a commit need not be opened.
      if (h.objectType !== 'tag') return h.object;
      at = h.object;
    }
    return { fallback: 'a chain of more than 10 tags' };
  }

  private loose(sha: string): Buffer | null {
    const head = readHead(join(this.dir, sha.slice(0, 2), sha.slice(2)), 0, 1024);
    if (!head) return null;
    try {
      return inflateSync(head, { finishFlush: zlib.Z_SYNC_FLUSH });
    } catch {
      return null;
    }
  }

  private packList(): Array<{ idx: string; pack: string }> {
    if (this.packs) return this.packs;
    const dir = join(this.dir, 'pack');
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // No packs.
    }
    this.packs = names.filter((n) => n.endsWith('.idx')).map((n) => ({ idx: join(dir, n), pack: join(dir, `${n.slice(0, -4)}.pack`) }));
    return this.packs;
  }
}

function readHead(file: string, position: number, length: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, position);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A loose object's inflated start: `<type> <size>\0<content>`. */
function parseHead(buf: Buffer): ObjectHead {
  const nul = buf.indexOf(0);
  if (nul < 0) return { type: 'unknown', why: 'a loose object this reader does not parse' };
  const type = buf.subarray(0, nul).toString('latin1').split(' ')[0];
  if (type === 'commit' || type === 'tree' || type === 'blob') return { type };
  if (type === 'tag') return tagHead(buf.subarray(nul + 1));
  return { type: 'unknown', why: 'a loose object this reader does not parse' };
}

function tagHead(content: Buffer): ObjectHead {
  const m = /^object ([0-9a-f]{40}|[0-9a-f]{64})\ntype (\w+)\n/.exec(content.toString('latin1'));
  return m ? { type: 'tag', object: m[1]!, objectType: m[2]! } : { type: 'unknown', why: 'a tag object this reader does not parse' };
}

/** The object's offset in the pack, null when the index does not hold it, 'bad' for an index that is not v2. */
function findInIndex(idx: string, sha: string, hashBytes: number): number | null | 'bad' {
  let fd: number;
  try {
    fd = openSync(idx, 'r');
  } catch {
    return 'bad';
  }
  try {
    const header = Buffer.alloc(8 + 256 * 4);
    if (readSync(fd, header, 0, header.length, 0) !== header.length) return 'bad';
    if (header.readUInt32BE(0) !== 0xff744f63 || header.readUInt32BE(4) !== 2) return 'bad';
    const want = Buffer.from(sha, 'hex');
    const first = want[0]!;
    const total = header.readUInt32BE(8 + 255 * 4);
    let lo = first === 0 ? 0 : header.readUInt32BE(8 + (first - 1) * 4);
    let hi = header.readUInt32BE(8 + first * 4);
    const names = 8 + 256 * 4;
    const entry = Buffer.alloc(hashBytes);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      readSync(fd, entry, 0, hashBytes, names + mid * hashBytes);
      const c = Buffer.compare(entry, want);
      if (c === 0) {
        const offsets = names + total * hashBytes + total * 4;
        const o = Buffer.alloc(4);
        readSync(fd, o, 0, 4, offsets + mid * 4);
        const small = o.readUInt32BE(0);
        if ((small & 0x80000000) === 0) return small;
        const big = Buffer.alloc(8);
        readSync(fd, big, 0, 8, offsets + total * 4 + (small & 0x7fffffff) * 8);
        return Number(big.readBigUInt64BE(0));
      }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A packed object's type from its entry header; a non-deltified tag is inflated for its `object` line. */
function packedHead(pack: string, offset: number): ObjectHead {
  const buf = readHead(pack, offset, 1024);
  if (!buf || buf.length === 0) return { type: 'unknown', why: 'a pack this reader does not read' };
  const code = (buf[0]! >> 4) & 7;
  let i = 0;
  while (buf[i]! & 0x80 && i < buf.length - 1) i++;
  i++;
  const type = TYPES[code];
  if (type === 'commit' || type === 'tree' || type === 'blob') return { type };
  if (type !== 'tag') return { type: 'unknown', why: 'a deltified object in a pack' };
  try {
    return tagHead(inflateSync(buf.subarray(i), { finishFlush: zlib.Z_SYNC_FLUSH }));
  } catch {
    return { type: 'unknown', why: 'a packed tag this reader does not inflate' };
  }
}
