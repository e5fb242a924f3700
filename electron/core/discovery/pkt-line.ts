/**
 * git's pkt-line framing (https://git-scm.com/docs/gitprotocol-common#_pkt_line_format): four hex digits of length
 * (including themselves), then the payload; `0000` flush, `0001` delimiter, `0002` response-end. Pure.
 */

export type Pkt = { kind: 'data'; data: Buffer } | { kind: 'flush' } | { kind: 'delim' } | { kind: 'end' };

/** The largest payload git writes (65520 bytes per packet including the header). */
const MAX_PKT = 65520;

/** One data packet holding `text` (a trailing newline is the caller's choice, as in git). */
export function pktLine(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length + 4 > MAX_PKT) throw new Error(`pkt-line payload of ${payload.length} bytes is over git's limit`);
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0'), 'ascii'), payload]);
}

export const FLUSH = Buffer.from('0000', 'ascii');
export const DELIM = Buffer.from('0001', 'ascii');

/** Thrown for framing that is not pkt-line: the response is not from a git smart server. */
export class PktLineError extends Error {}

/** Splits a whole response into packets. Data payloads keep their bytes; a final newline is left to the caller. */
export function parsePktLines(buf: Buffer): Pkt[] {
  const out: Pkt[] = [];
  let i = 0;
  while (i < buf.length) {
    if (i + 4 > buf.length) throw new PktLineError('truncated pkt-line length');
    const hex = buf.toString('ascii', i, i + 4);
    if (!/^[0-9a-f]{4}$/.test(hex)) throw new PktLineError(`not a pkt-line length: ${JSON.stringify(hex)}`);
    const len = parseInt(hex, 16);
    if (len === 0) out.push({ kind: 'flush' });
    else if (len === 1) out.push({ kind: 'delim' });
    else if (len === 2) out.push({ kind: 'end' });
    else if (len < 4) throw new PktLineError(`invalid pkt-line length ${len}`);
    else {
      if (i + len > buf.length) throw new PktLineError('truncated pkt-line payload');
      out.push({ kind: 'data', data: buf.subarray(i + 4, i + len) });
    }
    i += len < 4 ? 4 : len;
  }
  return out;
}

/** A data packet's text without its trailing newline. Decoded as UTF-8, as runGit decodes ls-remote's output. */
export function pktText(p: Pkt): string | null {
  if (p.kind !== 'data') return null;
  const s = p.data.toString('utf8');
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}
