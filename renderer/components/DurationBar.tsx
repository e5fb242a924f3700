import { durationBarPercent, formatDuration } from '../lib/format.js';

/** A horizontal bar proportional (log scale) to a duration, with the duration as text. */
export function DurationBar({ ms, status, fullScaleMs }: { ms: number | null; status?: string; fullScaleMs?: number }) {
  const pct = durationBarPercent(ms, fullScaleMs);
  return (
    <span className="duration">
      <span className="duration-track" aria-hidden="true">
        <span className={`duration-fill fill-${status ?? 'neutral'}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="duration-text">{formatDuration(ms)}</span>
    </span>
  );
}
