import { describe, expect, it } from 'vitest';
import { MAX_UPDATE_ITEMS, TOOLTIP_MAX, offeredUpdates, trayModel, type MenuItemModel, type TrayState } from './tray-model.js';
import { NOW, POLLER, view } from '../../test/helpers/tray-views.js';
import type { SelfUpdateStatus } from '../../shared/policy/selfupdate.js';

function state(partial: Partial<TrayState> = {}): TrayState {
  return { projects: [], poller: POLLER, operationsRunning: 0, lastError: null, ...partial };
}

const items = (menu: MenuItemModel[]) => menu.filter((m) => m.kind === 'item');
const labels = (menu: MenuItemModel[]) => menu.flatMap((m) => (m.kind === 'separator' ? [] : [m.label]));
const byId = (menu: MenuItemModel[], id: string) => menu.find((m) => m.id === id);

describe('trayModel icon', () => {
  it('is idle when every project is up to date', () => {
    expect(trayModel(state({ projects: [view('core'), view('finance')] }), NOW).icon).toBe('idle');
  });

  it('is idle with no projects at all', () => {
    expect(trayModel(state(), NOW).icon).toBe('idle');
  });

  it('shows updates when one is available', () => {
    expect(trayModel(state({ projects: [view('core', { latest: '1.3.0' }), view('finance')] }), NOW).icon).toBe('updates');
  });

  it('is working while an operation runs (counted from events)', () => {
    expect(trayModel(state({ projects: [view('core', { latest: '1.3.0' })], operationsRunning: 1 }), NOW).icon).toBe('working');
  });

  it('is working while a project reports an operation in progress', () => {
    expect(trayModel(state({ projects: [view('core', { latest: '1.3.0', busy: true })] }), NOW).icon).toBe('working');
  });

  it('shows an error when a check failed, over available updates', () => {
    const projects = [view('core', { latest: '1.3.0' }), view('finance', { error: 'remote unreachable' })];
    expect(trayModel(state({ projects }), NOW).icon).toBe('error');
  });

  it('shows an error for a failure outside any project', () => {
    expect(trayModel(state({ lastError: { code: 'STATE_LOCKED', message: 'state.db is locked', retryable: true } }), NOW).icon).toBe('error');
  });

  it('prefers working over an error', () => {
    const projects = [view('finance', { error: 'remote unreachable' })];
    expect(trayModel(state({ projects, operationsRunning: 2 }), NOW).icon).toBe('working');
  });

  it('does not count skipped or snoozed versions as updates', () => {
    const projects = [
      view('core', { latest: '1.3.0', skipped: ['1.3.0'] }),
      view('finance', { current: '0.2.0', latest: '0.3.0', snoozedUntil: '2026-11-21T12:00:00Z' }),
    ];
    expect(trayModel(state({ projects }), NOW).icon).toBe('idle');
  });

  it('counts a snoozed update again once the snooze ran out', () => {
    const projects = [view('core', { latest: '1.3.0', snoozedUntil: '2026-11-21T09:00:00Z' })];
    expect(trayModel(state({ projects }), NOW).icon).toBe('updates');
  });
});

describe('trayModel tooltip', () => {
  it('says everything is up to date, with the project count', () => {
    expect(trayModel(state({ projects: [view('core'), view('finance')] }), NOW).tooltip).toBe('Upshift: 2 projects, all up to date');
    expect(trayModel(state({ projects: [view('core')] }), NOW).tooltip).toBe('Upshift: 1 project, up to date');
  });

  it('says when nothing is watched', () => {
    expect(trayModel(state(), NOW).tooltip).toBe('Upshift: no projects watched');
  });

  it('counts updates, running operations, failed checks and paused checks', () => {
    const projects = [
      view('core', { latest: '1.3.0' }),
      view('tool', { latest: '2.1.0', current: '2.0.0' }),
      view('finance', { error: 'remote unreachable' }),
      view('web', { error: 'bad manifest' }),
    ];
    const t = trayModel(state({ projects, operationsRunning: 1, poller: { ...POLLER, paused: true } }), NOW).tooltip;
    expect(t).toBe('Upshift: 2 updates available · 1 upgrading · 2 checks failed · checks paused');
  });

  it('uses the singular for one update and one failed check', () => {
    const projects = [view('core', { latest: '1.3.0' }), view('finance', { error: 'x' })];
    expect(trayModel(state({ projects }), NOW).tooltip).toBe('Upshift: 1 update available · 1 check failed');
  });

  it('includes a general error and stays within the Windows limit', () => {
    const lastError = { code: 'INTERNAL', message: 'x'.repeat(300), retryable: false };
    const t = trayModel(state({ lastError }), NOW).tooltip;
    expect(t.startsWith('Upshift: no projects watched · error: xxx')).toBe(true);
    expect(t.length).toBe(TOOLTIP_MAX);
    expect(t.endsWith('…')).toBe(true);
  });
});

describe('trayModel menu', () => {
  it('has the fixed actions in order when there is nothing to upgrade', () => {
    const m = trayModel(state({ projects: [view('core')] }), NOW).menu;
    expect(labels(m)).toEqual(['Up to date', 'Check now', 'Pause checks', 'Open Upshift', 'Quit']);
    expect(items(m).map((i) => i.kind === 'item' && i.action)).toEqual([
      { type: 'check-now' },
      { type: 'pause-checks', paused: true },
      { type: 'open-window' },
      { type: 'quit' },
    ]);
  });

  it('offers one item per available update, opening its plan at that version', () => {
    const projects = [view('core', { latest: '1.3.0' }), view('finance', { current: '0.2.0', latest: '0.3.0' }), view('tool')];
    const m = trayModel(state({ projects }), NOW).menu;
    expect(labels(m)).toEqual([
      '2 updates available',
      'Upgrade core to 1.3.0…',
      'Upgrade finance to 0.3.0…',
      'Check now',
      'Pause checks',
      'Open Upshift',
      'Quit',
    ]);
    expect(byId(m, 'update:core')).toEqual({
      kind: 'item',
      id: 'update:core',
      label: 'Upgrade core to 1.3.0…',
      enabled: true,
      action: { type: 'open-plan', project: 'core', version: '1.3.0' },
    });
    expect(m.map((i) => i.kind)).toEqual(['info', 'separator', 'item', 'item', 'separator', 'item', 'item', 'separator', 'item', 'item']);
  });

  it('targets the newest compatible release when the latest is blocked by a dependent', () => {
    const m = trayModel(state({ projects: [view('core', { latest: '2.0.0', latestCompatible: '1.1.0' })] }), NOW).menu;
    expect(byId(m, 'update:core')).toMatchObject({ label: 'Upgrade core to 1.1.0…', action: { type: 'open-plan', project: 'core', version: '1.1.0' } });
  });

  it('targets what the gates offer without an explicit choice, else the manual one, whose plan asks for it', () => {
    const offered = trayModel(state({ projects: [view('core', { latest: '2.0.0', latestCompatible: '2.0.0', offered: '1.1.0' })] }), NOW).menu;
    expect(byId(offered, 'update:core')).toMatchObject({ label: 'Upgrade core to 1.1.0…', action: { type: 'open-plan', version: '1.1.0' } });
    const onlyManual = trayModel(state({ projects: [view('core', { latest: '2.0.0', latestCompatible: '2.0.0', offered: null })] }), NOW).menu;
    expect(byId(onlyManual, 'update:core')).toMatchObject({ label: 'Upgrade core to 2.0.0…', action: { type: 'open-plan', version: '2.0.0' } });
  });

  it('still lists a blocked latest (nothing compatible), saying so and opening the plan that explains it', () => {
    const m = trayModel(state({ projects: [view('core', { latest: '2.0.0', latestCompatible: null })] }), NOW).menu;
    expect(byId(m, 'update:core')).toMatchObject({ label: 'core 2.0.0 is blocked: see the plan…', enabled: true, action: { type: 'open-plan', version: '2.0.0' } });
  });

  it('disables the item of a project being upgraded and says so', () => {
    const m = trayModel(state({ projects: [view('core', { latest: '1.3.0', busy: true })] }), NOW).menu;
    expect(byId(m, 'update:core')).toMatchObject({ label: 'Upgrading core…', enabled: false });
    expect(byId(m, 'working')).toEqual({ kind: 'info', id: 'working', label: 'Upgrading core…' });
  });

  it('mentions operations run by another process (no project marked busy)', () => {
    const m = trayModel(state({ projects: [view('core')], operationsRunning: 2 }), NOW).menu;
    expect(byId(m, 'working')).toEqual({ kind: 'info', id: 'working', label: '2 operations running' });
  });

  it('says "Resume checks" while paused, with a status line', () => {
    const m = trayModel(state({ projects: [view('core')], poller: { ...POLLER, paused: true } }), NOW).menu;
    expect(byId(m, 'pause')).toMatchObject({ label: 'Resume checks', action: { type: 'pause-checks', paused: false } });
    expect(byId(m, 'paused')).toMatchObject({ kind: 'info', label: 'Background checks are paused' });
  });

  it('names the projects whose check failed and shows a general error', () => {
    const projects = [view('finance', { error: 'remote unreachable' }), view('web', { error: 'x' })];
    const m = trayModel(state({ projects, lastError: { code: 'X', message: 'Check now failed: disk full', retryable: true } }), NOW).menu;
    expect(byId(m, 'failed')).toEqual({ kind: 'info', id: 'failed', label: 'Check failed: finance, web' });
    expect(byId(m, 'error')).toEqual({ kind: 'info', id: 'error', label: 'Check now failed: disk full' });
  });

  it('invites adding a project when none is watched, and disables "Check now"', () => {
    const m = trayModel(state(), NOW).menu;
    expect(byId(m, 'status')).toMatchObject({ label: 'No projects yet: open Upshift to add one' });
    expect(byId(m, 'check-now')).toMatchObject({ enabled: false });
  });

  it('caps the update items and sends the rest to the window', () => {
    const projects = Array.from({ length: MAX_UPDATE_ITEMS + 3 }, (_, i) => view(`p${String(i).padStart(2, '0')}`, { latest: '1.1.0' }));
    const m = trayModel(state({ projects }), NOW).menu;
    expect(m.filter((i) => i.id.startsWith('update:'))).toHaveLength(MAX_UPDATE_ITEMS);
    expect(byId(m, 'more-updates')).toMatchObject({ label: '3 more in Upshift…', action: { type: 'open-window' } });
  });

  it('gives every item a unique id', () => {
    const projects = [view('core', { latest: '1.3.0', busy: true }), view('finance', { error: 'x' })];
    const m = trayModel(state({ projects, poller: { ...POLLER, paused: true }, lastError: { code: 'X', message: 'y', retryable: false } }), NOW).menu;
    expect(new Set(m.map((i) => i.id)).size).toBe(m.length);
  });
});

describe('offeredUpdates', () => {
  it('ignores unchecked projects, failed checks and projects without a newer release', () => {
    const projects = [view('a', { unchecked: true }), view('b', { error: 'x', latest: '2.0.0' }), view('c'), view('d', { latest: '1.2.0' })];
    expect(offeredUpdates(projects, NOW)).toEqual([{ project: 'd', version: '1.2.0', blocked: false, busy: false }]);
  });

  it('skips by the target version: skipping the blocked latest does not hide the compatible one', () => {
    const projects = [view('core', { latest: '2.0.0', latestCompatible: '1.1.0', skipped: ['2.0.0'] })];
    expect(offeredUpdates(projects, NOW)).toEqual([{ project: 'core', version: '1.1.0', blocked: false, busy: false }]);
  });

  it('sorts by project name', () => {
    const projects = [view('zeta', { latest: '1.1.0' }), view('alpha', { latest: '1.1.0' })];
    expect(offeredUpdates(projects, NOW).map((u) => u.project)).toEqual(['alpha', 'zeta']);
  });
});

describe('a project without a release source (local only, no remote)', () => {
  const local = () => view('vertical', { latest: null, noSource: true });

  it('is a normal state: no error icon, no failed check in the tooltip or the menu, no update offered', () => {
    const model = trayModel(state({ projects: [view('core'), local()] }), NOW);
    expect(model.icon).toBe('idle');
    expect(model.tooltip).not.toMatch(/fail|error/i);
    expect(byId(model.menu, 'failed')).toBeUndefined();
    expect(offeredUpdates([local()], NOW)).toEqual([]);
  });

  it('says which projects have no release source, in words', () => {
    const model = trayModel(state({ projects: [view('core'), local()] }), NOW);
    expect(byId(model.menu, 'no-source')).toEqual({ kind: 'info', id: 'no-source', label: 'No release source (local only): vertical' });
  });

  it('leaves the icon to the other projects: updates elsewhere still show', () => {
    expect(trayModel(state({ projects: [view('core', { latest: '1.3.0' }), local()] }), NOW).icon).toBe('updates');
  });
});

describe('trayModel: Upshift updating itself', () => {
  const base: SelfUpdateStatus = {
    managed: 'app',
    note: null,
    current: '0.1.0',
    channel: 'stable',
    phase: 'available',
    available: { version: '0.2.0', releaseName: null, notes: 'Faster.', releaseDate: null },
    offer: 'offer',
    remindUntil: null,
    installOnQuit: false,
    progress: null,
    lastCheckAt: null,
    error: null,
    refused: null,
  };
  const self = (s: Partial<SelfUpdateStatus>) => trayModel(state({ projects: [view('core')], selfUpdate: { ...base, ...s } }), NOW);

  it('offers a new Upshift with an item that opens About, and says so in the tooltip; the icon stays about projects', () => {
    const m = self({});
    expect(byId(m.menu, 'self-update')).toEqual({ kind: 'item', id: 'self-update', label: 'Upshift 0.2.0 is available…', enabled: true, action: { type: 'open-about' } });
    expect(m.tooltip).toBe('Upshift: 1 project, up to date · Upshift 0.2.0 available');
    expect(m.icon).toBe('idle');
    // Before "Open Upshift" and "Quit", after the status lines.
    expect(m.menu.findIndex((i) => i.id === 'self-update')).toBeLessThan(m.menu.findIndex((i) => i.id === 'check-now'));
  });

  it('keeps quiet about a skipped or postponed version, and where Upshift does not update itself', () => {
    expect(byId(self({ offer: 'skipped' }).menu, 'self-update')).toBeUndefined();
    expect(byId(self({ offer: 'remind-later' }).menu, 'self-update')).toBeUndefined();
    expect(byId(self({ managed: 'external', available: null, offer: null }).menu, 'self-update')).toBeUndefined();
    expect(self({ offer: 'skipped' }).tooltip).not.toContain('0.2.0');
    expect(byId(trayModel(state({ selfUpdate: null }), NOW).menu, 'sep-self-update')).toBeUndefined();
  });

  it('shows the download, then that it will be installed on quit', () => {
    expect(byId(self({ installOnQuit: true, phase: 'downloading', progress: { percent: 42.7, transferred: 1, total: 2, bytesPerSecond: 1 } }).menu, 'self-update')).toEqual({ kind: 'info', id: 'self-update', label: 'Downloading Upshift 0.2.0… 42%' });
    const done = self({ installOnQuit: true, phase: 'downloaded' });
    expect(byId(done.menu, 'self-update')).toEqual({ kind: 'info', id: 'self-update', label: 'Upshift 0.2.0 will be installed when you quit' });
    expect(done.tooltip).not.toContain('available');
    expect(byId(self({ installOnQuit: true, phase: 'error', error: 'net::ERR' }).menu, 'self-update')).toMatchObject({ kind: 'item', label: 'Upshift 0.2.0 could not be downloaded: see About…', action: { type: 'open-about' } });
  });
});
