/** Upshift's per-project configuration through the service (the dashboard's contract), on a real checkout. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from './helpers/repos.js';
import { closeServices, coreFixture, openService, rejection } from './helpers/service.js';

afterEach(closeServices);
afterAll(() => cleanupTempDirs());

describe('getProjectConfig / setProjectConfig', () => {
  it('reads settings with their origins, writes checked edits, refuses bad ones writing nothing, and the plan follows', async () => {
    const fx = coreFixture({ manifest: 'install: sh install.sh\n' });
    const { service, home, events } = await openService();
    await service.addProject({ path: fx.work, name: 'core' });
    const file = join(home, 'projects', 'core', 'upshift.yml');

    const first = await service.getProjectConfig({ project: 'core' });
    expect(first).toMatchObject({ project: 'core', file, exists: false, values: {} });
    expect(first.settings.find((s) => s.key === 'install')).toEqual({ key: 'install', value: 'sh install.sh', source: 'manifest', file: 'upshift.yml' });
    expect(first.settings.find((s) => s.key === 'smoke.command')).toEqual({ key: 'smoke.command', value: null, source: 'default', file: null });

    events.clear();
    const saved = await service.setProjectConfig({ project: 'core', set: { 'smoke.command': 'sh smoke.sh', 'smoke.timeoutSeconds': '20' } });
    expect(saved).toMatchObject({ exists: true, values: { 'smoke.command': 'sh smoke.sh', 'smoke.timeoutSeconds': 20 } });
    expect(readFileSync(file, 'utf8')).toBe('smoke:\n  command: sh smoke.sh\n  timeoutSeconds: 20\n');
    expect(events.types()).toContain('state-changed');
    expect((await service.getState({})).projects[0]).toMatchObject({ manifest: 'upshift.yml', config: file });

    const refused = await rejection(service.setProjectConfig({ project: 'core', set: { 'smoke.timeoutSeconds': 'fast', install: 'make' } }));
    expect(refused.code).toBe('CONFIG_INVALID');
    expect(refused.message).toContain('smoke.timeoutSeconds: expected a number, got "fast"');
    expect(refused.details).toMatchObject({ key: 'smoke.timeoutSeconds', file });
    expect(readFileSync(file, 'utf8')).toBe('smoke:\n  command: sh smoke.sh\n  timeoutSeconds: 20\n');
    expect((await rejection(service.getProjectConfig({ project: 'nope' }))).code).toBe('PROJECT_NOT_FOUND');

    const plan = await service.getPlan({ project: 'core', to: '1.1.0' });
    expect(plan.steps.find((s) => s.id === 'smoke')?.command).toBe('sh smoke.sh');
    expect(plan.settings?.find((s) => s.key === 'smoke.command')).toEqual({ key: 'smoke.command', value: 'sh smoke.sh', source: 'config', file });

    await service.setProjectConfig({ project: 'core', unset: ['smoke'] });
    expect(existsSync(file)).toBe(false);
    expect((await service.getPlan({ project: 'core', to: '1.1.0' })).steps.some((s) => s.id === 'smoke')).toBe(false);
    await service.idle();
  });
});
