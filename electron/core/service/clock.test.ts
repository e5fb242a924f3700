import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('fires due timers in time order (ties in the order set), including timers set while advancing', () => {
    const clock = new ManualClock('2026-01-01T00:00:00.000Z');
    const t0 = clock.now();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now() - t0}`), 200);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now() - t0}`);
      clock.setTimeout(() => fired.push(`c@${clock.now() - t0}`), 50);
    }, 100);
    clock.setTimeout(() => fired.push(`d@${clock.now() - t0}`), 200);
    const cancelled = clock.setTimeout(() => fired.push('never'), 10);
    clock.clearTimeout(cancelled);
    expect(clock.nextTimerAt()).toBe(t0 + 100);
    expect(clock.advance(199)).toBe(2);
    expect(fired).toEqual(['a@100', 'c@150']);
    expect(clock.now()).toBe(t0 + 199);
    expect(clock.runNext()).toBe(true);
    expect(fired).toEqual(['a@100', 'c@150', 'b@200', 'd@200']);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.runNext()).toBe(false);
  });

  it('the system clock unrefs its timers and can cancel them', async () => {
    let ran = false;
    const handle = systemClock.setTimeout(() => (ran = true), 1);
    systemClock.clearTimeout(handle);
    expect((handle as NodeJS.Timeout).hasRef()).toBe(false);
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
    expect(ran).toBe(false);
  });
});
