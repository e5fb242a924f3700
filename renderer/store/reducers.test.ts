import { describe, expect, it } from 'vitest';
import { appState, operation, projectView, step } from '../testing/fixtures.js';
import { LOG_LINES_PER_STEP, MAX_TOASTS, mergeOperation, mergeStep, pushToast, reduceEvent, seedLogs, emptyLive, unknownOperation } from './reducers.js';
import { initialData } from './store.js';
import type { DataState } from './types.js';

const NOW = 1_000_000;

function withApp(): DataState {
  return { ...initialData(), app: appState([projectView('core'), projectView('finance')]) };
}

describe('mergeStep', () => {
  it('updates by id, appends unknown steps, never goes backwards', () => {
    const steps = [step('a', 'running'), step('b')];
    const done = mergeStep(steps, { id: 'a', status: 'succeeded', durationMs: 120 });
    expect(done[0]).toMatchObject({ status: 'succeeded', durationMs: 120, title: 'Step a' });
    expect(mergeStep(done, { id: 'a', status: 'running' })).toBe(done);
    const added = mergeStep(done, { id: 'hook:postUpgrade', title: 'Hook', status: 'running' });
    expect(added).toHaveLength(3);
    expect(added[2]).toMatchObject({ id: 'hook:postUpgrade', title: 'Hook', command: null });
    expect(mergeStep(done, { id: 'a', status: 'rolled_back' })[0]!.status).toBe('rolled_back');
  });
});

describe('mergeOperation', () => {
  it('a finished record wins; a stale running snapshot does not undo step events', () => {
    const current = operation({ steps: [step('preflight', 'succeeded'), step('snapshot', 'running'), step('smoke')] });
    const snapshot = operation({ steps: [step('preflight', 'running'), step('snapshot'), step('smoke')] });
    const merged = mergeOperation(current, snapshot);
    expect(merged.steps.map((s) => s.status)).toEqual(['succeeded', 'running', 'pending']);
    const finished = operation({ status: 'succeeded', steps: [step('preflight', 'succeeded')] });
    expect(mergeOperation(current, finished)).toBe(finished);
    expect(mergeOperation(finished, snapshot)).toBe(finished);
    expect(mergeOperation(null, snapshot)).toBe(snapshot);
  });
});

describe('reduceEvent', () => {
  it('state-changed and project-changed replace the app state', () => {
    const s = withApp();
    const next = reduceEvent(s, { type: 'state-changed', state: appState([]) }, NOW);
    expect(next.app?.projects).toEqual([]);
    const changed = reduceEvent(s, { type: 'project-changed', project: projectView('core', { path: '/new' }) }, NOW);
    expect(changed.app?.projects.map((p) => p.path)).toEqual(['/new', '/src/finance']);
    const added = reduceEvent(s, { type: 'project-changed', project: projectView('tools') }, NOW);
    expect(added.app?.projects.map((p) => p.name)).toEqual(['core', 'finance', 'tools']);
    expect(reduceEvent(initialData(), { type: 'project-changed', project: projectView('x') }, NOW).app).toBeNull();
  });

  it('follows an operation from start to finish (work started from the CLI shows up)', () => {
    let s = withApp();
    const op = operation();
    s = reduceEvent(s, { type: 'operation-started', operation: op }, NOW);
    expect(s.operations[op.id]?.operation?.status).toBe('running');
    expect(s.activeByProject.core).toBe(op.id);
    expect(s.app?.projects[0]?.operationInProgress).toEqual({ id: op.id, kind: 'upgrade' });

    s = reduceEvent(s, { type: 'operation-step', operationId: op.id, step: { id: 'preflight', title: 'Preflight', status: 'running', durationMs: null, error: null } }, NOW);
    expect(s.operations[op.id]?.stepStartedAt.preflight).toBe(NOW);
    s = reduceEvent(s, { type: 'operation-step', operationId: op.id, step: { id: 'preflight', title: 'Preflight', status: 'succeeded', durationMs: 35, error: null } }, NOW + 35);
    expect(s.operations[op.id]?.operation?.steps[0]).toMatchObject({ status: 'succeeded', durationMs: 35, title: 'Preflight' });

    s = reduceEvent(s, { type: 'operation-log', operationId: op.id, stepId: 'smoke', line: 'running tests\n' }, NOW);
    s = reduceEvent(s, { type: 'operation-log', operationId: op.id, stepId: 'smoke', line: 'FAIL a.test\r\nFAIL b.test' }, NOW);
    expect(s.operations[op.id]?.logs.smoke).toEqual(['running tests', 'FAIL a.test', 'FAIL b.test']);

    const finished = operation({ status: 'rolled_back', steps: [step('preflight', 'succeeded'), step('smoke', 'failed', { outputExcerpt: 'FAIL' })], error: 'smoke failed' });
    s = reduceEvent(s, { type: 'operation-finished', operation: finished }, NOW);
    expect(s.operations[op.id]?.operation?.status).toBe('rolled_back');
    expect(s.operations[op.id]?.logs.smoke).toHaveLength(3);
    expect(s.app?.projects[0]?.operationInProgress).toBeNull();
    expect(s.activeByProject.core).toBe(op.id);
  });

  it('caps the log tail per step', () => {
    let s = initialData();
    for (let i = 0; i < LOG_LINES_PER_STEP + 20; i++) s = reduceEvent(s, { type: 'operation-log', operationId: 'op_x', stepId: 'install', line: `line ${i}` }, NOW);
    const lines = s.operations.op_x!.logs.install!;
    expect(lines).toHaveLength(LOG_LINES_PER_STEP);
    expect(lines.at(-1)).toBe(`line ${LOG_LINES_PER_STEP + 19}`);
  });

  it('keeps step events for an operation it has not seen yet, and reports it as unknown', () => {
    const s = initialData();
    const ev = { type: 'operation-step', operationId: 'op_cli', step: { id: 'fetch', title: 'Fetch', status: 'running', durationMs: null, error: null } } as const;
    expect(unknownOperation(s, ev)).toBe('op_cli');
    const next = reduceEvent(s, ev, NOW);
    expect(next.operations.op_cli?.stepStartedAt.fetch).toBe(NOW);
    expect(unknownOperation(next, ev)).toBe('op_cli');
    expect(unknownOperation(s, { type: 'history-changed' })).toBeNull();
  });

  it('patches a loaded history row when an operation finishes', () => {
    let s = withApp();
    s = { ...s, history: { ...s.history, total: 1, pages: { 0: [operation()] } } };
    s = reduceEvent(s, { type: 'operation-finished', operation: operation({ status: 'succeeded', durationMs: 900 }) }, NOW);
    expect(s.history.pages[0]![0]!.status).toBe('succeeded');
  });

  it('turns notifications and failed checks into toasts, once each', () => {
    let s = initialData();
    const n = { type: 'notification', id: 'n1', project: 'core', version: '1.3.0', title: 'core 1.3.0 is out', body: 'minor update' } as const;
    s = reduceEvent(s, n, NOW);
    s = reduceEvent(s, n, NOW);
    expect(s.toasts).toHaveLength(1);
    expect(s.toasts[0]).toMatchObject({ kind: 'update', title: 'core 1.3.0 is out', action: { href: '#/plan/core?to=1.3.0' } });
    s = reduceEvent(s, { type: 'check-failed', project: 'core', error: { code: 'NETWORK', message: 'offline', retryable: true } }, NOW);
    expect(s.toasts[1]).toMatchObject({ kind: 'error', body: 'offline' });
    expect(reduceEvent(s, { type: 'history-changed' }, NOW)).toBe(s);
  });

  it('keeps at most a few toasts', () => {
    let toasts: ReturnType<typeof initialData>['toasts'] = [];
    for (let i = 0; i < MAX_TOASTS + 3; i++) toasts = pushToast(toasts, { id: String(i), kind: 'info', title: String(i) });
    expect(toasts.map((t) => t.id)).toEqual(['3', '4', '5', '6', '7']);
  });
});

describe('seedLogs', () => {
  it('fills steps the events have not covered', () => {
    const live = { ...emptyLive('op'), logs: { smoke: ['live'] } };
    const seeded = seedLogs(live, { smoke: 'old\n', install: 'a\nb\n' });
    expect(seeded.logs).toEqual({ smoke: ['live'], install: ['a', 'b'] });
    expect(seedLogs(seeded, { smoke: 'x' })).toBe(seeded);
  });
});
