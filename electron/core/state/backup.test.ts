import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpshiftError } from '../errors.js';
import { backupPath, maintainBackup, readBackupInfo, takeBackup, verifyBackup } from './backup.js';
import { mirrorPath, readMirror } from './mirror.js';
import { checkDatabase, inspectState, restoreState } from './restore.js';
import { StateStore } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function home(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'upshift-backup-'));
  dirs.push(d);
  return d;
}

let clock = Date.parse('2026-03-02T10:00:00Z');
const now = () => new Date(clock);
beforeEach(() => {
  clock = Date.parse('2026-03-02T10:00:00Z');
});

/** A store with two projects and one finished upgrade. */
function populated(h: string): StateStore {
  const store = StateStore.open(h, { now });
  store.addProject({ name: 'core', path: '/src/core', manifest: 'upshift.yml' });
  store.addProject({ name: 'finance', path: '/src/finance', core: 'core', settings: { note: 'kept', currentCache: { key: 'x' } } });
  finishedOperation(store, 'op_20260302T100000Z_aaaaaa', 'core');
  return store;
}

function finishedOperation(store: StateStore, id: string, project: string): void {
  store.createOperation({ id, project, kind: 'upgrade', from: { version: '1.0.0', tag: 'v1.0.0', sha: 'a'.repeat(40) }, to: { version: '1.1.0', tag: 'v1.1.0', sha: 'b'.repeat(40) } });
  store.finishOperation(id, 'succeeded');
}

function runningOperation(store: StateStore, id: string, project: string): void {
  store.createOperation({ id, project, kind: 'upgrade', from: { version: '1.1.0', tag: 'v1.1.0', sha: 'b'.repeat(40) }, to: { version: '1.2.0', tag: 'v1.2.0', sha: 'c'.repeat(40) } });
}

function garbage(file: string): Buffer {
  const bytes = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  writeFileSync(file, bytes);
  for (const s of ['-wal', '-shm']) rmSync(`${file}${s}`, { force: true });
  return bytes;
}

describe('takeBackup', () => {
  it('copies the state into a verified, self-contained state.db.backup that says what it holds', async () => {
    const h = home();
    const store = populated(h);
    const outcome = await takeBackup(store.database, h, now);
    expect(outcome.taken).toBe(true);
    const file = backupPath(h);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const verified = verifyBackup(file);
    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    expect(verified.info).toMatchObject({ takenAt: '2026-03-02T10:00:00.000Z', projects: ['core', 'finance'], operations: 1 });
    expect(verified.info.lastOperation).toMatchObject({ id: 'op_20260302T100000Z_aaaaaa', project: 'core', status: 'succeeded' });
    expect(readdirNoTemps(h)).toBe(true);
    store.close();
  });

  it('is not taken while an operation is unfinished (a backup must never hold a running journal), and the previous one is kept', async () => {
    const h = home();
    const store = populated(h);
    expect((await takeBackup(store.database, h, now)).taken).toBe(true);
    const before = readFileSync(backupPath(h));
    runningOperation(store, 'op_20260302T101000Z_bbbbbb', 'finance');
    const outcome = await takeBackup(store.database, h, now);
    expect(outcome).toMatchObject({ taken: false, reason: 'busy' });
    expect(readFileSync(backupPath(h)).equals(before)).toBe(true);
    expect(readdirNoTemps(h)).toBe(true);
    store.close();
  });
});

/** No temporary copy left behind. */
function readdirNoTemps(h: string): boolean {
  return !readdirSync(h).some((n) => n.includes('.tmp-') || n.includes('.restoring-'));
}

describe('maintainBackup', () => {
  it('takes one when none exists, then at most every 10 minutes and only when the state changed, and daily regardless', async () => {
    const h = home();
    // The backup file's own time is the real clock's; this test's clock starts there.
    clock = Date.now();
    const store = StateStore.open(h, { now });
    expect(await maintainBackup(store.database, h, { now })).toMatchObject({ taken: false, reason: 'empty' });
    store.addProject({ name: 'core', path: '/src/core' });
    expect((await maintainBackup(store.database, h, { now })).taken).toBe(true);
    // Past the 10 minutes: decided by content.
    clock += 11 * 60_000;
    expect(await maintainBackup(store.database, h, { now })).toMatchObject({ taken: false, reason: 'fresh', detail: 'nothing changed since the last backup' });
    finishedOperation(store, 'op_20260302T110000Z_cccccc', 'core');
    const taken = await maintainBackup(store.database, h, { now });
    expect(taken.taken).toBe(true);
    expect(readBackupInfo(backupPath(h))?.operations).toBe(1);
    clock += 25 * 60 * 60_000;
    expect((await maintainBackup(store.database, h, { now })).taken).toBe(true);
    // Within 10 minutes of the file's time, nothing is even opened.
    expect(await maintainBackup(store.database, h, { now: () => new Date() })).toMatchObject({ taken: false, reason: 'fresh', detail: 'the last backup is recent' });
    store.close();
  });
});

describe('projects mirror', () => {
  it('is rewritten atomically whenever projects or settings change, without the engine caches', () => {
    const h = home();
    const store = populated(h);
    let m = readMirror(h).mirror!;
    expect(m.projects.map((p) => p.name)).toEqual(['core', 'finance']);
    expect(m.projects[1]).toMatchObject({ name: 'finance', path: '/src/finance', core: 'core', settings: { note: 'kept' } });
    expect(m.projects[1]!.settings).not.toHaveProperty('currentCache');
    store.setSettings({ projects: { core: { channel: 'prerelease' } } });
    store.removeProject('finance');
    m = readMirror(h).mirror!;
    expect(m.projects.map((p) => p.name)).toEqual(['core']);
    expect(m.settings).toEqual({ projects: { core: { channel: 'prerelease' } } });
    // A cache refresh is not a mirror change: the file is not rewritten.
    const before = readFileSync(mirrorPath(h), 'utf8');
    clock += 60_000;
    store.updateProject('core', { settings: { currentCache: { key: 'y' } } });
    expect(readFileSync(mirrorPath(h), 'utf8')).toBe(before);
    store.close();
  });

  it('a mirror that cannot be written undoes the change, as a STATE_* error naming the file', () => {
    const h = home();
    const store = populated(h);
    rmSync(mirrorPath(h));
    mkdirSync(path.join(mirrorPath(h), 'blocker'), { recursive: true });
    let caught: unknown;
    try {
      store.addProject({ name: 'ops', path: '/src/ops' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UpshiftError);
    expect((caught as UpshiftError).category).toBe('state');
    expect((caught as UpshiftError).message).toContain(h);
    expect(store.getProject('ops')).toBeNull();
    store.close();
  });
});

describe('restoreState', () => {
  it('a corrupt database (garbage bytes): moved aside byte for byte, the verified backup restored, and what is lost is said', async () => {
    const h = home();
    const store = populated(h);
    await takeBackup(store.database, h, now);
    clock += 60 * 60_000;
    finishedOperation(store, 'op_20260302T110000Z_dddddd', 'finance');
    store.close();
    const db = path.join(h, 'state.db');
    const bytes = garbage(db);
    expect(checkDatabase(db)).toMatchObject({ status: 'damaged', ok: false });

    const report = restoreState(h, now);
    expect(report.source).toBe('backup');
    expect(report.movedAside).toHaveLength(1);
    expect(readFileSync(report.movedAside[0]!).equals(bytes)).toBe(true);
    expect(report.movedAside[0]).toMatch(/state\.db\.corrupt-\d{8}T\d{6}Z$/);
    expect(report.projects).toEqual(['core', 'finance']);
    expect(report.operations).toBe(1);
    expect(report.backup?.takenAt).toBe('2026-03-02T10:00:00.000Z');
    expect(report.lost.readable).toBe(false);
    expect(report.lost.note).toContain('2026-03-02T10:00:00.000Z');

    const reopened = StateStore.open(h, { now });
    expect(reopened.listProjects().map((p) => p.name)).toEqual(['core', 'finance']);
    expect(reopened.getOperation('op_20260302T100000Z_aaaaaa')?.status).toBe('succeeded');
    expect(reopened.database.prepare("SELECT name FROM sqlite_master WHERE name = 'backup_info'").get()).toBeUndefined();
    reopened.close();
    expect(inspectState(h).corruptCopies).toEqual([report.movedAside[0]]);
  });

  it('a truncated database, with a mirror newer than the backup: projects added since come back, and what is lost is said', async () => {
    const h = home();
    const store = populated(h);
    await takeBackup(store.database, h, now);
    clock += 60 * 60_000;
    store.addProject({ name: 'ops', path: '/src/ops' });
    for (let i = 0; i < 200; i++) finishedOperation(store, `op_20260302T11${String(i).padStart(4, '0')}Z_eeeeee`, 'ops');
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const db = path.join(h, 'state.db');
    truncateSync(db, Math.floor(statSync(db).size / 2));
    expect(checkDatabase(db).status).toBe('damaged');

    const report = restoreState(h, now);
    expect(report.source).toBe('backup');
    expect(report.mirror?.used).toBe(true);
    expect(report.projectsAdded).toEqual(['ops']);
    expect(report.projects).toEqual(['core', 'finance', 'ops']);
    expect(report.operations).toBe(1);
    // Half a file cannot be read any more: the report says what that means instead of listing operations.
    expect(report.lost).toMatchObject({ readable: false, operations: [] });
    expect(report.lost.note).toContain('could not be read (database disk image is malformed)');
    expect(report.lost.note).toContain('after 2026-03-02T10:00:00.000Z');
  });

  it('no backup: the projects are rebuilt from projects.json, and it says so', () => {
    const h = home();
    const store = populated(h);
    store.close();
    expect(existsSync(backupPath(h))).toBe(false);
    garbage(path.join(h, 'state.db'));
    const report = restoreState(h, now);
    expect(report.source).toBe('mirror');
    expect(report.backupProblem).toContain('no backup');
    expect(report.projects).toEqual(['core', 'finance']);
    expect(report.operations).toBe(0);
    const reopened = StateStore.open(h, { now });
    expect(reopened.getProject('finance')).toMatchObject({ path: '/src/finance', core: 'core', settings: { note: 'kept' } });
    reopened.close();
  });

  it('refuses a healthy database (nothing to do) and, with neither backup nor mirror, changes nothing', () => {
    const h = home();
    const store = populated(h);
    store.close();
    expect(() => restoreState(h, now)).toThrow(expect.objectContaining({ code: 'STATE_HEALTHY', category: 'nothing-to-do' }));
    rmSync(mirrorPath(h));
    const db = path.join(h, 'state.db');
    const bytes = garbage(db);
    expect(() => restoreState(h, now)).toThrow(expect.objectContaining({ code: 'STATE_NO_BACKUP', category: 'state' }));
    expect(readFileSync(db).equals(bytes)).toBe(true);
    expect(inspectState(h).corruptCopies).toEqual([]);
  });
});
