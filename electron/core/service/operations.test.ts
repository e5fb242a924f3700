import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpshiftEvent } from '../../../shared/api/contract.js';
import { closeServices, coreFixture, openService, rejection } from '../../../test/helpers/service.js';
import { git, makeTempDir } from '../../../test/helpers/repos.js';
import { ProjectLock, StateStore } from '../state/index.js';
import type { UpshiftService } from './service.js';

afterEach(closeServices);

/** Resolves with the first event matching `predicate` emitted from now on. */
function nextEvent<T extends UpshiftEvent>(service: UpshiftService, predicate: (e: UpshiftEvent) => e is T): Promise<T>;
function nextEvent(service: UpshiftService, predicate: (e: UpshiftEvent) => boolean): Promise<UpshiftEvent>;
function nextEvent(service: UpshiftService, predicate: (e: UpshiftEvent) => boolean): Promise<UpshiftEvent> {
  return new Promise((resolve) => {
    const off = service.subscribe((e) => {
      if (!predicate(e)) return;
      off();
      resolve(e);
    });
  });
}

function head(work: string) {
  return { sha: git(work, 'rev-parse', 'HEAD'), branch: git(work, 'branch', '--show-current') };
}

/** An install step that waits until the test creates `gate`, so the test decides when the upgrade may finish. */
function gatedFixture() {
  const dir = makeTempDir('upshift-gate-');
  const gate = path.join(dir, 'go');
  const fx = coreFixture({ files: { 'install.sh': `echo "install waiting"\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\necho "install done"\n` } });
  return { fx, open: () => writeFileSync(gate, '') };
}

describe('startUpgrade', () => {
  it('returns the operation id while the upgrade is still running, then streams its events in order', async () => {
    const { fx, open } = gatedFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    h.events.clear();
    const waiting = nextEvent(h.service, (e) => e.type === 'operation-log' && e.line === 'install waiting');
    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    expect(operationId).toMatch(/^op_/);
    // The id is known before the upgrade finishes: it is running, and the project says so.
    expect(h.service.engine.store.getOperation(operationId)!.status).toBe('running');
    expect((await h.service.getState({})).projects[0]!.operationInProgress).toEqual({ id: operationId, kind: 'upgrade' });
    await waiting;
    expect(h.service.engine.store.getOperation(operationId)!.status).toBe('running');
    open();
    await h.service.idle();

    const mine = h.events.events.filter((e) => !('operationId' in e) || e.operationId === operationId);
    const types = mine.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['operation-started', 'history-changed', 'project-changed']);
    const started = h.events.of('operation-started')[0]!;
    expect(started.operation).toMatchObject({ id: operationId, status: 'running', kind: 'upgrade', to: { version: '1.1.0' } });
    expect(started.operation.steps.map((s) => s.status)).toEqual(started.operation.steps.map(() => 'pending'));
    const finishedAt = types.indexOf('operation-finished');
    expect(types.slice(finishedAt, finishedAt + 3)).toEqual(['operation-finished', 'history-changed', 'project-changed']);
    expect(types.lastIndexOf('operation-step')).toBeLessThan(finishedAt);
    expect(types.indexOf('operation-step')).toBeGreaterThan(0);

    const steps = h.events.of('operation-step').map((e) => `${e.step.id}:${e.step.status}`);
    expect(steps).toEqual([
      'preflight:running', 'preflight:succeeded',
      'snapshot:running', 'snapshot:succeeded',
      'fetch:running', 'fetch:succeeded',
      'checkout:running', 'checkout:succeeded',
      'install:running', 'install:succeeded',
      'smoke:running', 'smoke:succeeded',
      'finalize:running', 'finalize:succeeded',
    ]);
    // Log lines arrive while their step runs.
    const seq = mine.map((e) => (e.type === 'operation-step' ? `${e.step.id}:${e.step.status}` : e.type === 'operation-log' ? `log:${e.stepId}:${e.line}` : e.type));
    expect(seq.indexOf('log:install:install waiting')).toBeGreaterThan(seq.indexOf('install:running'));
    expect(seq.indexOf('log:install:install done')).toBeLessThan(seq.indexOf('install:succeeded'));
    expect(seq.indexOf('log:smoke:smoke ok')).toBeGreaterThan(seq.indexOf('smoke:running'));

    const finished = h.events.of('operation-finished')[0]!.operation;
    expect(finished).toMatchObject({ id: operationId, status: 'succeeded' });
    expect(head(fx.work).sha).toBe(fx.sha('v1.1.0'));
    // The project was checked again: it now runs 1.1.0, and nothing is in progress.
    const view = h.events.of('project-changed').at(-1)!.project;
    expect(view).toMatchObject({ operationInProgress: null, check: { current: { version: '1.1.0' } } });
  });

  it('cancel during a slow install stops it and rolls the checkout back', async () => {
    const fx = coreFixture({ files: { 'install.sh': 'echo "install started"\nsleep 30\n' } });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const before = head(fx.work);
    const installing = nextEvent(h.service, (e) => e.type === 'operation-log' && e.line === 'install started');
    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await installing;
    const t0 = Date.now();
    expect(await h.service.cancel({ operationId })).toEqual({ cancelled: true });
    const finished = await nextEvent(h.service, (e): e is Extract<UpshiftEvent, { type: 'operation-finished' }> => e.type === 'operation-finished');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(finished.operation.status).toBe('cancelled');
    expect(finished.operation.error).toMatch(/^Cancelled \(Cancel in the dashboard\) during step "install"; everything was put back/);
    const byId = Object.fromEntries(finished.operation.steps.map((s) => [s.id, s]));
    expect(byId.install).toMatchObject({ status: 'cancelled', error: expect.stringContaining('was stopped (Cancel in the dashboard)') });
    // The step's duration ends when it was stopped, before the rollback began.
    expect(Date.parse(byId.install!.finishedAt!)).toBeLessThanOrEqual(Date.parse(byId.rollback!.startedAt!));
    expect(byId.rollback).toMatchObject({ status: 'succeeded' });
    expect(byId.smoke!.status).toBe('skipped');
    expect(head(fx.work)).toEqual(before);
    await h.service.idle();
    expect(await h.service.cancel({ operationId })).toEqual({ cancelled: false });
    expect(await rejection(h.service.cancel({ operationId: 'op_20260101T000000Z_000000' }))).toMatchObject({ code: 'UNKNOWN_OPERATION' });
  });

  it('a failing smoke test is rolled back, with the failing step and its output in the events', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.2.0' });
    await h.service.idle();
    const failed = h.events.of('operation-step').find((e) => e.operationId === operationId && e.step.status === 'failed')!;
    expect(failed.step).toMatchObject({ id: 'smoke', error: expect.stringContaining('exited with code 1') });
    const op = h.events.of('operation-finished')[0]!.operation;
    expect(op.status).toBe('rolled_back');
    expect(op.steps.find((s) => s.id === 'smoke')!.outputExcerpt).toContain('boom: the widget is broken');
    expect(head(fx.work).sha).toBe(fx.sha('v1.0.0'));
  });

  it('refuses at once when blocked (recording a blocked operation) or when another process holds the lock', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.setSettings({ projects: { core: { gates: { minor: 'skip' } } } });
    await h.service.idle();
    h.events.clear();
    const blocked = await rejection(h.service.startUpgrade({ project: 'core', to: '1.1.0' }));
    expect(blocked).toMatchObject({ code: 'BLOCKED', details: { blockers: [expect.stringContaining('"skip"')] } });
    expect(h.events.types()).toEqual(['history-changed']);
    expect((await h.service.queryHistory({ status: ['blocked'] })).total).toBe(1);
    await h.service.setSettings({ projects: { core: {} } });

    const other = StateStore.open(h.home);
    const lock = ProjectLock.acquire(other, 'core', { operationId: 'op_elsewhere' });
    try {
      const held = await rejection(h.service.startUpgrade({ project: 'core', to: '1.1.0' }));
      expect(held).toMatchObject({ code: 'LOCK_HELD', retryable: true });
      expect(await rejection(h.service.rollback({ project: 'core' }))).toMatchObject({ code: 'LOCK_HELD' });
    } finally {
      lock.release();
      other.close();
    }
    expect(await rejection(h.service.startUpgrade({ project: 'ghost' }))).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  });

  it('refuses with ROLLBACK_LOOP after too many automatic rollbacks; force: true overrides it', async () => {
    const fx = coreFixture({ manifest: 'install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 20\nmaxAutoRollbacksPerHour: 1\n' });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.startUpgrade({ project: 'core', to: '1.2.0' });
    await h.service.idle();
    expect(h.events.of('operation-finished').at(-1)!.operation.status).toBe('rolled_back');

    h.events.clear();
    const refused = await rejection(h.service.startUpgrade({ project: 'core', to: '1.1.0' }));
    expect(refused).toMatchObject({ code: 'ROLLBACK_LOOP', retryable: false, details: { project: 'core', rollbacks: 1, max: 1, retryAfter: expect.any(String) } });
    expect(refused.message).toMatch(/^1 automatic rollbacks of core in the last hour; Upshift stops here and leaves core as it is/);
    expect(h.events.of('operation-started')).toEqual([]);
    expect(head(fx.work).sha).toBe(fx.sha('v1.0.0'));
    expect(await rejection(h.service.call('startUpgrade', { project: 'core', force: 'yes' }))).toMatchObject({ code: 'BAD_INPUT', details: { field: 'force' } });

    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.1.0', force: true });
    await h.service.idle();
    expect(h.service.engine.store.getOperation(operationId)!.status).toBe('succeeded');
    expect(head(fx.work).sha).toBe(fx.sha('v1.1.0'));
  });
});

describe('recovery while the app runs', () => {
  it('an operation whose process died is recovered (and reported) before a new one starts', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    // Another process began an upgrade, moved the checkout, and was killed: its pid is gone.
    const dead = spawnSync('true').pid!;
    const other = StateStore.open(h.home);
    const crashed = other.createOperation({
      project: 'core',
      kind: 'upgrade',
      pid: dead,
      pidStartTime: null,
      steps: [{ id: 'checkout', title: 'Check out', command: null }],
      journal: { originalSha: fx.sha('v1.0.0'), originalBranch: 'main', checkoutStarted: true, targetSha: fx.sha('v1.1.0') },
    });
    other.startStep(crashed.id, 'checkout');
    other.close();
    git(fx.work, 'fetch', '-q', 'origin', 'tag', 'v1.1.0');
    git(fx.work, 'checkout', '-q', '--detach', fx.sha('v1.1.0'));
    h.events.clear();

    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await h.service.idle();
    const finished = h.events.of('operation-finished').map((e) => [e.operation.kind, e.operation.status]);
    expect(finished).toEqual([
      ['upgrade', 'interrupted'],
      ['recovery', 'succeeded'],
      ['upgrade', 'succeeded'],
    ]);
    const history = await h.service.queryHistory({ project: 'core' });
    expect(history.operations.map((o) => [o.kind, o.status])).toEqual([
      ['upgrade', 'succeeded'],
      ['recovery', 'succeeded'],
      ['upgrade', 'interrupted'],
    ]);
    expect(history.operations[0]!.id).toBe(operationId);
    // The new upgrade started from the restored branch, so it recorded main at 1.0.0 as where to roll back to.
    expect(history.operations[0]!.from.sha).toBe(fx.sha('v1.0.0'));
    expect(h.service.engine.store.getJournal(operationId)).toMatchObject({ originalBranch: 'main', originalSha: fx.sha('v1.0.0') });
  });
});

describe('rollback', () => {
  it('returns the id at once and returns the checkout to before the upgrade', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const before = head(fx.work);
    expect(await rejection(h.service.rollback({ project: 'core' }))).toMatchObject({ code: 'NOTHING_TO_DO' });
    const up = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await h.service.idle();
    h.events.clear();
    const { operationId } = await h.service.rollback({ project: 'core', to: up.operationId });
    expect(operationId).not.toBe(up.operationId);
    await h.service.idle();
    const finished = h.events.of('operation-finished')[0]!.operation;
    expect(finished).toMatchObject({ id: operationId, kind: 'rollback', status: 'succeeded', target: up.operationId });
    expect(h.events.types()[0]).toBe('operation-started');
    expect(head(fx.work)).toEqual(before);
    const history = await h.service.queryHistory({ project: 'core' });
    expect(history.operations.map((o) => o.kind)).toEqual(['rollback', 'upgrade']);
  });
});

describe('close', () => {
  it('cancels a running operation, which rolls back before the service closes', async () => {
    const fx = coreFixture({ files: { 'install.sh': 'echo "install started"\nsleep 30\n' } });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const before = head(fx.work);
    const installing = nextEvent(h.service, (e) => e.type === 'operation-log' && e.line === 'install started');
    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await installing;
    await h.service.close();
    expect(head(fx.work)).toEqual(before);
    const store = StateStore.open(h.home);
    try {
      expect(store.getOperation(operationId)!.status).toBe('cancelled');
      expect(store.listProjects()).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
