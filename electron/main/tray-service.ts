/**
 * Keeps a tray in step with the engine. Like Signal's SystemTrayService (app/SystemTrayService.main.ts): the tray
 * comes from an injected factory (tests pass a fake, the app a real Electron Tray), setters ignore unchanged
 * values, and one render function applies `trayModel` — only the parts that changed reach the tray.
 * No Electron import: this file runs under plain Node in tests.
 */
import type { PollerState, ProjectView, UpshiftEvent } from '../../shared/api/contract.js';
import type { ApiError } from '../../shared/api/types.js';
import type { SelfUpdateStatus } from '../../shared/policy/selfupdate.js';
import type { Schedule } from '../../shared/policy/index.js';
import { trayModel, type MenuItemModel, type TrayAction, type TrayIcon, type TrayModel, type TrayState } from './tray-model.js';

/** What the service needs from a tray; tray-electron.ts implements it over Electron's Tray and Menu. */
export interface TrayHandle {
  setIcon(icon: TrayIcon): void;
  setToolTip(text: string): void;
  setMenu(items: readonly MenuItemModel[]): void;
  destroy(): void;
}

export interface TrayServiceOptions {
  /** Makes the tray on the first render; clicks on its menu items come back through `onAction`. */
  createTray: (initial: TrayModel, onAction: (action: TrayAction) => void) => TrayHandle;
  onAction: (action: TrayAction) => void;
  now?: () => number;
}

const INITIAL_POLLER: PollerState = { paused: false, lastCheckAt: null, nextCheckAt: null, failures: 0 };

export class TrayService {
  private state: TrayState = { projects: [], poller: INITIAL_POLLER, operationsRunning: 0, lastError: null };
  private readonly running = new Set<string>();
  private tray: TrayHandle | null = null;
  private applied: { icon: TrayIcon; tooltip: string; menuKey: string } | null = null;
  private destroyed = false;

  constructor(private readonly opts: TrayServiceOptions) {}

  /** The model the tray shows now (for tests and logs). */
  model(): TrayModel {
    return trayModel(this.state, this.now());
  }

  /** Operations running now (from events, or projects marked busy): quitting asks first when there are any. */
  runningOperations(): number {
    return Math.max(this.running.size, this.state.projects.filter((p) => p.operationInProgress !== null).length);
  }

  setProjects(projects: readonly ProjectView[]): void {
    if (sameJson(projects, this.state.projects)) return;
    this.state = { ...this.state, projects: [...projects] };
    this.render();
  }

  /** One project changed (added or updated). */
  setProject(project: ProjectView): void {
    const i = this.state.projects.findIndex((p) => p.name === project.name);
    if (i !== -1 && sameJson(this.state.projects[i], project)) return;
    const projects = [...this.state.projects];
    if (i === -1) projects.push(project);
    else projects[i] = project;
    this.state = { ...this.state, projects };
    this.render();
  }

  setPoller(poller: PollerState): void {
    if (sameJson(poller, this.state.poller)) return;
    this.state = { ...this.state, poller };
    this.render();
  }

  setOperationsRunning(count: number): void {
    if (count === this.state.operationsRunning) return;
    this.state = { ...this.state, operationsRunning: count };
    this.render();
  }

  setSelfUpdate(status: SelfUpdateStatus | null): void {
    if (sameJson(status, this.state.selfUpdate ?? null)) return;
    this.state = { ...this.state, selfUpdate: status };
    this.render();
  }

  /** What the scheduler will do (main.ts reads getSchedule at start and on schedule-changed / approvals-changed). */
  setSchedule(schedule: Schedule | null): void {
    if (sameJson(schedule, this.state.schedule ?? null)) return;
    this.state = { ...this.state, schedule };
    this.render();
  }

  setLastError(error: ApiError | null): void {
    if (sameJson(error, this.state.lastError)) return;
    this.state = { ...this.state, lastError: error };
    this.render();
  }

  /** Follows the engine's events: the whole state, one project, operations starting and finishing. */
  handleEvent(event: UpshiftEvent): void {
    switch (event.type) {
      case 'state-changed':
        this.setProjects(event.state.projects);
        this.setPoller(event.state.poller);
        return;
      case 'project-changed':
        this.setProject(event.project);
        // Unchanged data can still mean a snooze just ran out (the engine re-announces the project then).
        this.refresh();
        return;
      case 'operation-started':
        if (event.operation.status === 'running') this.running.add(event.operation.id);
        this.setOperationsRunning(this.running.size);
        return;
      case 'operation-finished':
        this.running.delete(event.operation.id);
        this.setOperationsRunning(this.running.size);
        return;
      case 'self-update-changed':
        this.setSelfUpdate(event.status);
        return;
      default:
        return;
    }
  }

  /**
   * Renders again with the current time: the first paint, and whenever time alone may change the model (a snooze
   * running out). Only what differs from the tray's current content is applied.
   */
  refresh(): void {
    this.render();
  }

  destroy(): void {
    this.destroyed = true;
    this.tray?.destroy();
    this.tray = null;
    this.applied = null;
  }

  private render(): void {
    if (this.destroyed) return;
    const model = this.model();
    const menuKey = JSON.stringify(model.menu);
    if (!this.tray) {
      this.tray = this.opts.createTray(model, (action) => this.opts.onAction(action));
      this.tray.setIcon(model.icon);
      this.tray.setToolTip(model.tooltip);
      this.tray.setMenu(model.menu);
      this.applied = { icon: model.icon, tooltip: model.tooltip, menuKey };
      return;
    }
    const applied = this.applied!;
    if (model.icon !== applied.icon) this.tray.setIcon(model.icon);
    if (model.tooltip !== applied.tooltip) this.tray.setToolTip(model.tooltip);
    // Rebuilding a menu while it is open closes it on some platforms: only when it really changed.
    if (menuKey !== applied.menuKey) this.tray.setMenu(model.menu);
    this.applied = { icon: model.icon, tooltip: model.tooltip, menuKey };
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
