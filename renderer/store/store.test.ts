import { describe, expect, it } from 'vitest';
import type { Approval } from '../../shared/policy/index.js';
import { appState, operation, plan, projectView, step } from '../testing/fixtures.js';
import { apiError, fakeTransport, flush } from '../testing/fakeTransport.js';
import { PAGE_SIZE } from './history.js';
import { createAppStore } from './store.js';

function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (fn: () => void) => {
      pending.set(++next, fn);
      return next;
    },
    clearTimeout: (h: unknown) => {
      pending.delete(h as number);
    },
    run: () => {
      const fns = [...pending.values()];
      pending.clear();
      fns.forEach((fn) => fn());
    },
  };
}

describe('store: loading and events', () => {
  it('loads the state, then follows events without reloading', async () => {
    const t = fakeTransport({ getState: () => appState() });
    const store = createAppStore(t);
    expect(store.getState().load.status).toBe('idle');
    await store.getState().actions.init();
    expect(store.getState().load.status).toBe('ready');
    expect(store.getState().app?.projects.map((p) => p.name)).toEqual(['core']);
    t.emit({ type: 'project-changed', project: projectView('core', { decision: { skipped: ['1.3.0'], snoozedUntil: null } }) });
    expect(store.getState().app?.projects[0]?.decision.skipped).toEqual(['1.3.0']);
  });

  it('shows a load error, and recovers on retry', async () => {
    let fail = true;
    const t = fakeTransport({
      getState: () => {
        if (fail) throw apiError('UNAUTHORIZED', 'token missing');
        return appState();
      },
    });
    const store = createAppStore(t);
    await store.getState().actions.init();
    expect(store.getState().load).toEqual({ status: 'error', error: { code: 'UNAUTHORIZED', message: 'token missing', retryable: false } });
    fail = false;
    await store.getState().actions.refresh();
    expect(store.getState().load.status).toBe('ready');
  });

  it('fetches an operation it hears about only through step events (started from the CLI)', async () => {
    const op = operation({ id: 'op_cli', steps: [step('preflight', 'succeeded'), step('fetch', 'pending')] });
    const t = fakeTransport({ getState: () => appState(), getOperation: () => ({ operation: op, logs: { preflight: 'ok\n' } }) });
    const store = createAppStore(t);
    await store.getState().actions.init();
    t.emit({ type: 'operation-step', operationId: 'op_cli', step: { id: 'fetch', title: 'Fetch', status: 'running', durationMs: null, error: null } });
    t.emit({ type: 'operation-log', operationId: 'op_cli', stepId: 'fetch', line: 'x' });
    await flush();
    expect(t.calls.filter((c) => c.method === 'getOperation')).toHaveLength(1);
    const live = store.getState().operations.op_cli!;
    expect(live.operation?.steps.map((s) => s.status)).toEqual(['succeeded', 'running']);
    expect(live.logs).toEqual({ fetch: ['x'], preflight: ['ok'] });
  });

  it('re-reads the state after the event stream reconnects', async () => {
    const t = fakeTransport({ getState: () => appState() });
    const store = createAppStore(t);
    await store.getState().actions.init();
    t.connection({ status: 'reconnecting', reconnected: false });
    expect(store.getState().connection).toBe('reconnecting');
    t.connection({ status: 'open', reconnected: true });
    await flush();
    expect(store.getState().connection).toBe('open');
    // init, the probe while reconnecting, and the re-read after the reconnect.
    expect(t.calls.filter((c) => c.method === 'getState')).toHaveLength(3);
  });
});

describe('store: connection', () => {
  it('notices a server restarted with a new token while reconnecting', async () => {
    let auth = true;
    const t = fakeTransport({
      getState: () => {
        if (!auth) throw apiError('UNAUTHORIZED', 'token');
        return appState();
      },
    });
    const store = createAppStore(t);
    await store.getState().actions.init();
    auth = false;
    t.connection({ status: 'reconnecting', reconnected: false });
    await flush();
    expect(store.getState().authLost).toBe(true);
    auth = true;
    t.connection({ status: 'open', reconnected: true });
    await flush();
    expect(store.getState().authLost).toBe(false);
  });

  it('after a restart, Retry (refresh) clears the notice once a new session exists', async () => {
    let session = true;
    const t = fakeTransport({
      getState: () => {
        if (!session) throw apiError('SESSION_EXPIRED', "Upshift's dashboard server was restarted");
        return appState();
      },
    });
    const store = createAppStore(t);
    await store.getState().actions.init();
    session = false;
    t.connection({ status: 'reconnecting', reconnected: false });
    await flush();
    expect(store.getState().authLost).toBe(true);
    await store.getState().actions.refresh();
    expect(store.getState().authLost).toBe(true);
    session = true;
    await store.getState().actions.refresh();
    expect(store.getState().authLost).toBe(false);
    expect(store.getState().load.status).toBe('ready');
  });
});

describe('store: plan and upgrade', () => {
  it('keeps only the answer of the latest re-plan', async () => {
    let release: (() => void) | null = null;
    const t = fakeTransport({
      getPlan: (input: { to?: string }) =>
        input.to === '1.3.0'
          ? new Promise((r) => {
              release = () => r(plan());
            })
          : plan({ to: { version: '1.2.5', tag: 'v1.2.5', sha: 'e'.repeat(40) } }),
    });
    const store = createAppStore(t);
    const slow = store.getState().actions.loadPlan('core', '1.3.0');
    expect(store.getState().plan.status).toBe('loading');
    await store.getState().actions.loadPlan('core', '1.2.5');
    release!();
    await slow;
    expect(store.getState().plan).toMatchObject({ status: 'ready', to: '1.2.5' });
    expect(store.getState().plan.plan?.to.version).toBe('1.2.5');
  });

  it('shows a plan error', async () => {
    const t = fakeTransport({
      getPlan: () => {
        throw apiError('NOTHING_TO_DO', 'core is on the latest release');
      },
    });
    const store = createAppStore(t);
    await store.getState().actions.loadPlan('core', null);
    expect(store.getState().plan).toMatchObject({ status: 'error', error: { code: 'NOTHING_TO_DO' } });
  });

  it('starts an upgrade and follows it', async () => {
    const t = fakeTransport({ startUpgrade: () => ({ operationId: 'op_new' }), getOperation: () => ({ operation: operation({ id: 'op_new' }), logs: {} }) });
    const store = createAppStore(t);
    const id = await store.getState().actions.startUpgrade('core', '1.3.0', { stash: true });
    expect(id).toBe('op_new');
    expect(t.calls[0]).toEqual({ method: 'startUpgrade', input: { project: 'core', to: '1.3.0', stash: true } });
    await flush();
    expect(store.getState().activeByProject.core).toBe('op_new');
    expect(store.getState().operations.op_new?.operation?.id).toBe('op_new');
  });

  it('sends confirmManual only with the version it confirms', async () => {
    const t = fakeTransport({ startUpgrade: () => ({ operationId: 'op_new' }), getOperation: () => ({ operation: operation({ id: 'op_new' }), logs: {} }) });
    const store = createAppStore(t);
    await store.getState().actions.startUpgrade('core', '2.0.0', { confirmManual: true });
    await store.getState().actions.startUpgrade('core', null, { confirmManual: true });
    expect(t.calls.filter((c) => c.method === 'startUpgrade').map((c) => c.input)).toEqual([{ project: 'core', to: '2.0.0', confirmManual: true }, { project: 'core' }]);
  });

  it('reports a refused start as a toast', async () => {
    const t = fakeTransport({
      startUpgrade: () => {
        throw apiError('OPERATION_IN_PROGRESS', 'core is locked by pid 7');
      },
    });
    const store = createAppStore(t);
    expect(await store.getState().actions.startUpgrade('core', null)).toBeNull();
    expect(t.calls[0]!.input).toEqual({ project: 'core' });
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'error', body: 'core is locked by pid 7' });
  });

  it('keeps a ROLLBACK_LOOP refusal for the Plan view (no toast); force starts it and clears the refusal', async () => {
    const loop = { code: 'ROLLBACK_LOOP', message: '3 automatic rollbacks of core in the last hour', retryable: false, details: { rollbacks: 3 } };
    const t = fakeTransport({
      startUpgrade: ((input: { force?: boolean }) => {
        if (!input.force) throw apiError(loop.code, loop.message);
        return { operationId: 'op_forced' };
      }) as never,
      getOperation: () => ({ operation: operation({ id: 'op_forced' }), logs: {} }),
    });
    const store = createAppStore(t);
    expect(await store.getState().actions.startUpgrade('core', '1.1.0')).toBeNull();
    expect(store.getState().upgradeRefused).toMatchObject({ project: 'core', error: { code: 'ROLLBACK_LOOP', message: loop.message } });
    expect(store.getState().toasts).toEqual([]);
    expect(await store.getState().actions.startUpgrade('core', '1.1.0', { force: true })).toBe('op_forced');
    expect(t.calls.filter((c) => c.method === 'startUpgrade').map((c) => c.input)).toEqual([{ project: 'core', to: '1.1.0' }, { project: 'core', to: '1.1.0', force: true }]);
    expect(store.getState().upgradeRefused).toBeNull();
    expect(store.getState().activeByProject.core).toBe('op_forced');
  });

  it('toasts the outcome of an operation it started', async () => {
    const t = fakeTransport({ getState: () => appState(), startUpgrade: () => ({ operationId: 'op_1' }), getOperation: () => ({ operation: operation({ id: 'op_1' }), logs: {} }) });
    const store = createAppStore(t);
    await store.getState().actions.init();
    await store.getState().actions.startUpgrade('core', '1.3.0');
    await flush();
    t.emit({ type: 'operation-finished', operation: operation({ id: 'op_1', status: 'rolled_back', error: 'smoke failed' }) });
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'error', title: 'Upgrade of core: rolled back', body: 'smoke failed' });
  });

  it('skip and snooze update the project', async () => {
    const t = fakeTransport({
      skipVersion: () => projectView('core', { decision: { skipped: ['1.3.0'], snoozedUntil: null } }),
      snooze: (input: { minutes: number }) => projectView('core', { decision: { skipped: [], snoozedUntil: new Date(Date.UTC(2026, 10, 22) + input.minutes).toISOString() } }),
    });
    const store = createAppStore(t, { initial: { app: appState() } });
    expect(await store.getState().actions.skipVersion('core', '1.3.0')).toBe(true);
    expect(store.getState().app?.projects[0]?.decision.skipped).toEqual(['1.3.0']);
    expect(await store.getState().actions.snooze('core', '1.3.0', 60)).toBe(true);
    expect(t.calls.at(-1)).toEqual({ method: 'snooze', input: { project: 'core', version: '1.3.0', minutes: 60 } });
    expect(store.getState().app?.projects[0]?.decision.snoozedUntil).not.toBeNull();
  });
});

describe('store: history', () => {
  const page = (offset: number, n: number) => Array.from({ length: n }, (_, i) => operation({ id: `op_${offset + i}`, status: 'succeeded' }));

  it('loads pages on demand with the filters, and drops answers for old filters', async () => {
    const t = fakeTransport({ queryHistory: (q: { offset: number; limit: number }) => ({ operations: page(q.offset, Math.min(q.limit, 10_000 - q.offset)), total: 10_000 }) });
    const store = createAppStore(t);
    store.getState().actions.openHistory();
    await flush();
    expect(store.getState().history.total).toBe(10_000);
    store.getState().actions.ensureHistoryRange(5000, 5030);
    await flush();
    expect(t.calls.map((c) => (c.input as { offset: number }).offset)).toEqual([0, 5000]);
    expect(store.getState().history.pages[50]?.[0]?.id).toBe('op_5000');

    store.getState().actions.setHistoryFilters({ project: 'core', status: 'failed' });
    expect(store.getState().history.pages).toEqual({});
    await flush();
    expect(t.calls.at(-1)!.input).toEqual({ limit: PAGE_SIZE, offset: 0, steps: false, project: 'core', status: ['failed'] });
  });

  it('refreshes what is on screen (debounced) when the history changes', async () => {
    const timers = manualTimers();
    let total = 1;
    const t = fakeTransport({ getState: () => appState(), queryHistory: () => ({ operations: page(0, total), total }) });
    const store = createAppStore(t, timers);
    await store.getState().actions.init();
    store.getState().actions.openHistory();
    await flush();
    total = 2;
    t.emit({ type: 'history-changed' });
    t.emit({ type: 'history-changed' });
    const queries = () => t.calls.filter((c) => c.method === 'queryHistory');
    expect(queries()).toHaveLength(1);
    timers.run();
    await flush();
    expect(queries()).toHaveLength(2);
    expect(store.getState().history.total).toBe(2);
  });

  it('does not query the history before the view was opened', async () => {
    const timers = manualTimers();
    const t = fakeTransport({ getState: () => appState() });
    const store = createAppStore(t, timers);
    await store.getState().actions.init();
    t.emit({ type: 'history-changed' });
    timers.run();
    await flush();
    expect(t.calls.map((c) => c.method)).toEqual(['getState']);
    expect(store.getState().history.total).toBeNull();
  });

  it('selects an operation and rolls back to before it', async () => {
    const op = operation({ id: 'op_up', status: 'succeeded' });
    const t = fakeTransport({
      getOperation: (i: { id: string }) => ({ operation: i.id === 'op_up' ? op : operation({ id: i.id, kind: 'rollback' }), logs: { smoke: 'ok' } }),
      rollback: () => ({ operationId: 'op_rb' }),
    });
    const store = createAppStore(t);
    await store.getState().actions.selectOperation('op_up');
    expect(store.getState().history.detail).toMatchObject({ status: 'ready', data: { operation: { id: 'op_up' } } });
    const id = await store.getState().actions.rollback('core', 'op_up', false);
    expect(id).toBe('op_rb');
    expect(t.calls.find((c) => c.method === 'rollback')!.input).toEqual({ project: 'core', to: 'op_up' });
    await flush();
    expect(store.getState().history.selectedId).toBe('op_rb');
    expect(store.getState().operations.op_rb?.operation?.kind).toBe('rollback');
  });
});

describe('store: settings and projects', () => {
  it('saves settings optimistically and reverts on failure', async () => {
    const t = fakeTransport({
      setSettings: () => {
        throw apiError('BAD_INPUT', 'pollMinutes too small');
      },
    });
    const store = createAppStore(t, { initial: { app: appState() } });
    const ok = await store.getState().actions.saveSettings({ pollMinutes: 1 });
    expect(ok).toBe(false);
    expect(store.getState().app?.settings.pollMinutes).toBe(60);
    expect(store.getState().toasts[0]?.body).toBe('pollMinutes too small');
  });

  it('pauses checks', async () => {
    const t = fakeTransport({ pauseChecks: () => ({ paused: true, lastCheckAt: null, nextCheckAt: null, failures: 0 }) });
    const store = createAppStore(t, { initial: { app: appState() } });
    await store.getState().actions.pauseChecks(true);
    expect(store.getState().app?.poller.paused).toBe(true);
    expect(store.getState().app?.settings.paused).toBe(true);
  });

  it('adds and removes projects', async () => {
    const t = fakeTransport({
      addProject: () => ({ name: 'tools', path: '/src/tools', core: null, manifest: 'none', channel: 'stable', addedAt: '' }),
      getState: () => appState([projectView('core'), projectView('tools')]),
      removeProject: () => ({ name: 'core', path: '/src/core', core: null, manifest: 'none', channel: 'stable', addedAt: '' }),
      validateProject: () => {
        throw apiError('PATH_NOT_FOUND', 'no such directory');
      },
    });
    const store = createAppStore(t, { initial: { app: appState() } });
    expect(await store.getState().actions.addProject({ path: '/src/tools' })).toBe(true);
    expect(store.getState().app?.projects).toHaveLength(2);
    expect(await store.getState().actions.removeProject('core')).toBe(true);
    expect(store.getState().app?.projects.map((p) => p.name)).toEqual(['tools']);
    expect(await store.getState().actions.validateProject('/nope')).toEqual({ ok: false, error: { code: 'PATH_NOT_FOUND', message: 'no such directory', retryable: false } });
  });

  it('GitHub token: reads where it comes from, saves and removes it, and toasts a refusal', async () => {
    const status = { source: null, keychainAvailable: true, canStore: true, stored: false, reason: null };
    const t = fakeTransport({
      githubTokenStatus: () => status,
      setGithubToken: () => ({ ...status, source: 'keychain', stored: true }),
      clearGithubToken: () => status,
    });
    const store = createAppStore(t);
    await store.getState().actions.loadGithubToken();
    expect(store.getState().githubToken).toEqual({ status, error: null });
    expect(await store.getState().actions.saveGithubToken('ghp_abc')).toBe(true);
    expect(store.getState().githubToken.status).toMatchObject({ source: 'keychain', stored: true });
    expect(await store.getState().actions.removeGithubToken()).toBe(true);
    expect(store.getState().githubToken.status?.stored).toBe(false);
    expect(t.calls.map((c) => c.method)).toEqual(['githubTokenStatus', 'setGithubToken', 'clearGithubToken']);
    // The toasts never repeat the token.
    expect(JSON.stringify(store.getState().toasts)).not.toContain('ghp_abc');

    t.handlers.setGithubToken = () => {
      throw apiError('KEYCHAIN_UNAVAILABLE', 'Only the Upshift desktop app can keep a GitHub token');
    };
    expect(await store.getState().actions.saveGithubToken('ghp_abc')).toBe(false);
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'error', title: 'Could not save the GitHub token' });
  });

  it('check now reports failed checks and refreshes', async () => {
    const failed = { ...projectView('core').check!, error: { code: 'NETWORK', message: 'remote unreachable', retryable: true } };
    const t = fakeTransport({ checkNow: () => ({ projects: [failed] }), getState: () => appState() });
    const store = createAppStore(t);
    await store.getState().actions.checkNow();
    expect(store.getState().checking).toBe(false);
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'error', title: 'Checking core failed' });
    expect(t.calls.map((c) => c.method)).toEqual(['checkNow', 'getState']);
  });
});

describe('store: approvals (issue 9 §3)', () => {
  const approval = (over: Partial<Approval>): Approval => ({
    project: 'core', version: '1.3.0', tag: 'v1.3.0', commit: 'b'.repeat(40), state: 'pending', timing: null, requestedAt: '2026-12-01T10:00:00.000Z',
    decidedAt: null, decidedBy: null, reason: null, supersededBy: null, events: [], ...over,
  });

  it('reads the queue once asked, then again on approvals-changed (never before a view asked)', async () => {
    let queue = [approval({})];
    const t = fakeTransport({ getState: () => appState(), listApprovals: () => ({ approvals: queue }) });
    const store = createAppStore(t);
    await store.getState().actions.init();
    t.emit({ type: 'approvals-changed' });
    await flush();
    expect(t.calls.filter((c) => c.method === 'listApprovals')).toHaveLength(0);
    await store.getState().actions.loadApprovals();
    expect(store.getState().approvals).toEqual(queue);
    queue = [approval({ state: 'approved', timing: 'now', decidedBy: 'alice@laptop' })];
    t.emit({ type: 'approvals-changed' });
    await flush();
    expect(store.getState().approvals).toEqual(queue);
  });

  it('rows asking at once share one read; a change announced during it is read again after it', async () => {
    let queue = [approval({})];
    let answer: (() => void) | null = null;
    const t = fakeTransport({
      getState: () => appState(),
      listApprovals: () => {
        const snapshot = queue;
        return new Promise((r) => (answer = () => r({ approvals: snapshot })));
      },
    });
    const store = createAppStore(t);
    await store.getState().actions.init();
    const asks = [1, 2, 3, 4, 5].map(() => store.getState().actions.loadApprovals());
    expect(t.calls.filter((c) => c.method === 'listApprovals')).toHaveLength(1);
    queue = [approval({ state: 'rejected', decidedBy: 'bob@desk' })];
    t.emit({ type: 'approvals-changed' });
    t.emit({ type: 'approvals-changed' });
    expect(t.calls.filter((c) => c.method === 'listApprovals')).toHaveLength(1);
    answer!();
    await Promise.all(asks);
    // The first answer predates the change: one more read follows, not one per event.
    await flush();
    expect(t.calls.filter((c) => c.method === 'listApprovals')).toHaveLength(2);
    answer!();
    await flush();
    expect(store.getState().approvals).toEqual(queue);
    expect(t.calls.filter((c) => c.method === 'listApprovals')).toHaveLength(2);
  });

  it('approves now or for the next window and rejects, naming the version; the decision replaces the record', async () => {
    const t = fakeTransport({
      approve: ((i: { when: 'now' | 'next-window' }) => ({ approval: approval({ state: 'approved', timing: i.when, decidedBy: 'alice@laptop' }), changed: true })) as never,
      reject: () => ({ approval: approval({ state: 'rejected', decidedBy: 'alice@laptop' }), changed: true }),
    });
    const store = createAppStore(t, { initial: { approvals: [approval({})] } });
    expect(await store.getState().actions.approveUpdate('core', '1.3.0', 'next-window')).toBe(true);
    expect(t.calls.at(-1)).toEqual({ method: 'approve', input: { project: 'core', version: '1.3.0', when: 'next-window' } });
    expect(store.getState().approvals).toEqual([expect.objectContaining({ state: 'approved', timing: 'next-window' })]);
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'success', title: 'Approved core 1.3.0', body: expect.stringContaining('next maintenance window') });
    expect(await store.getState().actions.rejectUpdate('core', '1.3.0')).toBe(true);
    expect(t.calls.at(-1)).toEqual({ method: 'reject', input: { project: 'core', version: '1.3.0' } });
    expect(store.getState().approvals).toEqual([expect.objectContaining({ state: 'rejected' })]);
  });

  it('a refusal is a toast that says why, and the queue is left as it was', async () => {
    const t = fakeTransport({
      approve: () => {
        throw apiError('APPROVAL_EXPIRED', 'The approval for core 1.3.0 has expired: superseded by 1.4.0: approve 1.4.0 instead. Nothing was changed.');
      },
      reject: () => {
        throw apiError('APPROVAL_NOT_FOUND', 'No release of core is waiting for approval. Nothing was changed.');
      },
    });
    const before = [approval({ state: 'expired' })];
    const store = createAppStore(t, { initial: { approvals: before } });
    expect(await store.getState().actions.approveUpdate('core', '1.3.0', 'now')).toBe(false);
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'error', title: 'Could not approve core 1.3.0', body: expect.stringContaining('superseded by 1.4.0') });
    expect(await store.getState().actions.rejectUpdate('core', '1.3.0')).toBe(false);
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'error', title: 'Could not reject core 1.3.0' });
    expect(store.getState().approvals).toBe(before);
  });
});
