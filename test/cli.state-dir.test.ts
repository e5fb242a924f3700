/**
 * When the state directory itself fails (issue 15 §4): a corrupt database, a read-only or full disk, a file where the
 * directory should be. Real processes, real files, real mounts: every failure is exit 5 with a STATE_* error naming
 * the file or directory, and the checkout is left exactly as it was; `upshift state restore` brings back the
 * verified backup, or rebuilds the projects from projects.json, and says which.
 *
 * The read-only and full-disk cases need a file system that really is read-only or full. Tests run as root, where
 * chmod does not stop writes, so they mount a read-only bind of the state directory and a 1 MiB tmpfs. Where mount is
 * not allowed (no CAP_SYS_ADMIN) they are skipped, and the skip says why; a non-root run uses chmod for read-only.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliHarness, type CliResult } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const isRoot = process.getuid?.() === 0;

/** Whether this process may mount file systems (root with CAP_SYS_ADMIN, as on the CI machines). */
const canMount = (() => {
  if (!isRoot) return false;
  const probe = makeTempDir('upshift-mount-probe-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`cli.state-dir: mount is not permitted here (${r.stderr.trim()}): the read-only bind and full-disk cases are skipped`);
    return false;
  }
  spawnSync('umount', ['-l', probe]);
  return true;
})();
if (!isRoot) console.warn('cli.state-dir: not root: the full-disk case is skipped (mounting a tmpfs needs root); read-only uses chmod');

function mount(...args: string[]): void {
  const r = spawnSync('mount', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
}

function umount(dir: string): void {
  spawnSync('umount', ['-l', dir], { encoding: 'utf8' });
}

/** A project checked out at v1.0.0 whose remote has 1.1.0. */
function project() {
  return createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'install: echo install\nsmoke: { command: echo smoke, timeoutSeconds: 20 }\n', 'app.txt': 'v0\n' },
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
    ],
    checkout: 'v1.0.0',
  });
}

/** Everything about a checkout a failed command must not change. */
function snapshot(work: string) {
  return {
    head: git(work, 'rev-parse', 'HEAD'),
    branch: git(work, 'branch', '--show-current'),
    status: git(work, 'status', '--porcelain', '--untracked-files=all'),
    stash: git(work, 'stash', 'list'),
    app: readFileSync(join(work, 'app.txt'), 'utf8'),
  };
}

interface ErrorDoc {
  error: { code: string; message: string; retryable: boolean; details?: Record<string, unknown> };
}

/** Exit 5 with exactly one JSON error document of `code` whose message names `where`. */
function expectStateError(r: CliResult, code: string, where: string): ErrorDoc['error'] {
  expect(r.code, r.stderr).toBe(5);
  const doc = r.json<ErrorDoc>();
  expect(Object.keys(doc)).toEqual(['error']);
  expect(doc.error.code).toBe(code);
  expect(doc.error.message).toContain(where);
  return doc.error;
}

function garbage(file: string): Buffer {
  const bytes = Buffer.alloc(96 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  writeFileSync(file, bytes);
  for (const s of ['-wal', '-shm']) rmSync(`${file}${s}`, { force: true });
  return bytes;
}

describe('a corrupt state database', () => {
  it('garbage bytes: exit 5 naming the file and the way back, checkout untouched; `state restore` puts the verified backup back', () => {
    const fx = project();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);
    const backup = join(cli.home, 'state.db.backup');
    expect(existsSync(backup)).toBe(true);
    // The first backup is younger than 10 minutes: age it, so the upgrade's end takes a new one.
    const old = new Date(Date.now() - 11 * 60_000);
    utimesSync(backup, old, old);
    const up = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    const opId = up.json<{ operation: { id: string } }>().operation.id;
    const status = cli.run('state', '--json');
    expect(status.code).toBe(0);
    expect(status.json<{ state: { backup: { ok: boolean; info: { operations: number; projects: string[] } } } }>().state.backup).toMatchObject({ ok: true, info: { operations: 1, projects: ['core'] } });

    const before = snapshot(fx.work);
    const db = join(cli.home, 'state.db');
    const bytes = garbage(db);
    for (const args of [['list', '--json'], ['upgrade', 'core', '--yes', '--json'], ['history', '--json']]) {
      const e = expectStateError(cli.run(...args), 'STATE_CORRUPT', db);
      expect(e.message).toContain('file is not a database');
      expect(e.message).toContain('Nothing was changed');
      expect(e.message).toContain('upshift state restore');
      expect(e.details).toMatchObject({ file: db, reason: 'corrupt', backup });
    }
    const human = cli.run('status');
    expect(human.code).toBe(5);
    expect(human.stderr).toContain(`The state database ${db} is damaged`);
    expect(snapshot(fx.work)).toEqual(before);

    const damaged = cli.run('state', '--json');
    expect(damaged.code).toBe(5);
    expect(damaged.json<{ state: { database: { status: string } } }>().state.database.status).toBe('damaged');

    const restore = cli.run('state', 'restore');
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/Moved the damaged database aside \(kept, not deleted\): .*state\.db\.corrupt-\d{8}T\d{6}Z/);
    expect(restore.stdout).toMatch(/Restored the verified backup taken (just now|\d+ minutes? ago): 1 project: core; 1 operation in the history, the last op_\S+ \(upgrade core, succeeded/);
    expect(restore.stdout).toContain('Lost: the damaged database could not be read');
    const aside = restore.stdout.match(/(\/\S+state\.db\.corrupt-\d{8}T\d{6}Z)/)![1]!;
    expect(readFileSync(aside).equals(bytes)).toBe(true);

    const history = cli.run('history', '--json');
    expect(history.code).toBe(0);
    expect(history.json<{ operations: Array<{ id: string; status: string }> }>().operations).toMatchObject([{ id: opId, status: 'succeeded' }]);
    expect(snapshot(fx.work)).toEqual(before);
    expect(cli.run('state', 'restore', '--json').code).toBe(4);
  });

  it('a truncated file without a backup: the projects are rebuilt from projects.json, and the command says so', () => {
    const fx = project();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);
    expect(cli.run('check', '--json').code).toBe(0);
    rmSync(join(cli.home, 'state.db.backup'));
    const db = join(cli.home, 'state.db');
    // Everything in the main file, then cut it in half.
    const size = statSync(db).size;
    rmSync(`${db}-shm`, { force: true });
    rmSync(`${db}-wal`, { force: true });
    truncateSync(db, Math.floor(size / 2));
    const before = snapshot(fx.work);

    expectStateError(cli.run('plan', 'core', '--json'), 'STATE_CORRUPT', db);
    expect(snapshot(fx.work)).toEqual(before);

    const restore = cli.run('state', 'restore', '--json');
    expect(restore.code, restore.stderr).toBe(0);
    const report = restore.json<{ restore: { source: string; projects: string[]; operations: number; backupProblem: string; movedAside: string[] } }>().restore;
    expect(report).toMatchObject({ source: 'mirror', projects: ['core'], operations: 0 });
    expect(report.backupProblem).toContain('no backup');
    expect(statSync(report.movedAside[0]!).size).toBe(Math.floor(size / 2));
    const list = cli.run('list', '--json');
    expect(list.code).toBe(0);
    expect(list.json<{ projects: Array<{ name: string; path: string }> }>().projects).toMatchObject([{ name: 'core', path: fx.work }]);
    expect(cli.run('plan', 'core', '--json').code).toBe(0);
  });
});

describe('a state directory that cannot be written', () => {
  it.skipIf(!isRoot ? false : !canMount)(
    isRoot ? 'read-only (a read-only bind mount of UPSHIFT_HOME): exit 5 STATE_READ_ONLY naming it, checkout untouched' : 'read-only (chmod 0500, not root): exit 5 STATE_READ_ONLY naming it, checkout untouched',
    () => {
      const fx = project();
      const cli = new CliHarness();
      expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);
      const before = snapshot(fx.work);
      const fresh = join(cli.home, 'new-home');
      if (isRoot) mount('--bind', '-o', 'ro', cli.home, cli.home);
      else chmodSync(cli.home, 0o500);
      try {
        const e = expectStateError(cli.run('upgrade', 'core', '--yes', '--json'), 'STATE_READ_ONLY', cli.home);
        expect(e.message).toMatch(/read-only|permission denied/);
        expect(e.message).toContain('UPSHIFT_HOME');
        // A state directory still to be created on that file system.
        const other = new CliHarness({ UPSHIFT_HOME: fresh });
        expectStateError(other.run('list', '--json'), 'STATE_READ_ONLY', cli.home);
        expect(snapshot(fx.work)).toEqual(before);
      } finally {
        if (isRoot) umount(cli.home);
        else chmodSync(cli.home, 0o700);
      }
      expect(existsSync(fresh)).toBe(false);
      expect(cli.run('list', '--json').code).toBe(0);
    },
  );

  it('a file where the state directory should be: exit 5 STATE_UNAVAILABLE naming the file', () => {
    const fx = project();
    const dir = makeTempDir('upshift-notdir-');
    const file = join(dir, 'upshift');
    writeFileSync(file, 'not a directory\n');
    const cli = new CliHarness({ UPSHIFT_HOME: join(file, 'home') });
    const before = snapshot(fx.work);
    const e = expectStateError(cli.run('add', fx.work, '--json'), 'STATE_UNAVAILABLE', `${file} is a file, not a directory`);
    expect(e.message).toContain('Nothing was changed');
    const atFile = new CliHarness({ UPSHIFT_HOME: file });
    expectStateError(atFile.run('list', '--json'), 'STATE_UNAVAILABLE', file);
    expect(readFileSync(file, 'utf8')).toBe('not a directory\n');
    expect(snapshot(fx.work)).toEqual(before);
  });

  it.skipIf(!canMount)('a full disk (a 1 MiB tmpfs filled up): exit 5 STATE_DISK_FULL saying the disk is full and where, checkout untouched', () => {
    const fx = project();
    const disk = makeTempDir('upshift-full-');
    mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk);
    try {
      const home = join(disk, 'home');
      const cli = new CliHarness({ UPSHIFT_HOME: home });
      expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);
      const before = snapshot(fx.work);
      // Fill the disk to the last block.
      const filler = join(disk, 'filler');
      try {
        writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      const up = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
      const e = expectStateError(up, 'STATE_DISK_FULL', home);
      expect(e.message).toMatch(/^The disk is full/);
      expect(e.retryable).toBe(true);
      expect(snapshot(fx.work)).toEqual(before);
      // A state directory still to be created on the full disk.
      expectStateError(new CliHarness({ UPSHIFT_HOME: join(disk, 'other') }).run('list', '--json'), 'STATE_DISK_FULL', join(disk, 'other'));
      // Space again: the same command works, and nothing was left half-done.
      rmSync(filler);
      const retry = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
      expect(retry.code, retry.stderr).toBe(0);
      expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
    } finally {
      umount(disk);
    }
  });
});
