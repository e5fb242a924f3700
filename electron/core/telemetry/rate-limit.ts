/**
 * The GitHub API rate limit as last seen in this process (`x-ratelimit-*` headers of any answer, 304s included),
 * per API host. The GitHub client records it; `/metrics` shows it. In memory on purpose: it is a reading of a
 * remote counter that GitHub resets every hour, not a fact to keep — a restarted process shows it again after
 * its first request.
 */
export interface RateLimitReading {
  host: string;
  remaining: number;
  limit: number | null;
  /** Epoch seconds when GitHub resets the window. */
  resetAt: number | null;
  seenAt: number;
}

const readings = new Map<string, RateLimitReading>();

/** Records the rate-limit headers of one response; responses without them are ignored. */
export function recordRateLimit(host: string, headers: Record<string, string | undefined>, now = Date.now()): void {
  const remaining = Number(headers['x-ratelimit-remaining']);
  if (headers['x-ratelimit-remaining'] === undefined || !Number.isFinite(remaining)) return;
  const limit = Number(headers['x-ratelimit-limit']);
  const reset = Number(headers['x-ratelimit-reset']);
  readings.set(host, { host, remaining, limit: Number.isFinite(limit) && headers['x-ratelimit-limit'] !== undefined ? limit : null, resetAt: Number.isFinite(reset) && headers['x-ratelimit-reset'] !== undefined ? reset : null, seenAt: now });
}

export function rateLimitReadings(): RateLimitReading[] {
  return [...readings.values()];
}
