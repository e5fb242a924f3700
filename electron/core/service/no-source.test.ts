/**
 * A local-only project (a vertical developed in place: commits and tags, no remote) through the service, with real
 * git: having no release source is a normal state — no check-failed event or notification, no poller back-off, and
 * the project's check says `noSource` with `error` null, for the dashboard and the tray.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServices, openService, type ServiceHarness } from '../../../test/helpers/service.js';
import { commitFiles, git, makeTempDir } from '../../../test/helpers/repos.js';

afterEach(closeServices);

async function poll(h: ServiceHarness): Promise<void> {
  const next = h.service.pollerState().nextCheckAt;
  if (next === null) throw new Error('no check is scheduled');
  h.clock.advance(Math.max(0, Date.parse(next) - h.clock.now()));
  await h.service.idle();
}

describe('a project without a release source in the service', () => {
  it('is checked without a failure: no event, no notification, no back-off; its view says noSource', async () => {
    const dir = path.join(makeTempDir('upshift-local-'), 'vertical');
    mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main');
    commitFiles(dir, { 'README.md': 'local\n' }, 'start');
    git(dir, 'tag', 'v2.1.0');

    const h = await openService({ poll: true });
    await h.service.addProject({ path: dir, name: 'vertical' });
    for (let i = 0; i < 3; i++) await poll(h);
    await h.service.checkNow({});

    expect(h.events.of('check-failed')).toEqual([]);
    expect(h.events.of('notification')).toEqual([]);
    expect(h.notifier.shown).toEqual([]);
    expect(h.service.pollerState().failures).toBe(0);

    const view = (await h.service.getState({})).projects.find((p) => p.name === 'vertical')!;
    expect(view.check).toMatchObject({ error: null, updateAvailable: false, latest: null, noSource: { reason: expect.stringMatching(/^no release source/) } });
    expect(view.check!.current.version).toBe('2.1.0');
  });
});
