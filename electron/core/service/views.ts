import { DEFAULT_SETTINGS, settingsSchema, type ProjectView, type Settings } from '../../../shared/api/contract.js';
import type { Operation } from '../../../shared/api/types.js';
import { toInfo } from '../engine/projects.js';
import { failedReleases } from './outcomes.js';
import { assessOwner, type ProjectRecord, type StateStore } from '../state/index.js';

/**
 * The settings: the defaults with every stored key that still passes its schema on top. A key that fails (an
 * older or newer app wrote it) falls back to its default instead of failing the whole app.
 */
export function readSettings(store: StateStore): Settings {
  const stored = store.getSettings();
  const out: Settings = structuredClone(DEFAULT_SETTINGS);
  const shape = settingsSchema.shape;
  for (const key of Object.keys(shape) as Array<keyof Settings>) {
    if (!(key in stored)) continue;
    const parsed = shape[key].safeParse(stored[key]);
    if (parsed.success) (out as Record<string, unknown>)[key] = parsed.data;
  }
  return out;
}

/**
 * Applies a validated partial: each key given replaces the current one, except `projects`, where each project
 * named replaces that project's override (an empty object clears it) and projects not named keep theirs.
 */
export function mergeSettings(current: Settings, patch: Partial<Settings>): Settings {
  const next: Settings = { ...current, ...patch, projects: { ...current.projects } };
  for (const [name, override] of Object.entries(patch.projects ?? {})) {
    const clean = Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined && !(typeof v === 'object' && Object.keys(v).length === 0)));
    if (Object.keys(clean).length === 0) delete next.projects[name];
    else next.projects[name] = clean;
  }
  return next;
}

/** What an operation in progress looks like to the Updates view. */
export type InProgress = { id: string; kind: Operation['kind'] } | null;

/**
 * One project as the Updates view shows it: its record (with the channel the app's override sets), the last
 * check, the user's decisions and the operation in progress. An operation left "running" by a process that died
 * is not in progress (recovery will pick it up); one running on another host is, as far as anyone can tell.
 */
export function projectView(store: StateStore, record: ProjectRecord, settings: Settings, now: number, own: InProgress): ProjectView {
  const check = store.getCheck(record.name);
  const decisions = store.listDecisions(record.name);
  const latest = check?.latest?.version ?? null;
  const snooze = latest ? decisions.find((d) => d.kind === 'snooze' && d.version === latest && d.until !== null && Date.parse(d.until) > now) : undefined;
  let inProgress = own;
  if (!inProgress) {
    const running = store.runningOperation(record.name);
    if (running) {
      const state = assessOwner({ pid: running.operation.pid, pidStartTime: running.pidStartTime, bootId: running.bootId, host: running.operation.host });
      if (state === 'alive' || state === 'other-host') inProgress = { id: running.operation.id, kind: running.operation.kind };
    }
  }
  const info = toInfo(record, store.paths.home);
  return {
    ...info,
    channel: settings.projects[record.name]?.channel ?? info.channel,
    check,
    decision: {
      skipped: decisions.filter((d) => d.kind === 'skip').map((d) => d.version),
      snoozedUntil: snooze?.until ?? null,
    },
    operationInProgress: inProgress,
    failedReleases: failedReleases(store, record.name, check),
  };
}
