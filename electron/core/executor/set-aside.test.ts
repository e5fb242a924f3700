// Snapshot modes of dependency directories (issue 12 §3): move (a rename), reflink clone where the file system
// supports it, copy otherwise; every restore exact. Real files in temp directories; the reflink case runs only where
// the machine's temp file system can clone, and says why it is skipped otherwise.
import { constants, copyFileSync, chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeTempDir } from '../../../test/helpers/repos.js';
import { cloneTree } from './clone-tree.js';
import { planSetAside, restoreSetAside, setAside } from './set-aside.js';

afterAll(() => cleanupTempDirs());

/** A small dependency directory: nested files, an executable, a read-only directory, symlinks (one dangling). */
function dependencyDir(root: string): string {
  const dir = path.join(root, 'node_modules');
  mkdirSync(path.join(dir, 'left-pad', 'lib'), { recursive: true });
  mkdirSync(path.join(dir, '.bin'), { recursive: true });
  writeFileSync(path.join(dir, 'left-pad', 'package.json'), '{"name":"left-pad","version":"1.3.0"}\n');
  writeFileSync(path.join(dir, 'left-pad', 'lib', 'index.js'), 'module.exports = (s, n) => s.padStart(n);\n');
  writeFileSync(path.join(dir, 'left-pad', 'big.bin'), Buffer.alloc(256 * 1024, 7));
  writeFileSync(path.join(dir, 'left-pad', 'cli.js'), '#!/usr/bin/env node\n');
  chmodSync(path.join(dir, 'left-pad', 'cli.js'), 0o755);
  symlinkSync('../left-pad/cli.js', path.join(dir, '.bin', 'left-pad'));
  symlinkSync('../nowhere', path.join(dir, '.bin', 'dangling'));
  for (let i = 0; i < 30; i++) writeFileSync(path.join(dir, 'left-pad', 'lib', `m${i}.js`), `// ${i}\n`);
  mkdirSync(path.join(dir, 'frozen'));
  writeFileSync(path.join(dir, 'frozen', 'x.txt'), 'x\n');
  utimesSync(path.join(dir, 'left-pad', 'package.json'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));
  chmodSync(path.join(dir, 'frozen'), 0o555);
  return dir;
}

/** Everything a restore must bring back: each entry's kind, mode, size, content (or link target) and mtime. */
function describeTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
    else if (st.isDirectory()) {
      out[rel] = `dir ${(st.mode & 0o7777).toString(8)}`;
      for (const n of readdirSync(p).sort()) walk(path.join(p, n), `${rel}/${n}`);
    } else out[rel] = `file ${(st.mode & 0o7777).toString(8)} ${st.size} ${Math.round(st.mtimeMs)} ${readFileSync(p).toString('base64').slice(0, 40)}`;
  };
  walk(dir, '.');
  return out;
}

/** Whether FICLONE works between two files in the temp directory (btrfs, XFS with reflink, APFS). */
function reflinkSupported(dir: string): string | null {
  const a = path.join(dir, 'probe-a');
  writeFileSync(a, 'probe');
  try {
    copyFileSync(a, path.join(dir, 'probe-b'), constants.COPYFILE_FICLONE_FORCE);
    return null;
  } catch (e) {
    return `${(e as NodeJS.ErrnoException).code}: the temp file system cannot clone files`;
  }
}

describe('cloneTree', () => {
  it('copies a tree exactly (modes, symlinks verbatim, times) and reports progress and the method used', () => {
    const root = makeTempDir();
    const src = dependencyDir(root);
    const seen: number[] = [];
    const r = cloneTree(src, path.join(root, 'copy'), { force: 'copy', progressEvery: 10, onProgress: (p) => seen.push(p.files) });
    expect(r.method).toBe('copy');
    expect(r.files).toBe(Object.keys(describeTree(src)).filter((k) => !describeTree(src)[k]!.startsWith('dir')).length);
    expect(r.bytes).toBeGreaterThan(256 * 1024);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toBe(r.files);
    expect(describeTree(path.join(root, 'copy'))).toEqual(describeTree(src));
  });

  it('falls back to a copy where the file system cannot clone, and clones by reflink where it can', (ctx) => {
    const root = makeTempDir();
    const src = dependencyDir(root);
    const why = reflinkSupported(root);
    const r = cloneTree(src, path.join(root, 'auto'));
    expect(describeTree(path.join(root, 'auto'))).toEqual(describeTree(src));
    if (why) {
      expect(r.method).toBe('copy');
      console.log(`reflink clone not tested here (${why}); the fallback copy was`);
      ctx.skip();
    }
    expect(r.method).toBe('reflink');
    expect(r.bytes).toBe(0);
  });

  it('a forced reflink on a file system without it fails instead of copying', (ctx) => {
    const root = makeTempDir();
    const src = dependencyDir(root);
    if (!reflinkSupported(root)) {
      console.log('the temp file system clones files: a forced reflink cannot fail here');
      ctx.skip();
    }
    expect(() => cloneTree(src, path.join(root, 'x'), { force: 'reflink' })).toThrow(/ENOTSUP|EOPNOTSUPP|EXDEV|EINVAL|ENOSYS|ENOTTY|EPERM/);
  });
});

describe('setAside and restoreSetAside', () => {
  it('move: a rename there and back (same inode), exact, the install-made directory replaced and removed', () => {
    const root = makeTempDir();
    const project = path.join(root, 'project');
    mkdirSync(project);
    const dir = dependencyDir(project);
    const before = describeTree(dir);
    const inode = lstatSync(dir).ino;
    const [entry] = planSetAside(path.join(root, 'snap'), [{ path: 'node_modules', mode: 'move' }]);
    const done = setAside(project, entry!);
    expect(done).toMatchObject({ done: true, absent: false, method: 'rename' });
    expect(existsSync(dir)).toBe(false);
    // The install made a new one (npm ci), and then the upgrade failed.
    mkdirSync(path.join(dir, 'new-dep'), { recursive: true });
    writeFileSync(path.join(dir, 'new-dep', 'index.js'), 'new\n');
    restoreSetAside(project, done);
    expect(describeTree(dir)).toEqual(before);
    expect(lstatSync(dir).ino).toBe(inode);
    expect(readdirSync(path.join(root, 'snap'))).toEqual([]);
  });

  it('copy: the original stays, restore renames the saved copy back exactly; keepStored clones it and keeps the copy', () => {
    const root = makeTempDir();
    const project = path.join(root, 'project');
    mkdirSync(project);
    const dir = dependencyDir(project);
    const before = describeTree(dir);
    const [entry] = planSetAside(path.join(root, 'snap'), [{ path: 'node_modules', mode: 'copy' }]);
    const done = setAside(project, entry!);
    expect(done.method === 'copy' || done.method === 'reflink').toBe(true);
    expect(describeTree(dir)).toEqual(before);
    // The install changed it in place.
    chmodSync(path.join(dir, 'frozen'), 0o755);
    writeFileSync(path.join(dir, 'left-pad', 'package.json'), '{"version":"2.0.0"}\n');
    writeFileSync(path.join(dir, 'frozen', 'added.txt'), 'added\n');
    restoreSetAside(project, done, { keepStored: true });
    expect(describeTree(dir)).toEqual(before);
    expect(describeTree(done.stored)).toEqual(before);
    writeFileSync(path.join(dir, 'left-pad', 'package.json'), '{"version":"3.0.0"}\n');
    restoreSetAside(project, done);
    expect(describeTree(dir)).toEqual(before);
    expect(existsSync(done.stored)).toBe(false);
  });

  it('a restore interrupted after the replaced tree was renamed away finishes on the next run and leaves nothing behind', () => {
    const root = makeTempDir();
    const project = path.join(root, 'project');
    mkdirSync(project);
    const dir = dependencyDir(project);
    const before = describeTree(dir);
    const [entry] = planSetAside(path.join(root, 'snap'), [{ path: 'node_modules', mode: 'move' }]);
    const done = setAside(project, entry!);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'junk.js'), 'junk\n');
    // What a crash between the two renames leaves: the install's tree beside the saved copy, the path empty.
    renameSync(dir, `${done.stored}.replaced`);
    restoreSetAside(project, done);
    expect(describeTree(dir)).toEqual(before);
    expect(existsSync(`${done.stored}.replaced`)).toBe(false);
    // And a crash after the second rename: the saved copy is back, the replaced tree still there.
    mkdirSync(`${done.stored}.replaced`);
    restoreSetAside(project, done);
    expect(describeTree(dir)).toEqual(before);
    expect(existsSync(`${done.stored}.replaced`)).toBe(false);
  });

  it('a path that did not exist is removed on restore', () => {
    const root = makeTempDir();
    const project = path.join(root, 'project');
    mkdirSync(project);
    const [entry] = planSetAside(path.join(root, 'snap'), [{ path: '.venv', mode: 'copy' }]);
    const done = setAside(project, entry!);
    expect(done).toMatchObject({ absent: true });
    mkdirSync(path.join(project, '.venv'));
    restoreSetAside(project, done);
    expect(existsSync(path.join(project, '.venv'))).toBe(false);
  });
});

/**
 * A btrfs file system in a 256 MB loop image, mounted for the test, or why it could not be (not root, no
 * mkfs.btrfs, no loop devices): the reflink case then runs where the machine allows instead of only on btrfs hosts.
 */
function mountBtrfs(root: string): { dir: string; unmount(): void } | string {
  if (process.getuid?.() !== 0) return 'not root, so no loop mount';
  const mkfs = spawnSync('sh', ['-c', 'command -v mkfs.btrfs'], { encoding: 'utf8' });
  if (mkfs.status !== 0) return 'mkfs.btrfs is not installed (apt-get install btrfs-progs)';
  const image = path.join(root, 'btrfs.img');
  const dir = path.join(root, 'mnt');
  mkdirSync(dir);
  writeFileSync(image, '');
  const steps: Array<[string, string[]]> = [
    ['truncate', ['-s', '256M', image]],
    [mkfs.stdout.trim(), ['-q', image]],
    ['mount', ['-o', 'loop', image, dir]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) return `${cmd} failed: ${(r.stderr || r.error?.message || '').trim()}`;
  }
  return { dir, unmount: () => void spawnSync('umount', [dir]) };
}

describe('reflink on a loop-mounted btrfs', () => {
  it('clones every file by reflink (no data copied), the clone and the restore exact', (ctx) => {
    const root = makeTempDir();
    const fs = mountBtrfs(root);
    if (typeof fs === 'string') {
      console.log(`btrfs reflink case skipped: ${fs}`);
      ctx.skip();
      return;
    }
    try {
      const project = path.join(fs.dir, 'project');
      mkdirSync(project);
      const dir = dependencyDir(project);
      const before = describeTree(dir);
      const [entry] = planSetAside(path.join(fs.dir, 'snap'), [{ path: 'node_modules', mode: 'copy' }]);
      const done = setAside(project, entry!);
      expect(done.method).toBe('reflink');
      expect(describeTree(done.stored)).toEqual(before);
      writeFileSync(path.join(dir, 'left-pad', 'big.bin'), 'changed by the install\n');
      restoreSetAside(project, done);
      expect(describeTree(dir)).toEqual(before);
      const r = cloneTree(dir, path.join(fs.dir, 'again'));
      expect(r).toMatchObject({ method: 'reflink', bytes: 0 });
    } finally {
      fs.unmount();
    }
  });
});
