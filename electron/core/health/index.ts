/**
 * Health checks after an upgrade: http (expected status, retries with exponential backoff), tcp, exec; and a
 * watch window that keeps running them. Each check either passes or throws HealthFailure saying which check
 * failed and why; the executor turns that into a failed `health` or `watch` step, which rolls back.
 */
import type { HealthCheckSpec } from '../manifest/types.js';
import { probeHttp } from './http.js';
import { probeTcp } from './tcp.js';

export { probeHttp, statusMatcher, type HttpProbe } from './http.js';
export { probeTcp } from './tcp.js';

export class HealthFailure extends Error {
  constructor(
    message: string,
    readonly check: HealthCheckSpec,
    readonly excerpt: string | null = null,
  ) {
    super(message);
    this.name = 'HealthFailure';
  }
}

export interface HealthRunOptions {
  /** Runs an exec check's command; throws (with a readable message) when it does not exit 0. */
  exec: (command: string, timeoutMs: number) => Promise<void>;
  signal?: AbortSignal;
  /** Progress lines (`http http://…: HTTP 200`). */
  log?: (line: string) => void;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function describeCheck(c: HealthCheckSpec): string {
  if (c.type === 'http') return `http ${c.url}`;
  if (c.type === 'tcp') return `tcp ${c.host}:${c.port}`;
  return `exec \`${c.command}\``;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs one check (http with its retries); throws HealthFailure. */
export async function runHealthCheck(c: HealthCheckSpec, opts: HealthRunOptions): Promise<void> {
  const log = opts.log ?? (() => {});
  const wait = opts.sleep ?? sleep;
  if (c.type === 'http') {
    const attempts = c.retries + 1;
    const seen: string[] = [];
    for (let i = 0; i < attempts; i++) {
      if (opts.signal?.aborted) throw new HealthFailure(`${describeCheck(c)}: cancelled`, c);
      const r = await probeHttp(c.url, { timeoutMs: c.timeoutMs, expectStatus: c.expectStatus, ...(opts.signal ? { signal: opts.signal } : {}) });
      log(`${describeCheck(c)}: ${r.detail}${r.ok ? '' : ` (attempt ${i + 1} of ${attempts})`}`);
      if (r.ok) return;
      seen.push(r.detail);
      if (i + 1 < attempts) await wait(c.backoffMs * 2 ** i, opts.signal);
    }
    throw new HealthFailure(`${describeCheck(c)} failed ${attempts} time(s): ${[...new Set(seen)].join('; ')}`, c, seen.join('\n'));
  }
  if (c.type === 'tcp') {
    const r = await probeTcp(c.host, c.port, { timeoutMs: c.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
    log(`${describeCheck(c)}: ${r.detail}`);
    if (!r.ok) throw new HealthFailure(`${describeCheck(c)} failed: ${r.detail}`, c);
    return;
  }
  try {
    await opts.exec(c.command, c.timeoutSeconds * 1000);
    log(`${describeCheck(c)}: exit 0`);
  } catch (err) {
    const excerpt = (err as { excerpt?: unknown }).excerpt;
    throw new HealthFailure(`${describeCheck(c)} failed: ${err instanceof Error ? err.message : String(err)}`, c, typeof excerpt === 'string' ? excerpt : null);
  }
}

/** Runs every check in order; the first failure throws. */
export async function runHealthChecks(checks: readonly HealthCheckSpec[], opts: HealthRunOptions): Promise<void> {
  for (const c of checks) await runHealthCheck(c, opts);
}

/**
 * Keeps running the checks for `seconds`, a round every `intervalSeconds` (http checks without retries: inside
 * the window one failed answer is a failure). Throws HealthFailure naming the moment of the failure.
 */
export async function watchHealth(checks: readonly HealthCheckSpec[], window: { seconds: number; intervalSeconds: number }, opts: HealthRunOptions & { now?: () => number }): Promise<number> {
  const now = opts.now ?? Date.now;
  const wait = opts.sleep ?? sleep;
  const start = now();
  const end = start + window.seconds * 1000;
  let rounds = 0;
  const strict = checks.map((c) => (c.type === 'http' ? { ...c, retries: 0 } : c));
  for (;;) {
    if (opts.signal?.aborted) throw new HealthFailure('the watch was cancelled', checks[0]!);
    rounds++;
    try {
      await runHealthChecks(strict, opts);
    } catch (err) {
      if (err instanceof HealthFailure) {
        const at = ((now() - start) / 1000).toFixed(1);
        throw new HealthFailure(`${err.message} (${at} s into the ${window.seconds} s watch window, round ${rounds})`, err.check, err.excerpt);
      }
      throw err;
    }
    const left = end - now();
    if (left <= 0) return rounds;
    // The last round runs when the window closes.
    await wait(Math.min(window.intervalSeconds * 1000, left), opts.signal);
  }
}
