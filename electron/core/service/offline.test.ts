import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/api/contract.js';
import { cleanupTempDirs } from '../../../test/helpers/repos.js';
import { closeServices, coreFixture, openService } from '../../../test/helpers/service.js';
import { offlineStatus } from '../engine/offline.js';
import { GitTagSource } from '../source/git-tags.js';
import type { ReleaseSource } from '../source/types.js';
import { StateStore } from '../state/index.js';

afterEach(closeServices);
afterAll(() => cleanupTempDirs());

/** The real git-tags source, counting how often it is asked (each ask is network use). */
function countingSource(): ReleaseSource & { asks: number } {
  const real = new GitTagSource();
  const source = {
    asks: 0,
    listReleases: (...args: Parameters<ReleaseSource['listReleases']>) => {
      source.asks++;
      return real.listReleases(...args);
    },
  };
  return source;
}

describe('the offline setting', () => {
  it('is off by default, round-trips through get/setSettings, and is the very setting the engine and the CLI read', async () => {
    const h = await openService();
    expect((await h.service.getSettings({})).offline).toBe(false);
    expect(DEFAULT_SETTINGS.offline).toBe(false);
    expect(await h.service.setSettings({ offline: true })).toEqual({ ...DEFAULT_SETTINGS, offline: true });
    expect((await h.service.getState({})).settings.offline).toBe(true);
    expect(h.events.of('state-changed').at(-1)!.state.settings.offline).toBe(true);
    expect(h.service.engine.store.getSetting('offline')).toBe(true);
    expect(offlineStatus(h.service.engine.store, {})).toEqual({ offline: true, source: 'setting', setting: true, env: false });
    // Another process (the CLI) sees it in the shared state, and a restart keeps it.
    const other = StateStore.open(h.home);
    try {
      expect(offlineStatus(other, { UPSHIFT_OFFLINE: '1' })).toEqual({ offline: true, source: 'env', setting: true, env: true });
    } finally {
      other.close();
    }
    const again = await h.reopen();
    expect((await again.service.getSettings({})).offline).toBe(true);
    await again.service.setSettings({ offline: false });
    expect(again.service.engine.store.getSetting('offline')).toBe(false);
  });

  it('makes a check of a project whose remote is gone use the releases seen last, without asking the remote', async () => {
    const fx = coreFixture();
    const source = countingSource();
    const h = await openService({ source });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    expect(h.service.engine.store.getCheck('core')).toMatchObject({ error: null, latest: { version: '1.2.0' } });
    rmSync(fx.remote, { recursive: true, force: true });

    await h.service.setSettings({ offline: true });
    await h.service.idle(); // going offline re-checks every project
    const asked = source.asks;
    const check = (await h.service.checkNow({})).projects[0]!;
    expect(source.asks).toBe(asked);
    expect(check.error).toBeNull();
    expect(check).toMatchObject({ latest: { version: '1.2.0' }, updateAvailable: true });
    expect(check.blockers.join('\n')).toMatch(/offline; using releases seen/);

    // Back online, the check asks the (now missing) remote again and says it failed.
    await h.service.setSettings({ offline: false });
    await h.service.idle();
    const online = (await h.service.checkNow({})).projects[0]!;
    expect(source.asks).toBeGreaterThan(asked);
    expect(online.error).not.toBeNull();
    expect(online.blockers.join('\n')).toMatch(/remote unreachable/);
  });
});
