/**
 * `/metrics` over real upgrades and rollbacks run by the service, served by the real host server, parsed by a real
 * Prometheus text-format parser; counts survive a restart (they come from the history); who may scrape.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostServer, type HostServer } from '../electron/host/index.js';
import { createMetricsHandler } from '../electron/host/metrics.js';
import { recordRateLimit } from '../electron/core/telemetry/index.js';
import { closeServices, coreFixture, openService, type ServiceHarness } from './helpers/service.js';

interface Sample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

const servers: HostServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await closeServices();
});

async function serveMetrics(h: ServiceHarness, opts: { noAuth?: boolean; scrapeToken?: string } = {}): Promise<HostServer> {
  const server = await createHostServer({
    api: h.service,
    staticDir: null,
    metrics: createMetricsHandler({ sources: () => h.service.metricsSources(), allowLoopbackWithoutToken: opts.noAuth ?? false, tokens: opts.scrapeToken ? [opts.scrapeToken] : [] }),
  });
  servers.push(server);
  return server;
}

function scrape(server: HostServer, token: string | null): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function metrics(server: HostServer): Promise<Map<string, Family> & { text: string }> {
  const r = await scrape(server, server.token);
  expect(r.status).toBe(200);
  expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
  // The parser throws on any line that is not valid exposition format.
  return Object.assign(new Map((parsePrometheusTextFormat(r.body) as Family[]).map((f) => [f.name, f])), { text: r.body });
}

/**
 * One series of a histogram, from the exposition lines: the parser merges a labelled histogram's series into one
 * (it keeps the buckets, drops the labels, _count and _sum), so those are read from the validated text itself.
 */
function histogram(text: string, name: string, project: string): { count: number; sum: number; inf: number } {
  const line = (suffix: string, extra = '') => {
    const found = text.split('\n').find((l) => l.startsWith(`${name}_${suffix}{`) && l.includes(`project="${project}"`) && l.includes(extra));
    return Number(found?.split(' ').pop());
  };
  return { count: line('count'), sum: line('sum'), inf: line('bucket', 'le="+Inf"') };
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string>): number | undefined {
  const f = families.get(name);
  const m = f?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m?.value === undefined ? undefined : Number(m.value);
}

async function upgrade(h: ServiceHarness, to: string): Promise<void> {
  await h.service.startUpgrade({ project: 'core', to });
  await h.service.idle();
}

describe('/metrics', () => {
  it('counts real upgrades, rollbacks and failures from the history, keeps them across a restart, and shows checks and the outbox', async () => {
    const fx = coreFixture();
    let h = await openService();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.checkNow({});
    await upgrade(h, '1.2.0'); // smoke fails: rolled back
    await upgrade(h, '1.1.0'); // succeeds
    const ops = h.service.engine.store.listOperations({ project: 'core' });
    const up = ops.find((o) => o.kind === 'upgrade' && o.status === 'succeeded')!;
    await h.service.rollback({ project: 'core', to: up.id });
    await h.service.idle();
    recordRateLimit('api.github.com', { 'x-ratelimit-remaining': '4321', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': '1900000000' });

    let server = await serveMetrics(h);
    const before = await metrics(server);
    expect(before.get('upshift_upgrades_total')!.type).toBe('COUNTER');
    expect(value(before, 'upshift_upgrades_total', { project: 'core', result: 'succeeded' })).toBe(1);
    expect(value(before, 'upshift_upgrades_total', { project: 'core', result: 'rolled_back' })).toBe(1);
    expect(value(before, 'upshift_rollbacks_total', { project: 'core', trigger: 'automatic' })).toBe(1);
    expect(value(before, 'upshift_rollbacks_total', { project: 'core', trigger: 'manual' })).toBe(1);
    const hist = before.get('upshift_upgrade_duration_seconds')!;
    expect(hist.type).toBe('HISTOGRAM');
    expect(hist.metrics[0]!.buckets!['+Inf']).toBe('2');
    const core = histogram(before.text, 'upshift_upgrade_duration_seconds', 'core');
    expect(core.count).toBe(2);
    expect(core.inf).toBe(2);
    expect(core.sum).toBeGreaterThan(0);
    expect(value(before, 'upshift_pending_updates', { project: 'core' })).toBeGreaterThanOrEqual(1);
    const lastCheck = value(before, 'upshift_last_successful_check_timestamp_seconds', { project: 'core' })!;
    expect(lastCheck).toBeGreaterThan(1_600_000_000);
    expect(value(before, 'upshift_check_failing', { project: 'core' })).toBe(0);
    expect(value(before, 'upshift_notify_outbox_depth', { channel: 'all' })).toBe(0);
    expect(value(before, 'upshift_github_rate_limit_remaining', { host: 'api.github.com' })).toBe(4321);
    // Every metric the Grafana dashboard queries is one /metrics exposes.
    const dashboard = readFileSync(new URL('../docs/grafana-upshift.json', import.meta.url), 'utf8');
    const queried = new Set([...dashboard.matchAll(/upshift_[a-z_]+/g)].map((m) => m[0].replace(/_bucket$/, '')).filter((n) => n !== 'upshift'));
    expect(queried.size).toBeGreaterThan(5);
    for (const name of queried) expect(before.has(name), name).toBe(true);

    // A restart: a new service and server on the same state directory report the same totals.
    await server.close();
    h = await h.reopen();
    server = await serveMetrics(h);
    const after = await metrics(server);
    for (const [name, labels] of [
      ['upshift_upgrades_total', { project: 'core', result: 'succeeded' }],
      ['upshift_upgrades_total', { project: 'core', result: 'rolled_back' }],
      ['upshift_rollbacks_total', { project: 'core', trigger: 'manual' }],
    ] as const) {
      expect(value(after, name, labels)).toBe(value(before, name, labels));
    }
    expect(histogram(after.text, 'upshift_upgrade_duration_seconds', 'core').count).toBe(2);

    // Another upgrade after the restart counts on top (counters never go back).
    await upgrade(h, '1.1.0');
    expect(value(await metrics(server), 'upshift_upgrades_total', { project: 'core', result: 'succeeded' })).toBe(2);

    // A failing check keeps the time of the last good one.
    const { rmSync } = await import('node:fs');
    rmSync(fx.remote, { recursive: true, force: true });
    await h.service.checkNow({});
    const failing = await metrics(server);
    expect(value(failing, 'upshift_check_failing', { project: 'core' })).toBe(1);
    expect(value(failing, 'upshift_last_successful_check_timestamp_seconds', { project: 'core' })).toBeGreaterThanOrEqual(lastCheck);
  });

  it('refuses scrapes without the token (401) unless loopback scrapes are enabled; accepts the read-only scrape token', async () => {
    const h = await openService();
    const scrapeToken = 'metrics-only-token-0123456789abcdefghijklmnop';
    const strict = await serveMetrics(h, { scrapeToken });
    const refused = await scrape(strict, null);
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('UNAUTHORIZED');
    expect((await scrape(strict, 'wrong-token-wrong-token-wrong-token-123')).status).toBe(401);
    expect((await scrape(strict, scrapeToken)).status).toBe(200);
    expect((await scrape(strict, strict.token)).status).toBe(200);
    // The scrape token opens /metrics only, not the API.
    const api = await fetch(`${strict.url}/api/getState`, { method: 'POST', headers: { authorization: `Bearer ${scrapeToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);

    const open = await serveMetrics(h, { noAuth: true });
    const anonymous = await scrape(open, null);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toContain('# TYPE upshift_upgrades_total counter');
    // A wrong token is still refused: no token is the only way in without one.
    expect((await scrape(open, 'wrong-token-wrong-token-wrong-token-123')).status).toBe(401);
  });
});
