/**
 * Time as the service sees it. Everything that waits (the poller, the change watcher, snooze reminders) goes
 * through this interface, so tests drive time by hand instead of sleeping, and the app uses the real clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a handle for clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock. Its timers are unref'd: a pending poll must never keep a process alive on its own (the HTTP
 * server or the Electron app is what keeps it running).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to: `advance(ms)` runs every timer that falls due, in time order (ties in
 * the order they were set), including timers set by those timers. For tests and demos; never real sleeps.
 */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start: number | string = '2026-01-01T00:00:00.000Z') {
    this.t = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), seq: id, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing due timers on the way. Returns how many fired. */
  advance(ms: number): number {
    const target = this.t + Math.max(0, ms);
    let fired = 0;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.timers.values()) if (timer.at <= target && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) next = timer;
      if (!next) break;
      this.timers.delete(next.seq);
      this.t = Math.max(this.t, next.at);
      fired++;
      next.fn();
    }
    this.t = target;
    return fired;
  }

  /** Moves time to the next pending timer (if any) and fires every timer due at that moment. */
  runNext(): boolean {
    const at = this.nextTimerAt();
    if (at === null) return false;
    this.advance(at - this.t);
    return true;
  }

  /** When the earliest pending timer falls due, or null. */
  nextTimerAt(): number | null {
    let min: number | null = null;
    for (const timer of this.timers.values()) if (min === null || timer.at < min) min = timer.at;
    return min;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}
