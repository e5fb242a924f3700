import { describe, expect, it } from 'vitest';
import type { PollerState } from '../../../shared/api/contract.js';
import { ManualClock } from './clock.js';
import { Poller } from './poller.js';

const MIN = 60_000;

/** A poller whose checks succeed or fail as `outcomes` says (then succeed), resolving on the next microtask. */
function setup(opts: { outcomes?: boolean[]; paused?: boolean; interval?: number; random?: number } = {}) {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const outcomes = [...(opts.outcomes ?? [])];
  const runs: number[] = [];
  const states: PollerState[] = [];
  let interval = opts.interval ?? 60;
  const poller = new Poller<boolean>({
    clock,
    intervalMinutes: () => interval,
    run: async () => {
      runs.push(clock.now());
      const ok = outcomes.shift() ?? true;
      if (!ok) throw new Error('network down');
      return true;
    },
    paused: opts.paused ?? false,
    random: () => opts.random ?? 0,
    onChange: (s) => states.push(s),
  });
  const t0 = clock.now();
  /** Advances time and lets the check it started settle. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await poller.whenIdle();
  };
  return { clock, poller, runs, states, t0, advance, setInterval: (m: number) => (interval = m), minutesSince: (t: number) => (t - t0) / MIN };
}

describe('Poller', () => {
  it('checks at start and then every interval, with the jitter added', async () => {
    const p = setup({ random: 0.5 });
    p.poller.start();
    expect(p.poller.state().nextCheckAt).toBe(new Date(p.t0).toISOString());
    await p.advance(0);
    expect(p.runs.map(p.minutesSince)).toEqual([0]);
    // 60 min + 5% jitter (random 0.5 of 10%) = 63 min.
    expect(p.poller.state()).toEqual({ paused: false, failures: 0, lastCheckAt: new Date(p.t0).toISOString(), nextCheckAt: new Date(p.t0 + 63 * MIN).toISOString() });
    await p.advance(62 * MIN);
    expect(p.runs).toHaveLength(1);
    await p.advance(1 * MIN);
    await p.advance(63 * MIN);
    expect(p.runs.map(p.minutesSince)).toEqual([0, 63, 126]);
  });

  it('jitter stays within 10% of the interval', async () => {
    const p = setup({ random: 0.9999 });
    p.poller.start();
    await p.advance(0);
    const next = Date.parse(p.poller.state().nextCheckAt!) - p.clock.now();
    expect(next).toBeGreaterThanOrEqual(60 * MIN);
    expect(next).toBeLessThanOrEqual(66 * MIN);
  });

  it('backs off exponentially on failures up to 8x the interval, and resets after a success', async () => {
    const p = setup({ outcomes: [false, false, false, false, false, true], interval: 10 });
    p.poller.start();
    await p.advance(0); // fails: next in 20
    expect(p.poller.state().failures).toBe(1);
    for (let i = 0; i < 5; i++) {
      p.clock.runNext();
      await p.poller.whenIdle();
    }
    // failures 1..5 wait 20, 40, 80, 80, 80 minutes; the 6th check succeeds and the wait is 10 again.
    expect(p.runs.map(p.minutesSince)).toEqual([0, 20, 60, 140, 220, 300]);
    expect(p.poller.state().failures).toBe(0);
    expect(Date.parse(p.poller.state().nextCheckAt!) - p.clock.now()).toBe(10 * MIN);
  });

  it('pause cancels the pending check; resume checks at once when one is overdue, else when due', async () => {
    const p = setup({ interval: 30 });
    p.poller.start();
    await p.advance(0);
    p.poller.setPaused(true);
    expect(p.poller.state()).toMatchObject({ paused: true, nextCheckAt: null });
    await p.advance(10 * 60 * MIN);
    expect(p.runs).toHaveLength(1);
    p.poller.setPaused(false);
    await p.advance(0);
    expect(p.runs).toHaveLength(2);

    p.poller.setPaused(true);
    await p.advance(10 * MIN);
    p.poller.setPaused(false);
    // 20 minutes of the 30 are left.
    expect(Date.parse(p.poller.state().nextCheckAt!) - p.clock.now()).toBe(20 * MIN);
    await p.advance(20 * MIN);
    expect(p.runs).toHaveLength(3);
    expect(p.states.some((s) => s.paused)).toBe(true);
  });

  it('starts paused without checking; a manual check still runs and does not schedule', async () => {
    const p = setup({ paused: true });
    p.poller.start();
    await p.advance(24 * 60 * MIN);
    expect(p.runs).toHaveLength(0);
    await p.poller.runNow();
    expect(p.runs).toHaveLength(1);
    expect(p.poller.state()).toMatchObject({ paused: true, nextCheckAt: null, lastCheckAt: new Date(p.clock.now()).toISOString() });
  });

  it('a manual check joins the one running and restarts the schedule after it', async () => {
    const p = setup({ interval: 60 });
    p.poller.start();
    p.clock.advance(0); // the start check is now running
    const a = p.poller.runNow();
    await a;
    expect(p.runs).toHaveLength(1);
    await p.advance(30 * MIN);
    await p.poller.runNow();
    expect(p.runs.map(p.minutesSince)).toEqual([0, 30]);
    expect(Date.parse(p.poller.state().nextCheckAt!) - p.clock.now()).toBe(60 * MIN);
  });

  it('a new interval applies to the pending check, counted from the last one', async () => {
    const p = setup({ interval: 60 });
    p.poller.start();
    await p.advance(0);
    await p.advance(10 * MIN);
    p.setInterval(15);
    p.poller.reschedule();
    expect(Date.parse(p.poller.state().nextCheckAt!) - p.clock.now()).toBe(5 * MIN);
    await p.advance(5 * MIN);
    expect(p.runs.map(p.minutesSince)).toEqual([0, 15]);
  });

  it('stop cancels everything', async () => {
    const p = setup();
    p.poller.start();
    p.poller.stop();
    await p.advance(1000 * MIN);
    expect(p.runs).toHaveLength(0);
    expect(p.clock.pendingTimers).toBe(0);
  });
});
