import { describe, expect, it } from 'vitest';
import {
  checkDue,
  decide,
  DEFAULT_SELF_UPDATE_PREFS,
  installOnQuitAllowed,
  judgeRelease,
  nextCheckIn,
  offerFor,
  REMIND_LATER_MS,
  SELF_UPDATE_CHECK_INTERVAL_MS,
  SelfUpdateDecisionError,
  updaterSettings,
  type SelfUpdatePrefs,
} from './selfupdate.js';

const NOW = Date.parse('2026-12-06T09:00:00Z');
const prefs = (p: Partial<SelfUpdatePrefs> = {}): SelfUpdatePrefs => ({ ...DEFAULT_SELF_UPDATE_PREFS, ...p });

describe('judgeRelease: never a downgrade', () => {
  it('offers a newer release', () => {
    expect(judgeRelease('0.1.0', '0.2.0', 'stable')).toEqual({ kind: 'newer' });
    expect(judgeRelease('0.1.0', 'v0.1.1', 'stable')).toEqual({ kind: 'newer' });
  });

  it('refuses an older or equal version, whatever the feed says', () => {
    const older = judgeRelease('0.2.0', '0.1.9', 'stable');
    expect(older).toEqual({ kind: 'refused', reason: '0.1.9 is older than 0.2.0, which is running: Upshift never downgrades itself' });
    expect(judgeRelease('0.2.0', '0.2.0', 'beta')).toEqual({ kind: 'refused', reason: '0.2.0 is the version running' });
    // A prerelease of the running version is older than it (SemVer precedence).
    expect(judgeRelease('0.2.0', '0.2.0-beta.3', 'beta').kind).toBe('refused');
  });

  it('refuses a prerelease on the stable channel, offers it on beta', () => {
    expect(judgeRelease('0.1.0', '0.2.0-beta.1', 'stable')).toEqual({ kind: 'refused', reason: '0.2.0-beta.1 is a prerelease and the update channel is stable' });
    expect(judgeRelease('0.1.0', '0.2.0-beta.1', 'beta')).toEqual({ kind: 'newer' });
    expect(judgeRelease('0.2.0-beta.1', '0.2.0', 'stable')).toEqual({ kind: 'newer' });
  });

  it('refuses what it cannot compare', () => {
    expect(judgeRelease('0.1.0', 'latest', 'stable')).toEqual({ kind: 'refused', reason: '"latest" is not a version Upshift can compare' });
    expect(judgeRelease('unknown', '0.2.0', 'stable').kind).toBe('refused');
  });
});

describe('offerFor: skip and remind later', () => {
  it('headlines a release nobody decided about', () => {
    expect(offerFor('0.2.0', prefs(), NOW)).toEqual({ offer: 'offer', remindUntil: null });
  });
  it('keeps a skipped version quiet for good, and only that version', () => {
    expect(offerFor('0.2.0', prefs({ skipped: ['0.2.0'] }), NOW).offer).toBe('skipped');
    expect(offerFor('0.2.1', prefs({ skipped: ['0.2.0'] }), NOW).offer).toBe('offer');
  });
  it('postpones until the reminder runs out, then offers again', () => {
    const until = new Date(NOW + 1000).toISOString();
    const p = prefs({ remindLater: { version: '0.2.0', until } });
    expect(offerFor('0.2.0', p, NOW)).toEqual({ offer: 'remind-later', remindUntil: until });
    expect(offerFor('0.2.0', p, NOW + 1000).offer).toBe('offer');
    expect(offerFor('0.3.0', p, NOW).offer).toBe('offer');
  });
});

describe('decide', () => {
  const ctx = { current: '0.1.0', available: '0.2.0', now: NOW };

  it('skip records the version, and drops an install-on-quit or reminder for it', () => {
    const next = decide(prefs({ installOnQuit: '0.2.0', remindLater: { version: '0.2.0', until: new Date(NOW + 5).toISOString() } }), { action: 'skip', version: '0.2.0' }, ctx);
    expect(next).toMatchObject({ skipped: ['0.2.0'], installOnQuit: null, remindLater: null });
    expect(decide(next, { action: 'skip', version: '0.2.0' }, ctx).skipped).toEqual(['0.2.0']);
    expect(decide(next, { action: 'unskip', version: '0.2.0' }, ctx).skipped).toEqual([]);
  });

  it('remind later waits a day', () => {
    expect(decide(prefs(), { action: 'remind-later', version: '0.2.0' }, ctx).remindLater).toEqual({ version: '0.2.0', until: new Date(NOW + REMIND_LATER_MS).toISOString() });
  });

  it('install on quit records the chosen version and undoes an earlier skip of it', () => {
    const next = decide(prefs({ skipped: ['0.2.0', '0.1.5'] }), { action: 'install-on-quit', version: '0.2.0' }, ctx);
    expect(next).toMatchObject({ installOnQuit: '0.2.0', skipped: ['0.1.5'] });
    expect(decide(next, { action: 'cancel-install-on-quit' }, ctx).installOnQuit).toBeNull();
  });

  it('refuses a decision about a version that is not the one available, and changes nothing', () => {
    const before = prefs();
    expect(() => decide(before, { action: 'install-on-quit', version: '0.3.0' }, ctx)).toThrow(new SelfUpdateDecisionError('SELF_UPDATE_NOT_AVAILABLE', 'Cannot install Upshift 0.3.0: the update available now is 0.2.0. Nothing was changed; look at 0.2.0 first.'));
    expect(() => decide(before, { action: 'skip', version: '0.2.0' }, { ...ctx, available: null })).toThrow(/no update is available/);
    expect(before).toEqual(DEFAULT_SELF_UPDATE_PREFS);
  });

  it('refuses to install a downgrade even when asked by name', () => {
    expect(() => decide(prefs(), { action: 'install-on-quit', version: '0.0.9' }, { ...ctx, available: '0.0.9' })).toThrow(/older than 0\.1\.0.*never downgrades.*Nothing was changed/);
  });

  it('switching channel forgets an install-on-quit chosen on the other channel', () => {
    const next = decide(prefs({ channel: 'beta', installOnQuit: '0.2.0-beta.1' }), { action: 'set-channel', channel: 'stable' }, ctx);
    expect(next).toMatchObject({ channel: 'stable', installOnQuit: null });
    expect(decide(prefs({ installOnQuit: '0.2.0' }), { action: 'set-channel', channel: 'stable' }, ctx).installOnQuit).toBe('0.2.0');
  });
});

describe('installOnQuitAllowed', () => {
  it('only the downloaded version the user chose, newer than what runs, allowed on the channel', () => {
    expect(installOnQuitAllowed(prefs({ installOnQuit: '0.2.0' }), '0.1.0', '0.2.0')).toBe(true);
    expect(installOnQuitAllowed(prefs(), '0.1.0', '0.2.0')).toBe(false);
    expect(installOnQuitAllowed(prefs({ installOnQuit: '0.2.0' }), '0.1.0', '0.2.1')).toBe(false);
    expect(installOnQuitAllowed(prefs({ installOnQuit: '0.2.0' }), '0.1.0', null)).toBe(false);
    expect(installOnQuitAllowed(prefs({ installOnQuit: '0.2.0' }), '0.3.0', '0.2.0')).toBe(false);
    expect(installOnQuitAllowed(prefs({ installOnQuit: '0.2.0-beta.1' }), '0.1.0', '0.2.0-beta.1')).toBe(false);
    expect(installOnQuitAllowed(prefs({ installOnQuit: '0.2.0-beta.1', channel: 'beta' }), '0.1.0', '0.2.0-beta.1')).toBe(true);
  });
});

describe('check timing and the updater settings', () => {
  it('checks at once the first time, then every interval; a clock set back checks again', () => {
    expect(checkDue(prefs(), NOW)).toBe(true);
    const last = prefs({ lastCheckAt: new Date(NOW).toISOString() });
    expect(checkDue(last, NOW + SELF_UPDATE_CHECK_INTERVAL_MS - 1)).toBe(false);
    expect(nextCheckIn(last, NOW + 1000)).toBe(SELF_UPDATE_CHECK_INTERVAL_MS - 1000);
    expect(checkDue(last, NOW + SELF_UPDATE_CHECK_INTERVAL_MS)).toBe(true);
    expect(checkDue(last, NOW - 60_000)).toBe(true);
  });

  it('stable reads latest.yml without prereleases, beta reads beta.yml with them; never allowDowngrade', () => {
    expect(updaterSettings('stable')).toEqual({ channel: 'latest', allowPrerelease: false, allowDowngrade: false });
    expect(updaterSettings('beta')).toEqual({ channel: 'beta', allowPrerelease: true, allowDowngrade: false });
  });
});
