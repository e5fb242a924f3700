import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/repos.js';
import { parseSha256Sums, sha256File, verifyAgainstSums } from './checksums.js';
import { ArchiveError } from './errors.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

function parseError(text: string): ArchiveError {
  try {
    parseSha256Sums(text, '/rel/sha256sums.txt');
  } catch (e) {
    expect(e).toBeInstanceOf(ArchiveError);
    return e as ArchiveError;
  }
  throw new Error('expected a BAD_CHECKSUM_FILE error');
}

describe('parseSha256Sums', () => {
  it('reads GNU lines (text and binary mode, ./ names), BSD lines, and skips blanks and comments', () => {
    const text = [
      '# release 1.8.2',
      '',
      `${A}  node_exporter-1.8.2.linux-amd64.tar.gz`,
      `${B} *node_exporter-1.8.2.darwin-arm64.tar.gz`,
      `${'c'.repeat(64)}  ./sub/file with spaces.txt`,
      `SHA256 (bsd-style.zip) = ${'d'.repeat(64)}`,
      `\\${'e'.repeat(64)}  back\\\\slash`,
      '   ',
    ].join('\r\n');
    expect([...parseSha256Sums(text, 'sha256sums.txt')]).toEqual([
      ['node_exporter-1.8.2.linux-amd64.tar.gz', A],
      ['node_exporter-1.8.2.darwin-arm64.tar.gz', 'b'.repeat(64)],
      ['sub/file with spaces.txt', 'c'.repeat(64)],
      ['bsd-style.zip', 'd'.repeat(64)],
      ['back\\slash', 'e'.repeat(64)],
    ]);
  });

  it('reads what sha256sum and shasum write', () => {
    const dir = makeTempDir();
    writeFileSync(path.join(dir, 'one.tar.gz'), 'one');
    writeFileSync(path.join(dir, 'two.zip'), 'two');
    const gnu = execFileSync('sha256sum', ['one.tar.gz', '--binary', 'two.zip'], { cwd: dir, encoding: 'utf8' });
    const bsd = execFileSync('sha256sum', ['--tag', 'one.tar.gz'], { cwd: dir, encoding: 'utf8' });
    const sum = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(parseSha256Sums(gnu, 'g')).toEqual(new Map([['one.tar.gz', sum('one')], ['two.zip', sum('two')]]));
    expect(parseSha256Sums(bsd, 'b')).toEqual(new Map([['one.tar.gz', sum('one')]]));
  });

  it('names the file and the line number of a line in another format', () => {
    const err = parseError(`${A}  ok\nnot a checksum line\n${'f'.repeat(128)}  sha512.tar\n`);
    expect(err.code).toBe('BAD_CHECKSUM_FILE');
    expect(err.message).toMatch(/The checksum file \/rel\/sha256sums\.txt cannot be used:/);
    expect(err.message).toMatch(/line 2 is neither "<64 hex digits> {2}<name>" \(GNU\) nor "SHA256 \(<name>\) = <64 hex digits>" \(BSD\): "not a checksum line"/);
    expect(err.message).toMatch(/line 3 has a 128-digit sum \(a SHA-512 sum\?\), not a 64-digit SHA-256/);
    expect(err.message).toMatch(/nothing was changed/);
  });

  it('refuses a line with one space only, or without a name', () => {
    expect(parseError(`${A}  \n`).message).toMatch(/line 1 has no file name/);
    expect(parseError(`${A}-x\n`).message).toMatch(/line 1 is neither/);
  });

  it('refuses one name with two different sums, and accepts a repeated identical line', () => {
    expect(parseSha256Sums(`${A}  x\n${A}  ./x\n`, 'f').size).toBe(1);
    expect(parseError(`${A}  x\n# c\n${B}  ./x\n`).message).toMatch(/line 3 gives "x" a different sum than line 1/);
  });
});

describe('sha256File and verifyAgainstSums', () => {
  it('streams a file through sha256', async () => {
    const file = path.join(makeTempDir(), 'big.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
    writeFileSync(file, data);
    expect(await sha256File(file)).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('returns the sum when it matches', async () => {
    const file = path.join(makeTempDir(), 'a.tar.gz');
    writeFileSync(file, 'payload');
    const sum = createHash('sha256').update('payload').digest('hex');
    expect(await verifyAgainstSums(file, 'a.tar.gz', new Map([['a.tar.gz', sum]]), 'sums.txt')).toBe(sum);
    expect(await verifyAgainstSums(file, './a.tar.gz', new Map([['a.tar.gz', sum]]), 'sums.txt')).toBe(sum);
  });

  it('CHECKSUM_MISMATCH names the file, both sums and says nothing was used', async () => {
    const file = path.join(makeTempDir(), 'a.tar.gz');
    writeFileSync(file, 'tampered');
    const actual = createHash('sha256').update('tampered').digest('hex');
    const err = await verifyAgainstSums(file, 'a.tar.gz', new Map([['a.tar.gz', A]]), 'https://x/sha256sums.txt').catch((e: unknown) => e as ArchiveError);
    expect(err).toMatchObject({ code: 'CHECKSUM_MISMATCH', category: 'blocked' });
    expect((err as ArchiveError).message).toBe(
      `${file} does not match its checksum in https://x/sha256sums.txt: expected sha256 ${A} for "a.tar.gz", got ${actual}. ` +
        'The file may be corrupt or tampered with; it was not used and nothing was changed.',
    );
    expect((err as ArchiveError).toApiError().details).toMatchObject({ expected: A, actual, sumsFile: 'https://x/sha256sums.txt' });
    expect(readFileSync(file, 'utf8')).toBe('tampered');
  });

  it('CHECKSUM_MISSING says which names the sums file has', async () => {
    const file = path.join(makeTempDir(), 'a.tar.gz');
    writeFileSync(file, 'x');
    await expect(verifyAgainstSums(file, 'a.tar.gz', new Map([['b.tar.gz', A]]), 'sums.txt')).rejects.toMatchObject({
      code: 'CHECKSUM_MISSING',
      message: expect.stringMatching(/sums\.txt has no entry for "a\.tar\.gz" \(it lists "b\.tar\.gz"\), so .* cannot be verified\. The file was not used; nothing was changed\./),
    });
  });

  it('reports an unreadable file and a cancelled read', async () => {
    await expect(sha256File('/nonexistent/file')).rejects.toMatchObject({ code: 'ARCHIVE_IO', message: expect.stringMatching(/Cannot read \/nonexistent\/file/) });
    const ac = new AbortController();
    ac.abort();
    await expect(sha256File('/nonexistent/file', ac.signal)).rejects.toMatchObject({ code: 'ARCHIVE_ABORTED' });
  });
});
