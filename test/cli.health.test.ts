import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HistoryResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness, waitFor, type CliResult } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(null)))));
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

/** core at v1.0.0 with 1.1.0 on the remote; `manifest` is its upshift.yml. */
function fixture(manifest: string) {
  return createRemoteWithReleases({
    initialFiles: { 'upshift.yml': manifest, 'app.txt': 'v0\n', 'smoke.sh': 'echo ok\n' },
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n', 'smoke.sh': 'echo broken; exit 1\n' } },
    ],
    checkout: 'v1.0.0',
  });
}

/** Runs the CLI without blocking this process's event loop (the health servers live here). */
async function runAsync(cli: CliHarness, ...args: string[]): Promise<CliResult> {
  return cli.start(...args).done;
}

function stepStatuses(r: CliResult) {
  return r.json<OperationResult>().operation.steps.map((s) => [s.id, s.status]);
}

describe('health checks', () => {
  it('an http endpoint that answers 200 lets the upgrade succeed; the plan shows the step', async () => {
    let hits = 0;
    const port = await listen(
      http.createServer((req, res) => {
        hits++;
        res.statusCode = req.url === '/health' ? 200 : 404;
        res.end('ok');
      }),
    );
    const fx = fixture(`health:\n  - type: http\n    url: http://127.0.0.1:${port}/health\n    timeoutMs: 2000\n`);
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const plan = (await runAsync(cli, 'plan', 'core', '--to', '1.1.0', '--json')).json<UpgradePlan>();
    expect(plan.steps.find((s) => s.id === 'health')?.title).toBe(`Health checks: http http://127.0.0.1:${port}/health`);
    const up = await runAsync(cli, 'upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(stepStatuses(up)).toContainEqual(['health', 'succeeded']);
    expect(hits).toBe(1);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
  });

  it('an endpoint that turns bad inside the watch window rolls the upgrade back', async () => {
    let firstHit: number | null = null;
    const port = await listen(
      http.createServer((_req, res) => {
        firstHit ??= Date.now();
        res.statusCode = Date.now() - firstHit > 1000 ? 500 : 200;
        res.end();
      }),
    );
    const fx = fixture(
      `health:\n  - type: http\n    url: http://127.0.0.1:${port}/\n    retries: 1\n    backoffMs: 50\nwatch:\n  seconds: 3\n  intervalSeconds: 1\n`,
    );
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const before = git(fx.work, 'rev-parse', 'HEAD');
    const up = await runAsync(cli, 'upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(up.code).toBe(1);
    const op = up.json<OperationResult>().operation;
    expect(op.status).toBe('rolled_back');
    expect(stepStatuses(up)).toEqual(expect.arrayContaining([['health', 'succeeded'], ['watch', 'failed'], ['rollback', 'succeeded'], ['finalize', 'skipped']]));
    const watch = op.steps.find((s) => s.id === 'watch')!;
    expect(watch.error).toMatch(new RegExp(`http http://127\\.0\\.0\\.1:${port}/ failed 1 time\\(s\\): HTTP 500, expected 200-399 \\(.* s into the 3 s watch window`));
    expect(op.error).toContain('Step "watch" failed');
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(fx.work, 'branch', '--show-current')).toBe('main');
  });

  it('tcp and exec checks: passing ones let it through, a failing exec rolls back with its output', async () => {
    const port = await listen(net.createServer((s) => s.end()));
    const good = fixture(`health:\n  - type: tcp\n    host: 127.0.0.1\n    port: ${port}\n  - type: exec\n    command: grep -q 1.1.0 app.txt\n`);
    const cli = new CliHarness();
    cli.run('add', good.work, '--name', 'good');
    const ok = await runAsync(cli, 'upgrade', 'good', '--to', '1.1.0', '--yes', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(stepStatuses(ok)).toContainEqual(['health', 'succeeded']);

    const bad = fixture(`health:\n  - type: tcp\n    host: 127.0.0.1\n    port: ${port}\n  - type: exec\n    command: echo "service not ready"; exit 7\n`);
    cli.run('add', bad.work, '--name', 'bad');
    const ko = await runAsync(cli, 'upgrade', 'bad', '--to', '1.1.0', '--yes', '--json');
    expect(ko.code).toBe(1);
    const op = ko.json<OperationResult>().operation;
    const health = op.steps.find((s) => s.id === 'health')!;
    expect(health.status).toBe('failed');
    expect(health.error).toMatch(/exec `echo "service not ready"; exit 7` failed/);
    expect(health.outputExcerpt).toContain('service not ready');
    expect(git(bad.work, 'rev-parse', 'HEAD')).toBe(bad.sha('v1.0.0'));

    // A closed port fails the tcp check.
    const closedPort = port;
    await new Promise((r) => servers.pop()!.close(r));
    const cli2 = new CliHarness();
    const third = fixture(`health:\n  - type: tcp\n    host: 127.0.0.1\n    port: ${closedPort}\n    timeoutMs: 1000\n`);
    cli2.run('add', third.work, '--name', 'third');
    const r = await runAsync(cli2, 'upgrade', 'third', '--to', '1.1.0', '--yes', '--json');
    expect(r.code).toBe(1);
    expect(r.json<OperationResult>().operation.steps.find((s) => s.id === 'health')!.error).toMatch(/tcp 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);
  });
});

describe('crash inside the watch window', () => {
  it('is rolled back by recovery: the checks had not all passed yet', async () => {
    const counter = join(makeTempDir('upshift-mark-'), 'rounds');
    const fx = fixture(`health:\n  - type: exec\n    command: echo round >> ${counter}\nwatch:\n  seconds: 120\n  intervalSeconds: 1\n`);
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const { child, done } = cli.start('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    // The first line is the health step; the second, a round of the watch.
    await waitFor(() => existsSync(counter) && readFileSync(counter, 'utf8').split('\n').length > 2, 20_000, 'a watch round');
    child.kill('SIGKILL');
    await done;
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));

    const hist = cli.run('history', '--json');
    expect(hist.stderr).toMatch(/Recovered interrupted operation/);
    const ops = hist.json<HistoryResult>().operations;
    const upgrade = ops.find((o) => o.kind === 'upgrade')!;
    expect(upgrade.status).not.toBe('succeeded');
    expect(ops.find((o) => o.kind === 'recovery')).toMatchObject({ status: 'succeeded', target: upgrade.id });
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.0.0'));
    expect(git(fx.work, 'branch', '--show-current')).toBe('main');
  });
});

describe('rollback-loop protection', () => {
  it('refuses a 4th upgrade after 3 automatic rollbacks within the hour; --force overrides', () => {
    const fx = fixture('smoke:\n  command: sh smoke.sh\n');
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    for (let i = 0; i < 3; i++) {
      const r = cli.run('upgrade', 'core', '--to', '1.2.0', '--yes', '--json');
      expect(r.code, r.stderr).toBe(1);
      expect(r.json<OperationResult>().operation.status).toBe('rolled_back');
    }
    const refused = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(refused.code).toBe(3);
    const err = refused.json<{ error: { code: string; message: string; details: { retryAfter: string } } }>().error;
    expect(err.code).toBe('ROLLBACK_LOOP');
    expect(err.message).toMatch(/^3 automatic rollbacks of core in the last hour; Upshift stops here .* fix the cause, then retry after \d\d:\d\d UTC or pass --force\.$/);
    expect(Date.parse(err.details.retryAfter) - Date.now()).toBeGreaterThan(3_500_000);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.0.0'));
    const human = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes');
    expect(human.stderr).toMatch(/3 automatic rollbacks of core in the last hour/);

    const forced = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
  });
});
