/**
 * The service's side of notification channels on a real checkout and a real receiver: an upgrade that succeeds and
 * one that fails (rolled back, naming the failing step) are enqueued when they end and delivered by the background
 * loop; a failing check goes out once per distinct failure; notifyChannels never shows a secret; testNotify sends now.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServices, coreFixture, openService, rejection } from './helpers/service.js';
import { waitFor } from './helpers/cli.js';

const received: Array<{ key: string; body: Record<string, unknown> }> = [];
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ key: String(req.headers['idempotency-key']), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(closeServices);

describe('notification channels in the service', () => {
  it('upgraded and rolled back (with the failing step) reach the channel; the URL is shown redacted; a test goes out now', async () => {
    received.length = 0;
    const fx = coreFixture();
    const url = `json://127.0.0.1:${port}/hooks/T0psecretPath?events=upgraded,rolled_back,rollback_failed`;
    const h = await openService({ env: { UPSHIFT_NOTIFY_URLS: url } });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();

    await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await h.service.idle();
    await h.service.startUpgrade({ project: 'core', to: '1.2.0', confirmManual: true });
    await h.service.idle();
    // The loop runs on the service's clock: advance it past the rate limit's spacing.
    for (let i = 0; i < 5 && received.length < 2; i++) {
      h.clock.advance(2_000);
      await h.service.channels.loop.tick();
    }
    await waitFor(() => received.length >= 2, 10_000, 'two notifications');
    expect(received.map((r) => [r.body.type, r.body.project, r.body.from, r.body.to])).toEqual([
      ['upgraded', 'core', '1.0.0', '1.1.0'],
      ['rolled_back', 'core', '1.1.0', '1.2.0'],
    ]);
    expect(received[1]!.body).toMatchObject({ step: 'smoke' });
    expect(String(received[1]!.body.error)).toContain('`sh smoke.sh` exited with code 1');

    const overview = await h.service.notifyChannels({});
    expect(overview.channels).toHaveLength(1);
    expect(overview.channels[0]).toMatchObject({ kind: 'webhook', origin: 'env', state: 'ok', pending: 0, redacted: `json://127.0.0.1:${port}/hooks/***` });
    expect(JSON.stringify(overview)).not.toContain('T0psecretPath');
    expect(JSON.stringify(await h.service.getState({}))).not.toContain('T0psecretPath');

    const { results } = await h.service.testNotify({});
    expect(results).toMatchObject([{ ok: true, kind: 'webhook' }]);
    expect(received.at(-1)!.body.type).toBe('test');
    const unknown = await rejection(h.service.testNotify({ channel: 'nope' }));
    expect(unknown.code).toBe('NOTIFY_CHANNEL_UNKNOWN');
    expect(unknown.message).not.toContain('T0psecretPath');
  });
});
