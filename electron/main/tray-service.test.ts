import { describe, expect, it } from 'vitest';
import type { Operation } from '../../shared/api/types.js';
import type { MenuItemModel, TrayAction, TrayIcon, TrayModel } from './tray-model.js';
import { TrayService, type TrayHandle } from './tray-service.js';
import { NOW, POLLER, view } from '../../test/helpers/tray-views.js';

/** A tray that records every call, standing in for Electron's Tray. */
class FakeTray implements TrayHandle {
  calls: string[] = [];
  icon: TrayIcon | null = null;
  tooltip = '';
  menu: readonly MenuItemModel[] = [];
  destroyed = false;
  constructor(readonly initial: TrayModel, readonly click: (a: TrayAction) => void) {}
  setIcon(icon: TrayIcon): void {
    this.calls.push(`icon:${icon}`);
    this.icon = icon;
  }
  setToolTip(text: string): void {
    this.calls.push('tooltip');
    this.tooltip = text;
  }
  setMenu(items: readonly MenuItemModel[]): void {
    this.calls.push('menu');
    this.menu = items;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(now = NOW) {
  const trays: FakeTray[] = [];
  const actions: TrayAction[] = [];
  let clock = now;
  const service = new TrayService({
    createTray: (initial, onAction) => {
      const t = new FakeTray(initial, onAction);
      trays.push(t);
      return t;
    },
    onAction: (a) => actions.push(a),
    now: () => clock,
  });
  return { service, trays, actions, tray: () => trays[0]!, setNow: (t: number) => (clock = t) };
}

function operation(id: string, status: Operation['status']): Operation {
  const end = { version: null, tag: null, sha: null };
  return { id, project: 'core', kind: 'upgrade', status, from: end, to: end, steps: [], error: null, target: null, startedAt: '', finishedAt: null, durationMs: null, host: 'h', user: 'u', pid: 1, logDir: null, manualRecovery: null };
}

describe('TrayService', () => {
  it('creates the tray once, on the first render, with the whole model', () => {
    const { service, trays, tray } = setup();
    expect(trays).toHaveLength(0);
    service.refresh();
    expect(trays).toHaveLength(1);
    expect(tray().calls).toEqual(['icon:idle', 'tooltip', 'menu']);
    expect(tray().tooltip).toBe('Upshift: no projects watched');
    service.setProjects([view('core', { latest: '1.3.0' })]);
    expect(trays).toHaveLength(1);
  });

  it('ignores unchanged values: no render, no call on the tray', () => {
    const { service, tray } = setup();
    service.setProjects([view('core')]);
    const before = tray().calls.length;
    service.setProjects([view('core')]);
    service.setPoller({ ...POLLER });
    service.setOperationsRunning(0);
    service.setLastError(null);
    service.setProject(view('core'));
    expect(tray().calls.length).toBe(before);
  });

  it('applies only the parts of the model that changed', () => {
    const { service, tray } = setup();
    service.setProjects([view('core')]);
    tray().calls = [];
    service.setPoller({ ...POLLER, paused: true });
    // Tooltip ("checks paused") and menu ("Resume checks") change; the icon stays idle.
    expect(tray().calls).toEqual(['tooltip', 'menu']);
    tray().calls = [];
    service.setProject(view('core', { latest: '1.3.0' }));
    expect(tray().calls).toEqual(['icon:updates', 'tooltip', 'menu']);
  });

  it("follows Upshift's own update: the item appears with self-update-changed, and an unchanged status redraws nothing", () => {
    const { service, tray } = setup();
    service.setProjects([view('core')]);
    const status = { managed: 'app', note: null, current: '0.1.0', channel: 'stable', phase: 'available', available: { version: '0.2.0', releaseName: null, notes: null, releaseDate: null }, offer: 'offer', remindUntil: null, installOnQuit: false, progress: null, lastCheckAt: null, error: null, refused: null } as const;
    tray().calls.length = 0;
    service.handleEvent({ type: 'self-update-changed', status });
    expect(tray().menu.find((m) => m.id === 'self-update')).toMatchObject({ label: 'Upshift 0.2.0 is available…' });
    expect(tray().calls).toEqual(['tooltip', 'menu']);
    service.handleEvent({ type: 'self-update-changed', status: { ...status } });
    expect(tray().calls).toEqual(['tooltip', 'menu']);
    service.handleEvent({ type: 'self-update-changed', status: { ...status, offer: 'skipped' } });
    expect(tray().menu.some((m) => m.id === 'self-update')).toBe(false);
  });

  it('follows engine events: state, one project, operations starting and finishing', () => {
    const { service, tray } = setup();
    service.handleEvent({ type: 'state-changed', state: { projects: [view('core')], poller: POLLER, settings: { pollMinutes: 60, paused: false, notifications: { enabled: true }, launchAtLogin: false, offline: false, projects: {} } } });
    expect(tray().icon).toBe('idle');
    service.handleEvent({ type: 'project-changed', project: view('finance', { current: '0.2.0', latest: '0.3.0' }) });
    expect(tray().icon).toBe('updates');
    expect(service.model().menu.some((m) => m.id === 'update:finance')).toBe(true);
    service.handleEvent({ type: 'operation-started', operation: operation('op_1', 'running') });
    service.handleEvent({ type: 'operation-started', operation: operation('op_2', 'running') });
    expect(tray().icon).toBe('working');
    expect(tray().tooltip).toContain('2 upgrading');
    service.handleEvent({ type: 'operation-finished', operation: operation('op_1', 'succeeded') });
    expect(tray().tooltip).toContain('1 upgrading');
    service.handleEvent({ type: 'operation-finished', operation: operation('op_2', 'rolled_back') });
    expect(tray().icon).toBe('updates');
    // An operation refused before it ran (blocked) never counts as running.
    service.handleEvent({ type: 'operation-started', operation: operation('op_3', 'blocked') });
    expect(tray().icon).toBe('updates');
    service.handleEvent({ type: 'history-changed' });
    expect(tray().icon).toBe('updates');
  });

  it('re-renders with the current time when a project is re-announced (a snooze ran out)', () => {
    const { service, tray, setNow } = setup();
    const snoozed = view('core', { latest: '1.3.0', snoozedUntil: new Date(NOW + 60_000).toISOString() });
    service.handleEvent({ type: 'project-changed', project: snoozed });
    expect(tray().icon).toBe('idle');
    setNow(NOW + 120_000);
    service.handleEvent({ type: 'project-changed', project: snoozed });
    expect(tray().icon).toBe('updates');
  });

  it('routes menu clicks to onAction', () => {
    const { service, tray, actions } = setup();
    service.refresh();
    tray().click({ type: 'check-now' });
    expect(actions).toEqual([{ type: 'check-now' }]);
  });

  it('shows a general error and clears it', () => {
    const { service, tray } = setup();
    service.setLastError({ code: 'X', message: 'state.db is locked', retryable: true });
    expect(tray().icon).toBe('error');
    service.setLastError(null);
    expect(tray().icon).toBe('idle');
  });

  it('destroys the tray and draws nothing afterwards', () => {
    const { service, trays, tray } = setup();
    service.refresh();
    service.destroy();
    expect(tray().destroyed).toBe(true);
    service.setProjects([view('core', { latest: '1.3.0' })]);
    expect(trays).toHaveLength(1);
  });
});
