import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/repos.js';
import { buildTar, paxRecords, writeTar, type TarSpec } from '../../../test/helpers/tar-builder.js';
import { ArchiveError } from './errors.js';
import { inspectTar } from './tar.js';

function archive(entries: TarSpec[], opts: { gzip?: boolean; noEnd?: boolean } = {}): string {
  return writeTar(path.join(makeTempDir(), opts.gzip ? 'a.tar.gz' : 'a.tar'), entries, opts);
}

async function refusal(file: string, opts: { strip?: number } = {}): Promise<ArchiveError> {
  const err = await inspectTar(file, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveError);
  return err as ArchiveError;
}

describe('inspectTar: what it lists', () => {
  it('lists files, directories, symlinks and hardlinks with their modes', async () => {
    const file = archive([
      { name: 'pkg/', type: 'dir' },
      { name: 'pkg/bin/tool', body: '#!/bin/sh\n', mode: 0o755 },
      { name: 'pkg/lib/', type: 'dir', mode: 0o750 },
      { name: 'pkg/lib/tool', body: 'lib', mode: 0o4755 },
      { name: 'pkg/bin/alias', type: 'symlink', linkname: '../lib/tool' },
      { name: 'pkg/bin/hard', type: 'hardlink', linkname: 'pkg/bin/tool' },
    ]);
    expect(await inspectTar(file)).toEqual([
      { path: 'pkg', name: 'pkg/', type: 'dir', size: 0, mode: 0o755, mtime: 1_700_000_000, linkTarget: null },
      { path: 'pkg/bin/tool', name: 'pkg/bin/tool', type: 'file', size: 10, mode: 0o755, mtime: 1_700_000_000, linkTarget: null },
      { path: 'pkg/lib', name: 'pkg/lib/', type: 'dir', size: 0, mode: 0o750, mtime: 1_700_000_000, linkTarget: null },
      { path: 'pkg/lib/tool', name: 'pkg/lib/tool', type: 'file', size: 3, mode: 0o4755, mtime: 1_700_000_000, linkTarget: null },
      { path: 'pkg/bin/alias', name: 'pkg/bin/alias', type: 'symlink', size: 0, mode: 0o644, mtime: 1_700_000_000, linkTarget: '../lib/tool' },
      { path: 'pkg/bin/hard', name: 'pkg/bin/hard', type: 'hardlink', size: 0, mode: 0o644, mtime: 1_700_000_000, linkTarget: 'pkg/bin/tool' },
    ]);
  });

  it('applies strip to paths and hardlink targets, skipping entries it removes entirely', async () => {
    const file = archive([
      { name: './', type: 'dir' },
      { name: './node_exporter-1.8.2.linux-amd64/', type: 'dir' },
      { name: './node_exporter-1.8.2.linux-amd64/node_exporter', body: 'ELF', mode: 0o755 },
      { name: './node_exporter-1.8.2.linux-amd64/copy', type: 'hardlink', linkname: 'node_exporter-1.8.2.linux-amd64/node_exporter' },
    ]);
    const entries = await inspectTar(file, { strip: 1 });
    expect(entries.map((e) => [e.path, e.type, e.linkTarget])).toEqual([
      ['node_exporter', 'file', null],
      ['copy', 'hardlink', 'node_exporter'],
    ]);
  });

  it('reads pax path/linkpath/size, GNU long names and the ustar prefix; ignores a git archive global header', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
    const file = archive([
        { name: 'pax_global_header', type: 'g', body: paxRecords({ comment: '0123456789012345678901234567890123456789' }) },
        { name: 'short', pax: { path: long, mtime: '1700000000.5' }, body: 'pax' },
        { name: '././@LongLink', longName: `gnu/${'g'.repeat(200)}`, body: 'gnu', format: 'gnu' },
        { name: 'link', type: 'symlink', pax: { linkpath: `${'l'.repeat(150)}` } },
        { name: 'longlink', type: 'symlink', longLink: `${'k'.repeat(150)}`, format: 'gnu' },
        { name: 'file', prefix: 'some/prefix', body: 'p' },
        { name: 'sized', pax: { size: '4' }, size: 999, body: 'four' },
    ]);
    const entries = await inspectTar(file);
    expect(entries.map((e) => [e.path, e.linkTarget, e.size])).toEqual([
      [long, null, 3],
      [`gnu/${'g'.repeat(200)}`, null, 3],
      ['link', 'l'.repeat(150), 0],
      ['longlink', 'k'.repeat(150), 0],
      ['some/prefix/file', null, 1],
      ['sized', null, 4],
    ]);
  });

  it('reads a gzip archive by its magic bytes, whatever the extension', async () => {
    const file = path.join(makeTempDir(), 'release.bin');
    writeFileSync(file, buildTar([{ name: 'a', body: 'x' }], { gzip: true }));
    expect((await inspectTar(file)).map((e) => e.path)).toEqual(['a']);
  });

  it('accepts an empty archive', async () => {
    expect(await inspectTar(archive([]))).toEqual([]);
  });
});

describe('inspectTar: refusals', () => {
  const cases: [string, TarSpec[], RegExp][] = [
    ['an absolute path', [{ name: '/etc/passwd', body: 'x' }], /"\/etc\/passwd" its path is an absolute path/],
    ['a Windows drive path', [{ name: 'C:\\Windows\\x', body: 'x' }], /"C:\\Windows\\x" its path is an absolute path/],
    ['a UNC path', [{ name: '\\\\server\\share\\x', body: 'x' }], /its path is an absolute path/],
    ['a .. component', [{ name: 'a/../../x', body: 'x' }], /"a\/..\/..\/x" its path has a "\.\." component/],
    ['a .. behind backslashes', [{ name: 'a\\..\\..\\x', body: 'x' }], /has a "\.\." component/],
    ['a NUL in a GNU long name', [{ name: 'x', longName: 'ok\0/../../etc/passwd', body: 'x', format: 'gnu' }], /its path contains a NUL byte/],
    ['a NUL in a pax path', [{ name: 'x', pax: { path: 'a\0b' }, body: 'x' }], /contains a NUL byte/],
    ['a symlink out of the root', [{ name: 'a/link', type: 'symlink', linkname: '../../etc' }], /"a\/link" is a symlink to "\.\.\/\.\.\/etc", which resolves outside the extraction root/],
    ['an absolute symlink', [{ name: 'link', type: 'symlink', linkname: '/etc/passwd' }], /its symlink target is an absolute path/],
    ['a symlink chain that climbs out', [{ name: 'x/l', type: 'symlink', linkname: '..' }, { name: 't', type: 'symlink', linkname: 'x/l/..' }], /"t" is a symlink to "x\/l\/\.\.", which resolves outside/],
    ['a symlink reached through another letter case', [{ name: 'd/A', type: 'symlink', linkname: '..' }, { name: 't', type: 'symlink', linkname: 'd/a/..' }], /"t" is a symlink to "d\/a\/\.\.", which resolves outside/],
    ['a file beside a symlink that differs only in case', [{ name: 'Lib', type: 'symlink', linkname: 'x' }, { name: 'lib/evil', body: 'x' }], /"lib" differs only in letter case from "Lib", and one of them is a symlink/],
    ['a symlink loop', [{ name: 'a', type: 'symlink', linkname: 'b/c' }, { name: 'b', type: 'symlink', linkname: 'a/d' }], /part of a symlink loop/],
    ['an empty symlink target', [{ name: 'l', type: 'symlink', linkname: '' }], /symlink with an empty target/],
    ['a hardlink out of the root', [{ name: 'h', type: 'hardlink', linkname: '../x' }], /its hardlink target has a "\.\." component/],
    ['an absolute hardlink', [{ name: 'h', type: 'hardlink', linkname: '/etc/shadow' }], /its hardlink target is an absolute path/],
    ['a hardlink to a later file', [{ name: 'h', type: 'hardlink', linkname: 'f' }, { name: 'f', body: 'x' }], /"h" is a hardlink to "f", which is not an earlier regular file/],
    ['a hardlink to a missing file', [{ name: 'h', type: 'hardlink', linkname: 'nope' }], /not an earlier regular file/],
    ['a hardlink to a directory', [{ name: 'd/', type: 'dir' }, { name: 'h', type: 'hardlink', linkname: 'd' }], /not an earlier regular file/],
    ['a hardlink to a symlink', [{ name: 's', type: 'symlink', linkname: 'x' }, { name: 'h', type: 'hardlink', linkname: 's' }], /not an earlier regular file/],
    ['a character device', [{ name: 'dev/null', type: 'char' }], /"dev\/null" is a character device/],
    ['a block device', [{ name: 'sda', type: 'block' }], /is a block device/],
    ['a FIFO', [{ name: 'pipe', type: 'fifo' }], /is a FIFO/],
    ['a GNU sparse file', [{ name: 'sparse', type: 'S' }], /GNU sparse file/],
    ['an unknown type', [{ name: 'odd', type: 'Q' }], /unsupported entry type 'Q'/],
    ['a file written through a symlink', [{ name: 'a', type: 'symlink', linkname: 'b' }, { name: 'a/evil', body: 'x' }], /"a\/evil" would be written through the symlink "a"/],
    ['a file written through a later symlink', [{ name: 'a/evil', body: 'x' }, { name: 'a', type: 'symlink', linkname: 'b' }], /"a\/evil" would be written through the symlink "a"/],
    ['a directory and a file of one name', [{ name: 'x/', type: 'dir' }, { name: 'x', body: 'x' }], /"x" appears twice in the archive, as a dir and as a file/],
    ['a file and a symlink of one name', [{ name: 'x', body: 'x' }, { name: 'x', type: 'symlink', linkname: 'y' }], /appears twice in the archive, as a file and as a symlink/],
    ['a file used as a directory', [{ name: 'x', body: 'x' }, { name: 'x/y', body: 'y' }], /"x\/y" needs "x" to be a directory, but the archive has it as a file/],
    ['a file named as the root', [{ name: './', type: 'file', body: 'x' }], /names the extraction root itself/],
    ['a global pax header that renames entries', [{ name: 'g', type: 'g', body: paxRecords({ path: 'evil' }) }, { name: 'a', body: 'x' }], /global pax header .* sets "path"/],
  ];

  it.each(cases)('refuses %s', async (_label, entries, message) => {
    const err = await refusal(archive(entries));
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/[Nn]othing was (extracted and nothing was )?changed/);
  });

  it('lists every offending entry of a mixed archive, with its reasons, and only those', async () => {
    const err = await refusal(
      archive([
        { name: 'good/', type: 'dir' },
        { name: 'good/file', body: 'ok' },
        { name: '/abs', body: 'x' },
        { name: 'good/../../up', body: 'x' },
        { name: 'good/ok-link', type: 'symlink', linkname: 'file' },
        { name: 'good/bad-link', type: 'symlink', linkname: '../../out' },
        { name: 'null', type: 'char' },
        { name: 'good/bad-link/through', body: 'x' },
      ]),
    );
    expect(err.code).toBe('UNSAFE_ARCHIVE');
    expect(err.category).toBe('blocked');
    expect(err.entries).toEqual(['/abs', 'good/../../up', 'good/bad-link', 'null', 'good/bad-link/through']);
    expect(err.problems.map((p) => p.reason)).toEqual([
      'its path is an absolute path',
      'its path has a ".." component',
      'is a symlink to "../../out", which resolves outside the extraction root',
      'is a character device',
      'would be written through the symlink "good/bad-link"',
    ]);
    expect(err.message).toMatch(/because 5 entries could write outside the destination/);
    expect(err.toApiError().details).toMatchObject({ problems: expect.arrayContaining([{ entry: 'null', reason: 'is a character device' }]) });
  });

  it('accepts a symlink that stays inside the root, even through other in-archive symlinks', async () => {
    const file = archive([
      { name: 'lib/tool', body: 'x' },
      { name: 'bin/tool', type: 'symlink', linkname: '../lib/tool' },
      { name: 'bin/here', type: 'symlink', linkname: '.' },
      { name: 'bin/up', type: 'symlink', linkname: 'here/../lib' },
      { name: 'dangling', type: 'symlink', linkname: 'not/there' },
    ]);
    expect((await inspectTar(file)).map((e) => e.path)).toEqual(['lib/tool', 'bin/tool', 'bin/here', 'bin/up', 'dangling']);
  });

  it('still refuses a .. name that strip would remove', async () => {
    const err = await refusal(archive([{ name: '../x', body: 'x' }]), { strip: 1 });
    expect(err.entries).toEqual(['../x']);
  });

  it('refuses a hardlink whose target strip removes', async () => {
    const err = await refusal(archive([{ name: 'top', body: 'x' }, { name: 'dir/h', type: 'hardlink', linkname: 'top' }]), { strip: 1 });
    expect(err.problems[0]?.reason).toMatch(/which strip 1 leaves out/);
  });

  it('shows control characters in names escaped', async () => {
    const err = await refusal(archive([{ name: '/x\x1b[2Jy', body: 'x' }]));
    expect(err.message).toContain('/x\\x1b[2Jy');
    expect(err.message).not.toContain('\x1b');
  });
});

describe('inspectTar: broken input', () => {
  it('says a file that is not a tar is not a tar or tar.gz archive', async () => {
    const dir = makeTempDir();
    const text = path.join(dir, 'notes.tar');
    writeFileSync(text, 'hello world, this is not an archive\n'.repeat(40));
    expect(await refusal(text)).toMatchObject({ code: 'NOT_AN_ARCHIVE', message: expect.stringMatching(/notes\.tar is not a tar or tar\.gz archive: its first block is not a tar header/) });
    const zip = path.join(dir, 'a.tar.gz');
    writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(600)]));
    expect(await refusal(zip)).toMatchObject({ code: 'NOT_AN_ARCHIVE', message: expect.stringMatching(/is a zip archive, not a tar or tar\.gz archive/) });
    const gz = path.join(dir, 'text.gz');
    writeFileSync(gz, gzipSync(Buffer.from('plain text\n'.repeat(100))));
    expect(await refusal(gz)).toMatchObject({ code: 'NOT_AN_ARCHIVE', message: expect.stringMatching(/gzip-compressed, but what it holds is not a tar/) });
    const empty = path.join(dir, 'empty.tar');
    writeFileSync(empty, '');
    expect(await refusal(empty)).toMatchObject({ code: 'NOT_AN_ARCHIVE', message: expect.stringMatching(/is empty/) });
    expect(await refusal(path.join(dir, 'missing.tar'))).toMatchObject({ code: 'ARCHIVE_IO', message: expect.stringMatching(/Cannot read the archive .*missing\.tar/) });
  });

  it('refuses truncated archives, plain and gzip', async () => {
    const whole = buildTar([{ name: 'a', body: 'x'.repeat(3000) }, { name: 'b', body: 'y' }]);
    const dir = makeTempDir();
    const cut = (n: number, name: string) => {
      const f = path.join(dir, name);
      writeFileSync(f, whole.subarray(0, n));
      return f;
    };
    expect(await refusal(cut(1500, 'mid-data.tar'))).toMatchObject({ code: 'TRUNCATED_ARCHIVE', message: expect.stringMatching(/truncated: it ends inside the data of "a"/) });
    expect(await refusal(cut(512 * 7 + 100, 'mid-header.tar'))).toMatchObject({ code: 'TRUNCATED_ARCHIVE', message: expect.stringMatching(/in the middle of the header/) });
    expect(await refusal(cut(512 * 9, 'no-end.tar'))).toMatchObject({ code: 'TRUNCATED_ARCHIVE', message: expect.stringMatching(/without the end-of-archive marker/) });
    const gz = gzipSync(whole);
    const gzFile = path.join(dir, 'cut.tar.gz');
    writeFileSync(gzFile, gz.subarray(0, gz.length - 20));
    expect(await refusal(gzFile)).toMatchObject({ code: 'TRUNCATED_ARCHIVE' });
  });

  it('refuses a corrupt header and a corrupt gzip stream', async () => {
    expect(await refusal(archive([{ name: 'a', body: 'x' }, { name: 'b', body: 'y', badChecksum: true }]))).toMatchObject({
      code: 'CORRUPT_ARCHIVE',
      message: expect.stringMatching(/the header at byte 1024 has a bad checksum/),
    });
    const gz = buildTar([{ name: 'a', body: 'x'.repeat(5000) }], { gzip: true });
    gz[40] = gz[40]! ^ 0xff;
    gz[41] = gz[41]! ^ 0xff;
    const f = path.join(makeTempDir(), 'bad.tgz');
    writeFileSync(f, gz);
    expect((await refusal(f)).code).toMatch(/CORRUPT_ARCHIVE|TRUNCATED_ARCHIVE/);
    expect(await refusal(archive([{ name: 'a', pax: { size: 'ten' }, body: 'x' }]))).toMatchObject({ code: 'CORRUPT_ARCHIVE', message: expect.stringMatching(/invalid size "ten"/) });
  });

  it('caps a gzip bomb: a declared size over the cap is refused before its data is read', async () => {
    const bomb = gzipSync(buildTar([{ name: 'zeros', body: Buffer.alloc(32 * 1024 * 1024) }]), { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const f = path.join(makeTempDir(), 'bomb.tar.gz');
    writeFileSync(f, bomb);
    await expect(inspectTar(f, { maxBytes: 1024 * 1024 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      category: 'blocked',
      message: expect.stringMatching(/unpacks to more than 1048576 bytes.*gzip bomb.*Nothing was changed/),
    });
  });

  it('caps the running total over many small entries and the entry count', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `f${i}`, body: Buffer.alloc(2048) }));
    const f = archive(many, { gzip: true });
    await expect(inspectTar(f, { maxBytes: 256 * 1024 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(inspectTar(f, { maxEntries: 100 })).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/more than 100 entries/) });
    expect(await inspectTar(f)).toHaveLength(300);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(inspectTar(archive([{ name: 'a', body: 'x' }]), { signal: ac.signal })).rejects.toMatchObject({ code: 'ARCHIVE_ABORTED' });
  });
});
