import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ArchiveError, printable } from './errors.js';

const GNU_LINE = /^([0-9a-fA-F]+) ([ *])(.*)$/;
const BSD_LINE = /^SHA256 ?\((.*)\) ?= ?([0-9a-fA-F]+)$/;
const MAX_LISTED = 5;

/** `./name` and `name` are the same file in a sums file (`sha256sum ./x` writes the former). */
function normaliseName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  return n;
}

/** GNU sha256sum escapes names holding a backslash or newline: the line starts with `\` and the name uses `\\`, `\n`. */
function unescapeGnuName(name: string): string | null {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = name[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else return null;
  }
  return out;
}

/** One line as [name, lower-case hex], or why it is not a sha256sums line. */
function parseLine(line: string): { name: string; sum: string } | { problem: string } {
  const escaped = line.startsWith('\\');
  const body = escaped ? line.slice(1) : line;
  let name: string | null;
  let sum: string;
  const gnu = GNU_LINE.exec(body);
  const bsd = gnu ? null : BSD_LINE.exec(body);
  if (gnu) {
    sum = gnu[1]!;
    name = escaped ? unescapeGnuName(gnu[3]!) : gnu[3]!;
    if (name === null) return { problem: 'has an unknown backslash escape in the name' };
  } else if (bsd) {
    sum = bsd[2]!;
    name = escaped ? unescapeGnuName(bsd[1]!) : bsd[1]!;
    if (name === null) return { problem: 'has an unknown backslash escape in the name' };
  } else {
    return { problem: 'is neither "<64 hex digits>  <name>" (GNU) nor "SHA256 (<name>) = <64 hex digits>" (BSD)' };
  }
  if (sum.length !== 64) {
    const guess = sum.length === 128 ? ' (a SHA-512 sum?)' : sum.length === 40 ? ' (a SHA-1 sum?)' : sum.length === 32 ? ' (an MD5 sum?)' : '';
    return { problem: `has a ${sum.length}-digit sum${guess}, not a 64-digit SHA-256` };
  }
  name = normaliseName(name);
  if (name === '') return { problem: 'has no file name' };
  return { name, sum: sum.toLowerCase() };
}

/**
 * Parses a `sha256sums.txt` (or `SHA256SUMS`, `checksums.txt`): the GNU coreutils format `<64 hex>  name`, with
 * `*name` (binary mode) and `./name` accepted and normalised, and the BSD format `SHA256 (name) = <64 hex>`. Blank
 * lines and `#` comments are skipped. Any other line, or one name listed with two different sums, throws
 * ArchiveError BAD_CHECKSUM_FILE naming `file` and the line numbers. Names map to lower-case hex.
 */
export function parseSha256Sums(text: string, file: string): Map<string, string> {
  const sums = new Map<string, string>();
  const lineOf = new Map<string, number>();
  const problems: string[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const lineNo = index + 1;
    const parsed = parseLine(line);
    if ('problem' in parsed) {
      problems.push(`line ${lineNo} ${parsed.problem}: "${printable(line, 120)}"`);
      return;
    }
    const previous = sums.get(parsed.name);
    if (previous !== undefined && previous !== parsed.sum) {
      problems.push(`line ${lineNo} gives "${printable(parsed.name)}" a different sum than line ${lineOf.get(parsed.name)}`);
      return;
    }
    sums.set(parsed.name, parsed.sum);
    if (!lineOf.has(parsed.name)) lineOf.set(parsed.name, lineNo);
  });
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `\n  - ${p}`).join('');
    const more = problems.length > MAX_LISTED ? `\n  … and ${problems.length - MAX_LISTED} more` : '';
    throw new ArchiveError(
      'BAD_CHECKSUM_FILE',
      `The checksum file ${file} cannot be used:${listed}${more}\nNo file was checked against it and nothing was changed.`,
      { file, details: { problems } },
    );
  }
  return sums;
}

/** The SHA-256 of a file as lower-case hex, read as a stream (any size, constant memory). */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  if (signal?.aborted) throw new ArchiveError('ARCHIVE_ABORTED', `Computing the checksum of ${path} was cancelled; nothing was changed.`, { file: path });
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, signal ? { signal } : {})) hash.update(chunk as Buffer);
  } catch (e) {
    if (signal?.aborted) throw new ArchiveError('ARCHIVE_ABORTED', `Computing the checksum of ${path} was cancelled; nothing was changed.`, { file: path, cause: e });
    throw new ArchiveError('ARCHIVE_IO', `Cannot read ${path} to compute its checksum: ${(e as Error).message}. Nothing was changed.`, { file: path, cause: e });
  }
  return hash.digest('hex');
}

/**
 * Checks `filePath` against the entry `nameInSums` of a parsed sums file (from {@link parseSha256Sums}; `sumsFile`
 * names it in messages). Returns the sum. Throws ArchiveError CHECKSUM_MISSING when the sums file has no such entry
 * and CHECKSUM_MISMATCH when the sums differ: either way the caller must not use the file.
 */
export async function verifyAgainstSums(
  filePath: string,
  nameInSums: string,
  sums: ReadonlyMap<string, string>,
  sumsFile: string,
  signal?: AbortSignal,
): Promise<string> {
  const name = normaliseName(nameInSums);
  const expected = sums.get(name);
  if (expected === undefined) {
    const known = [...sums.keys()];
    const listed = known.slice(0, 10).map((k) => `"${printable(k)}"`).join(', ');
    const names = known.length === 0 ? 'it lists no files' : `it lists ${listed}${known.length > 10 ? `, … (${known.length} in all)` : ''}`;
    throw new ArchiveError(
      'CHECKSUM_MISSING',
      `The checksum file ${sumsFile} has no entry for "${printable(name)}" (${names}), so ${filePath} cannot be verified. The file was not used; nothing was changed.`,
      { file: filePath, details: { sumsFile, name } },
    );
  }
  const actual = await sha256File(filePath, signal);
  if (actual !== expected) {
    throw new ArchiveError(
      'CHECKSUM_MISMATCH',
      `${filePath} does not match its checksum in ${sumsFile}: expected sha256 ${expected} for "${printable(name)}", got ${actual}. ` +
        'The file may be corrupt or tampered with; it was not used and nothing was changed.',
      { file: filePath, details: { sumsFile, name, expected, actual } },
    );
  }
  return actual;
}
