// Issue 8 §4: the dashboard's service applies the gates as the CLI does. A click on "Start upgrade" sends the version
// shown; for a target gated manual it must also send confirmManual (the dashboard asks first), else GATE_MANUAL.
import { afterEach, describe, expect, it } from 'vitest';
import { closeServices, coreFixture, openService, rejection } from '../../../test/helpers/service.js';
import { git } from '../../../test/helpers/repos.js';

afterEach(closeServices);

const releases = [
  { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
  { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
  { version: '2.0.0', files: { 'app.txt': '2.0.0\n' } },
];

describe('gates in the service', () => {
  it('plans the newest release the gates allow, names the manual major, and installs it only with confirmManual', async () => {
    const fx = coreFixture({ releases });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    const at = () => git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD');

    const plan = await h.service.getPlan({ project: 'core' });
    expect(plan).toMatchObject({ to: { version: '1.1.0' }, gate: 'review', explicitChoice: { version: '2.0.0', gate: 'manual' } });
    const check = await h.service.checkNow({ projects: ['core'] });
    expect(check.projects[0]!.offered?.version).toBe('1.1.0');

    // The version named but the manual gate not confirmed: refused, nothing recorded or changed.
    const refused = await rejection(h.service.startUpgrade({ project: 'core', to: '2.0.0' }));
    expect(refused.code).toBe('GATE_MANUAL');
    expect(refused.message).toContain('2.0.0 is a major upgrade, gated manual');
    expect(at()).toBe('v1.0.0');
    expect(h.service.engine.store.listOperations({ project: 'core' })).toEqual([]);

    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '2.0.0', confirmManual: true });
    await h.service.idle();
    expect(h.service.engine.store.getOperation(operationId)).toMatchObject({ status: 'succeeded', to: { version: '2.0.0' } });
    expect(at()).toBe('v2.0.0');
  });

  it('refuses a manual-gated default target without a version, and a skip-gated one even when confirmed', async () => {
    const fx = coreFixture({ releases: [releases[0]!, releases[2]!] });
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    const noVersion = await rejection(h.service.startUpgrade({ project: 'core', confirmManual: true }));
    expect(noVersion.code).toBe('GATE_MANUAL');

    await h.service.setSettings({ projects: { core: { gates: { major: 'skip' } } } });
    const skipped = await rejection(h.service.startUpgrade({ project: 'core', to: '2.0.0', confirmManual: true }));
    expect(skipped.code).toBe('BLOCKED');
    // Set in the dashboard, so the dashboard is where to change it.
    expect(skipped.message).toContain('gates.major of core is "skip"');
    expect(skipped.message).toContain("change gates.major in the dashboard's settings for core");
    expect(git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD')).toBe('v1.0.0');
  });
});
