import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommand, type ParsedCommand } from '../electron/cli/args.js';
import { browserCommand, openBrowser } from '../electron/cli/open-browser.js';
import { serveCommand, type ServeDeps } from '../electron/cli/serve.js';
import { makeStyle } from '../electron/cli/format.js';
import type { HostServer } from '../electron/host/index.js';
import { CliHarness, waitFor } from './helpers/cli.js';
import { callApi, FakeApi, openSse, rawRequest } from './helpers/host.js';
import { createRemoteWithReleases, makeTempDir } from './helpers/repos.js';

const SERVE_LINE = /^Upshift dashboard: http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})$/;

class FakeService extends FakeApi {
  closed = 0;
  close(): void {
    this.closed++;
  }
}

function harness(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const service = new FakeService();
  const out: string[] = [];
  const err: string[] = [];
  const opened: string[] = [];
  let stop!: (signal: string) => void;
  let server: HostServer | undefined;
  const stopped = new Promise<string>((r) => (stop = r));
  const deps: ServeDeps = {
    openService: async () => service,
    staticDir: makeTempDir('upshift-renderer-'),
    stopSignal: () => stopped,
    openBrowser: (url) => opened.push(url),
    env,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    style: makeStyle(false),
    onListening: (s) => (server = s),
  };
  const cmd = parseCommand(['serve', ...argv]) as ParsedCommand;
  const done = serveCommand(cmd, deps);
  return { service, out, err, opened, deps, done, stop, server: () => server };
}

describe('upshift serve (in process)', () => {
  it('prints exactly one line with the URL and token, serves until stopped, then closes everything', async () => {
    const h = harness([]);
    await waitFor(() => h.out.length > 0, 5000, 'the dashboard line');
    expect(h.out).toHaveLength(1);
    const m = SERVE_LINE.exec(h.out[0]!);
    expect(m, h.out[0]).not.toBeNull();
    const [, port, token] = m!;
    const base = `http://127.0.0.1:${port}`;
    expect((await callApi(base, token!, 'getState')).status).toBe(200);
    expect((await callApi(base, null, 'getState')).status).toBe(401);
    expect(h.err.join('\n')).toMatch(/not built/);
    expect(h.opened).toEqual([]);
    h.stop('SIGTERM');
    await expect(h.done).resolves.toBe(0);
    expect(h.service.closed).toBe(1);
    expect(h.service.listeners.size).toBe(0);
    await expect(rawRequest(base, { path: '/' })).rejects.toThrow();
    expect(h.out).toHaveLength(1);
  });

  it('computes the state once before printing the URL, so the first page finds it warm; a failure there does not stop serve', async () => {
    const h = harness([]);
    await waitFor(() => h.out.length > 0, 5000, 'the dashboard line');
    expect(h.service.calls[0]).toEqual({ method: 'getState', input: {} });
    h.stop('SIGTERM');
    await h.done;

    const failing = harness([]);
    failing.service.handler = async () => {
      throw new Error('state.db is locked');
    };
    await waitFor(() => failing.out.length > 0, 5000, 'the dashboard line');
    expect(failing.err.join('\n')).toContain('reading the state before the first page failed (state.db is locked)');
    failing.stop('SIGTERM');
    await expect(failing.done).resolves.toBe(0);
  });

  it('serves the renderer folder it is given', async () => {
    const h = harness([]);
    writeFileSync(join(h.deps.staticDir, 'index.html'), '<!doctype html><title>built</title>');
    await waitFor(() => h.out.length > 0, 5000, 'the dashboard line');
    const port = SERVE_LINE.exec(h.out[0]!)![1];
    expect((await rawRequest(`http://127.0.0.1:${port}`, { path: '/' })).body).toContain('<title>built</title>');
    h.stop('SIGINT');
    await h.done;
  });

  it('uses --port, and --open opens the browser with the full URL', async () => {
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const h = harness(['--port', String(free), '--open']);
    await waitFor(() => h.out.length > 0, 5000, 'the dashboard line');
    expect(h.out[0]).toContain(`http://127.0.0.1:${free}/#token=`);
    expect(h.opened).toEqual([h.out[0]!.slice('Upshift dashboard: '.length)]);
    h.stop('SIGINT');
    await h.done;
  });

  it('takes its token from UPSHIFT_SERVE_TOKEN, and refuses a weak one before opening anything', async () => {
    const token = 'T'.repeat(48);
    const h = harness([], { UPSHIFT_SERVE_TOKEN: token });
    await waitFor(() => h.out.length > 0, 5000, 'the dashboard line');
    expect(h.out[0]).toMatch(new RegExp(`/#token=${token}$`));
    h.stop('SIGINT');
    await h.done;
    const weak = harness([], { UPSHIFT_SERVE_TOKEN: 'weak' });
    await expect(weak.done).rejects.toMatchObject({ code: 'BAD_TOKEN', category: 'usage' });
    expect(weak.service.closed).toBe(0);
  });

  it('warns when bound beyond loopback', async () => {
    const h = harness(['--host', '0.0.0.0']);
    await waitFor(() => h.out.length > 0, 5000, 'the dashboard line');
    expect(h.err.join('\n')).toMatch(/warning: listening on 0\.0\.0\.0, not loopback/);
    expect(h.out[0]).toMatch(SERVE_LINE);
    h.stop('SIGINT');
    await h.done;
    const local = harness(['--host', 'localhost']);
    await waitFor(() => local.out.length > 0, 5000, 'the dashboard line');
    expect(local.err.join('\n')).not.toMatch(/warning/);
    expect(local.out[0]).toMatch(/^Upshift dashboard: http:\/\/localhost:\d+\/#token=/);
    local.stop('SIGINT');
    await local.done;
  });

  it('refuses bad ports and hosts, and a port in use, as usage errors (closing the service)', async () => {
    // Flag values are checked by parseCommand, before serve opens anything (electron/cli/args.test.ts covers every flag).
    for (const port of ['abc', '-1', '65536', '1.5', '']) {
      expect(() => harness([`--port=${port}`]), port).toThrow(expect.objectContaining({ code: 'BAD_FLAG_VALUE', category: 'usage' }));
    }
    expect(() => harness(['--host', 'a b'])).toThrow(expect.objectContaining({ code: 'BAD_FLAG_VALUE' }));
    const first = harness([]);
    await waitFor(() => first.out.length > 0, 5000, 'the dashboard line');
    const taken = SERVE_LINE.exec(first.out[0]!)![1]!;
    const second = harness(['--port', taken]);
    await expect(second.done).rejects.toMatchObject({ code: 'PORT_IN_USE', category: 'usage' });
    expect(second.service.closed).toBe(1);
    first.stop('SIGINT');
    await first.done;
  });
});

describe('--open', () => {
  it('picks the platform opener, never a shell', () => {
    const url = 'http://127.0.0.1:1/#token=abc';
    expect(browserCommand(url, 'linux', {})).toEqual(['xdg-open', [url]]);
    expect(browserCommand(url, 'darwin', {})).toEqual(['open', [url]]);
    expect(browserCommand(url, 'win32', {})).toEqual(['rundll32.exe', ['url.dll,FileProtocolHandler', url]]);
    expect(browserCommand(url, 'linux', { BROWSER: '/usr/bin/firefox' })).toEqual(['/usr/bin/firefox', [url]]);
  });

  it('starts $BROWSER with the URL as one argument, and reports a missing one', async () => {
    const dir = makeTempDir('upshift-browser-');
    const script = join(dir, 'browser.sh');
    const log = join(dir, 'argv');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$#" "$1" > '${log}'\n`, { mode: 0o755 });
    const url = 'http://127.0.0.1:1/#token=abc;$(touch pwned)&x=`id`';
    const errors: string[] = [];
    openBrowser(url, (m) => errors.push(m), { ...process.env, BROWSER: script });
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').split('\n').length >= 3, 5000, 'the browser to run');
    expect(readFileSync(log, 'utf8')).toBe(`1\n${url}\n`);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    openBrowser(url, (m) => errors.push(m), { ...process.env, BROWSER: join(dir, 'missing-browser') });
    await waitFor(() => errors.length === 1, 5000, 'the error');
    expect(errors[0]).toMatch(/Could not start .*missing-browser/);
    expect(() => openBrowser('file:///etc/passwd', () => {})).toThrow(/non-HTTP/);
  });
});

describe('upshift serve (the built CLI)', () => {
  it('has help and refuses bad arguments with exit 2 before opening anything', () => {
    const cli = new CliHarness();
    const help = cli.run('serve', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('upshift serve [--port N] [--host 127.0.0.1] [--open]');
    expect(cli.run('--help').stdout).toMatch(/^ {2}serve /m);
    const bad = cli.run('serve', '--port', 'http');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/--port was given "http", which is not a port number; it expects a whole number from 0 to 65535/);
    expect(cli.run('serve', 'extra').code).toBe(2);
    expect(cli.run('serve', '--json').code).toBe(2);
  });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts the real `node dist/upshift.mjs serve` in its own UPSHIFT_HOME and waits for its one line. */
async function startServe(extraEnv: Record<string, string> = {}, ...args: string[]) {
  const cli = new CliHarness(extraEnv);
  const proc = cli.start('serve', '--port', '0', ...args);
  children.push(proc.child);
  let stdout = '';
  proc.child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  await waitFor(() => stdout.includes('\n') || proc.child.exitCode !== null, 20_000, 'the dashboard line');
  const m = SERVE_LINE.exec(stdout.trim());
  if (!m) throw new Error(`unexpected serve output: ${stdout}\n${(await proc.done).stderr}`);
  return { cli, proc, base: `http://127.0.0.1:${m[1]}`, token: m[2]!, stdout: () => stdout };
}

describe('upshift serve (the built CLI, real service)', () => {
  it('serves the renderer and the API with the printed token, streams changes made by another upshift process, and stops cleanly on SIGTERM', async () => {
    const dir = join(makeTempDir('upshift-renderer-'), 'renderer');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Upshift test renderer</title>');
    writeFileSync(join(dir, 'assets', 'app-12345678.js'), 'export {}');
    const { cli, proc, base, token, stdout } = await startServe({ UPSHIFT_RENDERER_DIR: dir });

    const index = await rawRequest(base, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.body).toContain('Upshift test renderer');
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await rawRequest(base, { path: '/assets/app-12345678.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await rawRequest(base, { path: '/%2e%2e/%2e%2e/etc/passwd' })).status).toBe(400);

    expect((await callApi(base, null, 'getState')).status).toBe(401);
    expect((await callApi(base, token, 'getState', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    const state = await callApi(base, token, 'getState');
    expect(state.status).toBe(200);
    expect(state.json<{ result: { projects: unknown[] } }>().result.projects).toEqual([]);
    const bad = await callApi(base, token, 'getPlan', { project: 42 });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'BAD_INPUT', retryable: false } });
    const missing = await callApi(base, token, 'getPlan', { project: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.json()).toMatchObject({ error: { code: 'PROJECT_NOT_FOUND' } });

    // A project added by another `upshift` process shows up on the open event stream.
    const events = await openSse(base, `/api/events?token=${token}`);
    expect(events.status).toBe(200);
    const repo = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }], checkout: 'v1.0.0' });
    const added = cli.run('add', repo.work, '--name', 'core', '--json');
    expect(added.code, added.stderr).toBe(0);
    await waitFor(() => events.events().some((e) => JSON.stringify(e.data).includes('"core"')), 15_000, 'an event about the added project');
    const ids = events.events().map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const listed = await callApi(base, token, 'getState');
    expect(listed.json<{ result: { projects: { name: string }[] } }>().result.projects.map((p) => p.name)).toEqual(['core']);

    proc.child.kill('SIGTERM');
    const done = await proc.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/Stopping \(SIGTERM\)/);
    await events.ended;
    expect(stdout().split('\n').filter((l) => l !== '')).toHaveLength(1);
    await expect(rawRequest(base, { path: '/' })).rejects.toThrow();
  });

  it('says when the renderer is not built, and stops on SIGINT', async () => {
    const { proc, base } = await startServe({ UPSHIFT_RENDERER_DIR: makeTempDir('upshift-empty-') });
    const page = await rawRequest(base, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('not built');
    proc.child.kill('SIGINT');
    const done = await proc.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/the dashboard is not built/);
  });
});
