/**
 * Notification channels as one object for the service, the tray, `serve` and the CLI: `emit` an event (routed to
 * each channel that wants it, enqueued with one INSERT, never throwing), `test` the channels now, their `health`,
 * and the delivery loop (`start`/`stop`, or `flush` at the CLI's exit).
 */
import type { ChannelHealth, NotifyTestResult } from '../../../shared/api/notify.js';
import type { Operation } from '../../../shared/api/types.js';
import type { TagMove } from '../../../shared/api/trust.js';
import { UpshiftError } from '../errors.js';
import type { Db } from '../state/index.js';
import type { Clock } from '../service/clock.js';
import { channelHealth, listChannels, nextDigestAt, type ChannelList, type ChannelSources, type ConfiguredChannel } from './channels.js';
import { DeliveryLoop } from './delivery.js';
import { newEventId, operationEvent } from './message.js';
import { Outbox } from './outbox.js';
import { sendTo } from './send.js';
import { channelName, routes } from './url.js';
import type { ChannelDeps, NotifyEvent } from './types.js';

export interface NotifyHubOptions {
  db: Db;
  clock: Clock;
  sources: ChannelSources;
  random?: () => number;
  deps?: ChannelDeps;
  /** Called when channel health may have changed. */
  onChange?: () => void;
}

/** An event as callers give it: id and time are filled in. */
export type NotifyInput = Omit<NotifyEvent, 'id' | 'at' | 'from' | 'to' | 'version'> & Partial<Pick<NotifyEvent, 'id' | 'at' | 'from' | 'to' | 'version'>>;

/** The `tag_moved` event of a moved release tag; its id makes each (tag, new commit) one message per channel. */
export function tagMovedEvent(project: string, move: TagMove): NotifyInput {
  return { id: `tag-moved:${project}:${move.tag}:${move.now}`, type: 'tag_moved', project, title: `Release tag ${move.tag} of ${project} MOVED`, body: `${move.message}. Run \`upshift trust accept ${project} ${move.tag}\` (or use Trust in the dashboard's Updates view) once you have checked it.` };
}

export class NotifyHub {
  readonly outbox: Outbox;
  readonly loop: DeliveryLoop;

  constructor(private readonly opts: NotifyHubOptions) {
    this.outbox = new Outbox(opts.db);
    this.loop = new DeliveryLoop({
      outbox: this.outbox,
      clock: opts.clock,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.deps ? { deps: opts.deps } : {}),
      ...(opts.onChange ? { onChange: opts.onChange } : {}),
    });
  }

  channels(scope: { project: string | null } | 'all' = 'all'): ChannelList {
    return listChannels(this.opts.sources, scope);
  }

  /**
   * Enqueues the event for every channel that routes it; returns how many messages were enqueued. Never throws:
   * whatever happens to a notification must not touch the upgrade that caused it.
   */
  emit(input: NotifyInput): number {
    try {
      const now = this.opts.clock.now();
      const event: NotifyEvent = { version: null, from: null, to: null, ...input, id: input.id ?? newEventId(), at: input.at ?? new Date(now).toISOString() };
      const targets = this.channels({ project: event.project }).channels.filter((c) => routes(c, event.type, event.project));
      const n = this.outbox.enqueue(
        targets.map((c) => ({
          key: `${event.id}:${c.id}`,
          channel: c.id,
          target: c.url,
          type: event.type,
          project: event.project,
          event: JSON.stringify(event),
          digest: c.digest !== null,
          dueAt: c.digest !== null ? nextDigestAt(now, c.digest) : now,
        })),
        now,
      );
      if (n > 0) this.loop.kick();
      return n;
    } catch {
      return 0;
    }
  }

  /** An upgrade or rollback that ended: upgraded, rolled back (with the failing step) or rollback failed. */
  operationFinished(op: Operation): number {
    const event = operationEvent(op, op.finishedAt ?? new Date(this.opts.clock.now()).toISOString());
    return event ? this.emit(event) : 0;
  }

  /** A release that needs someone's approval before it is applied (the automation will call this). */
  needsApproval(project: string, version: string, reason: string): number {
    return this.emit({ id: `approval:${project}:${version}`, type: 'needs_approval', project, version, title: `${project} ${version} needs approval`, body: reason });
  }

  /** A release tag that points elsewhere than when first seen (trust on first use): once per tag and new commit. */
  tagMoved(project: string, move: TagMove): number {
    return this.emit(tagMovedEvent(project, move));
  }

  /** A release that its metadata marks as a security release. */
  securityRelease(project: string, version: string, summary: string): number {
    return this.emit({ id: `security:${project}:${version}`, type: 'security_release', project, version, title: `Security release: ${project} ${version}`, body: summary });
  }

  health(): ChannelHealth[] {
    return channelHealth(this.outbox, this.channels('all').channels);
  }

  /**
   * Sends a test message to the channels matching `selector` (a name, id, kind, or 1-based position in the list;
   * none: every channel) now, outside the outbox, and records each result in the channel's health.
   */
  async test(selector?: string): Promise<NotifyTestResult[]> {
    const all = this.channels('all');
    const chosen = selectChannels(all.channels, selector);
    const now = this.opts.clock.now();
    const event: NotifyEvent = {
      id: newEventId(),
      type: 'test',
      project: null,
      version: null,
      from: null,
      to: null,
      title: 'Upshift test notification',
      body: 'This channel works: Upshift will send its notifications here.',
      at: new Date(now).toISOString(),
    };
    return Promise.all(
      chosen.map(async (c) => {
        const started = Date.now();
        const outcome = await sendTo(c, event, `${event.id}:${c.id}`, this.opts.deps ?? {}, now);
        const at = this.opts.clock.now();
        this.outbox.recordAttempt(c.id, at, 0, outcome.ok ? { ok: true } : { ok: false, error: outcome.error, gaveUp: 0 });
        return { id: c.id, name: channelName(c), kind: c.kind, ok: outcome.ok, error: outcome.ok ? null : outcome.error, durationMs: Date.now() - started };
      }),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** The CLI at exit: delivers what is due within `budgetMs`; never throws, never waits longer. */
  flush(budgetMs = 2000): Promise<number> {
    if (this.outbox.nextDueAt() === null) return Promise.resolve(0);
    return this.loop.flush(budgetMs);
  }
}

export function selectChannels(channels: readonly ConfiguredChannel[], selector?: string): ConfiguredChannel[] {
  if (selector === undefined || selector === '') {
    if (channels.length === 0) throw new UpshiftError('NOTIFY_NO_CHANNELS', 'No notification channels are configured. Add one with `upshift notify add <url>`, UPSHIFT_NOTIFY_URLS or `notify:` in a manifest (see docs/notifications.md).', { category: 'usage' });
    return [...channels];
  }
  const index = /^\d+$/.test(selector) ? Number(selector) - 1 : -1;
  const found = channels.filter((c, i) => i === index || c.id === selector || c.name === selector || c.kind === selector || c.redacted === selector);
  if (found.length === 0) {
    const names = channels.map((c, i) => `${i + 1}. ${channelName(c)}`).join(', ');
    throw new UpshiftError('NOTIFY_CHANNEL_UNKNOWN', `No notification channel matches "${selector}". ${names ? `Channels: ${names}.` : 'None is configured.'}`, { category: 'usage', details: { channel: selector } });
  }
  return found;
}
