/**
 * The SSE event stream of browser mode: `GET api/events` (the session cookie authorises it), one UpshiftEvent as JSON per message. The
 * browser's own EventSource retry gives up on HTTP errors, so this closes and reopens it itself, with exponential
 * backoff (1 s doubling to 30 s, with jitter), and reports a reconnect so the store re-reads the state it may have
 * missed. The stream is opened by the first subscriber and closed by the last.
 */
import type { UpshiftEvent } from '../../shared/api/contract.js';
import type { ConnectionChange, ConnectionStatus } from './types.js';

/** The part of EventSource used here, so tests can pass a fake. */
export interface EventSourceLike {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export interface EventStreamOptions {
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  random?: () => number;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export function backoffDelay(attempt: number, min = 1000, max = 30_000, random = Math.random): number {
  const base = Math.min(max, min * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Parses one SSE message; anything that is not an event object is ignored (comments, heartbeats). */
export function parseEventData(data: string): UpshiftEvent | null {
  try {
    const v: unknown = JSON.parse(data);
    if (typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string') return v as UpshiftEvent;
  } catch {
    // ignore
  }
  return null;
}

export class EventStream {
  private source: EventSourceLike | null = null;
  private listeners = new Set<(e: UpshiftEvent) => void>();
  private connectionListeners = new Set<(c: ConnectionChange) => void>();
  private attempt = 0;
  private timer: unknown = null;
  private lost = false;
  private status: ConnectionStatus = 'connecting';
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (h: unknown) => void;

  constructor(
    private readonly url: string,
    private readonly factory: EventSourceFactory,
    private readonly opts: EventStreamOptions = {},
  ) {
    this.setTimer = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.clearTimer = opts.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  subscribe(listener: (e: UpshiftEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.shutdown();
    };
  }

  onConnection(listener: (c: ConnectionChange) => void): () => void {
    this.connectionListeners.add(listener);
    listener({ status: this.status, reconnected: false });
    return () => this.connectionListeners.delete(listener);
  }

  private setStatus(status: ConnectionStatus, reconnected = false): void {
    this.status = status;
    for (const l of this.connectionListeners) l({ status, reconnected });
  }

  private open(): void {
    this.timer = null;
    let source: EventSourceLike;
    try {
      source = this.factory(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.source = source;
    source.onopen = () => {
      if (this.source !== source) return;
      const reconnected = this.lost;
      this.lost = false;
      this.attempt = 0;
      this.setStatus('open', reconnected);
    };
    source.onmessage = (ev) => {
      if (this.source !== source) return;
      const event = typeof ev.data === 'string' ? parseEventData(ev.data) : null;
      if (!event) return;
      for (const l of [...this.listeners]) l(event);
    };
    source.onerror = () => {
      if (this.source !== source) return;
      source.close();
      this.source = null;
      this.scheduleReconnect();
    };
  }

  /** Skips the rest of the backoff wait: used when the user pressed Retry and the server answered again. */
  reconnectNow(): void {
    if (this.timer === null || this.listeners.size === 0) return;
    this.clearTimer(this.timer);
    this.open();
  }

  private scheduleReconnect(): void {
    if (this.listeners.size === 0) return;
    this.lost = true;
    this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt++, this.opts.minDelayMs, this.opts.maxDelayMs, this.opts.random);
    this.timer = this.setTimer(() => this.open(), delay);
  }

  private shutdown(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
  }
}
