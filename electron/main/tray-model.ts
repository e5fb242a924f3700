/**
 * The tray as a pure function of state: icon, tooltip and menu. No Electron here (tray-electron.ts applies the
 * model to a real Tray), so every state is unit-tested without a display — the shape Signal's
 * SystemTrayService points at, taken one step further.
 */
import type { PollerState, ProjectView } from '../../shared/api/contract.js';
import type { ApiError } from '../../shared/api/types.js';
import type { SelfUpdateStatus } from '../../shared/policy/selfupdate.js';
import { trayTrust } from './tray-trust.js';
import { traySchedule, type ScheduleAction } from './tray-schedule.js';
import type { Schedule } from '../../shared/policy/index.js';
import { updateOffer } from '../../shared/policy/offer.js';
import { skippedBy } from '../../shared/policy/skips.js';

export type TrayIcon = 'idle' | 'updates' | 'working' | 'error';

/** What a menu item does when clicked; the Electron wire maps each to the service or the window. */
export type TrayAction =
  | { type: 'open-plan'; project: string; version: string }
  | { type: 'check-now' }
  | { type: 'pause-checks'; paused: boolean }
  | { type: 'open-window' }
  /** The About view, where Upshift's own update is shown with its notes, Skip, Remind me later, Install on quit. */
  | { type: 'open-about' }
  | { type: 'quit' }
  /** The scheduler's items (tray-schedule.ts): approve a release now, resume automation, open the Schedule view. */
  | ScheduleAction;

export type MenuItemModel =
  | { kind: 'item'; id: string; label: string; enabled: boolean; action: TrayAction }
  /** A line of status text (shown disabled). */
  | { kind: 'info'; id: string; label: string }
  | { kind: 'separator'; id: string };

export interface TrayState {
  projects: readonly ProjectView[];
  poller: PollerState;
  /** Operations running now, in this process or another one (from operation-started / -finished events). */
  operationsRunning: number;
  /** A failure that is not one project's check (the engine failed to open, "Check now" from the tray failed). */
  lastError: ApiError | null;
  /** Upshift's own update (self-update-changed events); absent or null until the first status arrives. */
  selfUpdate?: SelfUpdateStatus | null;
  /** What the scheduler will do (getSchedule, again on schedule-changed); absent or null until it arrives. */
  schedule?: Schedule | null;
}

export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  menu: MenuItemModel[];
}

/** An update the tray offers: the project and the version its plan would default to. */
export interface OfferedUpdate {
  project: string;
  version: string;
  /** Nothing newer is compatible with the project's dependents: the plan will say why. */
  blocked: boolean;
  /** An operation on this project is running now. */
  busy: boolean;
}

/** Windows truncates tray tooltips at 127 characters (NOTIFYICONDATA.szTip is 128 wide, NUL included). */
export const TOOLTIP_MAX = 127;
/** More update items than this would make the menu taller than a screen: the rest are behind "Open Upshift". */
export const MAX_UPDATE_ITEMS = 10;

/**
 * The updates worth offering: an update is available, and its target is neither skipped nor snoozed. The target
 * is the plan's default (`offered`: the newest release no dependent blocks and no manual gate holds back), else the
 * newest compatible release, else the latest.
 */
export function offeredUpdates(projects: readonly ProjectView[], now: number): OfferedUpdate[] {
  const out: OfferedUpdate[] = [];
  for (const p of projects) {
    const check = p.check;
    if (!check || check.error || !check.updateAvailable || !check.latest) continue;
    // What `upgrade` without a target installs (the gates allow it without an explicit choice); else the newest
    // compatible, whose plan asks for that choice; else the blocked latest, whose plan says why.
    const target = check.offered ?? check.latestCompatible ?? check.latest;
    if (skippedBy(p.decision.skipped, target.version)) continue;
    // A `skip` gate never offers it (issue 11 §1): not an update to count or show.
    if (updateOffer(check, p.decision.skipped).hiddenByGate.includes(target.version)) continue;
    if (p.decision.snoozedUntil !== null && Date.parse(p.decision.snoozedUntil) > now) continue;
    out.push({ project: p.name, version: target.version, blocked: check.latestCompatible === null, busy: p.operationInProgress !== null });
  }
  return out.sort((a, b) => a.project.localeCompare(b.project));
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The tray for a state. `now` decides which snoozes have run out (injected, so tests need no fake timers). */
export function trayModel(state: TrayState, now: number = Date.now()): TrayModel {
  const updates = offeredUpdates(state.projects, now);
  const busyProjects = state.projects.filter((p) => p.operationInProgress !== null).map((p) => p.name);
  const working = Math.max(state.operationsRunning, busyProjects.length);
  const failedChecks = state.projects.filter((p) => p.check?.error).map((p) => p.name);
  // Local-only projects (no remote) have no release source: a normal state, shown as such, never as an error.
  const noSource = state.projects.filter((p) => p.check?.noSource && !p.check.error).map((p) => p.name);
  const hasError = state.lastError !== null || failedChecks.length > 0;
  const paused = state.poller.paused;

  // Working wins (something is changing a checkout now), then errors (what the tray shows may be stale), then updates.
  const icon: TrayIcon = working > 0 ? 'working' : hasError ? 'error' : updates.length > 0 ? 'updates' : 'idle';

  const parts: string[] = [];
  if (state.projects.length === 0) parts.push('no projects watched');
  else if (updates.length > 0) parts.push(`${plural(updates.length, 'update')} available`);
  else parts.push(state.projects.length === 1 ? '1 project, up to date' : `${state.projects.length} projects, all up to date`);
  // Loud before the rest (the tooltip is cut at 127 characters): a moved tag, an end of life (tray-trust.ts).
  const trust = trayTrust(state.projects);
  parts.push(...trust.tooltip);
  if (working > 0) parts.push(`${working} upgrading`);
  if (failedChecks.length > 0) parts.push(`${plural(failedChecks.length, 'check')} failed`);
  if (state.lastError) parts.push(`error: ${state.lastError.message}`);
  const selfOffered = offeredSelfUpdate(state.selfUpdate ?? null);
  if (selfOffered) parts.push(`Upshift ${selfOffered} available`);
  const sched = traySchedule(state.schedule, now);
  parts.push(...sched.tooltip);
  if (paused) parts.push('checks paused');
  const tooltip = truncate(`Upshift: ${parts.join(' · ')}`, TOOLTIP_MAX);

  const menu: MenuItemModel[] = [];
  const info = (id: string, label: string): void => void menu.push({ kind: 'info', id, label });
  if (state.projects.length === 0) info('status', 'No projects yet: open Upshift to add one');
  else if (updates.length > 0) info('status', `${plural(updates.length, 'update')} available`);
  else info('status', state.projects.length === 1 ? 'Up to date' : `All ${state.projects.length} projects up to date`);
  if (busyProjects.length > 0) info('working', `Upgrading ${busyProjects.join(', ')}…`);
  else if (working > 0) info('working', `${plural(working, 'operation')} running`);
  if (failedChecks.length > 0) info('failed', `Check failed: ${failedChecks.join(', ')}`);
  if (noSource.length > 0) info('no-source', truncate(`No release source (local only): ${noSource.join(', ')}`, 80));
  if (state.lastError) info('error', truncate(state.lastError.message, 80));
  if (paused) info('paused', 'Background checks are paused');
  for (const line of trust.lines) info(line.id, truncate(line.label, 80));
  if (sched.items.length > 0) menu.push({ kind: 'separator', id: 'sep-schedule' }, ...sched.items);
  const self = selfUpdateItems(state.selfUpdate ?? null);
  if (self.length > 0) menu.push({ kind: 'separator', id: 'sep-self-update' }, ...self);

  if (updates.length > 0) {
    menu.push({ kind: 'separator', id: 'sep-updates' });
    for (const u of updates.slice(0, MAX_UPDATE_ITEMS)) {
      const label = u.busy ? `Upgrading ${u.project}…` : u.blocked ? `${u.project} ${u.version} is blocked: see the plan…` : `Upgrade ${u.project} to ${u.version}…`;
      menu.push({ kind: 'item', id: `update:${u.project}`, label, enabled: !u.busy, action: { type: 'open-plan', project: u.project, version: u.version } });
    }
    if (updates.length > MAX_UPDATE_ITEMS) {
      menu.push({ kind: 'item', id: 'more-updates', label: `${updates.length - MAX_UPDATE_ITEMS} more in Upshift…`, enabled: true, action: { type: 'open-window' } });
    }
  }

  menu.push(
    { kind: 'separator', id: 'sep-actions' },
    { kind: 'item', id: 'check-now', label: 'Check now', enabled: state.projects.length > 0, action: { type: 'check-now' } },
    paused
      ? { kind: 'item', id: 'pause', label: 'Resume checks', enabled: true, action: { type: 'pause-checks', paused: false } }
      : { kind: 'item', id: 'pause', label: 'Pause checks', enabled: true, action: { type: 'pause-checks', paused: true } },
    { kind: 'separator', id: 'sep-app' },
    { kind: 'item', id: 'open', label: 'Open Upshift', enabled: true, action: { type: 'open-window' } },
    { kind: 'item', id: 'quit', label: 'Quit', enabled: true, action: { type: 'quit' } },
  );
  return { icon, tooltip, menu };
}

/** The version of Upshift itself worth headlining: newer, not skipped or postponed, not already chosen. */
export function offeredSelfUpdate(status: SelfUpdateStatus | null): string | null {
  if (!status || status.managed !== 'app' || !status.available || status.offer !== 'offer' || status.installOnQuit) return null;
  return status.available.version;
}

/**
 * Upshift's own update in the menu: offered (opens About, where the notes and the choices are), downloading,
 * or waiting to be installed on quit. Skipped and postponed versions stay quiet, as they do for projects.
 */
function selfUpdateItems(status: SelfUpdateStatus | null): MenuItemModel[] {
  if (!status || status.managed !== 'app' || !status.available) return [];
  const v = status.available.version;
  if (status.installOnQuit && status.phase === 'downloading') {
    const pct = status.progress ? ` ${Math.floor(status.progress.percent)}%` : '';
    return [{ kind: 'info', id: 'self-update', label: `Downloading Upshift ${v}…${pct}` }];
  }
  if (status.installOnQuit && status.phase === 'downloaded') return [{ kind: 'info', id: 'self-update', label: `Upshift ${v} will be installed when you quit` }];
  if (status.installOnQuit && status.phase === 'error') {
    return [{ kind: 'item', id: 'self-update', label: `Upshift ${v} could not be downloaded: see About…`, enabled: true, action: { type: 'open-about' } }];
  }
  if (offeredSelfUpdate(status)) return [{ kind: 'item', id: 'self-update', label: `Upshift ${v} is available…`, enabled: true, action: { type: 'open-about' } }];
  return [];
}
