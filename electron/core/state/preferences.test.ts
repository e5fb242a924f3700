import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from './store.js';

let dir: string;
const open: StateStore[] = [];
function store(): StateStore {
  const s = StateStore.open(path.join(dir, 'home'));
  open.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'upshift-prefs-'));
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('settings', () => {
  it('keeps JSON values per key across connections; undefined removes a key', () => {
    const a = store();
    expect(a.getSettings()).toEqual({});
    a.setSettings({ pollMinutes: 30, notifications: { enabled: false }, projects: { core: { channel: 'prerelease' } } });
    const b = store();
    expect(b.getSettings()).toEqual({ notifications: { enabled: false }, pollMinutes: 30, projects: { core: { channel: 'prerelease' } } });
    expect(b.getSetting('pollMinutes')).toBe(30);
    b.setSettings({ pollMinutes: undefined, paused: true });
    expect(a.getSettings()).toEqual({ notifications: { enabled: false }, paused: true, projects: { core: { channel: 'prerelease' } } });
  });

  it('ignores a value that is not JSON instead of failing', () => {
    const a = store();
    a.database.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('broken', '{nope', 'x')`).run();
    a.setSettings({ paused: false });
    expect(a.getSettings()).toEqual({ paused: false });
    expect(a.getSetting('broken')).toBeUndefined();
  });
});

describe('decisions and notifications', () => {
  it('one decision per (project, version); a skip replaces a snooze; removed with the project', () => {
    const s = store();
    s.addProject({ name: 'core', path: '/src/core' });
    s.setDecision('core', '1.3.0', 'snooze', '2026-01-02T00:00:00.000Z');
    s.setDecision('core', '1.4.0', 'skip');
    expect(s.listDecisions('core').map((d) => [d.version, d.kind, d.until])).toEqual([
      ['1.3.0', 'snooze', '2026-01-02T00:00:00.000Z'],
      ['1.4.0', 'skip', null],
    ]);
    s.setDecision('core', '1.3.0', 'skip', '2030-01-01T00:00:00.000Z');
    expect(s.getDecision('core', '1.3.0')).toMatchObject({ kind: 'skip', until: null });
    expect(s.clearDecision('core', '1.4.0')).toBe(true);
    expect(s.clearDecision('core', '1.4.0')).toBe(false);
    expect(() => s.setDecision('ghost', '1.0.0', 'skip')).toThrow(/FOREIGN KEY/);
    s.removeProject('core');
    expect(s.listDecisions()).toEqual([]);
  });

  it('claims a notification once per release across connections, and once more after a passed snooze', () => {
    const a = store();
    const b = store();
    a.addProject({ name: 'core', path: '/src/core' });
    expect(a.claimNotification('core', '1.3.0', '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(b.claimNotification('core', '1.3.0', '2026-01-01T00:05:00.000Z')).toBe(false);
    expect(a.notifiedAt('core', '1.3.0')).toBe('2026-01-01T00:00:00.000Z');
    // A reminder after a snooze that ended at 01:00: the first caller wins, then none until the next snooze.
    expect(b.claimNotification('core', '1.3.0', '2026-01-01T01:00:01.000Z', '2026-01-01T01:00:00.000Z')).toBe(true);
    expect(a.claimNotification('core', '1.3.0', '2026-01-01T01:00:02.000Z', '2026-01-01T01:00:00.000Z')).toBe(false);
    expect(a.claimNotification('core', '1.4.0', '2026-01-01T02:00:00.000Z')).toBe(true);
    a.removeProject('core');
    expect(a.notifiedAt('core', '1.3.0')).toBeNull();
  });
});

describe('change detection', () => {
  it('data_version moves only for commits of other connections', () => {
    const a = store();
    const b = store();
    const v0 = a.dataVersion();
    a.setSettings({ paused: true });
    expect(a.dataVersion()).toBe(v0);
    b.setSettings({ paused: false });
    const v1 = a.dataVersion();
    expect(v1).not.toBe(v0);
    expect(a.dataVersion()).toBe(v1);
  });

  it('lists new operations after a seq, marks, running ones, project and preference signatures', () => {
    const a = store();
    const b = store();
    a.addProject({ name: 'core', path: '/src/core' });
    const seq = a.lastOperationSeq();
    const op = b.createOperation({ project: 'core', kind: 'upgrade' });
    const after = a.operationsAfter(seq);
    expect(after.map((m) => [m.id, m.status, m.kind, m.project])).toEqual([[op.id, 'running', 'upgrade', 'core']]);
    expect(a.runningOperationMarks().map((m) => m.id)).toEqual([op.id]);
    b.finishOperation(op.id, 'succeeded');
    expect(a.operationMarks([op.id, 'op_none'])).toEqual([expect.objectContaining({ id: op.id, status: 'succeeded' })]);
    const marks = a.projectMarks();
    b.saveCheck({ name: 'core', path: '/src/core', checkedAt: '2026-01-01T00:00:00.000Z' } as never);
    expect(a.projectMarks()).not.toEqual(marks);
    const prefs = a.preferencesSignature();
    b.setDecision('core', '1.0.0', 'skip');
    expect(a.preferencesSignature()).not.toBe(prefs);
  });
});
