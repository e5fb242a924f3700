import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Operation, ProjectCheck } from '../../../shared/api/types.js';
import { MIGRATIONS, SCHEMA_VERSION, openDatabase, type Migration } from './db.js';
import { newOperationId } from './operations.js';
import { processStartTime } from './proc.js';
import { StateStore } from './store.js';

let dir: string;
let store: StateStore | undefined;

/** A controllable clock: each call returns the current time; tick() moves it. */
function fakeClock(start = '2026-11-21T10:15:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    tick: (ms: number) => {
      t += ms;
    },
  };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'upshift-store-'));
});
afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function open(opts: Parameters<typeof StateStore.open>[1] = {}): StateStore {
  store = StateStore.open(path.join(dir, 'home'), opts);
  return store;
}

describe('database', () => {
  it('migrates a fresh database and reopens without re-running migrations', () => {
    const s = open();
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    const tables = (s.database.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['checks', 'locks', 'operations', 'projects', 'steps']));
    s.addProject({ name: 'app', path: '/src/app' });
    s.close();
    const again = open();
    expect(again.schemaVersion).toBe(SCHEMA_VERSION);
    expect(again.getProject('app')?.path).toBe('/src/app');
    expect(statSync(again.paths.db).mode & 0o777).toBe(0o600);
  });

  it('runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout', () => {
    const s = open();
    expect(s.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.database.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(s.database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.database.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('applies only the migrations a database has not seen yet', () => {
    const file = path.join(dir, 'm.db');
    const v1: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' }];
    const v2: Migration[] = [...v1, { version: 2, name: 'two', sql: "ALTER TABLE a ADD COLUMN y TEXT; INSERT INTO a (x, y) VALUES (1, 'm2');" }];
    openDatabase(file, { migrations: v1 }).close();
    const db = openDatabase(file, { migrations: v2 });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT x, y FROM a').all()).toEqual([{ x: 1, y: 'm2' }]);
    db.close();
    const again = openDatabase(file, { migrations: v2 });
    expect(again.prepare('SELECT COUNT(*) AS n FROM a').get()).toEqual({ n: 1 });
    again.close();
  });

  it('rolls back a failing migration and keeps the previous version', () => {
    const file = path.join(dir, 'f.db');
    const v1: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' }];
    openDatabase(file, { migrations: v1 }).close();
    const bad: Migration[] = [...v1, { version: 2, name: 'bad', sql: 'CREATE TABLE b (x INTEGER); THIS IS NOT SQL;' }];
    expect(() => openDatabase(file, { migrations: bad })).toThrow(/schema version 2 \(bad\)/);
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).get()).toBeUndefined();
    raw.close();
  });

  it('refuses a database from a newer Upshift', () => {
    const file = path.join(dir, 'new.db');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(file)).toThrow(/schema version 999, newer than this Upshift understands/);
  });
});

describe('projects', () => {
  it('adds, reads, lists, updates and removes', () => {
    const clock = fakeClock();
    const s = open({ now: clock.now });
    const added = s.addProject({ name: 'web', path: '/src/web', core: 'core', manifest: 'upshift.yml', settings: { stash: true } });
    expect(added).toEqual({
      name: 'web',
      path: '/src/web',
      core: 'core',
      manifest: 'upshift.yml',
      channel: 'stable',
      addedAt: '2026-11-21T10:15:00.000Z',
      settings: { stash: true },
    });
    s.addProject({ name: 'api', path: '/src/api' });
    expect(s.listProjects().map((p) => p.name)).toEqual(['api', 'web']);
    expect(s.getProject('api')).toMatchObject({ core: null, manifest: 'none', channel: 'stable', settings: {} });
    expect(s.getProjectByPath('/src/web')?.name).toBe('web');
    expect(s.getProject('nope')).toBeNull();

    const updated = s.updateProject('web', { channel: 'prerelease', settings: { stash: false }, core: null });
    expect(updated).toMatchObject({ name: 'web', channel: 'prerelease', core: null, settings: { stash: false }, path: '/src/web' });
    expect(s.getProject('web')).toEqual(updated);

    expect(s.removeProject('api')).toBe(true);
    expect(s.removeProject('api')).toBe(false);
    expect(s.listProjects().map((p) => p.name)).toEqual(['web']);
  });

  it('refuses duplicate names and paths with a clear error', () => {
    const s = open();
    s.addProject({ name: 'web', path: '/src/web' });
    expect(() => s.addProject({ name: 'web', path: '/elsewhere' })).toThrow(/named "web" is already registered/);
    expect(() => s.addProject({ name: 'web2', path: '/src/web' })).toThrow(/already registered as project "web"/);
    s.addProject({ name: 'b', path: '/src/b' });
    expect(() => s.updateProject('b', { path: '/src/web' })).toThrow(/already registered as project "web"/);
    expect(() => s.updateProject('zzz', { channel: 'stable' })).toThrow(/No project named "zzz"/);
  });

  it('refuses to remove a project with a running operation; keeps history after removal', () => {
    const s = open();
    s.addProject({ name: 'web', path: '/src/web' });
    const op = s.createOperation({ project: 'web', kind: 'upgrade' });
    expect(() => s.removeProject('web')).toThrow(/operation in progress/);
    s.finishOperation(op.id, 'succeeded');
    expect(s.removeProject('web')).toBe(true);
    expect(s.getOperation(op.id)?.project).toBe('web');
  });
});

describe('operations', () => {
  it('ids are sortable: op_<UTC time>_<6 hex>', () => {
    const id = newOperationId(new Date('2026-11-21T10:15:00.789Z'));
    expect(id).toMatch(/^op_20261121T101500Z_[0-9a-f]{6}$/);
    const later = newOperationId(new Date('2026-11-21T10:15:01.000Z'));
    expect([later, id].sort()).toEqual([id, later]);
  });

  it('round-trips an operation and its steps into the exact Operation shape', () => {
    const clock = fakeClock();
    const s = open({ now: clock.now });
    const op = s.createOperation({
      project: 'web',
      kind: 'upgrade',
      from: { version: '1.2.0', tag: 'v1.2.0', sha: 'a'.repeat(40) },
      to: { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40) },
      steps: [
        { id: 'preflight', title: 'Preflight', command: 'git status --porcelain' },
        { id: 'checkout', title: 'Check out', command: 'git checkout --detach bbb' },
        { id: 'smoke', title: 'Smoke', command: 'npm test' },
        { id: 'finalize', title: 'Finalize', command: null },
      ],
    });
    const logDir = path.join(dir, 'home', 'logs', op.id);
    expect(op).toEqual<Operation>({
      id: op.id,
      project: 'web',
      kind: 'upgrade',
      status: 'running',
      from: { version: '1.2.0', tag: 'v1.2.0', sha: 'a'.repeat(40) },
      to: { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40) },
      steps: ['preflight', 'checkout', 'smoke', 'finalize'].map((id, i) => ({
        id,
        title: ['Preflight', 'Check out', 'Smoke', 'Finalize'][i]!,
        status: 'pending' as const,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        command: ['git status --porcelain', 'git checkout --detach bbb', 'npm test', null][i]!,
        error: null,
        outputExcerpt: null,
        logPath: null,
      })),
      error: null,
      target: null,
      startedAt: '2026-11-21T10:15:00.000Z',
      finishedAt: null,
      durationMs: null,
      host: hostname(),
      user: expect.any(String) as unknown as string,
      pid: process.pid,
      logDir,
      manualRecovery: null,
      startedBy: null,
    });
    expect(op.id).toMatch(/^op_20261121T101500Z_[0-9a-f]{6}$/);

    clock.tick(1000);
    const running = s.startStep(op.id, 'preflight', { logPath: path.join(logDir, 'preflight.log') });
    expect(running).toMatchObject({ status: 'running', startedAt: '2026-11-21T10:15:01.000Z', finishedAt: null });
    clock.tick(250);
    s.finishStep(op.id, 'preflight', { status: 'succeeded', outputExcerpt: 'clean' });
    clock.tick(10);
    s.startStep(op.id, 'checkout');
    clock.tick(2000);
    s.finishStep(op.id, 'checkout', { status: 'succeeded' });
    s.startStep(op.id, 'smoke', { command: 'npm run smoke' });
    clock.tick(500);
    s.finishStep(op.id, 'smoke', { status: 'failed', error: 'exited with code 1', outputExcerpt: 'FAIL x.test', logPath: '/l/smoke.log' });
    s.finishStep(op.id, 'finalize', { status: 'skipped' });
    s.setStepStatus(op.id, 'checkout', 'rolled_back');
    s.startStep(op.id, 'restore', { title: 'Restore the snapshot', command: 'git checkout aaa' });
    clock.tick(100);
    s.finishStep(op.id, 'restore', { status: 'succeeded' });
    s.finishOperation(op.id, 'rolled_back', { error: 'smoke failed: exited with code 1' });

    const got = s.getOperation(op.id)!;
    expect(got.status).toBe('rolled_back');
    expect(got.error).toBe('smoke failed: exited with code 1');
    expect(got.finishedAt).toBe('2026-11-21T10:15:03.860Z');
    expect(got.durationMs).toBe(3860);
    expect(got.steps.map((st) => [st.id, st.status, st.durationMs])).toEqual([
      ['preflight', 'succeeded', 250],
      ['checkout', 'rolled_back', 2000],
      ['smoke', 'failed', 500],
      ['finalize', 'skipped', null],
      ['restore', 'succeeded', 100],
    ]);
    expect(got.steps[0]).toEqual({
      id: 'preflight',
      title: 'Preflight',
      status: 'succeeded',
      startedAt: '2026-11-21T10:15:01.000Z',
      finishedAt: '2026-11-21T10:15:01.250Z',
      durationMs: 250,
      command: 'git status --porcelain',
      error: null,
      outputExcerpt: 'clean',
      logPath: path.join(logDir, 'preflight.log'),
    });
    expect(got.steps[2]).toMatchObject({ command: 'npm run smoke', error: 'exited with code 1', outputExcerpt: 'FAIL x.test', logPath: '/l/smoke.log' });
    expect(got.steps[4]).toMatchObject({ title: 'Restore the snapshot', command: 'git checkout aaa' });
    // JSON-clean: what the CLI prints is what the store returns
    expect(JSON.parse(JSON.stringify(got))).toEqual(got);
  });

  it('restarting a step clears its previous outcome', () => {
    const s = open();
    const op = s.createOperation({ project: 'p', kind: 'upgrade', steps: [{ id: 'fetch', title: 'Fetch', command: null }] });
    s.startStep(op.id, 'fetch');
    s.finishStep(op.id, 'fetch', { status: 'failed', error: 'network' });
    const again = s.startStep(op.id, 'fetch');
    expect(again).toMatchObject({ status: 'running', error: null, finishedAt: null, durationMs: null });
  });

  it('reports unknown operations and steps, and duplicate step ids', () => {
    const s = open();
    const op = s.createOperation({ project: 'p', kind: 'upgrade', steps: [{ id: 'a', title: 'A', command: null }] });
    expect(s.getOperation('op_nope')).toBeNull();
    expect(() => s.updateOperation('op_nope', { status: 'failed' })).toThrow(/No operation with id "op_nope"/);
    expect(() => s.finishStep(op.id, 'zzz', { status: 'succeeded' })).toThrow(/has no step "zzz"/);
    expect(() => s.finishStep('op_nope', 'a', { status: 'succeeded' })).toThrow(/No operation/);
    expect(() => s.insertSteps(op.id, [{ id: 'a', title: 'again' }])).toThrow(/already has a step "a"/);
    expect(() => s.insertSteps('op_nope', [{ id: 'a', title: 'A' }])).toThrow(/No operation/);
    expect(() => s.setStepStatus(op.id, 'zzz', 'skipped')).toThrow(/has no step/);
    s.insertSteps(op.id, [{ id: 'b', title: 'B', command: 'x' }, { id: 'c', title: 'C', status: 'skipped' }]);
    expect(s.getOperation(op.id)!.steps.map((st) => `${st.id}:${st.status}`)).toEqual(['a:pending', 'b:pending', 'c:skipped']);
  });

  it('updateOperation patches only what it is given', () => {
    const s = open();
    const op = s.createOperation({ project: 'p', kind: 'upgrade', from: { version: '1.0.0', tag: 'v1.0.0', sha: 'x' } });
    s.updateOperation(op.id, { to: { sha: 'abc' }, manualRecovery: 'git checkout x' });
    const got = s.getOperation(op.id)!;
    expect(got.from).toEqual({ version: '1.0.0', tag: 'v1.0.0', sha: 'x' });
    expect(got.to).toEqual({ version: null, tag: null, sha: 'abc' });
    expect(got.manualRecovery).toBe('git checkout x');
    expect(got.status).toBe('running');
    s.updateOperation(op.id, {});
  });

  it('an operation created as blocked is finished at once', () => {
    const s = open();
    const op = s.createOperation({ project: 'p', kind: 'upgrade', status: 'blocked', error: 'incompatible dependents' });
    expect(op).toMatchObject({ status: 'blocked', error: 'incompatible dependents', durationMs: 0 });
    expect(op.finishedAt).toBe(op.startedAt);
    expect(s.unfinishedOperations()).toEqual([]);
  });

  it('journal merges key by key, drops undefined keys and survives reopening', () => {
    const s = open();
    const op = s.createOperation({ project: 'p', kind: 'upgrade', journal: { originalBranch: 'main' } });
    s.setJournal(op.id, { originalSha: 'aaa', snapshotRef: `refs/upshift/snapshots/${op.id}` });
    s.setJournal(op.id, { stashSha: 'sss', pathsSetAside: [{ path: 'data', savedTo: '/h/snapshots/x/data', mode: 'move' }] });
    const j = s.setJournal(op.id, { smokePassed: true, stashSha: undefined, custom: { n: 1 } });
    expect(j).toEqual({
      originalBranch: 'main',
      originalSha: 'aaa',
      snapshotRef: `refs/upshift/snapshots/${op.id}`,
      pathsSetAside: [{ path: 'data', savedTo: '/h/snapshots/x/data', mode: 'move' }],
      smokePassed: true,
      custom: { n: 1 },
    });
    s.close();
    const again = open();
    expect(again.getJournal(op.id)).toEqual(j);
    expect(again.unfinishedOperations()[0]?.journal).toEqual(j);
    expect(() => again.setJournal('op_nope', {})).toThrow(/No operation/);
  });

  it('unfinishedOperations returns running operations with owner identity, oldest first', () => {
    const clock = fakeClock();
    const s = open({ now: clock.now });
    const a = s.createOperation({ project: 'a', kind: 'upgrade' });
    clock.tick(1000);
    const b = s.createOperation({ project: 'b', kind: 'rollback', target: a.id, pid: 999_999, pidStartTime: 42, bootId: 'boot-x' });
    clock.tick(1000);
    const c = s.createOperation({ project: 'c', kind: 'upgrade' });
    s.finishOperation(c.id, 'succeeded');
    const unfinished = s.unfinishedOperations();
    expect(unfinished.map((r) => r.operation.id)).toEqual([a.id, b.id]);
    expect(unfinished[0]!.pidStartTime).toBe(processStartTime(process.pid));
    expect(unfinished[1]).toMatchObject({ pidStartTime: 42, bootId: 'boot-x', operation: { pid: 999_999, target: a.id } });
    expect(s.runningOperation('b')?.operation.id).toBe(b.id);
    expect(s.runningOperation('c')).toBeNull();
  });
});

describe('listOperations', () => {
  function seed(s: StateStore, clock: ReturnType<typeof fakeClock>) {
    const ids: string[] = [];
    const plan: Array<[string, 'upgrade' | 'rollback', 'succeeded' | 'failed' | 'rolled_back']> = [
      ['web', 'upgrade', 'succeeded'],
      ['api', 'upgrade', 'succeeded'],
      ['web', 'upgrade', 'rolled_back'],
      ['web', 'rollback', 'succeeded'],
      ['api', 'upgrade', 'failed'],
      ['web', 'upgrade', 'succeeded'],
    ];
    for (const [project, kind, status] of plan) {
      const op = s.createOperation({ project, kind, steps: [{ id: 'preflight', title: 'P', command: null }] });
      clock.tick(60_000);
      s.finishOperation(op.id, status);
      ids.push(op.id);
    }
    return ids;
  }

  it('newest first, with paging and filters', () => {
    const clock = fakeClock();
    const s = open({ now: clock.now });
    const ids = seed(s, clock);
    const all = s.listOperations();
    expect(all.map((o) => o.id)).toEqual([...ids].reverse());
    expect(all[0]!.steps).toHaveLength(1);
    expect(s.listOperations({ limit: 2 }).map((o) => o.id)).toEqual([ids[5], ids[4]]);
    expect(s.listOperations({ limit: 2, offset: 2 }).map((o) => o.id)).toEqual([ids[3], ids[2]]);
    expect(s.listOperations({ limit: 2, offset: 6 })).toEqual([]);
    expect(s.listOperations({ project: 'api' }).map((o) => o.id)).toEqual([ids[4], ids[1]]);
    expect(s.listOperations({ project: 'web', kind: 'upgrade', status: 'succeeded' }).map((o) => o.id)).toEqual([ids[5], ids[0]]);
    expect(s.listOperations({ status: ['failed', 'rolled_back'] }).map((o) => o.id)).toEqual([ids[4], ids[2]]);
    expect(s.listOperations({ kind: 'rollback' }).map((o) => o.id)).toEqual([ids[3]]);
    expect(s.listOperations({ status: [] })).toEqual([]);
    expect(s.countOperations()).toBe(6);
    expect(s.countOperations({ project: 'web' })).toBe(4);
  });

  it('operations started in the same millisecond keep insertion order (newest first)', () => {
    const clock = fakeClock();
    const s = open({ now: clock.now });
    const ids = [1, 2, 3].map(() => s.createOperation({ project: 'p', kind: 'upgrade' }).id);
    expect(new Set(ids).size).toBe(3);
    expect(s.listOperations().map((o) => o.id)).toEqual([...ids].reverse());
  });

  it('durations for the estimate, and the last succeeded upgrade', () => {
    const clock = fakeClock();
    const s = open({ now: clock.now });
    const ids = seed(s, clock);
    expect(s.pastUpgradeDurations('web')).toEqual([60_000, 60_000]);
    expect(s.pastUpgradeDurations('web', 1)).toEqual([60_000]);
    expect(s.pastUpgradeDurations('nobody')).toEqual([]);
    expect(s.lastSucceededUpgrade('web')?.id).toBe(ids[5]);
    expect(s.lastSucceededUpgrade('api')?.id).toBe(ids[1]);
    expect(s.lastSucceededUpgrade('none')).toBeNull();
    // a succeeded rollback of the latest upgrade: excludeUndone skips it
    const rb = s.createOperation({ project: 'web', kind: 'rollback', target: ids[5]! });
    s.finishOperation(rb.id, 'succeeded');
    expect(s.lastSucceededUpgrade('web')?.id).toBe(ids[5]);
    expect(s.lastSucceededUpgrade('web', { excludeUndone: true })?.id).toBe(ids[0]);
  });

  it('per-step durations of succeeded upgrades', () => {
    const clock = fakeClock();
    const s = open({ now: clock.now });
    for (const ms of [100, 300]) {
      const op = s.createOperation({ project: 'p', kind: 'upgrade', steps: [{ id: 'install', title: 'I', command: 'npm ci' }] });
      s.startStep(op.id, 'install');
      clock.tick(ms);
      s.finishStep(op.id, 'install', { status: 'succeeded' });
      s.finishOperation(op.id, 'succeeded');
    }
    const failed = s.createOperation({ project: 'p', kind: 'upgrade', steps: [{ id: 'install', title: 'I', command: 'npm ci' }] });
    s.finishStep(failed.id, 'install', { status: 'failed', durationMs: 5 });
    s.finishOperation(failed.id, 'failed');
    expect(s.pastStepDurations('p')).toEqual({ install: [300, 100] });
  });
});

describe('check cache', () => {
  const check = (name: string, checkedAt: string): ProjectCheck => ({
    name,
    path: `/src/${name}`,
    current: { version: '1.0.0', tag: 'v1.0.0', sha: 'abc', source: 'tag' },
    latest: { version: '1.1.0', tag: 'v1.1.0', sha: 'def', prerelease: false },
    latestCompatible: null,
    updateAvailable: true,
    bump: 'minor',
    gate: 'review',
    risk: { level: 'medium', reasons: ['minor bump'] },
    compatible: true,
    blockers: [],
    error: null,
    checkedAt,
  });

  it('keeps the latest check per project and drops it with the project', () => {
    const s = open();
    s.addProject({ name: 'web', path: '/src/web' });
    expect(s.getCheck('web')).toBeNull();
    s.saveCheck(check('web', '2026-11-21T10:00:00.000Z'));
    const newer = check('web', '2026-11-21T11:00:00.000Z');
    s.saveCheck(newer);
    expect(s.getCheck('web')).toEqual(newer);
    expect(s.listChecks()).toEqual([newer]);
    expect(() => s.saveCheck(check('ghost', '2026-11-21T11:00:00.000Z'))).toThrow(/No project named "ghost"/);
    s.removeProject('web');
    expect(s.getCheck('web')).toBeNull();
  });
});

describe('durability across connections', () => {
  it('a second connection sees every committed transition', () => {
    const s = open();
    const other = StateStore.open(path.join(dir, 'home'));
    try {
      const op = s.createOperation({ project: 'p', kind: 'upgrade', steps: [{ id: 'fetch', title: 'F', command: null }] });
      s.startStep(op.id, 'fetch');
      expect(other.getOperation(op.id)?.steps[0]?.status).toBe('running');
      s.setJournal(op.id, { originalSha: 'abc' });
      expect(other.getJournal(op.id)).toEqual({ originalSha: 'abc' });
    } finally {
      other.close();
    }
  });

  it('records a thousand step transitions quickly', () => {
    const s = open();
    const op = s.createOperation({ project: 'p', kind: 'upgrade' });
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) {
      s.startStep(op.id, `s${i}`);
      s.finishStep(op.id, `s${i}`, { status: 'succeeded' });
    }
    const ms = performance.now() - t0;
    expect(s.getOperation(op.id)!.steps).toHaveLength(500);
    expect(ms).toBeLessThan(20_000);
  });
});
