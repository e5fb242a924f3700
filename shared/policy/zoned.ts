/**
 * Wall-clock time in an IANA time zone, from `Intl.DateTimeFormat` alone: Node 20 (full ICU) and Chromium carry the
 * time zone database, so shared/ needs no tz library and stays pure. Instants are epoch milliseconds (UTC); a wall
 * time is what a clock on the wall of that zone shows.
 *
 * DST rules (docs/automation.md, "Daylight saving time"):
 * - a wall time that does not exist (the hour skipped when clocks spring forward) resolves to the first valid instant
 *   after it — the instant of the transition itself (02:30 on a Rome spring-forward day → 03:00 CEST);
 * - a wall time that exists twice (the hour repeated when clocks fall back) resolves to its first occurrence.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A calendar date, month 1–12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface WallTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}: expected an IANA name such as "Europe/Rome" or "UTC"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** What the clock shows in `timeZone` at `instant` (milliseconds dropped). */
export function wallTime(instant: number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const hour = get('hour');
  return { year: get('year'), month: get('month'), day: get('day'), hour: hour === 24 ? 0 : hour, minute: get('minute'), second: get('second') };
}

/** The zone's offset from UTC at `instant`, in milliseconds (Rome in summer: +7_200_000). */
export function offsetAt(instant: number, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const whole = Math.floor(instant / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/** The calendar date the clock shows at `instant`. */
export function localDate(instant: number, timeZone: string): LocalDate {
  const w = wallTime(instant, timeZone);
  return { year: w.year, month: w.month, day: w.day };
}

/** Day number since 1970-01-01 (a Thursday). */
export function dayNumber(d: LocalDate): number {
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / DAY_MS);
}

export function fromDayNumber(n: number): LocalDate {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function addDays(d: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(d) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(d: LocalDate): number {
  return (((dayNumber(d) + 4) % 7) + 7) % 7;
}

/** resolveLocal is pure and asked for the same nights again and again (every release, every project): remembered. */
const resolved = new Map<string, number>();
const RESOLVED_MAX = 20_000;

/**
 * The instant at which the clock in `timeZone` shows `minutes` past midnight on `date` (`minutes` may be 1440: the
 * next midnight). A repeated wall time gives its first occurrence; a skipped one the first valid instant after it
 * (the transition). Offsets are sampled a day either side, so any single transition near the date is seen.
 */
export function resolveLocal(date: LocalDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const key = `${timeZone}|${wall}`;
  const known = resolved.get(key);
  if (known !== undefined) return known;
  if (resolved.size >= RESOLVED_MAX) resolved.clear();
  const instant = resolveWall(wall, timeZone);
  resolved.set(key, instant);
  return instant;
}

function resolveWall(wall: number, timeZone: string): number {
  const offsets = [...new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)])];
  const valid = offsets
    .map((o) => wall - o)
    .filter((t) => offsetAt(t, timeZone) === wall - t)
    .sort((a, b) => a - b);
  if (valid.length > 0) return valid[0]!;
  // A gap: before the transition the clock shows less than `wall`, after it more. Find the transition to the second.
  let lo = Math.floor((wall - Math.max(...offsets)) / 1000);
  let hi = Math.ceil((wall - Math.min(...offsets)) / 1000);
  const before = offsetAt(lo * 1000, timeZone);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * 1000, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `02:00` */
export function formatClock(instant: number, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${two(w.hour)}:${two(w.minute)}`;
}

/**
 * An instant for people, in English and independent of the machine's locale (tests and JSON stay stable):
 * `Tue 02:00 Europe/Rome` within the six days after `now`, else `Dec 9 02:00 Europe/Rome`, with the year when it is
 * not `now`'s (`Jan 3 2027 02:00 Europe/Rome`).
 */
export function formatWhen(instant: number, timeZone: string, now: number): string {
  const w = wallTime(instant, timeZone);
  const today = localDate(now, timeZone);
  const days = dayNumber(w) - dayNumber(today);
  const clock = `${two(w.hour)}:${two(w.minute)} ${timeZone}`;
  if (days >= 0 && days <= 6) return `${WEEKDAY_NAMES[weekdayOf(w)]} ${clock}`;
  const year = w.year === today.year ? '' : ` ${w.year}`;
  return `${MONTH_NAMES[w.month - 1]} ${w.day}${year} ${clock}`;
}

/** `Dec 9` (with the year when it is not `now`'s). */
export function formatDay(instant: number, timeZone: string, now: number): string {
  const w = wallTime(instant, timeZone);
  const year = w.year === localDate(now, timeZone).year ? '' : ` ${w.year}`;
  return `${MONTH_NAMES[w.month - 1]} ${w.day}${year}`;
}
