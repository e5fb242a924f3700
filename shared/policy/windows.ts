/**
 * Maintenance windows: when unattended upgrades may start. Pure functions over an injected instant; every local time is
 * read in the window's IANA time zone (or the default passed in: the system's). See docs/automation.md.
 *
 * - A window opens on each of its `days` at `start` and closes at `end`, local time. An `end` at or before `start`
 *   is on the next day (`22:00`–`04:00` runs through midnight and belongs to the day it starts); `end` may be
 *   `24:00`; `start` = `end` is a whole day.
 * - `except` cuts weekly periods out of it ("not Friday afternoon"), `blackouts` whole local dates or date ranges
 *   (the window's own and the global ones).
 * - DST: a `start` or `end` that does not exist on a spring-forward day is the first valid instant after it (the
 *   transition: 02:30 → 03:00); a wall time repeated on a fall-back day is its first occurrence, so a window is
 *   entered once and its end is when the clock first shows `end` after that. The real length of a window across a
 *   transition is therefore an hour shorter or longer than its wall-clock length; a window wholly inside the skipped
 *   hour does not open that day.
 */
import { addDays, DAY_MS, dayNumber, localDate, resolveLocal, weekdayOf, type LocalDate } from './zoned.js';

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
/** Index = JavaScript's getDay() (0 = Sunday). */
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A period that recurs every week: on each of `days` (default every day) from `start` to `end` (`HH:MM`). */
export interface WeeklyPeriod {
  days?: readonly Weekday[];
  start: string;
  end: string;
}

/** Whole local dates, `YYYY-MM-DD`, `from` to `to` inclusive (`to` absent: the one day). */
export interface Blackout {
  from: string;
  to?: string;
  reason?: string;
}

export interface MaintenanceWindow extends WeeklyPeriod {
  name: string;
  /** IANA time zone of `start`, `end`, `except` and blackout dates; absent: the default (the system's). */
  timeZone?: string;
  except?: readonly WeeklyPeriod[];
  blackouts?: readonly Blackout[];
}

export interface WindowOptions {
  /** The time zone of windows that name none: the system's, passed in by the caller. */
  timeZone: string;
  /** Blackouts that apply to every window, read in each window's time zone. */
  blackouts?: readonly Blackout[];
  /** How far ahead nextOpening looks, in days (default 31, at most 400). */
  horizonDays?: number;
}

export interface Opening {
  /** When it opens (before the instant asked about when the window is open then). */
  start: Date;
  /** When it closes; at most the end of the horizon for a window that never closes within it. */
  end: Date;
  window: MaintenanceWindow;
  /** The time zone the window was read in. */
  timeZone: string;
}

interface Interval {
  start: number;
  end: number;
}

const CLOCK = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** `02:30` → 150; `24:00` → 1440. Throws a TypeError on anything else (the schema checks configuration first). */
export function parseClock(text: string): number {
  const m = CLOCK.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || minutes > 1440) throw new TypeError(`"${text}" is not a time of day: expected HH:MM between 00:00 and 24:00`);
  return minutes;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2026-12-25` → a LocalDate; throws a TypeError when it is not a real calendar date. */
export function parseLocalDate(text: string): LocalDate {
  const m = DATE.exec(text);
  if (m) {
    const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    const back = new Date(Date.UTC(d.year, d.month - 1, d.day));
    if (back.getUTCFullYear() === d.year && back.getUTCMonth() === d.month - 1 && back.getUTCDate() === d.day) return d;
  }
  throw new TypeError(`"${text}" is not a date: expected YYYY-MM-DD`);
}

/** Occurrences of a weekly period that overlap [from, to). */
function periodIntervals(period: WeeklyPeriod, timeZone: string, from: number, to: number): Interval[] {
  const start = parseClock(period.start);
  const end = parseClock(period.end);
  if (start === 1440) throw new TypeError('a window cannot start at 24:00; use 00:00');
  const days = new Set((period.days ?? WEEKDAYS).map((d) => WEEKDAYS.indexOf(d)));
  const out: Interval[] = [];
  // A period that started the day before `from` may still be running (through midnight, at most a day long).
  const first = dayNumber(localDate(from, timeZone)) - 1;
  const last = dayNumber(localDate(to, timeZone));
  let day = addDays(localDate(from, timeZone), -1);
  for (let n = first; n <= last; n++, day = addDays(day, 1)) {
    if (!days.has(weekdayOf(day))) continue;
    const s = resolveLocal(day, start, timeZone);
    const e = resolveLocal(end > start ? day : addDays(day, 1), end, timeZone);
    if (e > s && e > from && s < to) out.push({ start: s, end: e });
  }
  return out;
}

function blackoutIntervals(blackouts: readonly Blackout[], timeZone: string, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  for (const b of blackouts) {
    const first = parseLocalDate(b.from);
    const last = b.to ? parseLocalDate(b.to) : first;
    const s = resolveLocal(first, 0, timeZone);
    const e = resolveLocal(addDays(last, 1), 0, timeZone);
    if (e > s && e > from && s < to) out.push({ start: s, end: e });
  }
  return out;
}

/** `base` minus every interval of `cuts`, sorted and with touching pieces joined. */
function subtract(base: Interval[], cuts: Interval[]): Interval[] {
  let pieces = base;
  for (const c of cuts) {
    const next: Interval[] = [];
    for (const p of pieces) {
      if (c.end <= p.start || c.start >= p.end) next.push(p);
      else {
        if (c.start > p.start) next.push({ start: p.start, end: c.start });
        if (c.end < p.end) next.push({ start: c.end, end: p.end });
      }
    }
    pieces = next;
  }
  pieces.sort((a, b) => a.start - b.start);
  const joined: Interval[] = [];
  for (const p of pieces) {
    const prev = joined[joined.length - 1];
    if (prev && p.start <= prev.end) prev.end = Math.max(prev.end, p.end);
    else joined.push({ ...p });
  }
  return joined;
}

/** The time zone a window is read in. */
export function windowTimeZone(window: MaintenanceWindow, options: Pick<WindowOptions, 'timeZone'>): string {
  return window.timeZone ?? options.timeZone;
}

/** The intervals during which `window` is open that overlap [from, to), blackouts and exceptions cut out. */
export function windowIntervals(window: MaintenanceWindow, from: Date, to: Date, options: WindowOptions): Array<{ start: Date; end: Date }> {
  return openIntervals(window, from.getTime(), to.getTime(), options).map((i) => ({ start: new Date(i.start), end: new Date(i.end) }));
}

function openIntervals(window: MaintenanceWindow, from: number, to: number, options: WindowOptions): Interval[] {
  const tz = windowTimeZone(window, options);
  const base = periodIntervals(window, tz, from, to);
  if (base.length === 0) return [];
  // Cuts are computed over the whole span of the occurrences, so a cut that began before `from` still counts.
  const lo = Math.min(...base.map((b) => b.start));
  const hi = Math.max(...base.map((b) => b.end));
  const cuts = [
    ...(window.except ?? []).flatMap((p) => periodIntervals(p, tz, lo, hi)),
    ...blackoutIntervals([...(window.blackouts ?? []), ...(options.blackouts ?? [])], tz, lo, hi),
  ];
  return subtract(base, cuts).filter((i) => i.end > from && i.start < to);
}

/** True when `window` is open at `instant` (start inclusive, end exclusive). */
export function isOpen(window: MaintenanceWindow, instant: Date, options: WindowOptions): boolean {
  const t = instant.getTime();
  return openIntervals(window, t, t + 1, options).some((i) => i.start <= t && t < i.end);
}

/**
 * The window open at `instant` (start ≤ instant < end), else the next one to open within the horizon, else null. Of
 * several open at once, the one that stays open longest; of several opening next, the earliest, then the one that
 * stays open longest, then the first listed. Touching occurrences of the same window are one opening (a window
 * 00:00–24:00 every day is open until the horizon).
 */
export function nextOpening(windows: readonly MaintenanceWindow[], instant: Date, options: WindowOptions): Opening | null {
  const t = instant.getTime();
  const horizon = t + Math.min(Math.max(options.horizonDays ?? 31, 0), 400) * DAY_MS;
  let best: { interval: Interval; window: MaintenanceWindow } | null = null;
  for (const window of windows) {
    const interval = firstInterval(window, t, horizon, options);
    if (interval && (best === null || better(interval, best.interval, t))) best = { interval, window };
  }
  if (best === null) return null;
  return { start: new Date(best.interval.start), end: new Date(best.interval.end), window: best.window, timeZone: windowTimeZone(best.window, options) };
}

/** A week at a time, so a window that opens tonight costs a week of conversions, not the whole horizon. */
const CHUNK_MS = 7 * DAY_MS;

/** The first interval of `window` overlapping [from, horizon), joined with the occurrences it touches, clipped at the horizon. */
function firstInterval(window: MaintenanceWindow, from: number, horizon: number, options: WindowOptions): Interval | null {
  for (let lo = from; lo < horizon; lo += CHUNK_MS) {
    const hi = Math.min(lo + CHUNK_MS, horizon);
    const first = openIntervals(window, lo, hi, options)[0];
    if (!first) continue;
    let end = first.end;
    while (end < horizon) {
      const more = openIntervals(window, end, Math.min(end + CHUNK_MS, horizon), options)[0];
      if (!more || more.start > end || more.end <= end) break;
      end = more.end;
    }
    return { start: first.start, end: Math.min(end, horizon) };
  }
  return null;
}

function better(a: Interval, b: Interval, t: number): boolean {
  const aStart = Math.max(a.start, t);
  const bStart = Math.max(b.start, t);
  if (aStart !== bStart) return aStart < bStart;
  return a.end > b.end;
}

/** `Mon–Fri 22:00–04:00`, for messages. */
export function describePeriod(period: WeeklyPeriod): string {
  const days = period.days ?? WEEKDAYS;
  const label = days.length === 7 ? 'daily' : days.map((d) => d[0]!.toUpperCase() + d.slice(1)).join(', ');
  return `${label} ${period.start}–${period.end}`;
}
