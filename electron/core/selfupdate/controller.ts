import {
  checkDue,
  decide,
  installOnQuitAllowed,
  judgeRelease,
  nextCheckIn,
  offerFor,
  SELF_UPDATE_CHECK_INTERVAL_MS,
  SelfUpdateDecisionError,
  updaterSettings,
  type SelfUpdateAction,
  type SelfUpdatePhase,
  type SelfUpdatePrefs,
  type SelfUpdateRelease,
  type SelfUpdateStatus,
} from '../../../shared/policy/selfupdate.js';
import type { Clock } from '../service/clock.js';
import { serviceError } from '../service/errors.js';
import type { UpdaterEvent, UpdaterPort } from './port.js';
import type { SelfUpdateStore } from './store.js';

export interface SelfUpdateControllerOptions {
  port: UpdaterPort;
  store: SelfUpdateStore;
  clock: Clock;
  /** The version running (package.json's, baked into the build). */
  current: string;
  /** Every change of the status (the service turns it into a `self-update-changed` event). */
  emit: (status: SelfUpdateStatus) => void;
  /** Offline mode: background checks do not run and "Check now" says why. */
  offline?: () => boolean;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  interval?: number;
}

/**
 * Runs the self-update policy (shared/policy/selfupdate.ts) over an updater: checks every few hours, keeps the
 * user's decisions in the state database, downloads only once the user chose "Install on quit", and lets the
 * updater install on quit only a release that policy allows. No Electron here: the updater is a port.
 */
export class SelfUpdateController {
  private phase: SelfUpdatePhase = 'idle';
  private available: SelfUpdateRelease | null = null;
  private downloaded: string | null = null;
  private progress: SelfUpdateStatus['progress'] = null;
  private error: string | null = null;
  private refused: SelfUpdateStatus['refused'] = null;
  private timer: unknown = null;
  private off: (() => void) | null = null;
  private stopped = false;
  /** The updater's check running now, if any (settles, never rejects). */
  private inFlight: Promise<void> | null = null;

  constructor(private readonly opts: SelfUpdateControllerOptions) {}

  /** Configures the updater for the stored channel, follows its events and schedules the first check. */
  start(): void {
    const prefs = this.prefs();
    this.opts.port.configure(updaterSettings(prefs.channel));
    this.opts.port.setInstallOnQuit(false);
    this.off = this.opts.port.onEvent((e) => this.onEvent(e));
    this.schedule(nextCheckIn(prefs, this.opts.clock.now(), this.interval()));
  }

  stop(): void {
    this.stopped = true;
    this.off?.();
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  status(): SelfUpdateStatus {
    const prefs = this.prefs();
    const offer = this.available ? offerFor(this.available.version, prefs, this.opts.clock.now()) : null;
    return {
      managed: 'app',
      note: null,
      current: this.opts.current,
      channel: prefs.channel,
      phase: this.phase,
      available: this.available,
      offer: offer?.offer ?? null,
      remindUntil: offer?.remindUntil ?? null,
      installOnQuit: this.available !== null && prefs.installOnQuit === this.available.version,
      progress: this.phase === 'downloading' ? this.progress : null,
      lastCheckAt: prefs.lastCheckAt,
      error: this.error,
      refused: this.refused,
    };
  }

  /** A decision from the dashboard or the tray. Rejects with a ServiceError naming why, leaving everything as it was. */
  async act(action: SelfUpdateAction): Promise<SelfUpdateStatus> {
    if (action.action === 'check') {
      if (this.opts.offline?.()) throw serviceError('OFFLINE', 'Upshift is in offline mode (no network use): it cannot look for a new Upshift. Nothing was changed; turn offline mode off in Projects & settings to check.');
      await this.check(true);
      return this.status();
    }
    const before = this.prefs();
    let next: SelfUpdatePrefs;
    try {
      next = decide(before, action, { current: this.opts.current, available: this.available?.version ?? null, now: this.opts.clock.now() });
    } catch (err) {
      if (err instanceof SelfUpdateDecisionError) throw serviceError(err.code, err.message, { action: action.action });
      throw err;
    }
    this.opts.store.write(next);
    if (action.action === 'set-channel' && next.channel !== before.channel) {
      this.opts.port.configure(updaterSettings(next.channel));
      this.available = null;
      this.downloaded = null;
      this.refused = null;
    }
    this.applyInstallOnQuit(next);
    if (action.action === 'install-on-quit' && this.downloaded !== action.version && this.phase !== 'downloading') {
      this.setPhase('downloading');
      this.opts.port.download().catch((err: unknown) => this.onEvent({ type: 'error', message: messageOf(err) }));
    }
    this.emit();
    if (action.action === 'set-channel' && next.channel !== before.channel && !this.opts.offline?.()) void this.check(false);
    return this.status();
  }

  /** Asks the feed now. `explicit`: "Check now" (its failure is the caller's); else a background check (logged). */
  private async check(explicit: boolean): Promise<void> {
    this.setPhase('checking');
    this.error = null;
    this.emit();
    // electron-updater hands a check still running to a new checkForUpdates() and emits nothing more: a check asked
    // for after a change (another channel) would get the old channel's answer. Each one waits for the last to end.
    while (this.inFlight) await this.inFlight;
    if (this.stopped) return;
    const run = this.opts.port.check();
    const settledRun = run.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight = settledRun;
    void settledRun.then(() => {
      if (this.inFlight === settledRun) this.inFlight = null;
    });
    try {
      await run;
    } catch (err) {
      this.onEvent({ type: 'error', message: messageOf(err) });
      if (explicit) throw serviceError('SELF_UPDATE_CHECK_FAILED', `Could not look for a new Upshift: ${messageOf(err).replace(/\.$/, '')}. Nothing was changed; try again later.`, undefined, true);
      this.opts.log?.('self-update check failed', { error: messageOf(err) });
    }
  }

  private onEvent(e: UpdaterEvent): void {
    if (this.stopped) return;
    const now = new Date(this.opts.clock.now()).toISOString();
    switch (e.type) {
      case 'checking':
        this.setPhase('checking');
        break;
      case 'not-available':
        this.available = null;
        this.refused = null;
        this.setPhase('up-to-date');
        this.recordCheck(now, null);
        break;
      case 'available': {
        this.recordCheck(now, null);
        const verdict = judgeRelease(this.opts.current, e.release.version, this.prefs().channel);
        if (verdict.kind === 'refused') {
          // The feed offered something Upshift must not install (older, equal, a prerelease on stable): say so, get nothing.
          this.available = null;
          this.refused = { version: e.release.version, reason: verdict.reason };
          this.setPhase('up-to-date');
          this.opts.log?.('self-update refused a release', { version: e.release.version, reason: verdict.reason });
          break;
        }
        this.refused = null;
        this.available = e.release;
        this.setPhase(this.downloaded === e.release.version ? 'downloaded' : 'available');
        const prefs = this.prefs();
        if (prefs.installOnQuit !== null && prefs.installOnQuit !== e.release.version) {
          // The user chose an older release that the feed no longer offers: that choice does not carry over to this one.
          this.opts.store.write({ ...prefs, installOnQuit: null });
        } else if (prefs.installOnQuit === e.release.version && this.downloaded !== e.release.version) {
          // Chosen before a restart: fetch it again, as the user asked.
          this.setPhase('downloading');
          this.opts.port.download().catch((err: unknown) => this.onEvent({ type: 'error', message: messageOf(err) }));
        }
        break;
      }
      case 'progress':
        // electron-updater reports progress as bytes arrive and checks the sha512 at the end: a progress event that
        // comes after the download already failed (or finished) is stale and must not hide that outcome.
        if (this.phase !== 'downloading') return;
        this.progress = { percent: e.percent, transferred: e.transferred, total: e.total, bytesPerSecond: e.bytesPerSecond };
        break;
      case 'downloaded': {
        const verdict = judgeRelease(this.opts.current, e.release.version, this.prefs().channel);
        if (verdict.kind === 'refused') {
          this.refused = { version: e.release.version, reason: verdict.reason };
          this.opts.port.setInstallOnQuit(false);
          this.setPhase('error');
          this.error = `The downloaded update was refused: ${verdict.reason}.`;
          break;
        }
        this.downloaded = e.release.version;
        this.available = e.release;
        this.setPhase('downloaded');
        this.applyInstallOnQuit(this.prefs());
        break;
      }
      case 'error':
        this.error = e.message;
        this.setPhase('error');
        this.recordCheck(now, e.message);
        break;
    }
    this.emit();
  }

  /** electron-updater installs on quit only what the policy allows, re-decided after every change. */
  private applyInstallOnQuit(prefs: SelfUpdatePrefs): void {
    this.opts.port.setInstallOnQuit(installOnQuitAllowed(prefs, this.opts.current, this.downloaded));
  }

  private recordCheck(at: string, error: string | null): void {
    this.opts.store.write({ ...this.prefs(), lastCheckAt: at, lastError: error });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      const due = checkDue(this.prefs(), this.opts.clock.now(), this.interval());
      const run = due && !this.opts.offline?.() ? this.check(false) : Promise.resolve();
      void run.finally(() => {
        // Stopped while the check ran (the app quits, the service closes): the state database may be closed already.
        if (this.stopped) return;
        this.schedule(nextCheckIn(this.prefs(), this.opts.clock.now(), this.interval()) || this.interval());
      });
    }, ms);
  }

  private setPhase(phase: SelfUpdatePhase): void {
    this.phase = phase;
    if (phase !== 'downloading') this.progress = null;
  }

  private prefs(): SelfUpdatePrefs {
    return this.opts.store.read();
  }

  private interval(): number {
    return this.opts.interval ?? SELF_UPDATE_CHECK_INTERVAL_MS;
  }

  private emit(): void {
    if (!this.stopped) this.opts.emit(this.status());
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
