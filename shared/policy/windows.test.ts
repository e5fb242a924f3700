import { describe, expect, it } from 'vitest';
import { describePeriod, isOpen, nextOpening, parseClock, parseLocalDate, windowIntervals, type MaintenanceWindow, type WindowOptions } from './windows.js';

/*
 * The DST days used below (2026):
 *   Europe/Rome        spring forward Sun Mar 29 02:00 CET → 03:00 CEST (01:00Z); fall back Sun Oct 25 03:00 CEST → 02:00 CET (01:00Z)
 *   America/New_York   spring forward Sun Mar 8 02:00 EST → 03:00 EDT (07:00Z);   fall back Sun Nov 1 02:00 EDT → 01:00 EST (06:00Z)
 *   Australia/Sydney   fall back Sun Apr 5 03:00 AEDT → 02:00 AEST (Apr 4 16:00Z); spring forward Sun Oct 4 02:00 AEST → 03:00 AEDT (Oct 3 16:00Z)
 *   Asia/Kolkata       +05:30 all year; UTC.
 */

const win = (w: Partial<MaintenanceWindow> & Pick<MaintenanceWindow, 'start' | 'end'>): MaintenanceWindow => ({ name: 'w', ...w });
const opts = (timeZone: string, extra: Partial<WindowOptions> = {}): WindowOptions => ({ timeZone, ...extra });

function opening(windows: MaintenanceWindow[], instant: string, o: WindowOptions): [string, string, string] | null {
  const r = nextOpening(windows, new Date(instant), o);
  return r ? [r.start.toISOString(), r.end.toISOString(), r.window.name] : null;
}

describe('nextOpening: exact instants in five time zones, across midnight and DST days', () => {
  it.each<[string, string, MaintenanceWindow, string, string, string]>([
    // zone, case, window, asked at, expected start, expected end
    ['Europe/Rome', 'an ordinary night', win({ start: '02:00', end: '04:00' }), '2026-03-27T12:00:00Z', '2026-03-28T01:00:00.000Z', '2026-03-28T03:00:00.000Z'],
    ['Europe/Rome', 'spring forward: 02:00 does not exist, opens at 03:00 CEST, ends at 04:00 CEST (one hour)', win({ start: '02:00', end: '04:00' }), '2026-03-28T12:00:00Z', '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'],
    ['Europe/Rome', 'spring forward: a start inside the gap (02:30) opens at the transition', win({ start: '02:30', end: '05:00' }), '2026-03-28T12:00:00Z', '2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z'],
    ['Europe/Rome', 'spring forward: a window wholly inside the gap does not open that day', win({ start: '02:15', end: '02:45' }), '2026-03-28T12:00:00Z', '2026-03-30T00:15:00.000Z', '2026-03-30T00:45:00.000Z'],
    ['Europe/Rome', 'fall back: 02:00 is entered once (CEST), ends at 04:00 CET (three hours)', win({ start: '02:00', end: '04:00' }), '2026-10-24T12:00:00Z', '2026-10-25T00:00:00.000Z', '2026-10-25T03:00:00.000Z'],
    ['Europe/Rome', 'fall back: an end inside the repeated hour is its first occurrence', win({ start: '01:00', end: '02:30' }), '2026-10-24T12:00:00Z', '2026-10-24T23:00:00.000Z', '2026-10-25T00:30:00.000Z'],
    ['Europe/Rome', 'across midnight, Friday night into Saturday', win({ days: ['fri'], start: '22:00', end: '04:00' }), '2026-12-01T00:00:00Z', '2026-12-04T21:00:00.000Z', '2026-12-05T03:00:00.000Z'],
    ['Europe/Rome', 'across midnight through the spring-forward gap (wall 6 h, real 5 h)', win({ days: ['sat'], start: '22:00', end: '04:00' }), '2026-03-28T12:00:00Z', '2026-03-28T21:00:00.000Z', '2026-03-29T02:00:00.000Z'],
    ['Europe/Rome', 'an end at 24:00', win({ days: ['sun'], start: '20:00', end: '24:00' }), '2026-07-01T00:00:00Z', '2026-07-05T18:00:00.000Z', '2026-07-05T22:00:00.000Z'],
    ['America/New_York', 'an ordinary night (EST)', win({ start: '02:30', end: '05:00' }), '2026-03-06T12:00:00Z', '2026-03-07T07:30:00.000Z', '2026-03-07T10:00:00.000Z'],
    ['America/New_York', 'spring forward: 02:30 does not exist, opens at 03:00 EDT', win({ start: '02:30', end: '05:00' }), '2026-03-07T12:00:00Z', '2026-03-08T07:00:00.000Z', '2026-03-08T09:00:00.000Z'],
    ['America/New_York', 'across midnight into the spring-forward day', win({ days: ['sat'], start: '22:00', end: '03:00' }), '2026-03-07T12:00:00Z', '2026-03-08T03:00:00.000Z', '2026-03-08T07:00:00.000Z'],
    ['America/New_York', 'fall back: 01:30 entered once (EDT), ends at 03:00 EST', win({ start: '01:30', end: '03:00' }), '2026-10-31T12:00:00Z', '2026-11-01T05:30:00.000Z', '2026-11-01T08:00:00.000Z'],
    ['Australia/Sydney', 'fall back: 02:00 AEDT to 03:00 AEST (two hours)', win({ start: '02:00', end: '03:00' }), '2026-04-04T00:00:00Z', '2026-04-04T15:00:00.000Z', '2026-04-04T17:00:00.000Z'],
    ['Australia/Sydney', 'across midnight over the fall-back night (wall 8 h, real 9 h)', win({ days: ['sat'], start: '22:00', end: '06:00' }), '2026-04-04T00:00:00Z', '2026-04-04T11:00:00.000Z', '2026-04-04T20:00:00.000Z'],
    ['Australia/Sydney', 'spring forward: 02:00–03:00 does not exist, the next night opens', win({ start: '02:00', end: '03:00' }), '2026-10-03T10:00:00Z', '2026-10-04T15:00:00.000Z', '2026-10-04T16:00:00.000Z'],
    ['Australia/Sydney', 'summer: weekends only', win({ days: ['sat', 'sun'], start: '09:00', end: '12:00' }), '2026-12-02T00:00:00Z', '2026-12-04T22:00:00.000Z', '2026-12-05T01:00:00.000Z'],
    ['Asia/Kolkata', 'half-hour offset, weekends only', win({ days: ['sat', 'sun'], start: '10:00', end: '14:00' }), '2026-06-03T00:00:00Z', '2026-06-06T04:30:00.000Z', '2026-06-06T08:30:00.000Z'],
    ['Asia/Kolkata', 'across midnight', win({ days: ['fri'], start: '23:30', end: '01:30' }), '2026-06-03T00:00:00Z', '2026-06-05T18:00:00.000Z', '2026-06-05T20:00:00.000Z'],
    ['UTC', 'once a week, looked for on the day after', win({ days: ['mon'], start: '03:00', end: '04:00' }), '2026-06-02T10:00:00Z', '2026-06-08T03:00:00.000Z', '2026-06-08T04:00:00.000Z'],
    ['UTC', 'start = end is a whole day', win({ days: ['wed'], start: '06:00', end: '06:00' }), '2026-06-01T00:00:00Z', '2026-06-03T06:00:00.000Z', '2026-06-04T06:00:00.000Z'],
  ])('%s: %s', (tz, _case, window, asked, start, end) => {
    expect(opening([window], asked, opts(tz))).toEqual([start, end, 'w']);
  });

  it('a window open at the instant asked about is returned with its own start', () => {
    const nightly = win({ name: 'nightly', start: '22:00', end: '04:00', timeZone: 'Europe/Rome' });
    expect(opening([nightly], '2026-12-02T00:30:00Z', opts('UTC'))).toEqual(['2026-12-01T21:00:00.000Z', '2026-12-02T03:00:00.000Z', 'nightly']);
  });

  it("a window's own time zone wins over the default", () => {
    const w = win({ start: '02:00', end: '03:00', timeZone: 'Asia/Kolkata' });
    expect(opening([w], '2026-06-01T00:00:00Z', opts('America/New_York'))).toEqual(['2026-06-01T20:30:00.000Z', '2026-06-01T21:30:00.000Z', 'w']);
  });

  it('of several windows: the open one, else the earliest, then the longest, then the first listed', () => {
    const a = win({ name: 'a', days: ['tue'], start: '02:00', end: '03:00' });
    const b = win({ name: 'b', days: ['mon'], start: '23:00', end: '01:00' });
    const c = win({ name: 'c', days: ['tue'], start: '02:00', end: '05:00' });
    const d = win({ name: 'd', days: ['tue'], start: '02:00', end: '05:00' });
    const o = opts('UTC');
    expect(opening([a, b, c], '2026-06-01T12:00:00Z', o)).toEqual(['2026-06-01T23:00:00.000Z', '2026-06-02T01:00:00.000Z', 'b']);
    expect(opening([a, b, c], '2026-06-02T01:30:00Z', o)).toEqual(['2026-06-02T02:00:00.000Z', '2026-06-02T05:00:00.000Z', 'c']);
    expect(opening([d, c], '2026-06-02T01:30:00Z', o)?.[2]).toBe('d');
    expect(opening([a, c], '2026-06-02T02:30:00Z', o)).toEqual(['2026-06-02T02:00:00.000Z', '2026-06-02T05:00:00.000Z', 'c']);
  });

  it('across a week: every opening of a weekdays-only window, Monday to Monday', () => {
    const w = win({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '01:00', end: '02:00', timeZone: 'Europe/Rome' });
    const starts: string[] = [];
    let t = new Date('2026-06-01T00:00:00Z'); // Monday 02:00 in Rome: today's window is over
    for (let i = 0; i < 6; i++) {
      const o = nextOpening([w], t, opts('UTC'))!;
      starts.push(o.start.toISOString());
      t = o.end;
    }
    expect(starts).toEqual([
      '2026-06-01T23:00:00.000Z', // Tue 01:00
      '2026-06-02T23:00:00.000Z', // Wed
      '2026-06-03T23:00:00.000Z', // Thu
      '2026-06-04T23:00:00.000Z', // Fri
      '2026-06-07T23:00:00.000Z', // Mon (no Sat, Sun)
      '2026-06-08T23:00:00.000Z', // Tue
    ]);
  });

  it('touching occurrences of one window are one opening, clipped at the horizon', () => {
    const always = win({ start: '00:00', end: '24:00' });
    expect(opening([always], '2026-06-01T10:00:00Z', opts('UTC', { horizonDays: 2 }))).toEqual(['2026-06-01T00:00:00.000Z', '2026-06-03T10:00:00.000Z', 'w']);
  });

  it('nothing within the horizon → null; a longer horizon finds it', () => {
    const w = win({ days: ['mon'], start: '02:00', end: '03:00', blackouts: [{ from: '2026-06-01', to: '2026-07-31' }] });
    expect(opening([w], '2026-06-01T00:00:00Z', opts('UTC'))).toBeNull();
    expect(opening([w], '2026-06-01T00:00:00Z', opts('UTC', { horizonDays: 90 }))).toEqual(['2026-08-03T02:00:00.000Z', '2026-08-03T03:00:00.000Z', 'w']);
    expect(nextOpening([], new Date('2026-06-01T00:00:00Z'), opts('UTC'))).toBeNull();
  });
});

describe('isOpen', () => {
  const rome = opts('Europe/Rome');
  it.each<[string, MaintenanceWindow, string, boolean]>([
    ['inside an ordinary night', win({ start: '02:00', end: '04:00' }), '2026-06-10T00:30:00Z', true],
    ['start is inclusive', win({ start: '02:00', end: '04:00' }), '2026-06-10T00:00:00Z', true],
    ['end is exclusive', win({ start: '02:00', end: '04:00' }), '2026-06-10T02:00:00Z', false],
    ['after midnight, in a window that began the day before', win({ days: ['tue'], start: '22:00', end: '04:00' }), '2026-06-10T01:00:00Z', true],
    ['the same hour a day later is not open (Wednesday night is not listed)', win({ days: ['tue'], start: '22:00', end: '04:00' }), '2026-06-11T01:00:00Z', false],
    ['fall back: the repeated 02:30 CET is inside 02:00–04:00', win({ start: '02:00', end: '04:00' }), '2026-10-25T01:30:00Z', true],
    ['fall back: 02:00–02:30 is entered once, not again at 02:10 CET', win({ start: '02:00', end: '02:30' }), '2026-10-25T01:10:00Z', false],
    ['fall back: 02:00–02:30 is open at 02:10 CEST', win({ start: '02:00', end: '02:30' }), '2026-10-25T00:10:00Z', true],
    ['spring forward: 02:00–04:00 is not open before the transition (01:30 CET)', win({ start: '02:00', end: '04:00' }), '2026-03-29T00:30:00Z', false],
    ['spring forward: 02:00–04:00 is open at 03:00 CEST', win({ start: '02:00', end: '04:00' }), '2026-03-29T01:00:00Z', true],
  ])('%s', (_case, window, instant, expected) => {
    expect(isOpen(window, new Date(instant), rome)).toBe(expected);
  });
});

describe('blackouts and exceptions', () => {
  const nightly = win({ name: 'nightly', start: '22:00', end: '04:00' });
  const rome = (blackouts: WindowOptions['blackouts'] = []) => opts('Europe/Rome', { blackouts });

  it('a blackout date cuts the local day out of a window across midnight', () => {
    const o = rome([{ from: '2026-12-25', reason: 'Christmas' }]);
    // Dec 24 22:00 → cut at Dec 25 00:00 CET; Dec 25's window survives only after Dec 26 00:00.
    expect(opening([nightly], '2026-12-24T12:00:00Z', o)).toEqual(['2026-12-24T21:00:00.000Z', '2026-12-24T23:00:00.000Z', 'nightly']);
    expect(opening([nightly], '2026-12-24T23:30:00Z', o)).toEqual(['2026-12-25T23:00:00.000Z', '2026-12-26T03:00:00.000Z', 'nightly']);
    expect(isOpen(nightly, new Date('2026-12-25T01:00:00Z'), o)).toBe(false);
    expect(isOpen(nightly, new Date('2026-12-25T01:00:00Z'), rome())).toBe(true);
  });

  it('a blackout range, inclusive, from the window itself or the global list', () => {
    const ranged = { ...nightly, blackouts: [{ from: '2026-12-24', to: '2027-01-01' }] };
    expect(opening([ranged], '2026-12-20T12:00:00Z', rome())).toEqual(['2026-12-20T21:00:00.000Z', '2026-12-21T03:00:00.000Z', 'nightly']);
    // Dec 23 22:00 → Dec 24 00:00; then nothing until Jan 2 00:00 CET (the tail of Jan 1's window).
    expect(opening([ranged], '2026-12-23T12:00:00Z', rome())).toEqual(['2026-12-23T21:00:00.000Z', '2026-12-23T23:00:00.000Z', 'nightly']);
    expect(opening([ranged], '2026-12-24T00:00:00Z', rome())).toEqual(['2027-01-01T23:00:00.000Z', '2027-01-02T03:00:00.000Z', 'nightly']);
    expect(opening([nightly], '2026-12-24T00:00:00Z', rome([{ from: '2026-12-24', to: '2027-01-01' }]))?.[0]).toBe('2027-01-01T23:00:00.000Z');
  });

  it('a blackout date is read in the window\'s time zone', () => {
    const tokyoNight = win({ start: '01:00', end: '03:00', timeZone: 'Asia/Tokyo' });
    // 2026-12-25 in Tokyo is Dec 24 15:00Z – Dec 25 15:00Z: the Tokyo night of the 25th (Dec 24 16:00Z) is out.
    expect(opening([tokyoNight], '2026-12-24T12:00:00Z', opts('UTC', { blackouts: [{ from: '2026-12-25' }] }))?.[0]).toBe('2026-12-25T16:00:00.000Z');
  });

  it('"not Friday afternoon": working hours with Friday from noon cut out', () => {
    const work = win({
      name: 'working hours',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '18:00',
      except: [{ days: ['fri'], start: '12:00', end: '24:00' }],
    });
    const o = opts('Europe/Rome');
    expect(isOpen(work, new Date('2026-12-03T16:00:00Z'), o)).toBe(true); // Thu 17:00
    expect(isOpen(work, new Date('2026-12-04T10:59:00Z'), o)).toBe(true); // Fri 11:59
    expect(isOpen(work, new Date('2026-12-04T11:00:00Z'), o)).toBe(false); // Fri 12:00
    expect(isOpen(work, new Date('2026-12-04T13:00:00Z'), o)).toBe(false); // Fri 14:00
    expect(opening([work], '2026-12-04T07:00:00Z', o)).toEqual(['2026-12-04T08:00:00.000Z', '2026-12-04T11:00:00.000Z', 'working hours']);
    expect(opening([work], '2026-12-04T11:30:00Z', o)).toEqual(['2026-12-07T08:00:00.000Z', '2026-12-07T17:00:00.000Z', 'working hours']);
  });

  it('an exception across midnight cuts the start of the next day too', () => {
    const always = win({ start: '00:00', end: '24:00', except: [{ days: ['fri'], start: '12:00', end: '06:00' }] });
    const o = opts('UTC', { horizonDays: 7 });
    expect(isOpen(always, new Date('2026-12-05T05:00:00Z'), o)).toBe(false); // Sat 05:00
    expect(opening([always], '2026-12-04T12:00:00Z', o)?.[0]).toBe('2026-12-05T06:00:00.000Z');
  });

  it('windowIntervals lists the pieces left', () => {
    const w = win({ days: ['mon'], start: '08:00', end: '18:00', except: [{ days: ['mon'], start: '12:00', end: '13:00' }] });
    const pieces = windowIntervals(w, new Date('2026-06-01T00:00:00Z'), new Date('2026-06-02T00:00:00Z'), opts('UTC'));
    expect(pieces.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual([
      ['2026-06-01T08:00:00.000Z', '2026-06-01T12:00:00.000Z'],
      ['2026-06-01T13:00:00.000Z', '2026-06-01T18:00:00.000Z'],
    ]);
  });
});

describe('parsing', () => {
  it.each([
    ['00:00', 0],
    ['02:30', 150],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('parseClock(%s) = %i', (text, minutes) => expect(parseClock(text)).toBe(minutes));
  it.each(['24:01', '2:30', '25:00', '12:60', '', 'noon'])('parseClock(%j) throws', (text) => expect(() => parseClock(text)).toThrow(TypeError));
  it('parseLocalDate accepts real dates only', () => {
    expect(parseLocalDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(() => parseLocalDate('2026-02-29')).toThrow('is not a date');
    expect(() => parseLocalDate('2026-1-01')).toThrow(TypeError);
  });
  it('a window cannot start at 24:00', () => {
    expect(() => isOpen(win({ start: '24:00', end: '02:00' }), new Date(0), opts('UTC'))).toThrow('cannot start at 24:00');
  });
  it('an unknown time zone says so', () => {
    expect(() => isOpen(win({ start: '01:00', end: '02:00', timeZone: 'Europe/Roma' }), new Date(0), opts('UTC'))).toThrow('unknown time zone "Europe/Roma"');
  });
  it('describePeriod', () => {
    expect(describePeriod({ start: '22:00', end: '04:00' })).toBe('daily 22:00–04:00');
    expect(describePeriod({ days: ['sat', 'sun'], start: '09:00', end: '12:00' })).toBe('Sat, Sun 09:00–12:00');
  });
});
