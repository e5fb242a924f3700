/**
 * Pure state transitions: how each engine event (and each method answer) changes the dashboard's data. The store
 * (store.ts) calls these and adds the side effects (fetching what is missing, refreshing history).
 */
import type { AppState, ProjectView, UpshiftEvent } from '../../shared/api/contract.js';
import type { Operation, OperationStep, StepStatus } from '../../shared/api/types.js';
import { patchHistoryOperation } from './history.js';
import type { DataState, LiveOperation, Toast } from './types.js';

/** Lines kept per step in the live log tail. */
export const LOG_LINES_PER_STEP = 500;
/** Toasts kept at once (oldest dropped). */
export const MAX_TOASTS = 5;

export function emptyLive(id: string): LiveOperation {
  return { id, operation: null, logs: {}, stepStartedAt: {}, pendingSteps: [] };
}

const STEP_RANK: Record<StepStatus, number> = { pending: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2, skipped: 2, rolled_back: 3 };

function rank(status: string): number {
  return (STEP_RANK as Record<string, number>)[status] ?? 0;
}

/** A step update merged into a step list: by id, never moving a step back to an earlier status. */
export function mergeStep(steps: OperationStep[], update: Partial<OperationStep> & { id: string }): OperationStep[] {
  const i = steps.findIndex((s) => s.id === update.id);
  if (i === -1) {
    const step: OperationStep = {
      id: update.id,
      title: update.title ?? update.id,
      status: update.status ?? 'pending',
      startedAt: update.startedAt ?? null,
      finishedAt: update.finishedAt ?? null,
      durationMs: update.durationMs ?? null,
      command: update.command ?? null,
      error: update.error ?? null,
      outputExcerpt: update.outputExcerpt ?? null,
      logPath: update.logPath ?? null,
    };
    return [...steps, step];
  }
  const old = steps[i]!;
  if (update.status && rank(update.status) < rank(old.status)) return steps;
  const merged: OperationStep = { ...old };
  for (const [k, v] of Object.entries(update) as Array<[keyof OperationStep, unknown]>) {
    if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  }
  const copy = steps.slice();
  copy[i] = merged;
  return copy;
}

/**
 * A full operation record (from an event or getOperation) merged with what the dashboard already has. A finished
 * record wins outright; a running snapshot may be older than the step events seen since, so each step keeps the
 * more advanced status.
 */
export function mergeOperation(current: Operation | null, incoming: Operation): Operation {
  if (!current || incoming.status !== 'running' || current.status !== 'running') {
    return current && current.status !== 'running' && incoming.status === 'running' ? current : incoming;
  }
  let steps = incoming.steps;
  for (const s of current.steps) steps = mergeStep(steps, s);
  return { ...incoming, steps };
}

function withOperation(state: DataState, id: string, fn: (live: LiveOperation) => LiveOperation): DataState {
  const live = fn(state.operations[id] ?? emptyLive(id));
  return { ...state, operations: { ...state.operations, [id]: live } };
}

function setProject(app: AppState | null, name: string, fn: (p: ProjectView) => ProjectView): AppState | null {
  if (!app) return app;
  let hit = false;
  const projects = app.projects.map((p) => {
    if (p.name !== name) return p;
    hit = true;
    return fn(p);
  });
  return hit ? { ...app, projects } : app;
}

/** A project view from the engine, inserted or replacing the one with its name. */
export function upsertProject(app: AppState | null, project: ProjectView): AppState | null {
  if (!app) return app;
  const i = app.projects.findIndex((p) => p.name === project.name);
  const projects = app.projects.slice();
  if (i === -1) projects.push(project);
  else projects[i] = project;
  return { ...app, projects };
}

export function removeProjectView(app: AppState | null, name: string): AppState | null {
  if (!app) return app;
  return { ...app, projects: app.projects.filter((p) => p.name !== name) };
}

export function pushToast(toasts: Toast[], toast: Toast): Toast[] {
  if (toasts.some((t) => t.id === toast.id)) return toasts;
  return [...toasts, toast].slice(-MAX_TOASTS);
}

/** A full operation record into the live map, the project's in-progress marker and any loaded history row. */
export function applyOperation(state: DataState, operation: Operation, now: number): DataState {
  let next = withOperation(state, operation.id, (live) => {
    let merged = mergeOperation(live.operation, operation);
    if (live.pendingSteps.length > 0 && merged.status === 'running') {
      let steps = merged.steps;
      for (const p of live.pendingSteps) steps = mergeStep(steps, p);
      merged = { ...merged, steps };
    }
    const stepStartedAt = { ...live.stepStartedAt };
    for (const s of merged.steps) {
      if (s.status === 'running' && stepStartedAt[s.id] === undefined) {
        stepStartedAt[s.id] = s.startedAt ? Date.parse(s.startedAt) : now;
      }
    }
    return { ...live, operation: merged, stepStartedAt, pendingSteps: [] };
  });
  const running = operation.status === 'running';
  next = {
    ...next,
    app: setProject(next.app, operation.project, (p) => {
      if (running) return { ...p, operationInProgress: { id: operation.id, kind: operation.kind } };
      return p.operationInProgress?.id === operation.id ? { ...p, operationInProgress: null } : p;
    }),
    history: patchHistoryOperation(next.history, next.operations[operation.id]!.operation!),
  };
  return next;
}

/** How one engine event changes the data. `now` is injected for testability. */
export function reduceEvent(state: DataState, event: UpshiftEvent, now: number): DataState {
  switch (event.type) {
    case 'state-changed':
      return { ...state, app: event.state };
    case 'project-changed':
      return { ...state, app: upsertProject(state.app, event.project) };
    case 'operation-started': {
      const next = applyOperation(state, event.operation, now);
      return { ...next, activeByProject: { ...next.activeByProject, [event.operation.project]: event.operation.id } };
    }
    case 'operation-finished':
      return applyOperation(state, event.operation, now);
    case 'operation-step':
      return withOperation(state, event.operationId, (live) => {
        const stepStartedAt =
          event.step.status === 'running' && live.stepStartedAt[event.step.id] === undefined
            ? { ...live.stepStartedAt, [event.step.id]: now }
            : live.stepStartedAt;
        if (!live.operation) return { ...live, stepStartedAt, pendingSteps: [...live.pendingSteps, event.step] };
        const steps = mergeStep(live.operation.steps, event.step);
        return { ...live, stepStartedAt, operation: steps === live.operation.steps ? live.operation : { ...live.operation, steps } };
      });
    case 'operation-log':
      return withOperation(state, event.operationId, (live) => {
        const lines = (live.logs[event.stepId] ?? []).concat(event.line.replace(/\r?\n$/, '').split(/\r?\n/));
        return { ...live, logs: { ...live.logs, [event.stepId]: lines.length > LOG_LINES_PER_STEP ? lines.slice(-LOG_LINES_PER_STEP) : lines } };
      });
    case 'notification':
      return {
        ...state,
        toasts: pushToast(state.toasts, {
          id: `notification:${event.id}`,
          kind: 'update',
          title: event.title,
          body: event.body,
          action: { label: 'View plan', href: `#/plan/${encodeURIComponent(event.project)}?to=${encodeURIComponent(event.version)}` },
        }),
      };
    case 'check-failed':
      return {
        ...state,
        toasts: pushToast(state.toasts, {
          id: `check-failed:${event.project}:${event.error.code}:${now}`,
          kind: 'error',
          title: `Checking ${event.project} failed`,
          body: event.error.message,
        }),
      };
    case 'history-changed':
      return state;
    default:
      return state;
  }
}

/** Seeds the live log tail from an OperationDetail's logs (for steps the events have not covered). */
export function seedLogs(live: LiveOperation, logs: Record<string, string>): LiveOperation {
  let changed = false;
  const next = { ...live.logs };
  for (const [step, text] of Object.entries(logs)) {
    if (next[step]?.length) continue;
    const lines = text.replace(/\n$/, '').split(/\r?\n/);
    next[step] = lines.slice(-LOG_LINES_PER_STEP);
    changed = true;
  }
  return changed ? { ...live, logs: next } : live;
}

/** Ids of operations that events mention but whose record the dashboard does not have. */
export function unknownOperation(state: DataState, event: UpshiftEvent): string | null {
  if (event.type !== 'operation-step' && event.type !== 'operation-log') return null;
  return state.operations[event.operationId]?.operation ? null : event.operationId;
}
