/**
 * Upshift updating itself, decided here and only here: which release to offer, what "Skip this version", "Remind me
 * later" and "Install on quit" mean, and the refusal of any downgrade. The same honesty as for the user's projects:
 * nothing is downloaded before the user asks, nothing older than what runs is ever installed, a skipped version
 * stays skipped. Pure: electron/core/selfupdate runs it over electron-updater's events (behind a typed adapter in
 * electron/main) and keeps the decisions in the state database.
 */
import { compareVersions, parseVersion } from '../version/index.js';

/** stable: releases only; beta: prereleases too (electron-updater's `beta` channel files). */
export type UpdateChannel = 'stable' | 'beta';
export const UPDATE_CHANNELS: readonly UpdateChannel[] = ['stable', 'beta'];

/** A release of Upshift as the update feed describes it. */
export interface SelfUpdateRelease {
  version: string;
  releaseName: string | null;
  /** Release notes as published (Markdown or plain text; HTML is never rendered as such). */
  notes: string | null;
  releaseDate: string | null;
}

/** The user's decisions and the last check, kept in the state database (settings key `selfUpdate`). */
export interface SelfUpdatePrefs {
  channel: UpdateChannel;
  /** Versions the user said never to offer again. */
  skipped: string[];
  /** "Remind me later" for one version: not headlined again before `until`. */
  remindLater: { version: string; until: string } | null;
  /** The version the user chose to install when Upshift quits (downloaded on that choice, not before). */
  installOnQuit: string | null;
  lastCheckAt: string | null;
  /** The last check's failure in words, null after a successful one. */
  lastError: string | null;
}

export const DEFAULT_SELF_UPDATE_PREFS: SelfUpdatePrefs = { channel: 'stable', skipped: [], remindLater: null, installOnQuit: null, lastCheckAt: null, lastError: null };

export type SelfUpdatePhase = 'idle' | 'checking' | 'up-to-date' | 'available' | 'downloading' | 'downloaded' | 'error';

/** What the dashboard and the tray show about Upshift's own updates. */
export interface SelfUpdateStatus {
  /**
   * app: the tray app updates itself. external: this Upshift (browser mode, the CLI) is updated by whatever
   * installed it. disabled: the tray app, but not a packaged build (no update feed), or no feed configured.
   */
  managed: 'app' | 'external' | 'disabled';
  /** Why Upshift does not update itself here, in words for the user; null when managed is 'app'. */
  note: string | null;
  current: string;
  channel: UpdateChannel;
  phase: SelfUpdatePhase;
  /** The newest release the last check found that is newer than `current` (also when skipped or postponed). */
  available: SelfUpdateRelease | null;
  /** Whether to headline `available` now, or why not. */
  offer: 'offer' | 'skipped' | 'remind-later' | null;
  remindUntil: string | null;
  /** The user chose to install `available` when Upshift quits. */
  installOnQuit: boolean;
  progress: { percent: number; transferred: number; total: number; bytesPerSecond: number } | null;
  lastCheckAt: string | null;
  error: string | null;
  /** A release the feed offered and Upshift refused (not newer than what runs), with why. */
  refused: { version: string; reason: string } | null;
}

/** Sparkle's "Remind Me Later" waits a day. */
export const REMIND_LATER_MS = 24 * 60 * 60 * 1000;
/** How often the tray app looks for a new Upshift (a check is one small HTTPS request for latest.yml). */
export const SELF_UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export type ReleaseVerdict =
  | { kind: 'newer' }
  | { kind: 'refused'; reason: string };

/**
 * Whether `candidate` may be offered over `current` on `channel`. Never an older or equal version (electron-updater
 * turns allowDowngrade on whenever a channel is set; this check does not depend on that flag), never a prerelease on
 * the stable channel, never a version that does not parse.
 */
export function judgeRelease(current: string, candidate: string, channel: UpdateChannel): ReleaseVerdict {
  const cur = parseVersion(current);
  const next = parseVersion(candidate);
  if (!next) return { kind: 'refused', reason: `"${candidate}" is not a version Upshift can compare` };
  if (!cur) return { kind: 'refused', reason: `this Upshift's own version "${current}" cannot be compared, so no update is offered` };
  const order = compareVersions(next, cur);
  if (order < 0) return { kind: 'refused', reason: `${next.normalized} is older than ${cur.normalized}, which is running: Upshift never downgrades itself` };
  if (order === 0) return { kind: 'refused', reason: `${next.normalized} is the version running` };
  if (channel === 'stable' && next.prerelease.length > 0) return { kind: 'refused', reason: `${next.normalized} is a prerelease and the update channel is stable` };
  return { kind: 'newer' };
}

/** Whether a newer release is headlined now, or the user's skip or remind-later holds it back. */
export function offerFor(version: string, prefs: SelfUpdatePrefs, now: number): { offer: 'offer' | 'skipped' | 'remind-later'; remindUntil: string | null } {
  if (prefs.skipped.includes(version)) return { offer: 'skipped', remindUntil: null };
  const later = prefs.remindLater;
  if (later && later.version === version && Date.parse(later.until) > now) return { offer: 'remind-later', remindUntil: later.until };
  return { offer: 'offer', remindUntil: null };
}

/** Whether a check is due: none yet, or the interval passed since the last. `now` may run backwards (clock changes). */
export function checkDue(prefs: SelfUpdatePrefs, now: number, interval: number = SELF_UPDATE_CHECK_INTERVAL_MS): boolean {
  if (prefs.lastCheckAt === null) return true;
  const last = Date.parse(prefs.lastCheckAt);
  return !Number.isFinite(last) || now - last >= interval || now < last;
}

/** When the next check is due, in milliseconds from `now` (0: now). */
export function nextCheckIn(prefs: SelfUpdatePrefs, now: number, interval: number = SELF_UPDATE_CHECK_INTERVAL_MS): number {
  if (checkDue(prefs, now, interval)) return 0;
  return Date.parse(prefs.lastCheckAt!) + interval - now;
}

/** electron-updater's settings for a channel: which channel file it reads, and whether prereleases count. */
export function updaterSettings(channel: UpdateChannel): { channel: 'latest' | 'beta'; allowPrerelease: boolean; allowDowngrade: false } {
  return channel === 'beta' ? { channel: 'beta', allowPrerelease: true, allowDowngrade: false } : { channel: 'latest', allowPrerelease: false, allowDowngrade: false };
}

export type SelfUpdateAction =
  | { action: 'check' }
  | { action: 'skip'; version: string }
  | { action: 'remind-later'; version: string }
  | { action: 'install-on-quit'; version: string }
  | { action: 'cancel-install-on-quit' }
  | { action: 'unskip'; version: string }
  | { action: 'set-channel'; channel: UpdateChannel };

export class SelfUpdateDecisionError extends Error {
  constructor(
    readonly code: 'SELF_UPDATE_NOT_AVAILABLE' | 'SELF_UPDATE_REFUSED',
    message: string,
  ) {
    super(message);
    this.name = 'SelfUpdateDecisionError';
  }
}

/**
 * Applies a decision to the stored preferences. `available` is the release the last check found (decisions name
 * the version they mean, so a decision taken on a stale screen cannot hit a newer release nobody has read).
 * Throws SelfUpdateDecisionError, leaving the preferences unchanged, when the decision does not apply.
 */
export function decide(prefs: SelfUpdatePrefs, a: SelfUpdateAction, ctx: { current: string; available: string | null; now: number }): SelfUpdatePrefs {
  const mustBeAvailable = (version: string, verb: string): void => {
    if (ctx.available === null) throw new SelfUpdateDecisionError('SELF_UPDATE_NOT_AVAILABLE', `Cannot ${verb} Upshift ${version}: no update is available (last check found none). Nothing was changed.`);
    if (ctx.available !== version) {
      throw new SelfUpdateDecisionError('SELF_UPDATE_NOT_AVAILABLE', `Cannot ${verb} Upshift ${version}: the update available now is ${ctx.available}. Nothing was changed; look at ${ctx.available} first.`);
    }
  };
  switch (a.action) {
    case 'check':
      return prefs;
    case 'skip':
      mustBeAvailable(a.version, 'skip');
      return {
        ...prefs,
        skipped: prefs.skipped.includes(a.version) ? prefs.skipped : [...prefs.skipped, a.version],
        installOnQuit: prefs.installOnQuit === a.version ? null : prefs.installOnQuit,
        remindLater: prefs.remindLater?.version === a.version ? null : prefs.remindLater,
      };
    case 'unskip':
      return { ...prefs, skipped: prefs.skipped.filter((v) => v !== a.version) };
    case 'remind-later':
      mustBeAvailable(a.version, 'postpone');
      return { ...prefs, remindLater: { version: a.version, until: new Date(ctx.now + REMIND_LATER_MS).toISOString() } };
    case 'install-on-quit': {
      mustBeAvailable(a.version, 'install');
      const verdict = judgeRelease(ctx.current, a.version, prefs.channel);
      if (verdict.kind === 'refused') throw new SelfUpdateDecisionError('SELF_UPDATE_REFUSED', `Upshift ${a.version} will not be installed: ${verdict.reason}. Nothing was changed.`);
      // Choosing it undoes an earlier skip or postponement of the same version.
      return {
        ...prefs,
        installOnQuit: a.version,
        skipped: prefs.skipped.filter((v) => v !== a.version),
        remindLater: prefs.remindLater?.version === a.version ? null : prefs.remindLater,
      };
    }
    case 'cancel-install-on-quit':
      return { ...prefs, installOnQuit: null };
    case 'set-channel':
      // A release chosen on the beta channel is not installed silently after switching back to stable.
      return { ...prefs, channel: a.channel, installOnQuit: a.channel === prefs.channel ? prefs.installOnQuit : null };
  }
}

/**
 * Whether a downloaded release may be installed when Upshift quits: the user chose exactly this version, it is
 * newer than what runs, and it is allowed on the channel. electron-updater's autoInstallOnAppQuit follows this.
 */
export function installOnQuitAllowed(prefs: SelfUpdatePrefs, current: string, downloaded: string | null): boolean {
  if (downloaded === null || prefs.installOnQuit !== downloaded) return false;
  if (prefs.skipped.includes(downloaded)) return false;
  return judgeRelease(current, downloaded, prefs.channel).kind === 'newer';
}
