import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LockHeldError, ProjectLock, assessOwner, currentBootId, isProcessAlive, processStartTime } from './lock.js';
import { StateStore } from './store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

/**
 * Child processes run the real lock code: the state module (and errors.ts) transpiled to plain ESM in a temp
 * tree that mirrors the repository layout, with node_modules linked in for better-sqlite3.
 */
let buildDir: string;
let childScript: string;

function transpileInto(src: string, dest: string): void {
  const out = ts.transpileModule(readFileSync(src, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: src,
  });
  mkdirSync(path.dirname(dest), { recursive: true });
  writeFileSync(dest, out.outputText);
}

beforeAll(() => {
  buildDir = mkdtempSync(path.join(tmpdir(), 'upshift-lockbuild-'));
  for (const f of readdirSync(here).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    transpileInto(path.join(here, f), path.join(buildDir, 'electron/core/state', f.replace(/\.ts$/, '.js')));
  }
  transpileInto(path.join(repoRoot, 'electron/core/errors.ts'), path.join(buildDir, 'electron/core/errors.js'));
  writeFileSync(path.join(buildDir, 'package.json'), '{"type":"module"}');
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(buildDir, 'node_modules'), 'dir');
  childScript = path.join(buildDir, 'lock-child.mjs');
  // argv: home project operationId
  // Prints one JSON line: {ok:true, pid} or {ok:false, code, message}, then stays alive holding the lock until killed.
  writeFileSync(
    childScript,
    `import { StateStore } from './electron/core/state/store.js';
import { ProjectLock } from './electron/core/state/lock.js';
const [home, project, operationId] = process.argv.slice(2);
const store = StateStore.open(home);
try {
  const lock = ProjectLock.acquire(store, project, { operationId });
  console.log(JSON.stringify({ ok: true, pid: process.pid, tookOver: lock.tookOver?.state ?? null }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, code: err.code, message: err.message }));
}
setInterval(() => {}, 1000);
`,
  );
});

afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
});

let dir: string;
let home: string;
let store: StateStore;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'upshift-lock-'));
  home = path.join(dir, 'home');
  store = StateStore.open(home);
});

afterEach(() => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ChildReport {
  ok: boolean;
  pid?: number;
  code?: string;
  message?: string;
  tookOver?: string | null;
}

function startChild(project: string, operationId: string): { child: ChildProcess; report: Promise<ChildReport> } {
  const child = spawn(process.execPath, [childScript, home, project, operationId], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const report = new Promise<ChildReport>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as ChildReport);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`lock child exited (${code}) before reporting: ${err}`)));
  });
  return { child, report };
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('process identity', () => {
  it('reads this process start time and boot id on Linux', () => {
    if (process.platform !== 'linux') {
      expect(processStartTime(process.pid)).toBeNull();
      return;
    }
    const t = processStartTime(process.pid);
    expect(typeof t).toBe('number');
    expect(t).toBe(processStartTime(process.pid));
    expect(currentBootId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(processStartTime(-1)).toBeNull();
  });

  it('isProcessAlive: self yes; wrong start time, wrong boot, exited and invalid pids no', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(process.pid, processStartTime(process.pid))).toBe(true);
    if (process.platform === 'linux') {
      expect(isProcessAlive(process.pid, (processStartTime(process.pid) ?? 0) + 1)).toBe(false);
      expect(isProcessAlive(process.pid, null, '00000000-0000-0000-0000-000000000000')).toBe(false);
      expect(isProcessAlive(process.pid, null, currentBootId())).toBe(true);
    }
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await waitExit(child);
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-5)).toBe(false);
    expect(isProcessAlive(1.5)).toBe(false);
  });
});

describe('ProjectLock', () => {
  it('is refused at once while another live process holds it; taken over after kill -9', async () => {
    const holder = startChild('web', 'op_holder');
    const report = await holder.report;
    expect(report).toMatchObject({ ok: true, pid: holder.child.pid, tookOver: null });

    const t0 = performance.now();
    let refused: unknown;
    try {
      ProjectLock.acquire(store, 'web', { operationId: 'op_mine' });
    } catch (err) {
      refused = err;
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(refused).toBeInstanceOf(LockHeldError);
    const held = refused as LockHeldError;
    expect(held.code).toBe('LOCK_HELD');
    expect(held.category).toBe('blocked');
    expect(held.owner).toMatchObject({ project: 'web', pid: holder.child.pid, operationId: 'op_holder', host: hostname() });
    expect(held.message).toContain(`pid ${holder.child.pid}`);
    expect(held.message).toContain('op_holder');
    expect(held.message).toContain(held.owner.acquiredAt);
    expect(ProjectLock.inspect(store, 'web')).toMatchObject({ state: 'alive', stale: false });

    // a second process is refused too
    const second = startChild('web', 'op_second');
    expect(await second.report).toMatchObject({ ok: false, code: 'LOCK_HELD' });

    // another project is independent
    const other = ProjectLock.acquire(store, 'api');
    other.release();

    holder.child.kill('SIGKILL');
    await waitExit(holder.child);
    expect(ProjectLock.inspect(store, 'web')).toMatchObject({ state: 'dead', stale: true });
    const lock = ProjectLock.acquire(store, 'web', { operationId: 'op_mine' });
    expect(lock.tookOver).toMatchObject({ state: 'dead', owner: { pid: holder.child.pid, operationId: 'op_holder' } });
    expect(lock.owner).toMatchObject({ pid: process.pid, operationId: 'op_mine' });
    lock.release();
    expect(ProjectLock.inspect(store, 'web')).toBeNull();
  });

  it('exactly one of several processes racing for a stale lock gets it', async () => {
    insertLock('web', { pid: 999_999_9, pidStartTime: 1 });
    const racers = Array.from({ length: 6 }, (_, i) => startChild('web', `op_racer${i}`));
    const reports = await Promise.all(racers.map((r) => r.report));
    const winners = reports.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.tookOver).toBe('dead');
    for (const r of reports.filter((x) => !x.ok)) expect(r.code).toBe('LOCK_HELD');
    expect(ProjectLock.inspect(store, 'web')?.owner.pid).toBe(winners[0]!.pid);
  });

  it('a second acquire in the same process is refused', () => {
    const lock = ProjectLock.acquire(store, 'web');
    const other = StateStore.open(home);
    try {
      expect(() => ProjectLock.acquire(other, 'web')).toThrow(LockHeldError);
      expect(() => ProjectLock.acquire(store, 'web')).toThrow(/is locked by an operation, pid/);
    } finally {
      other.close();
      lock.release();
    }
  });

  it.runIf(process.platform === 'linux')('detects pid reuse: own pid with a different start time is stale', () => {
    const real = processStartTime(process.pid)!;
    insertLock('web', { pid: process.pid, pidStartTime: real - 1, operationId: 'op_old' });
    expect(assessOwner({ pid: process.pid, pidStartTime: real - 1, bootId: currentBootId(), host: hostname() })).toBe('pid-reused');
    const lock = ProjectLock.acquire(store, 'web', { operationId: 'op_new' });
    expect(lock.tookOver).toMatchObject({ state: 'pid-reused', owner: { operationId: 'op_old' } });
    lock.release();
  });

  it.runIf(process.platform === 'linux')('a lock from before a reboot is stale', () => {
    insertLock('web', { pid: process.pid, pidStartTime: processStartTime(process.pid), bootId: 'another-boot' });
    const lock = ProjectLock.acquire(store, 'web');
    expect(lock.tookOver?.state).toBe('rebooted');
    lock.release();
  });

  it('a lock taken on another host is held, and the error says so', () => {
    insertLock('web', { pid: 1234, host: 'build-box-7', operationId: 'op_remote' });
    let err: unknown;
    try {
      ProjectLock.acquire(store, 'web');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).ownerState).toBe('other-host');
    expect((err as LockHeldError).message).toMatch(/pid 1234 .*on host build-box-7/);
    expect((err as LockHeldError).message).toContain('op_remote');
    expect(ProjectLock.forceRelease(store, 'web')).toMatchObject({ host: 'build-box-7' });
    ProjectLock.acquire(store, 'web').release();
  });

  it('release is idempotent and never removes a lock someone else has since taken', () => {
    const lock = ProjectLock.acquire(store, 'web');
    lock.setOperation('op_1');
    expect(ProjectLock.inspect(store, 'web')?.owner.operationId).toBe('op_1');
    expect(lock.stillHeld()).toBe(true);
    lock.release();
    lock.release();
    expect(lock.held).toBe(false);
    expect(ProjectLock.inspect(store, 'web')).toBeNull();

    const a = ProjectLock.acquire(store, 'web');
    ProjectLock.forceRelease(store, 'web');
    const b = ProjectLock.acquire(store, 'web');
    expect(a.stillHeld()).toBe(false);
    a.release();
    expect(ProjectLock.inspect(store, 'web')?.owner).toEqual(b.owner);
    b.release();
  });

  it('release after the store is closed does not throw', () => {
    const s = StateStore.open(home);
    const lock = ProjectLock.acquire(s, 'x');
    s.close();
    expect(() => lock.release()).not.toThrow();
  });
});

function insertLock(
  project: string,
  o: { pid: number; pidStartTime?: number | null; bootId?: string | null; host?: string; operationId?: string | null },
): void {
  store.database
    .prepare('INSERT INTO locks (project, token, pid, pid_start_time, boot_id, host, user, operation_id, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(project, 'fake-token', o.pid, o.pidStartTime ?? null, o.bootId === undefined ? currentBootId() : o.bootId, o.host ?? hostname(), 'someone', o.operationId ?? null, '2026-11-21T10:00:00.000Z');
}
