import { describe, expect, it } from 'vitest';
import { formatWhen, isValidTimeZone, offsetAt, resolveLocal, wallTime, weekdayOf } from './zoned.js';

describe('resolveLocal: a wall time to an instant', () => {
  it.each<[string, string, number, string]>([
    // zone, date, minutes past midnight, instant
    ['Europe/Rome', '2026-01-15', 120, '2026-01-15T01:00:00.000Z'],
    ['Europe/Rome', '2026-07-15', 120, '2026-07-15T00:00:00.000Z'],
    ['Europe/Rome', '2026-03-29', 120, '2026-03-29T01:00:00.000Z'], // 02:00 skipped → 03:00 CEST
    ['Europe/Rome', '2026-03-29', 179, '2026-03-29T01:00:00.000Z'], // 02:59 skipped → 03:00 CEST
    ['Europe/Rome', '2026-03-29', 180, '2026-03-29T01:00:00.000Z'], // 03:00 CEST itself
    ['Europe/Rome', '2026-10-25', 150, '2026-10-25T00:30:00.000Z'], // 02:30 twice → the first (CEST)
    ['Europe/Rome', '2026-10-25', 1440, '2026-10-25T23:00:00.000Z'], // 24:00 = next midnight (CET)
    ['America/New_York', '2026-03-08', 150, '2026-03-08T07:00:00.000Z'],
    ['America/New_York', '2026-11-01', 90, '2026-11-01T05:30:00.000Z'],
    ['Australia/Sydney', '2026-10-04', 150, '2026-10-03T16:00:00.000Z'],
    ['Australia/Sydney', '2026-04-05', 150, '2026-04-04T15:30:00.000Z'],
    ['Asia/Kolkata', '2026-03-29', 150, '2026-03-28T21:00:00.000Z'],
    ['UTC', '2026-03-29', 150, '2026-03-29T02:30:00.000Z'],
    // Thirty-minute DST (Lord Howe) and a midnight that does not exist (Santiago springs forward at 24:00).
    ['Australia/Lord_Howe', '2026-10-04', 120, '2026-10-03T15:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05', 90, '2026-04-04T14:30:00.000Z'],
    ['America/Santiago', '2026-09-06', 0, '2026-09-06T04:00:00.000Z'],
  ])('%s %s +%i min → %s', (tz, date, minutes, expected) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    expect(new Date(resolveLocal({ year, month, day }, minutes, tz)).toISOString()).toBe(expected);
  });
});

describe('wall time and offsets', () => {
  it('reads the clock in a zone', () => {
    expect(wallTime(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Rome')).toEqual({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 });
    expect(wallTime(Date.parse('2026-12-31T23:00:00Z'), 'Asia/Kolkata')).toEqual({ year: 2027, month: 1, day: 1, hour: 4, minute: 30, second: 0 });
    expect(wallTime(Date.parse('2026-06-01T00:00:00Z'), 'UTC').hour).toBe(0);
  });
  it('offsets', () => {
    expect(offsetAt(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Rome')).toBe(2 * 3_600_000);
    expect(offsetAt(Date.parse('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(offsetAt(Date.parse('2026-07-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
  });
  it('weekdays', () => {
    expect(weekdayOf({ year: 1970, month: 1, day: 1 })).toBe(4);
    expect(weekdayOf({ year: 2026, month: 12, day: 4 })).toBe(5);
    expect(weekdayOf({ year: 1969, month: 12, day: 28 })).toBe(0);
  });
  it('time zone names', () => {
    expect(isValidTimeZone('Europe/Rome')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Europe/Roma')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('formatWhen', () => {
  const now = Date.parse('2026-12-01T12:00:00Z'); // Tue
  it.each<[string, string, string]>([
    ['2026-12-07T01:00:00Z', 'Europe/Rome', 'Mon 02:00 Europe/Rome'],
    ['2026-12-08T01:00:00Z', 'Europe/Rome', 'Dec 8 02:00 Europe/Rome'],
    ['2026-12-01T13:00:00Z', 'Europe/Rome', 'Tue 14:00 Europe/Rome'],
    ['2026-12-09T13:00:00Z', 'Europe/Rome', 'Dec 9 14:00 Europe/Rome'],
    ['2027-01-03T01:00:00Z', 'Europe/Rome', 'Jan 3 2027 02:00 Europe/Rome'],
    ['2026-11-30T12:00:00Z', 'UTC', 'Nov 30 12:00 UTC'],
    ['2026-12-01T20:00:00Z', 'Asia/Kolkata', 'Wed 01:30 Asia/Kolkata'],
  ])('%s in %s → %s', (instant, tz, text) => {
    expect(formatWhen(Date.parse(instant), tz, now)).toBe(text);
  });
});
