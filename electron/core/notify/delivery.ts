/**
 * The delivery loop: claims due messages from the outbox, sends them, and records the outcome. A failure is tried
 * again after an exponential backoff with jitter (10 s, 20 s, 40 s … up to 1 h, each between half and the whole of
 * that; never sooner than the receiver's Retry-After); a message still undelivered 24 h after it was enqueued, or
 * refused for good (a 4xx, a bad password), is given up and its channel marked unhealthy until a delivery succeeds.
 * Each channel is sent at most `rate` messages a minute, counted across processes (notify_channels.next_send_at).
 *
 * The service, the tray and `serve` run it in the background; the CLI calls `flush` once at exit with a budget of
 * about 2 s, abandoning (and handing back) whatever is still in flight when the budget runs out.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../service/clock.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { sendTo } from './send.js';
import { parseChannelUrl } from './url.js';
import type { ChannelDeps, ChannelSpec, NotifyEvent, SendOutcome } from './types.js';
import { moduleLogger, registerSecret } from '../telemetry/index.js';

const log = moduleLogger('notify');

export const BACKOFF_BASE_MS = 10_000;
export const BACKOFF_MAX_MS = 3600_000;
/** A message not delivered within this time after it was enqueued is given up (documented in docs/notifications.md). */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;
/** How long a claim holds before another process may take the message over. */
export const CLAIM_LEASE_MS = 120_000;
/** With nothing due, the loop still looks this often (other processes enqueue too). */
export const IDLE_POLL_MS = 30_000;

/** The wait before attempt `attempts + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempts: number, random: () => number): number {
  const full = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

export interface DeliveryOptions {
  outbox: Outbox;
  clock: Clock;
  random?: () => number;
  deps?: ChannelDeps;
  /** Called after messages were delivered or given up (the dashboard refreshes channel health). */
  onChange?: () => void;
}

interface Group {
  spec: ChannelSpec | null;
  rows: OutboxRow[];
}

export class DeliveryLoop {
  private readonly owner = `${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly random: () => number;
  private timer: unknown = null;
  private running: Promise<number> | null = null;
  private stopped = true;
  private abort: AbortController | null = null;

  constructor(private readonly opts: DeliveryOptions) {
    this.random = opts.random ?? Math.random;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop and waits for the round in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Something was enqueued: look now rather than at the next idle poll. */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  /**
   * Sends what is due, for at most `budgetMs` (the CLI at exit). Resolves with the number delivered; never rejects.
   * A message held back by its channel's rate (e.g. the members of a batch, 2 s apart at the default 30 a minute)
   * is waited for when it falls due within the budget; the rest stay in the outbox for the next Upshift that runs.
   * Rows still in flight at the deadline are handed back to the outbox for a later process.
   */
  async flush(budgetMs: number): Promise<number> {
    const deadline = Date.now() + budgetMs;
    const abort = new AbortController();
    let delivered = 0;
    const timer = setTimeout(() => abort.abort(), budgetMs);
    timer.unref();
    try {
      while (Date.now() < deadline && !abort.signal.aborted) {
        const n = await this.round(abort.signal);
        if (n >= 0) {
          delivered += n;
          continue;
        }
        const next = this.opts.outbox.nextDueAt();
        const wait = next === null ? Infinity : next - this.opts.clock.now();
        if (wait <= 0) continue; // fell due meanwhile (or a claim of another process ran out)
        if (Date.now() + wait >= deadline) break;
        // Not unref'd: at the CLI's exit this wait is what keeps the process alive until the message is due.
        await new Promise<void>((resolve) => setTimeout(resolve, wait));
      }
    } catch {
      // Never fail the command that flushes.
    } finally {
      clearTimeout(timer);
    }
    return delivered;
  }

  /** One round now (tests, and `schedule`): every channel that may send sends its due message(s). */
  tick(): Promise<number> {
    const run = this.round(null).then((n) => Math.max(n, 0));
    // The marker of a round in flight never rejects: a failing round (a damaged state database) is the caller's to
    // handle through `run`, and must not surface again as an unhandled rejection of this copy.
    this.running = run.then(
      (n) => n,
      () => 0,
    ).finally(() => (this.running = null));
    return run;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      if (this.running) {
        void this.running.finally(() => this.schedule(0));
        return;
      }
      void this.tick()
        .catch(() => 0)
        .then(() => {
          const next = this.safe(() => this.opts.outbox.nextDueAt(), null);
          const now = this.opts.clock.now();
          this.schedule(next === null ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(0, next - now)));
        });
    }, ms);
  }

  private safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch {
      return fallback;
    }
  }

  /** Returns how many were delivered, or -1 when nothing was due. */
  private async round(signal: AbortSignal | null): Promise<number> {
    const { outbox, clock } = this.opts;
    const now = clock.now();
    const claimed = outbox.claim(now, this.owner, CLAIM_LEASE_MS);
    if (claimed.length === 0) return -1;
    const groups = new Map<string, Group>();
    for (const row of claimed) {
      const g = groups.get(row.channel) ?? { spec: this.spec(row.target), rows: [] };
      g.rows.push(row);
      groups.set(row.channel, g);
    }
    const deps: ChannelDeps = { ...this.opts.deps, ...(signal ? { signal } : {}) };
    const results = await Promise.all([...groups.entries()].map(([channel, g]) => this.deliver(channel, g, deps, signal)));
    if (results.some((r) => r.changed)) this.opts.onChange?.();
    outbox.prune(clock.now());
    return results.reduce((a, r) => a + r.delivered, 0);
  }

  private spec(target: string): ChannelSpec | null {
    try {
      return parseChannelUrl(target);
    } catch {
      return null;
    }
  }

  private async deliver(channel: string, g: Group, deps: ChannelDeps, signal: AbortSignal | null): Promise<{ delivered: number; changed: boolean }> {
    const { outbox, clock } = this.opts;
    const seqs = g.rows.map((r) => r.seq);
    const first = g.rows[0]!;
    let outcome: SendOutcome;
    if (!g.spec) outcome = { ok: false, permanent: true, error: 'the channel URL is no longer valid', retryAfterMs: null };
    else {
      const events = g.rows.map((r) => JSON.parse(r.event) as NotifyEvent);
      const event = first.digest === 1 ? digestEvent(events, clock.now()) : events[0]!;
      const key = first.digest === 1 ? `digest:${channel}:${first.due_at}` : first.key;
      outcome = await sendTo(g.spec, event, key, deps, clock.now());
    }
    const now = clock.now();
    if (signal?.aborted && !outcome.ok) {
      // The flush ran out of time mid-send: not the channel's fault, and not an attempt.
      outbox.release(seqs, this.owner);
      return { delivered: 0, changed: false };
    }
    const spacing = Math.ceil(60_000 / (g.spec?.ratePerMinute ?? 30));
    if (outcome.ok) {
      outbox.sent(seqs, this.owner, now);
      outbox.recordAttempt(channel, now, now + spacing, { ok: true });
      return { delivered: seqs.length, changed: true };
    }
    // The channel's URL holds secrets (passwords, webhook keys): the log names it redacted and scrubs its secrets.
    for (const s of g.spec?.secrets ?? []) registerSecret(s);
    const logged = { channel, kind: g.spec?.kind ?? null, target: g.spec?.redacted ?? null, messages: seqs.length, attempt: first.attempts + 1, error: outcome.error };
    const oldest = Math.min(...g.rows.map((r) => r.created_at));
    const wait = Math.max(backoffMs(first.attempts, this.random), outcome.retryAfterMs ?? 0);
    const giveUp = outcome.permanent || now + wait - oldest > GIVE_UP_AFTER_MS;
    if (giveUp) {
      const why = outcome.permanent ? outcome.error : `${outcome.error} (undelivered for 24 h: given up)`;
      outbox.gaveUp(seqs, this.owner, now, why);
      log.error('notification given up', { ...logged, error: why });
      outbox.recordAttempt(channel, now, now + spacing, { ok: false, error: why, gaveUp: seqs.length });
    } else {
      outbox.retry(seqs, this.owner, now + wait, outcome.error);
      log.warn('notification delivery failed; will retry', { ...logged, retryInMs: wait });
      // Retry-After speaks for the whole channel (a 429), so the channel waits too.
      outbox.recordAttempt(channel, now, now + Math.max(spacing, outcome.retryAfterMs ?? 0), { ok: false, error: outcome.error, gaveUp: 0 });
    }
    return { delivered: 0, changed: true };
  }
}

/** One message gathering a digest channel's events. */
export function digestEvent(events: NotifyEvent[], now: number): NotifyEvent {
  const projects = [...new Set(events.map((e) => e.project).filter((p): p is string => p !== null))];
  return {
    id: `digest_${now}`,
    type: events.some((e) => e.type === 'rollback_failed') ? 'rollback_failed' : (events[0]?.type ?? 'update_available'),
    project: projects.length === 1 ? projects[0]! : null,
    version: null,
    from: null,
    to: null,
    title: `Upshift daily digest: ${events.length} event${events.length === 1 ? '' : 's'}`,
    body: `${events.length} event${events.length === 1 ? '' : 's'}${projects.length > 0 ? ` for ${projects.join(', ')}` : ''} since the last digest.`,
    at: new Date(now).toISOString(),
    events,
  };
}
