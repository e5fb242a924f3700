import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFiles, git, makeTempDir } from '../../../test/helpers/repos.js';
import { writeTar, type TarSpec } from '../../../test/helpers/tar-builder.js';
import { ArchiveError } from './errors.js';
import { extractTar, inspectTar } from './tar.js';

/** The destination's parent holds nothing but what the test put there: no `<dest>.partial-*` left behind. */
function leftovers(dest: string): string[] {
  return readdirSync(path.dirname(dest)).filter((n) => n.startsWith(`${path.basename(dest)}.partial-`));
}

async function refused(file: string, dest: string, opts: Parameters<typeof extractTar>[2] = {}): Promise<ArchiveError> {
  const err = await extractTar(file, dest, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveError);
  expect(existsSync(dest)).toBe(false);
  expect(leftovers(dest)).toEqual([]);
  return err as ArchiveError;
}

/** A release tarball shaped like node_exporter-1.8.2.linux-amd64.tar.gz, made by the system tar. */
function nodeExporterTarball(dir: string): string {
  const src = path.join(dir, 'src');
  const top = path.join(src, 'node_exporter-1.8.2.linux-amd64');
  mkdirSync(top, { recursive: true });
  writeFileSync(path.join(top, 'node_exporter'), '#!/bin/sh\necho node_exporter 1.8.2\n');
  chmodSync(path.join(top, 'node_exporter'), 0o755);
  writeFileSync(path.join(top, 'LICENSE'), 'Apache License 2.0\n');
  writeFileSync(path.join(top, 'NOTICE'), 'Prometheus node_exporter\n');
  const file = path.join(dir, 'node_exporter-1.8.2.linux-amd64.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', src, 'node_exporter-1.8.2.linux-amd64']);
  return file;
}

describe('extractTar', () => {
  it('unpacks a system-tar release tarball with strip 1, keeping the exec bit', async () => {
    const dir = makeTempDir();
    const file = nodeExporterTarball(dir);
    const dest = path.join(dir, 'versions', '1.8.2');
    const result = await extractTar(file, dest, { strip: 1 });
    expect(result).toMatchObject({ files: 3, bytes: readFileSync(file).length > 0 ? expect.any(Number) : 0 });
    expect(readdirSync(dest).sort()).toEqual(['LICENSE', 'NOTICE', 'node_exporter']);
    expect(readFileSync(path.join(dest, 'node_exporter'), 'utf8')).toContain('node_exporter 1.8.2');
    expect(statSync(path.join(dest, 'node_exporter')).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(dest, 'LICENSE')).mode & 0o111).toBe(0);
    expect(result.bytes).toBe(['node_exporter', 'LICENSE', 'NOTICE'].reduce((n, f) => n + statSync(path.join(dest, f)).size, 0));
    expect(leftovers(dest)).toEqual([]);
  });

  it('unpacks a system-tar archive with long names (pax) and symlinks, and a git archive (global pax header)', async () => {
    const dir = makeTempDir();
    const src = path.join(dir, 'src');
    const deep = path.join(src, 'pkg', 'a'.repeat(90), 'b'.repeat(90));
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, `${'c'.repeat(120)}.txt`), 'deep');
    mkdirSync(path.join(src, 'pkg', 'bin'));
    symlinkSync(`../${'a'.repeat(90)}/${'b'.repeat(90)}/${'c'.repeat(120)}.txt`, path.join(src, 'pkg', 'bin', 'link'));
    const pax = path.join(dir, 'pax.tar');
    execFileSync('tar', ['--format=pax', '-cf', pax, '-C', src, 'pkg']);
    const gnu = path.join(dir, 'gnu.tar');
    execFileSync('tar', ['--format=gnu', '-cf', gnu, '-C', src, 'pkg']);
    for (const [file, name] of [[pax, 'out-pax'], [gnu, 'out-gnu']] as const) {
      const dest = path.join(dir, name);
      await extractTar(file, dest, { strip: 1 });
      expect(readFileSync(path.join(dest, 'bin', 'link'), 'utf8')).toBe('deep');
      expect(lstatSync(path.join(dest, 'bin', 'link')).isSymbolicLink()).toBe(true);
    }

    const work = path.join(dir, 'repo');
    mkdirSync(work);
    git(work, 'init', '-q');
    commitFiles(work, { 'README.md': 'hello', 'bin/run': { content: '#!/bin/sh\n', executable: true } });
    const archive = path.join(dir, 'proj-1.0.tar.gz');
    git(work, 'archive', '--format=tar.gz', '--prefix=proj-1.0/', '-o', archive, 'HEAD');
    const dest = path.join(dir, 'proj');
    await extractTar(archive, dest, { strip: 1 });
    expect(readFileSync(path.join(dest, 'README.md'), 'utf8')).toBe('hello');
    expect(statSync(path.join(dest, 'bin', 'run')).mode & 0o111).toBe(0o111);
  });

  it('drops setuid, setgid, sticky and group/other write bits; directories keep their exec bits', async () => {
    const dir = makeTempDir();
    const file = writeTar(path.join(dir, 'modes.tar'), [
      { name: 'ro/', type: 'dir', mode: 0o1555 },
      { name: 'ro/suid', body: 'x', mode: 0o4755 },
      { name: 'ro/sgid', body: 'x', mode: 0o2775 },
      { name: 'ro/none', body: 'x', mode: 0o000 },
      { name: 'ro/world', body: 'x', mode: 0o666 },
    ]);
    const dest = path.join(dir, 'out');
    await extractTar(file, dest);
    const mode = (p: string) => statSync(path.join(dest, p)).mode & 0o7777;
    expect(mode('ro')).toBe(0o755);
    expect(mode('ro/suid')).toBe(0o755);
    expect(mode('ro/sgid')).toBe(0o755);
    expect(mode('ro/none')).toBe(0o600);
    expect(mode('ro/world')).toBe(0o644);
  });

  it('writes an inside symlink as a symlink, a hardlink as a link, and a later duplicate file over the first', async () => {
    const dir = makeTempDir();
    const file = writeTar(path.join(dir, 'links.tar'), [
      { name: 'lib/tool', body: 'v1' },
      { name: 'bin/tool', type: 'symlink', linkname: '../lib/tool' },
      { name: 'bin/hard', type: 'hardlink', linkname: 'lib/tool' },
      { name: 'lib/tool', body: 'v2' },
    ]);
    const dest = path.join(dir, 'out');
    const result = await extractTar(file, dest);
    expect(result.files).toBe(3);
    expect(readlinkSync(path.join(dest, 'bin/tool'))).toBe('../lib/tool');
    expect(readFileSync(path.join(dest, 'bin/tool'), 'utf8')).toBe('v2');
    expect(readFileSync(path.join(dest, 'bin/hard'), 'utf8')).toBe('v1');
  });

  const hostile: [string, TarSpec[]][] = [
    ['absolute path', [{ name: 'ok', body: 'x' }, { name: '/tmp/upshift-evil', body: 'x' }]],
    ['.. component', [{ name: 'ok', body: 'x' }, { name: '../evil', body: 'x' }]],
    ['NUL byte', [{ name: 'x', longName: 'a\0b', body: 'x', format: 'gnu' }]],
    ['symlink out', [{ name: 'l', type: 'symlink', linkname: '../../../../etc' }]],
    ['absolute symlink', [{ name: 'l', type: 'symlink', linkname: '/etc' }]],
    ['write through symlink', [{ name: 'l', type: 'symlink', linkname: 'sub' }, { name: 'l/x', body: 'x' }]],
    ['hardlink out', [{ name: 'h', type: 'hardlink', linkname: '/etc/passwd' }]],
    ['hardlink to nothing', [{ name: 'h', type: 'hardlink', linkname: 'later' }, { name: 'later', body: 'x' }]],
    ['character device', [{ name: 'null', type: 'char' }]],
    ['fifo', [{ name: 'p', type: 'fifo' }]],
    ['type clash', [{ name: 'x/', type: 'dir' }, { name: 'x', body: 'x' }]],
  ];

  it.each(hostile)('refuses an archive with a %s and leaves neither the destination nor a temp directory', async (_label, entries) => {
    const dir = makeTempDir();
    const file = writeTar(path.join(dir, 'evil.tar'), entries);
    const err = await refused(file, path.join(dir, 'out'));
    expect(err.code).toBe('UNSAFE_ARCHIVE');
    expect(existsSync('/tmp/upshift-evil')).toBe(false);
  });

  it('refuses a truncated archive, not-an-archive and a bomb without creating the destination', async () => {
    const dir = makeTempDir();
    const whole = writeTar(path.join(dir, 'whole.tar'), [{ name: 'a', body: 'x'.repeat(4000) }]);
    const cut = path.join(dir, 'cut.tar');
    writeFileSync(cut, readFileSync(whole).subarray(0, 2000));
    expect((await refused(cut, path.join(dir, 'out1'))).code).toBe('TRUNCATED_ARCHIVE');
    const text = path.join(dir, 'text.tar');
    writeFileSync(text, 'x'.repeat(2000));
    expect((await refused(text, path.join(dir, 'out2'))).message).toMatch(/not a tar or tar\.gz archive/);
    const bomb = writeTar(path.join(dir, 'bomb.tgz'), [{ name: 'z', body: Buffer.alloc(8 * 1024 * 1024) }], { gzip: true });
    expect((await refused(bomb, path.join(dir, 'out3'), { maxBytes: 1024 * 1024 })).code).toBe('TOO_LARGE');
  });

  it('refuses an existing destination and leaves it untouched', async () => {
    const dir = makeTempDir();
    const file = writeTar(path.join(dir, 'a.tar'), [{ name: 'a', body: 'new' }]);
    const dest = path.join(dir, 'out');
    mkdirSync(dest);
    writeFileSync(path.join(dest, 'a'), 'old');
    await expect(extractTar(file, dest)).rejects.toMatchObject({ code: 'DEST_EXISTS', category: 'blocked', message: expect.stringMatching(/already exists\. It was left as it is/) });
    expect(readFileSync(path.join(dest, 'a'), 'utf8')).toBe('old');
    expect(leftovers(dest)).toEqual([]);
  });

  it('removes the partial directory when cancelled midway', async () => {
    const dir = makeTempDir();
    const file = writeTar(path.join(dir, 'a.tar'), [{ name: 'a', body: 'a' }, { name: 'b', body: 'b' }, { name: 'c', body: 'c' }]);
    const ac = new AbortController();
    const seen: string[] = [];
    const err = await refused(file, path.join(dir, 'out'), {
      signal: ac.signal,
      onEntry: (e) => {
        seen.push(e.path);
        ac.abort();
      },
    });
    expect(seen).toEqual(['a']);
    expect(err.code).toBe('ARCHIVE_ABORTED');
    expect(err.message).toMatch(/The partial extraction was removed; .*out was not created\./);
  });

  it('does not replace a destination that appeared while extracting, and removes its own temp directory', async () => {
    const dir = makeTempDir();
    const file = writeTar(path.join(dir, 'a.tar'), [{ name: 'a', body: 'a' }]);
    const dest = path.join(dir, 'out');
    await expect(extractTar(file, dest, { onEntry: () => mkdirSync(dest) })).rejects.toMatchObject({ code: 'DEST_EXISTS' });
    expect(readdirSync(dest)).toEqual([]);
    expect(leftovers(dest)).toEqual([]);
  });

  it('inspectTar and extractTar agree on what is written', async () => {
    const dir = makeTempDir();
    const file = nodeExporterTarball(dir);
    const listed = await inspectTar(file, { strip: 1 });
    const { entries } = await extractTar(file, path.join(dir, 'out'), { strip: 1 });
    expect(entries).toEqual(listed);
  });
});
