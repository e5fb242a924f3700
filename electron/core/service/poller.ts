import type { PollerState } from '../../../shared/api/contract.js';
import type { Clock } from './clock.js';

export interface PollerOptions<T> {
  clock: Clock;
  /** Minutes between checks when they succeed; read at every scheduling, so a settings change applies next time. */
  intervalMinutes: () => number;
  /** One background check. */
  run: () => Promise<T>;
  /** Whether a result counts as a success (a failure grows the backoff). Default: any result that did not throw. */
  succeeded?: (result: T) => boolean;
  paused?: boolean;
  /** Uniform in [0, 1); injectable so tests know the jitter. */
  random?: () => number;
  /** Up to this fraction of the interval is added at random, so many machines do not poll in lockstep. Default 0.1. */
  jitter?: number;
  /** After failures the interval doubles per consecutive failure, up to this factor. Default 8. */
  maxBackoff?: number;
  /** Told whenever the state the dashboard shows changed (schedule, last check, failures, pause). */
  onChange?: (state: PollerState) => void;
}

/**
 * Background checks: one at start, then every `intervalMinutes` plus jitter; after consecutive failures the wait
 * doubles each time up to `maxBackoff` times the interval, and one success brings it back. Pausing cancels the
 * pending check; resuming checks at once when the last one is older than an interval, else when it falls due.
 * Checks never overlap: a manual `runNow` while one runs gets that one's result.
 */
export class Poller<T> {
  private timer: unknown = null;
  private nextAt: number | null = null;
  private lastAt: number | null = null;
  private failures = 0;
  private paused: boolean;
  private started = false;
  private stopped = false;
  private inFlight: Promise<T> | null = null;

  constructor(private readonly opts: PollerOptions<T>) {
    this.paused = opts.paused ?? false;
  }

  /** Starts polling with a check right away (unless paused). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (!this.paused) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  state(): PollerState {
    return {
      paused: this.paused,
      lastCheckAt: this.lastAt === null ? null : new Date(this.lastAt).toISOString(),
      nextCheckAt: this.nextAt === null ? null : new Date(this.nextAt).toISOString(),
      failures: this.failures,
    };
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.clear();
    else if (this.started && !this.stopped && !this.inFlight) this.schedule(this.remaining());
    this.changed();
  }

  /** Re-plans the pending check after the interval changed (from the last check, not from now). */
  reschedule(): void {
    if (!this.started || this.stopped || this.paused || this.inFlight) return;
    this.schedule(this.remaining());
    this.changed();
  }

  /** Runs a check now (a user's "Check now"), or joins the one running; the schedule restarts after it. */
  runNow(): Promise<T> {
    if (this.inFlight) return this.inFlight;
    this.clear();
    const run = (async () => {
      let ok = false;
      try {
        const result = await this.opts.run();
        ok = this.opts.succeeded ? this.opts.succeeded(result) : true;
        return result;
      } finally {
        this.inFlight = null;
        this.record(ok);
      }
    })();
    this.inFlight = run;
    this.changed();
    return run;
  }

  /** Resolves once no check is running (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
  }

  /** The wait after the latest check, backoff included, before jitter. */
  baseDelayMs(): number {
    const interval = Math.max(1, this.opts.intervalMinutes()) * 60_000;
    return interval * Math.min(2 ** this.failures, this.opts.maxBackoff ?? 8);
  }

  private record(ok: boolean): void {
    this.failures = ok ? 0 : this.failures + 1;
    this.lastAt = this.opts.clock.now();
    if (this.started && !this.stopped && !this.paused) this.schedule(this.withJitter(this.baseDelayMs()));
    this.changed();
  }

  private withJitter(ms: number): number {
    return Math.round(ms * (1 + (this.opts.random ?? Math.random)() * (this.opts.jitter ?? 0.1)));
  }

  /** Time until the next check is due, counted from the last one; 0 when it is overdue or there was none. */
  private remaining(): number {
    if (this.lastAt === null) return 0;
    return Math.max(0, this.lastAt + this.withJitter(this.baseDelayMs()) - this.opts.clock.now());
  }

  private schedule(ms: number): void {
    this.clear();
    this.nextAt = this.opts.clock.now() + ms;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      this.nextAt = null;
      this.runNow().catch(() => undefined);
    }, ms);
  }

  private clear(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
  }

  private changed(): void {
    if (!this.stopped) this.opts.onChange?.(this.state());
  }
}
