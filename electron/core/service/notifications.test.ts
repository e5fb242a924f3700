import { rmSync, renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectCheck } from '../../../shared/api/types.js';
import { closeServices, coreFixture, openService, type ServiceHarness } from '../../../test/helpers/service.js';
import { makeTempDir, pushTag } from '../../../test/helpers/repos.js';
import { StateStore } from '../state/index.js';
import { ManualClock } from './clock.js';
import { updateVerdict } from './notifications.js';

afterEach(closeServices);

/** Moves the clock to the poller's next check and lets it finish. */
async function poll(h: ServiceHarness): Promise<void> {
  const next = h.service.pollerState().nextCheckAt;
  if (next === null) throw new Error('no check is scheduled');
  h.clock.advance(Math.max(0, Date.parse(next) - h.clock.now()));
  await h.service.idle();
}

const HOUR = 3600_000;

describe('update notifications', () => {
  it('once per (project, version): a second check says nothing, a newly pushed tag exactly one more', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle(); // adding checks the project: the first notification
    const first = h.events.of('notification');
    expect(first).toEqual([{ type: 'notification', id: expect.stringMatching(/^ntf_/), project: 'core', version: '1.2.0', title: 'core 1.2.0 is available', body: expect.stringContaining('1.0.0 → 1.2.0') }]);
    expect(h.notifier.shown).toEqual([expect.objectContaining({ kind: 'update', project: 'core', version: '1.2.0', id: first[0]!.id })]);

    await h.service.checkNow({});
    await h.service.checkNow({ projects: ['core'] });
    expect(h.events.of('notification')).toHaveLength(1);

    pushTag(fx.remote, 'v1.3.0');
    await h.service.checkNow({});
    await h.service.checkNow({});
    expect(h.events.of('notification').map((n) => n.version)).toEqual(['1.2.0', '1.3.0']);
    expect(h.notifier.shown.map((n) => n.version)).toEqual(['1.2.0', '1.3.0']);
  });

  it('is remembered across a restart', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    expect(h.events.of('notification')).toHaveLength(1);
    const again = await h.reopen();
    await again.service.checkNow({});
    expect(again.events.of('notification')).toEqual([]);
    expect(again.notifier.shown).toEqual([]);
  });

  it('honours a skipped version across a restart, and still tells about the next one', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.setSettings({ notifications: { enabled: false } });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    await h.service.skipVersion({ project: 'core', version: '1.2.0' });
    const again = await h.reopen();
    await again.service.setSettings({ notifications: { enabled: true } });
    await again.service.checkNow({});
    expect(again.events.of('notification')).toEqual([]);
    pushTag(fx.remote, 'v1.2.1');
    await again.service.checkNow({});
    expect(again.events.of('notification').map((n) => n.version)).toEqual(['1.2.1']);
  });

  it('a snooze holds the notification until it passes, then reminds once (from the cached check, without polling)', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.setSettings({ notifications: { enabled: false } });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    await h.service.snooze({ project: 'core', version: '1.2.0', minutes: 120 });
    await h.service.setSettings({ notifications: { enabled: true } });
    await h.service.checkNow({});
    expect(h.events.of('notification')).toEqual([]);
    // Restart while snoozed: the reminder timer is armed again from the stored decision.
    const again = await h.reopen();
    again.clock.advance(1 * HOUR);
    await again.service.checkNow({});
    expect(again.events.of('notification')).toEqual([]);
    again.clock.advance(1 * HOUR);
    expect(again.events.of('notification')).toEqual([expect.objectContaining({ project: 'core', version: '1.2.0', title: 'Reminder: core 1.2.0 is available' })]);
    expect(again.notifier.shown).toHaveLength(1);
    again.clock.advance(5 * HOUR);
    await again.service.checkNow({});
    await again.service.checkNow({});
    expect(again.events.of('notification')).toHaveLength(1);
  });

  it('a snooze of a version already announced reminds once after it passes', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    expect(h.events.of('notification')).toHaveLength(1);
    await h.service.snooze({ project: 'core', version: '1.2.0', minutes: 30 });
    h.clock.advance(29 * 60_000);
    await h.service.checkNow({});
    expect(h.events.of('notification')).toHaveLength(1);
    h.clock.advance(60_000);
    expect(h.events.of('notification')).toHaveLength(2);
    await h.service.checkNow({});
    expect(h.events.of('notification')).toHaveLength(2);
  });

  it('never for a downgrade, a version that is not newer, or a prerelease on the stable channel', async () => {
    const ahead = coreFixture({ checkout: 'v1.2.0' });
    const h = await openService();
    await h.service.addProject({ path: ahead.work, name: 'ahead' });
    await h.service.idle();
    expect(h.events.of('notification')).toEqual([]);

    const pre = coreFixture({ checkout: 'v1.2.0' });
    pushTag(pre.remote, 'v1.3.0-rc.1');
    await h.service.addProject({ path: pre.work, name: 'pre' });
    await h.service.idle();
    await h.service.checkNow({});
    expect(h.events.of('notification')).toEqual([]);
    // The same prerelease is announced once the user follows the prerelease channel.
    await h.service.setSettings({ projects: { pre: { channel: 'prerelease' } } });
    await h.service.idle();
    expect(h.events.of('notification').map((n) => [n.project, n.version])).toEqual([['pre', '1.3.0-rc.1']]);
  });

  it('nothing while notifications are disabled', async () => {
    const fx = coreFixture();
    const h = await openService();
    await h.service.setSettings({ notifications: { enabled: false } });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    await h.service.checkNow({});
    expect(h.events.of('notification')).toEqual([]);
    expect(h.notifier.shown).toEqual([]);
  });
});

describe('updateVerdict (the rules on crafted checks)', () => {
  const store = () => {
    const s = StateStore.open(makeTempDir('upshift-verdict-'));
    s.addProject({ name: 'core', path: '/src/core' });
    return s;
  };
  const check = (current: string | null, latest: string, prerelease = false): ProjectCheck => ({
    name: 'core',
    path: '/src/core',
    current: { version: current, tag: null, sha: null, source: current ? 'tag' : 'unknown' },
    latest: { version: latest, tag: `v${latest}`, sha: 'a'.repeat(40), prerelease },
    latestCompatible: null,
    updateAvailable: true,
    bump: 'minor',
    gate: 'review',
    risk: null,
    compatible: true,
    blockers: [],
    error: null,
    checkedAt: '2026-01-01T00:00:00.000Z',
  });

  it('refuses downgrades, equal versions, unknown current versions and stable-channel prereleases', () => {
    const s = store();
    const now = new ManualClock().now();
    try {
      expect(updateVerdict(check('2.0.0', '1.9.0'), 'stable', s, now)).toEqual({ notify: false, reason: 'not newer than the current version' });
      expect(updateVerdict(check('1.0.0', '1.0.0'), 'stable', s, now)).toMatchObject({ notify: false });
      expect(updateVerdict(check(null, '1.0.0'), 'stable', s, now)).toEqual({ notify: false, reason: 'current version unknown' });
      expect(updateVerdict(check('1.0.0', '1.1.0-rc.1', true), 'stable', s, now)).toEqual({ notify: false, reason: 'prerelease on the stable channel' });
      expect(updateVerdict(check('1.0.0', '1.1.0-rc.1', true), 'prerelease', s, now)).toEqual({ notify: true, version: '1.1.0-rc.1', remindAfter: null });
      expect(updateVerdict({ ...check('1.0.0', '1.1.0'), error: { code: 'X', message: 'x', retryable: false } }, 'stable', s, now)).toMatchObject({ notify: false });
    } finally {
      s.close();
    }
  });
});

describe('check failures', () => {
  it('reported once across several polls, again only after recovering and failing anew', async () => {
    const fx = coreFixture();
    const h = await openService({ poll: true });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await poll(h);
    expect(h.events.of('check-failed')).toEqual([]);

    const moved = `${fx.remote}.away`;
    renameSync(fx.remote, moved);
    for (let i = 0; i < 4; i++) await poll(h);
    const failed = h.events.of('check-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ project: 'core', error: { code: expect.any(String), message: expect.any(String) } });
    expect(h.notifier.shown.filter((n) => n.kind === 'check-failed')).toEqual([expect.objectContaining({ project: 'core', title: 'Checking core failed' })]);
    // Every poll failed (the only project failed), so the poller backs off.
    expect(h.service.pollerState().failures).toBe(4);

    renameSync(moved, fx.remote);
    await poll(h);
    expect(h.service.pollerState().failures).toBe(0);
    expect(h.events.of('check-failed')).toHaveLength(1);

    rmSync(fx.remote, { recursive: true, force: true });
    await h.service.checkNow({});
    await h.service.checkNow({});
    expect(h.events.of('check-failed')).toHaveLength(2);
  });
});
