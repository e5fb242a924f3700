/**
 * Times as a person reads them in the terminal: in their own time zone (TZ is honoured, as Node's Intl does), and
 * relative when the moment is recent enough that "2 hours ago" says more than a clock time. JSON output keeps the
 * ISO 8601 UTC strings; only human text goes through here.
 */

export interface TimeContext {
  /** Milliseconds since the epoch; injected so tests need no fake timers. */
  now: number;
  /** An IANA zone (`Europe/Berlin`); default the process's zone (TZ, else the system's). */
  timeZone?: string | undefined;
}

/** Within this distance of now a time reads better relative ("3 hours ago"); beyond it, as a date and a time. */
const RELATIVE_WITHIN_MS = 24 * 3600_000;

// Made on first use, not at load: constructing an Intl formatter maps ICU's locale data (~6 MB of resident pages),
// which `upshift --help` and a `check --json` never need.
let relative: Intl.RelativeTimeFormat | null = null;
const absolute = new Map<string, Intl.DateTimeFormat>();

function absoluteFormatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = absolute.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      ...(timeZone ? { timeZone } : {}),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    absolute.set(key, f);
  }
  return f;
}

/** `2026-11-21 10:15 GMT+1`: the date and time in the zone, with the zone's name. */
export function formatAbsolute(iso: string, timeZone?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const parts = Object.fromEntries(absoluteFormatter(timeZone).formatToParts(t).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName ?? ''}`.trimEnd();
}

/**
 * `just now`, `12 minutes ago`, `2 hours ago`, `in 5 minutes` within a day of now; `2026-11-21 10:15 GMT+1` beyond.
 * An unreadable value comes back as it was given; null or undefined as `never`.
 */
export function formatWhen(iso: string | null | undefined, ctx: TimeContext): string {
  if (iso === null || iso === undefined) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = t - ctx.now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  if (abs >= RELATIVE_WITHIN_MS) return formatAbsolute(iso, ctx.timeZone);
  // Minutes up to an hour and a half ("75 minutes ago" reads better than "1 hour ago"), hours after that.
  const [unit, size] = abs < 90 * 60_000 ? (['minute', 60_000] as const) : (['hour', 3600_000] as const);
  const n = Math.max(1, Math.round(abs / size));
  relative ??= new Intl.RelativeTimeFormat('en', { numeric: 'always' });
  return relative.format(diff < 0 ? -n : n, unit);
}

/**
 * A release date: a day alone (`2023-08-17`, from a changelog) as written — it names no moment to move into a zone —
 * and a moment (a tag's `2026-12-06T06:32:53+00:00`) as {@link formatWhen} says it.
 */
export function formatDay(value: string, ctx: TimeContext): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? value : formatWhen(value, ctx);
}

/** The clock of the running process, in its zone (TZ is read by Intl itself): what the CLI formats with. */
export function systemTime(): TimeContext {
  return { now: Date.now() };
}
