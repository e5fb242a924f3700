import { describe, expect, it } from 'vitest';
import { formatAbsolute, formatDay, formatWhen } from './time.js';

const now = Date.parse('2026-11-21T12:00:00Z');
const at = (minutesBefore: number) => new Date(now - minutesBefore * 60_000).toISOString();

describe('formatWhen', () => {
  it('is relative within a day, in minutes then hours', () => {
    expect(formatWhen(at(0.2), { now })).toBe('just now');
    expect(formatWhen(at(1), { now })).toBe('1 minute ago');
    expect(formatWhen(at(12), { now })).toBe('12 minutes ago');
    expect(formatWhen(at(75), { now })).toBe('75 minutes ago');
    expect(formatWhen(at(120), { now })).toBe('2 hours ago');
    expect(formatWhen(at(23 * 60), { now })).toBe('23 hours ago');
    expect(formatWhen(at(-5), { now })).toBe('in 5 minutes');
  });

  it('is a date and a clock time in the given zone beyond a day, with the zone named', () => {
    const iso = '2026-11-19T09:30:00Z';
    expect(formatWhen(iso, { now, timeZone: 'UTC' })).toBe('2026-11-19 09:30 UTC');
    expect(formatWhen(iso, { now, timeZone: 'Europe/Berlin' })).toBe('2026-11-19 10:30 GMT+1');
    expect(formatWhen(iso, { now, timeZone: 'America/New_York' })).toBe('2026-11-19 04:30 EST');
    expect(formatWhen(iso, { now, timeZone: 'Asia/Kolkata' })).toBe('2026-11-19 15:00 GMT+5:30');
  });

  it('crosses midnight and daylight saving time by the zone, not by UTC', () => {
    // 23:30 UTC on 28 March 2026 is already the 29th in Berlin, where summer time began at 01:00 UTC that day.
    expect(formatAbsolute('2026-03-28T23:30:00Z', 'Europe/Berlin')).toBe('2026-03-29 00:30 GMT+1');
    expect(formatAbsolute('2026-03-29T01:30:00Z', 'Europe/Berlin')).toBe('2026-03-29 03:30 GMT+2');
  });

  it('says never for no time, and keeps what it cannot read', () => {
    expect(formatWhen(null, { now })).toBe('never');
    expect(formatWhen(undefined, { now })).toBe('never');
    expect(formatWhen('soon', { now })).toBe('soon');
  });
});

describe('formatDay', () => {
  it('keeps a day alone as written and says a moment in the zone', () => {
    expect(formatDay('2023-08-17', { now, timeZone: 'Pacific/Honolulu' })).toBe('2023-08-17');
    expect(formatDay('2026-11-21T09:00:00+00:00', { now })).toBe('3 hours ago');
    expect(formatDay('2026-11-01T23:30:00+00:00', { now, timeZone: 'Europe/Berlin' })).toBe('2026-11-02 00:30 GMT+1');
  });
});
