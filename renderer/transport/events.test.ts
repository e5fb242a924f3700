import { describe, expect, it } from 'vitest';
import { EventStream, backoffDelay, parseEventData, type EventSourceLike } from './events.js';
import type { ConnectionChange } from './types.js';
import type { UpshiftEvent } from '../../shared/api/contract.js';

class FakeSource implements EventSourceLike {
  onopen: EventSourceLike['onopen'] = null;
  onmessage: EventSourceLike['onmessage'] = null;
  onerror: EventSourceLike['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({} as Event);
  }
  send(data: string) {
    this.onmessage?.({ data } as MessageEvent);
  }
  fail() {
    this.onerror?.({} as Event);
  }
}

function setup() {
  const sources: FakeSource[] = [];
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const stream = new EventStream(
    'http://h/api/events?token=t',
    (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    {
      setTimeout: (fn, ms) => {
        const t = { fn, ms, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimeout: (h) => {
        (h as { cleared: boolean }).cleared = true;
      },
      random: () => 0.5,
    },
  );
  return { stream, sources, timers };
}

describe('EventStream', () => {
  it('delivers parsed events and ignores junk', () => {
    const { stream, sources } = setup();
    const got: UpshiftEvent[] = [];
    stream.subscribe((e) => got.push(e));
    sources[0]!.open();
    sources[0]!.send(JSON.stringify({ type: 'history-changed' }));
    sources[0]!.send('not json');
    sources[0]!.send('42');
    expect(got).toEqual([{ type: 'history-changed' }]);
  });

  it('reconnects with growing backoff and reports the reconnect', () => {
    const { stream, sources, timers } = setup();
    const changes: ConnectionChange[] = [];
    stream.onConnection((c) => changes.push(c));
    stream.subscribe(() => {});
    sources[0]!.open();
    sources[0]!.fail();
    expect(sources[0]!.closed).toBe(true);
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    timers[0]!.fn();
    sources[1]!.fail();
    expect(timers.map((t) => t.ms)).toEqual([1000, 2000]);
    timers[1]!.fn();
    sources[2]!.open();
    expect(changes.map((c) => `${c.status}${c.reconnected ? '+' : ''}`)).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'open+']);
    // A new failure after a good connection starts the backoff again.
    sources[2]!.fail();
    expect(timers.at(-1)!.ms).toBe(1000);
  });

  it('closes when the last subscriber leaves and ignores late callbacks', () => {
    const { stream, sources, timers } = setup();
    const got: UpshiftEvent[] = [];
    const off = stream.subscribe((e) => got.push(e));
    sources[0]!.fail();
    off();
    expect(timers[0]!.cleared).toBe(true);
    const again = stream.subscribe((e) => got.push(e));
    sources[0]!.send(JSON.stringify({ type: 'history-changed' }));
    expect(got).toEqual([]);
    sources[1]!.send(JSON.stringify({ type: 'history-changed' }));
    expect(got).toHaveLength(1);
    again();
    expect(sources[1]!.closed).toBe(true);
  });
});

describe('helpers', () => {
  it('backoff doubles up to the cap with ±20% jitter', () => {
    expect(backoffDelay(0, 1000, 30_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, 1000, 30_000, () => 0.5)).toBe(8000);
    expect(backoffDelay(20, 1000, 30_000, () => 0.5)).toBe(30_000);
    expect(backoffDelay(0, 1000, 30_000, () => 0)).toBe(800);
    expect(backoffDelay(0, 1000, 30_000, () => 1)).toBe(1200);
  });
  it('parses only event objects', () => {
    expect(parseEventData('{"type":"history-changed"}')).toEqual({ type: 'history-changed' });
    expect(parseEventData('{"no":"type"}')).toBeNull();
    expect(parseEventData('')).toBeNull();
  });
});
