// Issue 11 §1 in the service: skip a version or a major and take it back; a release that failed and was rolled back
// is named on its project; an upgrade a rollback undid says so and cannot be rolled back twice; the last override
// of a project can be reset; a relative path in "Add project" is read from the home, and errors speak of the form.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { updateOffer } from '../../../shared/policy/offer.js';
import { closeServices, coreFixture, openService, rejection } from '../../../test/helpers/service.js';
import { cleanupTempDirs, git, makeTempDir } from '../../../test/helpers/repos.js';
import { dashboardPath } from './add-path.js';

afterEach(async () => {
  await closeServices();
  cleanupTempDirs();
});

const withMajor = [
  { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
  { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
  { version: '2.0.0', files: { 'app.txt': '2.0.0\n' } },
  { version: '2.1.0', files: { 'app.txt': '2.1.0\n' } },
];

describe('skips', () => {
  it('skips one version, then a whole major, and takes both back; skipped releases are not offered or counted', async () => {
    const fx = coreFixture({ releases: withMajor, manifest: 'gates:\n  major: review\n' });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.checkNow({ projects: ['core'] });
    const view = () => h.service.getState({}).then((s) => s.projects.find((p) => p.name === 'core')!);
    expect(updateOffer((await view()).check, []).target?.version).toBe('2.1.0');

    let v = await h.service.skipVersion({ project: 'core', version: '2.1.0' });
    expect(v.decision.skipped).toEqual(['2.1.0']);
    expect(updateOffer(v.check, v.decision.skipped).target?.version).toBe('2.0.0');

    v = await h.service.skipVersion({ project: 'core', version: 'v2.0.0', scope: 'major' });
    expect(v.decision.skipped.sort()).toEqual(['2.1.0', '2.x']);
    const offer = updateOffer(v.check, v.decision.skipped);
    expect(offer.target?.version).toBe('1.1.0');
    expect(offer.skipped.map((s) => s.version)).toEqual(['2.1.0', '2.0.0']);

    v = await h.service.unskipVersion({ project: 'core', version: '2.x' });
    expect(v.decision.skipped).toEqual(['2.1.0']);
    const notSkipped = await rejection(h.service.unskipVersion({ project: 'core', version: '1.1.0' }));
    expect(notSkipped.code).toBe('BAD_INPUT');
    expect(notSkipped.message).toBe('unskipVersion: version: core has no skip of "1.1.0" (skipped: 2.1.0). Nothing was changed.');
    v = await h.service.unskipVersion({ project: 'core', version: '2.1.0' });
    expect(v.decision.skipped).toEqual([]);
    expect(h.events.of('project-changed').length).toBeGreaterThanOrEqual(4);
  });

  it('a skip gate hides the release from the offer: not the headline, not counted', async () => {
    const fx = coreFixture({ releases: withMajor.slice(0, 3) });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.setSettings({ projects: { core: { gates: { major: 'skip', minor: 'review' } } } });
    const check = (await h.service.checkNow({ projects: ['core'] })).projects[0]!;
    expect(check.latest?.version).toBe('2.0.0');
    const offer = updateOffer(check, []);
    expect(offer).toMatchObject({ target: { version: '1.1.0', gate: 'review' }, hiddenByGate: ['2.0.0'], blocked: [], counts: true });
    // The risk shown is that of 1.1.0 (a minor, with smoke tests: medium), not the major's.
    expect(offer.target?.risk?.level).toBe('medium');
  });
});

describe('what happened', () => {
  it('names the release that failed its smoke test and was rolled back, with the operation', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.2.0' });
    await h.service.idle();
    await h.service.checkNow({ projects: ['core'] });
    const core = (await h.service.getState({})).projects.find((p) => p.name === 'core')!;
    expect(core.failedReleases).toEqual([{ version: '1.2.0', operationId, step: { id: 'smoke', title: expect.any(String) }, at: expect.any(String) }]);
    // Cancelled or succeeded attempts are not failures of a release.
    const ok = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await h.service.idle();
    expect(h.service.engine.store.getOperation(ok.operationId)?.status).toBe('succeeded');
    const after = (await h.service.getState({})).projects.find((p) => p.name === 'core')!;
    expect(after.failedReleases?.map((f) => f.version)).toEqual(['1.2.0']);
  });

  it('an upgrade a rollback undid says by which, and a second rollback of it is refused with nothing changed', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const up = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await h.service.idle();
    expect((await h.service.getOperation({ id: up.operationId })).undoneBy).toBeNull();
    const back = await h.service.rollback({ project: 'core', to: up.operationId });
    await h.service.idle();
    const detail = await h.service.getOperation({ id: up.operationId });
    expect(detail.undoneBy).toEqual({ id: back.operationId, finishedAt: expect.any(String) });
    const again = await rejection(h.service.rollback({ project: 'core', to: up.operationId }));
    expect(again.code).toBe('ALREADY_UNDONE');
    expect(again.message).toContain(`already undone by ${back.operationId}`);
    expect(again.message).toContain('Nothing was changed.');
    expect(h.service.engine.store.listOperations({ project: 'core', kind: 'rollback' })).toHaveLength(1);
    expect(git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD')).toBe('v1.0.0');
  });
});

describe('settings and add project', () => {
  it('the last remaining override resets to the manifest, and the origin keeps the value beneath', async () => {
    const fx = coreFixture({ manifest: 'gates:\n  minor: review\n' });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.setSettings({ projects: { core: { gates: { minor: 'auto' } } } });
    const overridden = await h.service.getProjectConfig({ project: 'core' });
    expect(overridden.settings.find((o) => o.key === 'gates.minor')).toMatchObject({ value: 'auto', source: 'override', beneath: { value: 'review', source: 'manifest' } });
    // What the dashboard sends for "As in the manifest" on the only override: an empty override.
    const after = await h.service.setSettings({ projects: { core: {} } });
    expect(after.projects).toEqual({});
    expect((await h.service.getProjectConfig({ project: 'core' })).settings.find((o) => o.key === 'gates.minor')).toMatchObject({ value: 'review', source: 'manifest' });
  });

  it('reads a relative path from the home folder and says so; a taken name says what to do in the form', async () => {
    const home = makeTempDir('upshift-user-home-');
    const fx = coreFixture();
    const rel = relative(home, fx.work);
    expect(dashboardPath(rel, home)).toEqual({ path: join(home, rel), note: `“${rel}” is not an absolute path: it was read from your home folder, as ${join(home, rel)}.` });
    expect(dashboardPath('~/src/x', home)).toEqual({ path: join(home, 'src/x'), note: null });
    mkdirSync(join(home, 'empty'));

    const h = await openService();
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const ok = await h.service.validateProject({ path: rel });
      expect(ok).toMatchObject({ ok: true, path: fx.work, note: expect.stringContaining('read from your home folder') });
      await h.service.addProject({ path: rel, name: 'core' });
      const clash = await h.service.validateProject({ path: fx.work });
      expect(clash.ok).toBe(false);
      const dup = await rejection(h.service.addProject({ path: fx.work, name: 'core' }));
      expect(dup.code).toBe('PROJECT_EXISTS');
      expect(dup.message).not.toContain('--name');
      expect(dup.message).toContain('Enter another name in the “Name” field');
    } finally {
      process.env.HOME = saved;
    }
    expect((await h.service.getState({})).projects.map((p) => p.path)).toEqual([fx.work]);
  });
});
