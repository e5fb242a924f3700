/**
 * Reading raw git objects as `git cat-file` hands them over (object-reader.ts): tree entries, tag and commit headers,
 * and a tag message split the way `git for-each-ref` splits it (%(contents:subject), %(contents:body)), so what is
 * read through the long-lived reader is exactly what the one-process verbs read. Pure; bytes in, values out.
 * Formats: https://git-scm.com/docs/gitformat-tag (no stable page for trees; git's tree-walk.c is the reference).
 */

export interface TreeItem {
  /** `100644`, `100755`, `120000` (symlink), `40000` (tree), `160000` (submodule). */
  mode: string;
  name: string;
  oid: string;
}

/**
 * The entries of a tree object in stored order: `<mode> <name>\0<raw id>` each. The id is 20 bytes (SHA-1) or 32
 * (SHA-256), known from the tree's own id. Throws on bytes that are not a tree.
 */
export function parseTree(data: Buffer, oidHexLength: number): TreeItem[] {
  const idBytes = oidHexLength / 2;
  const out: TreeItem[] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const nul = space < 0 ? -1 : data.indexOf(0x00, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > data.length) throw new Error(`not a tree object (entry at byte ${i})`);
    const mode = data.subarray(i, space).toString('latin1');
    if (!/^[0-7]{5,6}$/.test(mode)) throw new Error(`not a tree object (mode ${JSON.stringify(mode)} at byte ${i})`);
    out.push({ mode, name: data.subarray(space + 1, nul).toString('utf8'), oid: data.subarray(nul + 1, nul + 1 + idBytes).toString('hex') });
    i = nul + 1 + idBytes;
  }
  return out;
}

export interface ObjectHeaders {
  /** Each header line's first word and the rest (continuation lines of a multi-line header are left out). */
  headers: Map<string, string[]>;
  /** Everything after the blank line that ends the headers. */
  message: string;
}

/** The headers and message of a commit or tag object. */
export function parseObjectHeaders(data: Buffer): ObjectHeaders {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const headers = new Map<string, string[]>();
  for (const line of head.split('\n')) {
    if (line.startsWith(' ') || line === '') continue;
    const sp = line.indexOf(' ');
    const key = sp < 0 ? line : line.slice(0, sp);
    const list = headers.get(key) ?? [];
    list.push(sp < 0 ? '' : line.slice(sp + 1));
    headers.set(key, list);
  }
  return { headers, message: end < 0 ? '' : text.slice(end + 2) };
}

/**
 * The date of an ident line (`Name <email> 1700000000 +0530`) as `%(creatordate:iso-strict)` prints it in git 2.39:
 * the ident's own offset, `+00:00` for UTC. Null when the line has no date git could read.
 */
export function identDateIsoStrict(ident: string | undefined): string | null {
  if (ident === undefined) return null;
  const m = /> (\d+) ([+-])(\d\d)(\d\d)$/.exec(ident);
  if (!m) return null;
  const sign = m[2] === '-' ? -1 : 1;
  const offsetMin = sign * (Number(m[3]) * 60 + Number(m[4]));
  const t = new Date((Number(m[1]) + offsetMin * 60) * 1000);
  if (Number.isNaN(t.getTime())) return null;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.getUTCFullYear(), 4)}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}T${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}${m[2]}${m[3]}:${m[4]}`;
}

/** Lines a signature block starts with (git's gpg-interface.c, all formats). */
const SIGNATURE_STARTS = ['-----BEGIN PGP SIGNATURE-----', '-----BEGIN PGP MESSAGE-----', '-----BEGIN SIGNED MESSAGE-----', '-----BEGIN SSH SIGNATURE-----'];

/**
 * A tag message as `for-each-ref` splits it (ref-filter.c, find_subpos): the subject is the first paragraph with its
 * line breaks turned into spaces, the body the rest without the signature block (which starts at the last line
 * beginning a signature).
 */
export function splitTagMessage(message: string): { subject: string; body: string } {
  let buf = message.replace(/^\n+/, '');
  let sigStart = buf.length;
  let pos = 0;
  while (pos < buf.length) {
    if (SIGNATURE_STARTS.some((s) => buf.startsWith(s, pos))) sigStart = pos;
    const eol = buf.indexOf('\n', pos);
    pos = eol < 0 ? buf.length : eol + 1;
  }
  // git looks for "\n\n" first and only then for "\r\n\r\n", whichever comes first in the text.
  let para = buf.indexOf('\n\n');
  if (para < 0) para = buf.indexOf('\r\n\r\n');
  const subEnd = para >= 0 ? Math.min(para, sigStart) : sigStart;
  let subject = buf.slice(0, subEnd).replace(/[\r\n]+$/, '');
  subject = subject.replace(/\r\n/g, '\n').replace(/\n/g, ' ');
  buf = buf.slice(subEnd);
  const skipped = buf.length - buf.replace(/^[\r\n]+/, '').length;
  const body = buf.slice(skipped, Math.max(skipped, sigStart - subEnd));
  return { subject, body };
}
