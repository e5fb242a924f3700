/**
 * The outbox and its delivery loop against a real webhook receiver on 127.0.0.1: failures retried with backoff and
 * jitter, Retry-After honoured, a restart of Upshift in between (nothing lost, nothing sent twice), a dead owner's
 * claim taken over, the per-channel rate limit, the daily digest, giving up after 24 h (channel unhealthy), and the
 * HMAC signature checked by the receiver. Time and randomness are the only things replaced.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyHub } from '../electron/core/notify/hub.js';
import { BACKOFF_BASE_MS, GIVE_UP_AFTER_MS } from '../electron/core/notify/delivery.js';
import { ManualClock } from '../electron/core/service/clock.js';
import { StateStore } from '../electron/core/state/index.js';
import { makeTempDir } from './helpers/repos.js';

interface Received {
  key: string;
  status: number;
  body: Record<string, unknown>;
  signatureOk: boolean;
  headers: http.IncomingHttpHeaders;
}

const SECRET = 'hm4c-s3cret';

/** A webhook receiver: answers from `script` in order (then 200), checks each body's HMAC signature. */
async function receiver(script: Array<{ status: number; headers?: Record<string, string> }> = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-upshift-signature-256'] ?? ''));
      const step = script.shift() ?? { status: 200 };
      received.push({
        key: String(req.headers['idempotency-key']),
        status: step.status,
        body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
        signatureOk: given.length === expected.length && timingSafeEqual(given, expected),
        headers: req.headers,
      });
      res.writeHead(step.status, { 'content-type': 'text/plain', ...step.headers });
      res.end(step.status >= 400 ? `failure at /hook/${SECRET}` : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    received,
    /** Keys the receiver accepted (2xx), in order. */
    delivered: () => received.filter((r) => r.status < 300).map((r) => r.key),
    script,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let home: string;
let clock: ManualClock;
const stores: StateStore[] = [];
const closers: Array<() => Promise<void>> = [];

function open(urls: string[]): { hub: NotifyHub; store: StateStore } {
  const store = StateStore.open(home);
  stores.push(store);
  const hub = new NotifyHub({ db: store.database, clock, random: () => 0.5, sources: { settings: () => urls, env: {}, manifest: () => [], projects: () => [] } });
  return { hub, store };
}

beforeEach(() => {
  home = makeTempDir('upshift-notify-');
  clock = new ManualClock('2026-03-02T08:00:00.000Z');
});
afterEach(async () => {
  for (const s of stores.splice(0)) s.close();
  for (const c of closers.splice(0)) await c();
});

const event = (id: string) => ({ id, type: 'upgraded' as const, project: 'core', from: '1.0.0', to: '1.1.0', version: '1.1.0', title: `core upgraded (${id})`, body: 'core is on 1.1.0' });

describe('notification outbox and delivery', () => {
  it('retries with backoff and Retry-After, survives a restart, and delivers each message exactly once, signed', async () => {
    const rx = await receiver([{ status: 500 }, { status: 429, headers: { 'retry-after': '120' } }]);
    closers.push(rx.close);
    const url = `json://127.0.0.1:${rx.port}/hook/${SECRET}?secret=${SECRET}`;
    let { hub, store } = open([url]);
    const t0 = clock.now();
    expect(hub.emit(event('evt1'))).toBe(1);
    clock.advance(10);
    expect(hub.emit(event('evt2'))).toBe(1);
    expect(hub.emit(event('evt1'))).toBe(0); // the same event again: one message, by its key

    // evt1 → 500: retried after the first backoff, 10 s × (½ + ½·0.5) = 7.5 s.
    expect(await hub.loop.tick()).toBe(0);
    expect(rx.received.map((r) => [r.body.id, r.status])).toEqual([['evt1', 500]]);
    const afterFirst = hub.outbox.rows();
    expect(afterFirst.map((r) => [r.status, r.attempts])).toEqual([['pending', 1], ['pending', 0]]);
    expect(afterFirst[0]!.due_at - clock.now()).toBe(BACKOFF_BASE_MS * 0.75);
    expect(afterFirst[0]!.last_error).toBe('HTTP 500: failure at /hook/***');

    // The rate limit (30 a minute) holds the channel 2 s; then evt2 → 429 with Retry-After: 120.
    clock.advance(1000);
    expect(await hub.loop.tick()).toBe(0);
    expect(rx.received).toHaveLength(1);
    clock.advance(1000);
    await hub.loop.tick();
    expect(rx.received.map((r) => [r.body.id, r.status])).toEqual([['evt1', 500], ['evt2', 429]]);
    expect(hub.health()[0]).toMatchObject({ state: 'retrying', pending: 2, gaveUp: 0, lastError: 'HTTP 429: failure at /hook/***' });

    // Retry-After speaks for the channel: evt1 is due (7.5 s) but nothing goes out for 120 s.
    clock.advance(10_000);
    await hub.loop.tick();
    expect(rx.received).toHaveLength(2);

    // Upshift restarts: a new process opens the same state.
    store.close();
    ({ hub, store } = open([url]));
    expect(hub.outbox.depth()).toBe(2);
    clock.advance(110_000);
    expect(await hub.loop.tick()).toBe(1);
    clock.advance(2000);
    expect(await hub.loop.tick()).toBe(1);
    clock.advance(60_000);
    expect(await hub.loop.tick()).toBe(0);

    expect(rx.delivered()).toEqual([`evt1:${hub.health()[0]!.id}`, `evt2:${hub.health()[0]!.id}`]);
    expect(new Set(rx.received.map((r) => r.key)).size).toBe(2);
    expect(rx.received.every((r) => r.signatureOk)).toBe(true);
    expect(rx.received[2]!.body).toMatchObject({ source: 'upshift', type: 'upgraded', project: 'core', from: '1.0.0', to: '1.1.0', title: 'core upgraded (evt1)' });
    expect(hub.outbox.rows().map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(hub.health()[0]).toMatchObject({ state: 'ok', pending: 0, lastError: null, redacted: `json://127.0.0.1:${rx.port}/hook/***?secret=***` });
    expect(clock.now() - t0).toBeGreaterThan(120_000);
  });

  it('takes over a message claimed by a process that died, once its lease has run out, with the same key', async () => {
    const rx = await receiver();
    closers.push(rx.close);
    const url = `json://127.0.0.1:${rx.port}/in`;
    const { hub } = open([url]);
    hub.emit(event('evt-crash'));
    // Another process claimed it and died before sending.
    expect(hub.outbox.claim(clock.now(), '999999:dead', 120_000)).toHaveLength(1);
    expect(await hub.loop.tick()).toBe(0);
    expect(rx.received).toHaveLength(0);
    clock.advance(120_001);
    expect(await hub.loop.tick()).toBe(1);
    expect(rx.delivered()).toEqual([`evt-crash:${hub.health()[0]!.id}`]);
    clock.advance(300_000);
    await hub.loop.tick();
    expect(rx.received).toHaveLength(1);
  });

  it('sends at most `rate` messages a minute to a channel, and a digest channel once a day with every event in it', async () => {
    const rx = await receiver();
    closers.push(rx.close);
    const { hub } = open([`json://127.0.0.1:${rx.port}/slow?rate=2`, `json://127.0.0.1:${rx.port}/daily?digest=18:30`]);
    for (const id of ['a', 'b', 'c']) hub.emit(event(id));
    const sentAt: number[] = [];
    for (let i = 0; i < 8 && sentAt.length < 3; i++) {
      if ((await hub.loop.tick()) > 0) sentAt.push(clock.now());
      clock.advance(15_000);
    }
    const slow = rx.received.filter((r) => r.headers['x-upshift-event'] && !r.body.events);
    expect(slow.map((r) => r.body.id)).toEqual(['a', 'b', 'c']);
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(30_000);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(30_000);

    // The digest: nothing until 18:30 local time, then one message with the three events.
    const digestRows = hub.outbox.rows().filter((r) => r.digest === 1);
    expect(digestRows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    const due = digestRows[0]!.due_at;
    expect(new Date(due).getHours()).toBe(18);
    expect(new Date(due).getMinutes()).toBe(30);
    clock.advance(due - clock.now());
    expect(await hub.loop.tick()).toBe(3);
    const digest = rx.received.find((r) => Array.isArray(r.body.events))!;
    expect(digest.body.title).toBe('Upshift daily digest: 3 events');
    expect((digest.body.events as Array<{ id: string }>).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(hub.outbox.rows().filter((r) => r.digest === 1).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('gives up after 24 h of failures and marks the channel unhealthy until a delivery succeeds; a 4xx is given up at once', async () => {
    const rx = await receiver(Array.from({ length: 100 }, () => ({ status: 503 })));
    closers.push(rx.close);
    const url = `json://127.0.0.1:${rx.port}/hook/${SECRET}`;
    const { hub } = open([url]);
    const t0 = clock.now();
    hub.emit(event('doomed'));
    let attempts = 0;
    for (;;) {
      await hub.loop.tick();
      attempts++;
      const row = hub.outbox.rows()[0]!;
      if (row.status !== 'pending') break;
      clock.advance(Math.max(row.due_at - clock.now(), 2000));
    }
    const row = hub.outbox.rows()[0]!;
    expect(row.status).toBe('gave_up');
    expect(row.last_error).toBe('HTTP 503: failure at /hook/*** (undelivered for 24 h: given up)');
    expect(clock.now() - t0).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
    expect(clock.now() - t0).toBeGreaterThan(GIVE_UP_AFTER_MS - 3600_000);
    expect(attempts).toBe(rx.received.length);
    // Backoff grew from 7.5 s to the 1 h cap (× the fixed jitter 0.75): about 40 attempts in 24 h, not thousands.
    expect(attempts).toBeGreaterThan(30);
    expect(attempts).toBeLessThan(45);
    const health = hub.health()[0]!;
    expect(health).toMatchObject({ state: 'unhealthy', gaveUp: 1, pending: 0 });
    expect(JSON.stringify(health)).not.toContain(SECRET);

    // A failed test keeps it unhealthy (the error redacted); one that gets through makes it healthy again.
    const [stillDown] = await hub.test();
    expect(stillDown).toMatchObject({ ok: false, error: 'HTTP 503: failure at /hook/***' });
    expect(hub.health()[0]!.state).toBe('unhealthy');
    rx.script.length = 0;
    const [up] = await hub.test();
    expect(up).toMatchObject({ ok: true, error: null });
    expect(hub.health()[0]).toMatchObject({ state: 'ok', gaveUp: 0 });
    expect(rx.received.at(-1)!.body).toMatchObject({ type: 'test', title: 'Upshift test notification' });

    const refused = await receiver([{ status: 404 }]);
    closers.push(refused.close);
    const h2 = open([`json://127.0.0.1:${refused.port}/gone`]).hub;
    h2.emit(event('gone'));
    await h2.loop.tick();
    expect(h2.outbox.rows().find((r) => r.project === 'core' && r.status === 'gave_up' && r.last_error?.startsWith('HTTP 404'))).toBeTruthy();
    expect(h2.health().find((c) => c.redacted.includes(String(refused.port)))).toMatchObject({ state: 'unhealthy' });
    expect(refused.received).toHaveLength(1);
  });

  it('a flush gives up on a receiver that never answers within its budget, hands the message back, and never throws', async () => {
    const hang = http.createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => {
      hang.closeAllConnections();
      hang.close(() => r());
    }));
    const { hub } = open([`json://127.0.0.1:${(hang.address() as AddressInfo).port}/in`]);
    hub.emit(event('slow'));
    const started = Date.now();
    expect(await hub.flush(500)).toBe(0);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(hub.outbox.rows().map((r) => [r.status, r.attempts])).toEqual([['pending', 0]]);
  });
});
