// Issue 11 §1: `upshift skip` / `unskip` record the same decisions as the dashboard's "Skip this version", "Skip all
// N.x" and "Offer again", in the state database the service reads (so the dashboard shows them, and they are not
// notified). Real CLI, real state database.
import { afterAll, describe, expect, it } from 'vitest';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases } from './helpers/repos.js';
import { openService, closeServices } from './helpers/service.js';

afterAll(async () => {
  await closeServices();
  cleanupTempDirs();
});

describe('upshift skip / unskip', () => {
  it('skips a version and a major, lists them, takes them back, and refuses what is not skipped', async () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'app.txt': 'v0\n' }, releases: [{ version: '1.0.0' }, { version: '1.1.0' }, { version: '2.0.0' }], checkout: 'v1.0.0' });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);

    const one = cli.run('skip', 'core', 'v1.1.0');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('Skipped 1.1.0 of core: not offered or notified; `upshift unskip core 1.1.0` takes it back.');
    expect(cli.run('skip', 'core', '2.0.0', '--major', '--json').json<{ skipped: string[] }>().skipped.sort()).toEqual(['1.1.0', '2.x']);
    expect(cli.run('skip', 'core').stdout).toContain('core skips: 1.1.0, every 2.x release.');

    // The dashboard's service sees the same decisions.
    const h = await openService({ home: cli.home });
    const view = (await h.service.getState({})).projects.find((p) => p.name === 'core')!;
    expect(view.decision.skipped.sort()).toEqual(['1.1.0', '2.x']);
    await closeServices();

    const notSkipped = cli.run('unskip', 'core', '1.0.0', '--json');
    expect(notSkipped.code).toBe(2);
    expect(notSkipped.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'NOT_SKIPPED', message: 'core has no skip of "1.0.0" (skipped: 1.1.0, 2.x). Nothing was changed.' });
    expect(cli.run('unskip', 'core', '2.x').stdout).toContain('every 2.x release of core is offered again.');
    expect(cli.run('skip', 'core', 'banana').stderr).toContain('"banana" is not a version. Nothing was changed.');
    expect(cli.run('skip', 'nope', '1.0.0').code).toBe(2);
  });
});
