import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CliHarness } from '../../../test/helpers/cli.js';
import { closeServices, coreFixture, openService, type ServiceHarness } from '../../../test/helpers/service.js';
import { git } from '../../../test/helpers/repos.js';
import { processStartTime, StateStore } from '../state/index.js';

afterEach(closeServices);

const others: StateStore[] = [];
afterEach(() => {
  for (const s of others.splice(0)) s.close();
});

/** Another connection to the same state, as another process would have. */
function otherConnection(h: ServiceHarness): StateStore {
  const s = StateStore.open(h.home);
  others.push(s);
  return s;
}

describe('changes made by other connections', () => {
  it('an operation run elsewhere shows up as started, step by step, and finished, without a reload', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    const other = otherConnection(h);
    h.events.clear();

    const op = other.createOperation({ project: 'core', kind: 'upgrade', pid: 1, steps: [{ id: 'preflight', title: 'Preflight', command: null }, { id: 'install', title: 'Install', command: 'npm ci' }] });
    h.clock.advance(499);
    expect(h.events.events).toEqual([]);
    h.clock.advance(1);
    expect(h.events.types()).toEqual(['operation-started', 'project-changed', 'history-changed']);
    expect(h.events.of('operation-started')[0]!.operation).toMatchObject({ id: op.id, status: 'running', project: 'core' });
    expect(h.events.of('project-changed')[0]!.project.operationInProgress).toEqual({ id: op.id, kind: 'upgrade' });
    h.events.clear();

    other.startStep(op.id, 'preflight');
    h.clock.advance(500);
    other.finishStep(op.id, 'preflight', { status: 'succeeded' });
    other.startStep(op.id, 'install');
    h.clock.advance(500);
    expect(h.events.of('operation-step').map((e) => [e.operationId, e.step.id, e.step.status])).toEqual([
      [op.id, 'preflight', 'running'],
      [op.id, 'preflight', 'succeeded'],
      [op.id, 'install', 'running'],
    ]);
    h.events.clear();

    other.finishStep(op.id, 'install', { status: 'failed', error: 'npm ci exited with code 1' });
    other.finishOperation(op.id, 'failed', { error: 'Step "install" failed' });
    h.clock.advance(500);
    expect(h.events.types().slice(0, 4)).toEqual(['operation-step', 'operation-finished', 'project-changed', 'history-changed']);
    expect(h.events.of('operation-finished')[0]!.operation).toMatchObject({ id: op.id, status: 'failed' });
    expect(h.events.of('project-changed')[0]!.project.operationInProgress).toBeNull();
    await h.service.idle(); // the project is checked again: its checkout may have moved
    expect(h.events.of('project-changed').map((e) => e.project.name)).toContain('core');
  });

  it('costs one PRAGMA per interval while nothing changes, and does not report this service’s own writes', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.skipVersion({ project: 'core', version: '1.1.0' });
    await h.service.idle();
    h.events.clear();
    const version = h.service.engine.store.dataVersion();
    for (let i = 0; i < 20; i++) h.clock.advance(500);
    expect(h.service.engine.store.dataVersion()).toBe(version);
    expect(h.events.events).toEqual([]);
    // A change elsewhere reports only what changed there, not what this service wrote before.
    otherConnection(h).setSettings({ launchAtLogin: true });
    h.clock.advance(500);
    expect(h.events.types()).toEqual(['state-changed']);
    expect(h.events.of('state-changed')[0]!.state.settings.launchAtLogin).toBe(true);
  });

  it('projects added, checked or removed elsewhere show up; their checks go through the notification rules', async () => {
    const fx = coreFixture();
    const h = await openService();
    const other = otherConnection(h);
    other.addProject({ name: 'core', path: fx.work, manifest: 'upshift.yml' });
    h.clock.advance(500);
    expect(h.events.types()).toEqual(['project-changed', 'state-changed']);
    expect(h.events.of('state-changed')[0]!.state.projects.map((p) => p.name)).toEqual(['core']);
    h.events.clear();

    other.saveCheck({
      name: 'core',
      path: fx.work,
      current: { version: '1.0.0', tag: 'v1.0.0', sha: fx.sha('v1.0.0'), source: 'tag' },
      latest: { version: '1.2.0', tag: 'v1.2.0', sha: fx.sha('v1.2.0'), prerelease: false },
      latestCompatible: null,
      updateAvailable: true,
      bump: 'minor',
      gate: 'review',
      risk: { level: 'medium', reasons: [] },
      compatible: true,
      blockers: [],
      error: null,
      checkedAt: new Date().toISOString(),
    });
    h.clock.advance(500);
    expect(h.events.types()).toEqual(['notification', 'project-changed']);
    expect(h.events.of('project-changed')[0]!.project.check!.latest!.version).toBe('1.2.0');
    h.events.clear();

    other.removeProject('core');
    h.clock.advance(500);
    expect(h.events.types()).toEqual(['state-changed']);
    expect(h.events.of('state-changed')[0]!.state.projects).toEqual([]);
  });

  it('an operation whose process is killed is recovered and reported, without waiting for a poll', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const other = otherConnection(h);
    const op = other.createOperation({
      project: 'core',
      kind: 'upgrade',
      pid: child.pid!,
      pidStartTime: processStartTime(child.pid!),
      steps: [{ id: 'install', title: 'Install', command: 'sleep 30' }],
      journal: { originalSha: fx.sha('v1.0.0'), originalBranch: 'main' },
    });
    other.startStep(op.id, 'install');
    h.clock.advance(2000);
    expect(h.events.of('operation-started').map((e) => e.operation.id)).toEqual([op.id]);
    expect(h.events.of('operation-finished')).toEqual([]);
    h.events.clear();
    child.kill('SIGKILL');
    await exited;
    h.clock.advance(2000);
    await h.service.idle();
    expect(h.events.of('operation-finished').map((e) => [e.operation.kind, e.operation.status])).toEqual([
      ['upgrade', 'interrupted'],
      ['recovery', 'succeeded'],
    ]);
    expect(h.events.types()).toContain('history-changed');
    // Reported once: later commits elsewhere do not report it again.
    h.events.clear();
    other.setSettings({ launchAtLogin: true });
    h.clock.advance(2000);
    expect(h.events.of('operation-finished')).toEqual([]);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.0.0'));
  });

  it('an upgrade run by the CLI while the dashboard is open is reported', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    h.events.clear();
    const cli = new CliHarness({ UPSHIFT_HOME: h.home });
    const r = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const id = r.json<{ operation: { id: string } }>().operation.id;
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
    h.clock.advance(500);
    expect(h.events.types().slice(0, 4)).toEqual(['operation-started', 'operation-finished', 'project-changed', 'history-changed']);
    expect(h.events.of('operation-finished')[0]!.operation).toMatchObject({ id, status: 'succeeded', kind: 'upgrade' });
    await h.service.idle();
    expect(h.events.of('project-changed').at(-1)!.project.check!.current.version).toBe('1.1.0');
    expect((await h.service.queryHistory({})).operations[0]!.id).toBe(id);
  });
});
