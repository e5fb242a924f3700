import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthCheckSpec } from '../manifest/types.js';
import { HealthFailure, probeHttp, runHealthCheck, statusMatcher, watchHealth } from './index.js';

const servers: Array<http.Server | net.Server> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(null)))));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const noExec = async () => {
  throw new Error('no exec here');
};

function httpCheck(url: string, extra: Partial<Extract<HealthCheckSpec, { type: 'http' }>> = {}): HealthCheckSpec {
  return { type: 'http', url, expectStatus: '200-399', retries: 3, backoffMs: 10, timeoutMs: 1000, ...extra };
}

describe('statusMatcher', () => {
  it.each<[number | string, number, boolean]>([
    ['200-399', 200, true],
    ['200-399', 302, true],
    ['200-399', 404, false],
    [204, 204, true],
    [204, 200, false],
    ['200,204', 204, true],
    ['200, 500-599', 503, true],
  ])('%s admits %d: %s', (expect_, status, ok) => {
    expect(statusMatcher(expect_)(status)).toBe(ok);
  });
});

describe('http', () => {
  it('retries with exponential backoff until the endpoint is healthy', async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      res.statusCode = hits < 3 ? 503 : 200;
      res.end('ok');
    });
    const waits: number[] = [];
    await runHealthCheck(httpCheck(url, { backoffMs: 100 }), { exec: noExec, sleep: async (ms) => void waits.push(ms) });
    expect(hits).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('fails after its retries, saying what it saw', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const err = await runHealthCheck(httpCheck(`${url}/health`, { retries: 1 }), { exec: noExec }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HealthFailure);
    expect((err as Error).message).toBe(`http ${url}/health failed 2 time(s): HTTP 500, expected 200-399`);
  });

  it('never follows a redirect (a redirect off-host is judged by its status)', async () => {
    let elsewhere = 0;
    const other = await serve((_req, res) => {
      elsewhere++;
      res.end();
    });
    const url = await serve((_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', `${other.replace('127.0.0.1', 'localhost')}/x`);
      res.end();
    });
    expect(await probeHttp(url, { timeoutMs: 1000, expectStatus: 200 })).toMatchObject({ ok: false, status: 302 });
    expect(elsewhere).toBe(0);
  });

  it('times out a server that never answers', async () => {
    const url = await serve(() => {});
    const r = await probeHttp(url, { timeoutMs: 150, expectStatus: 200 });
    expect(r).toEqual({ ok: false, status: null, detail: 'timed out after 150 ms' });
  });
});

describe('tcp and exec', () => {
  it('tcp passes on an open port and fails on a closed one', async () => {
    const server = net.createServer((s) => s.end());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    await runHealthCheck({ type: 'tcp', host: '127.0.0.1', port, timeoutMs: 1000 }, { exec: noExec });
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(runHealthCheck({ type: 'tcp', host: '127.0.0.1', port: closedPort, timeoutMs: 1000 }, { exec: noExec })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('exec reports the command failure', async () => {
    const exec = async (command: string) => {
      if (command !== 'true') throw new Error('`false` exited with code 1');
    };
    await runHealthCheck({ type: 'exec', command: 'true', timeoutSeconds: 5 }, { exec });
    await expect(runHealthCheck({ type: 'exec', command: 'false', timeoutSeconds: 5 }, { exec })).rejects.toThrow('exec `false` failed: `false` exited with code 1');
  });
});

describe('watchHealth', () => {
  it('keeps checking through the window and fails when the endpoint turns bad', async () => {
    const started = Date.now();
    const url = await serve((_req, res) => {
      res.statusCode = Date.now() - started > 300 ? 500 : 200;
      res.end();
    });
    const err = await watchHealth([httpCheck(url)], { seconds: 2, intervalSeconds: 0.1 as number }, { exec: noExec }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HealthFailure);
    expect((err as Error).message).toMatch(/HTTP 500.*s into the 2 s watch window/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('passes when the checks hold for the whole window', async () => {
    const url = await serve((_req, res) => res.end());
    const rounds = await watchHealth([httpCheck(url)], { seconds: 0.3, intervalSeconds: 0.1 }, { exec: noExec });
    expect(rounds).toBeGreaterThanOrEqual(3);
  });
});
