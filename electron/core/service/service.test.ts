import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, METHOD_NAMES, type MethodName } from '../../../shared/api/contract.js';
import type { CheckResult } from '../../../shared/api/types.js';
import { CliHarness } from '../../../test/helpers/cli.js';
import { closeServices, coreFixture, openService, rejection } from '../../../test/helpers/service.js';
import { commitFiles, git, makeTempDir, pushTag } from '../../../test/helpers/repos.js';
import { GitTagSource } from '../source/git-tags.js';
import type { ReleaseSource } from '../source/types.js';
import { StateStore } from '../state/index.js';
import { ServiceError } from './errors.js';

afterEach(closeServices);

describe('input validation', () => {
  /** One bad input per method, and the field its BAD_INPUT must name. */
  const bad: Record<MethodName, [unknown, string]> = {
    getState: ['not an object', '(input)'],
    addProject: [{ path: '' }, 'path'],
    validateProject: [{ path: 42 }, 'path'],
    removeProject: [{}, 'name'],
    checkNow: [{ projects: ['ok', ''] }, 'projects[1]'],
    getPlan: [{ project: 'core', to: '' }, 'to'],
    startUpgrade: [{ project: 'core', stash: 'yes' }, 'stash'],
    cancel: [{ operationId: 'rm -rf /' }, 'operationId'],
    rollback: [{ project: 'x'.repeat(65) }, 'project'],
    queryHistory: [{ limit: 0 }, 'limit'],
    getOperation: [{ id: 7 }, 'id'],
    getSettings: [null as unknown as string, '(input)'],
    setSettings: [{ notifications: { enabled: 'sometimes' } }, 'notifications.enabled'],
    skipVersion: [{ project: 'core' }, 'version'],
    unskipVersion: [{ project: 'core', version: '' }, 'version'],
    snooze: [{ project: 'core', version: '1.2.0', minutes: 0 }, 'minutes'],
    pauseChecks: [{ paused: 1 }, 'paused'],
    githubTokenStatus: ['not an object', '(input)'],
    setGithubToken: [{ token: 'ghp_with space' }, 'token'],
    clearGithubToken: [7, '(input)'],
    getProjectConfig: [{}, 'project'],
    setProjectConfig: [{ project: 'core', unset: 'smoke' }, 'unset'],
    notifyChannels: ['not an object', '(input)'],
    testNotify: [{ channel: '' }, 'channel'],
    listApprovals: ['not an object', '(input)'],
    approve: [{ project: 'core', when: 'tomorrow' }, 'when'],
    reject: [{ project: 'core', version: '' }, 'version'],
    getSchedule: [7, '(input)'],
    getAbout: ['not an object', '(input)'],
    selfUpdate: [{ action: 'skip', version: '' }, 'version'],
    acceptTag: [{ project: 'core', tag: 'v1 .0' }, 'tag'],
    pauseAutomation: [{ until: 'tomorrow' }, 'until'],
    resumeAutomation: ['not an object', '(input)'],
    getBatchPlan: [{ root: '' }, 'root'],
    startBatch: [{ all: true, keepGoing: 'yes' }, 'keepGoing'],
    startPath: [{ project: 'core', onHopFailure: 'sometimes' }, 'onHopFailure'],
    listBatches: [{ limit: 0 }, 'limit'],
  };

  it('every method validates its input and names the field (direct calls and call())', async () => {
    const { service } = await openService();
    expect(Object.keys(bad).sort()).toEqual([...METHOD_NAMES].sort());
    for (const method of METHOD_NAMES) {
      const [input, field] = bad[method];
      if (input === null) continue; // null means "no input", which is {} and valid for getSettings
      for (const attempt of [() => service.call(method, input), () => (service[method] as (i: unknown) => Promise<unknown>)(input)]) {
        const err = await rejection(attempt());
        expect(err, method).toBeInstanceOf(ServiceError);
        expect(err, method).toMatchObject({ code: 'BAD_INPUT', retryable: false, details: { method, field } });
        expect(err.message, method).toContain(field);
      }
    }
  });

  it('unknown methods are refused; errors serialise to exactly the ApiError shape', async () => {
    const { service } = await openService();
    const err = await rejection(service.call('dropTables', {}));
    expect(err).toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(JSON.parse(JSON.stringify(err))).toEqual({ code: 'UNKNOWN_METHOD', message: expect.stringContaining('dropTables'), retryable: false, details: { method: 'dropTables' } });
    const e2 = await rejection(service.call('__proto__', {}));
    expect(e2.code).toBe('UNKNOWN_METHOD');
    // No input at all is the empty object.
    await expect(service.call('getSettings', undefined)).resolves.toEqual(DEFAULT_SETTINGS);
  });
});

describe('projects', () => {
  it('getState of an empty home: no projects, the poller, default settings', async () => {
    const { service } = await openService();
    expect(await service.getState({})).toEqual({
      projects: [],
      poller: { paused: false, lastCheckAt: null, nextCheckAt: null, failures: 0 },
      settings: DEFAULT_SETTINGS,
    });
  });

  it('addProject registers, emits the new state, and checks it in the background', async () => {
    const fx = coreFixture();
    const h = await openService();
    const info = await h.service.addProject({ path: fx.work, name: 'core' });
    expect(info).toMatchObject({ name: 'core', path: fx.work, manifest: 'upshift.yml', channel: 'stable', core: null });
    expect(h.events.of('state-changed').at(-1)!.state.projects.map((p) => p.name)).toEqual(['core']);
    await h.service.idle();
    const changed = h.events.of('project-changed').at(-1)!.project;
    expect(changed.check).toMatchObject({ updateAvailable: true, latest: { version: '1.2.0' }, current: { version: '1.0.0' } });
    const state = await h.service.getState({});
    expect(state.projects[0]).toMatchObject({ name: 'core', check: { latest: { version: '1.2.0' } }, decision: { skipped: [], snoozedUntil: null }, operationInProgress: null });
  });

  it('addProject refuses what add refuses, changing nothing', async () => {
    const fx = coreFixture();
    const h = await openService();
    expect(await rejection(h.service.addProject({ path: path.join(fx.root, 'nope') }))).toMatchObject({ code: 'PATH_NOT_FOUND' });
    const plain = makeTempDir();
    expect(await rejection(h.service.addProject({ path: plain }))).toMatchObject({ code: 'NOT_A_REPOSITORY' });
    await h.service.addProject({ path: fx.work, name: 'core' });
    expect(await rejection(h.service.addProject({ path: fx.work, name: 'other' }))).toMatchObject({ code: 'PATH_WATCHED' });
    expect(await rejection(h.service.addProject({ path: fx.work, name: 'core' }))).toMatchObject({ code: 'PROJECT_EXISTS' });
    expect((await h.service.getState({})).projects).toHaveLength(1);
  });

  it('validateProject says what add would say, without adding', async () => {
    const fx = coreFixture();
    const h = await openService();
    expect(await h.service.validateProject({ path: fx.work })).toEqual({ ok: true, manifest: 'upshift.yml', name: 'work', warnings: [], path: fx.work, note: null });
    writeFileSync(path.join(fx.work, 'upshift.yml'), 'install: npm ci\nsmoke:\n  command: npm test\n  timeoutSeconds: fast\n');
    const r = await h.service.validateProject({ path: fx.work });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'MANIFEST_INVALID', details: { file: path.join(fx.work, 'upshift.yml'), line: 4, field: 'smoke.timeoutSeconds' } });
    expect(r.error.message).toContain('upshift.yml:4');
    const missing = await h.service.validateProject({ path: path.join(fx.root, 'missing') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'PATH_NOT_FOUND' } });
    expect((await h.service.getState({})).projects).toEqual([]);
  });

  it('removeProject forgets the project, its decisions and overrides; unknown names are refused', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.skipVersion({ project: 'core', version: '1.2.0' });
    await h.service.setSettings({ projects: { core: { channel: 'prerelease' } } });
    await h.service.idle();
    expect(await h.service.removeProject({ name: 'core' })).toMatchObject({ name: 'core', path: fx.work });
    expect((await h.service.getState({})).projects).toEqual([]);
    expect((await h.service.getSettings({})).projects).toEqual({});
    expect(h.service.engine.store.listDecisions()).toEqual([]);
    expect(await rejection(h.service.removeProject({ name: 'core' }))).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  });
});

describe('checks and plans', () => {
  it('checkNow checks all or some projects and reports unknown names', async () => {
    const core = coreFixture();
    const other = coreFixture({ checkout: 'v1.2.0' });
    const h = await openService();
    await h.service.addProject({ path: core.work, name: 'core' });
    await h.service.addProject({ path: other.work, name: 'other' });
    await h.service.idle();
    h.events.clear();
    const all = await h.service.checkNow({});
    expect(all.projects.map((p) => [p.name, p.updateAvailable])).toEqual([
      ['core', true],
      ['other', false],
    ]);
    expect(h.events.of('project-changed').map((e) => e.project.name)).toEqual(['core', 'other']);
    expect(h.service.pollerState().lastCheckAt).not.toBeNull();
    const some = await h.service.checkNow({ projects: ['other'] });
    expect(some.projects.map((p) => p.name)).toEqual(['other']);
    expect(await rejection(h.service.checkNow({ projects: ['ghost'] }))).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  });

  it('a broken manifest or remote fails only that project’s check', async () => {
    const core = coreFixture();
    const broken = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: core.work, name: 'core' });
    await h.service.addProject({ path: broken.work, name: 'broken' });
    await h.service.idle();
    writeFileSync(path.join(broken.work, 'upshift.yml'), 'channel: nightly\n');
    const r = await h.service.checkNow({});
    expect(r.projects.map((p) => [p.name, p.error?.code ?? null])).toEqual([
      ['broken', 'MANIFEST_INVALID'],
      ['core', null],
    ]);
    expect(r.projects[0]!.error!.details).toMatchObject({ field: 'channel', line: 1 });
    expect(h.events.of('check-failed').map((e) => [e.project, e.error.code])).toEqual([['broken', 'MANIFEST_INVALID']]);
    // One broken project is not a failed poll: no backoff for the others.
    expect(h.service.pollerState().failures).toBe(0);
  });

  it('a check cut short by closing keeps the last real results', async () => {
    const fx = coreFixture();
    const real = new GitTagSource();
    let hang = false;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const source: ReleaseSource = {
      listReleases: (project, signal) => {
        if (!hang) return real.listReleases(project, signal);
        entered();
        return new Promise((_, reject) => {
          if (signal?.aborted) reject(new Error('aborted'));
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
      },
    };
    const h = await openService({ source });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    const good = h.service.engine.store.getCheck('core')!;
    expect(good.error).toBeNull();
    hang = true;
    const pending = h.service.checkNow({});
    await inside; // the remote is being asked when the app closes
    await h.service.close();
    expect(await rejection(pending)).toMatchObject({ code: 'CANCELLED' });
    const store = StateStore.open(h.home);
    try {
      expect(store.getCheck('core')).toEqual(good);
    } finally {
      store.close();
    }
  });

  it('getPlan plans the default or a chosen target; nothing to do and unknown releases are errors', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const plan = await h.service.getPlan({ project: 'core' });
    expect(plan).toMatchObject({ project: 'core', from: { version: '1.0.0' }, to: { version: '1.2.0' }, blocked: false });
    expect(plan.candidates.map((c) => c.version)).toEqual(['1.2.0', '1.1.0']);
    expect((await h.service.getPlan({ project: 'core', to: '1.1.0' })).releaseNotes[0]!.body).toContain('frobnicator');
    expect(await rejection(h.service.getPlan({ project: 'core', to: '9.9.9' }))).toMatchObject({ code: 'RELEASE_NOT_FOUND' });
    expect(await rejection(h.service.getPlan({ project: 'ghost' }))).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    const latest = coreFixture({ checkout: 'v1.2.0' });
    await h.service.addProject({ path: latest.work, name: 'latest' });
    expect(await rejection(h.service.getPlan({ project: 'latest' }))).toMatchObject({ code: 'NOTHING_TO_DO' });
  });
});

describe('settings', () => {
  it('setSettings validates, merges, persists across a restart, and reschedules the poller', async () => {
    const h = await openService({ poll: true });
    h.clock.advance(0);
    await h.service.idle();
    const before = Date.parse(h.service.pollerState().nextCheckAt!);
    const s = await h.service.setSettings({ pollMinutes: 15, notifications: { enabled: false } });
    expect(s).toEqual({ ...DEFAULT_SETTINGS, pollMinutes: 15, notifications: { enabled: false } });
    expect(h.events.of('state-changed').at(-1)!.state.settings.pollMinutes).toBe(15);
    expect(Date.parse(h.service.pollerState().nextCheckAt!)).toBeLessThan(before);
    expect(await rejection(h.service.setSettings({ pollMinutes: 2 }))).toMatchObject({ code: 'BAD_INPUT', details: { field: 'pollMinutes' } });
    expect(await rejection(h.service.setSettings({ projects: { ghost: { channel: 'stable' } } }))).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    const again = await h.reopen();
    expect(await again.service.getSettings({})).toEqual({ ...DEFAULT_SETTINGS, pollMinutes: 15, notifications: { enabled: false } });
    await again.service.setSettings({ launchAtLogin: true });
    expect(await again.service.getSettings({})).toMatchObject({ launchAtLogin: true, pollMinutes: 15 });
  });

  it('a per-project channel override changes what checks and plans see (and the CLI engine too)', async () => {
    const fx = coreFixture();
    pushTag(fx.remote, 'v1.3.0-rc.1');
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    expect((await h.service.checkNow({})).projects[0]!.latest!.version).toBe('1.2.0');
    await h.service.setSettings({ projects: { core: { channel: 'prerelease', gates: { minor: 'skip' } } } });
    await h.service.idle();
    const state = await h.service.getState({});
    expect(state.projects[0]).toMatchObject({ channel: 'prerelease', check: { latest: { version: '1.3.0-rc.1', prerelease: true } } });
    expect(h.service.engine.context('core').manifest.gates).toMatchObject({ minor: 'skip', patch: 'auto' });
    const plan = await h.service.getPlan({ project: 'core', to: '1.1.0' });
    expect(plan).toMatchObject({ gate: 'skip', blocked: true });
    // The CLI reads the same overrides from the shared state.
    const cli = new CliHarness({ UPSHIFT_HOME: h.home }).run('check', 'core', '--json');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.json<CheckResult>().projects[0]!.latest!.version).toBe('1.3.0-rc.1');
    // Clearing the override brings the manifest back.
    await h.service.setSettings({ projects: { core: {} } });
    await h.service.idle();
    expect((await h.service.getState({})).projects[0]).toMatchObject({ channel: 'stable', check: { latest: { version: '1.2.0' } } });
  });

  it('pauseChecks persists the pause and stops background checks', async () => {
    const h = await openService({ poll: true });
    expect(await h.service.pauseChecks({ paused: true })).toMatchObject({ paused: true, nextCheckAt: null });
    expect((await h.service.getSettings({})).paused).toBe(true);
    const again = await h.reopen({ poll: true });
    again.clock.advance(24 * 3600_000);
    await again.service.idle();
    expect(again.service.pollerState()).toMatchObject({ paused: true, lastCheckAt: null, nextCheckAt: null });
    expect(await again.service.pauseChecks({ paused: false })).toMatchObject({ paused: false, nextCheckAt: new Date(again.clock.now()).toISOString() });
  });
});

describe('decisions', () => {
  it('skipVersion and snooze return the project view and persist across a restart', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    const skipped = await h.service.skipVersion({ project: 'core', version: 'v1.1.0' });
    expect(skipped.decision).toEqual({ skipped: ['1.1.0'], snoozedUntil: null });
    const snoozed = await h.service.snooze({ project: 'core', version: '1.2.0', minutes: 90 });
    const until = new Date(h.clock.now() + 90 * 60_000).toISOString();
    expect(snoozed.decision).toEqual({ skipped: ['1.1.0'], snoozedUntil: until });
    expect(h.events.of('project-changed').at(-1)!.project.decision.snoozedUntil).toBe(until);
    const again = await h.reopen();
    expect((await again.service.getState({})).projects[0]!.decision).toEqual({ skipped: ['1.1.0'], snoozedUntil: until });
    // Once the time has passed the latest is no longer snoozed.
    again.clock.advance(91 * 60_000);
    expect((await again.service.getState({})).projects[0]!.decision.snoozedUntil).toBeNull();
    expect(await rejection(again.service.skipVersion({ project: 'ghost', version: '1.0.0' }))).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    expect(await rejection(again.service.snooze({ project: 'core', version: 'latest', minutes: 5 }))).toMatchObject({ code: 'BAD_INPUT', details: { field: 'version' } });
  });
});

describe('history', () => {
  it('queryHistory filters and pages; getOperation returns the operation and its log tails', async () => {
    const fx = coreFixture({ files: { 'install.sh': 'i=0; while [ $i -lt 3000 ]; do echo "install line $i"; i=$((i+1)); done\n' } });
    const h = await openService({ logTailBytes: 4096 });
    await h.service.addProject({ path: fx.work, name: 'core' });
    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await h.service.idle();
    const page = await h.service.queryHistory({ project: 'core' });
    expect(page.total).toBe(1);
    expect(page.operations[0]).toMatchObject({ id: operationId, status: 'succeeded', kind: 'upgrade' });
    expect((await h.service.queryHistory({ status: ['failed'] })).total).toBe(0);
    expect((await h.service.queryHistory({ kind: ['upgrade'], since: '2000-01-01T00:00:00Z' })).total).toBe(1);
    expect((await h.service.queryHistory({ until: '2000-01-01T00:00:00+01:00' })).total).toBe(0);
    expect((await h.service.queryHistory({ limit: 1, offset: 1 })).operations).toEqual([]);

    const detail = await h.service.getOperation({ id: operationId });
    expect(detail.operation.id).toBe(operationId);
    const install = detail.logs.install!;
    expect(install.length).toBeLessThanOrEqual(4096);
    expect(install).toMatch(/install line 2999\n\n\[upshift\] exited with code 0 after \d+ ms\n$/);
    expect(install.startsWith('install line ')).toBe(true); // cut at a line boundary
    expect(Object.keys(detail.logs).sort()).toEqual(['install', 'smoke']);
    expect(await rejection(h.service.getOperation({ id: 'op_20260101T000000Z_abcdef' }))).toMatchObject({ code: 'UNKNOWN_OPERATION' });
  });
});

describe('lifecycle', () => {
  it('a closed service refuses calls', async () => {
    const h = await openService();
    await h.service.close();
    expect(await rejection(h.service.getState({}))).toMatchObject({ code: 'CLOSED', retryable: true });
  });

  it('the engine opened by the service recovers work a dead process left', async () => {
    // (Recovery itself is covered by the CLI tests; here: opening does not fail on a fresh, dirty checkout.)
    const fx = coreFixture();
    mkdirSync(path.join(fx.work, 'extra'));
    commitFiles(fx.work, { 'extra/file.txt': 'x\n' });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    expect(git(fx.work, 'status', '--porcelain')).toBe('');
  });
});
