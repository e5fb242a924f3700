import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub, type FakeRelease } from '../../../../test/helpers/fake-github.js';
import { makeTempDir } from '../../../../test/helpers/repos.js';
import { MemoryHttpCache, SqliteHttpCache } from '../../state/http-cache.js';
import { StateStore } from '../../state/index.js';
import { credentialOf, GitHubClient, type Clock } from './client.js';
import { proxyFor } from './http.js';
import { GitHubSource, nextLink } from './source.js';
import type { ReleaseInfo } from '../../release/index.js';
import { applySourceNotes } from './notes.js';
import { redact } from './token.js';

const TOKEN = 'ghp_TESTsecret0123456789abcdefABCDEF01';

function fakeClock(start = Date.UTC(2026, 10, 21, 7, 0, 0)): Clock & { sleeps: number[] } {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await gh.close();
});

function project(channel: 'stable' | 'prerelease' = 'stable', repo = 'o/r') {
  return { path: '/nonexistent', remote: 'origin', tagPattern: 'v{version}', channel, github: { repo, apiUrl: gh.url } } as const;
}

function source(opts: { clock?: Clock; log?: (m: string) => void; env?: NodeJS.ProcessEnv; cache?: MemoryHttpCache | SqliteHttpCache; maxBytes?: number } = {}) {
  return new GitHubSource({
    cache: opts.cache ?? new MemoryHttpCache(),
    token: async () => TOKEN,
    clock: opts.clock ?? fakeClock(),
    env: opts.env ?? {},
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
  });
}

const MANY: FakeRelease[] = Array.from({ length: 230 }, (_, i) => ({ tag: `v1.${229 - i}.0`, body: `Release 1.${229 - i}.0` }));

describe('GitHubSource listing', () => {
  it('follows Link rel="next" pages and orders newest first', async () => {
    gh.setReleases('o/r', MANY);
    const releases = await source().listReleases(project());
    expect(releases).toHaveLength(230);
    expect(releases[0]).toMatchObject({ tag: 'v1.229.0', sha: '', prerelease: false });
    expect(releases[229]?.tag).toBe('v1.0.0');
    expect(gh.counts.total).toBe(3);
    expect(gh.paths).toEqual(['/repos/o/r/releases?per_page=100', '/repos/o/r/releases?per_page=100&page=2', '/repos/o/r/releases?per_page=100&page=3']);
    expect(gh.authorizations.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('leaves drafts out, and prereleases unless the channel is prerelease', async () => {
    gh.setReleases('o/r', [
      { tag: 'v3.0.0', draft: true },
      { tag: 'v2.1.0', prerelease: true, body: 'marked prerelease on GitHub' },
      { tag: 'v2.0.0-rc.1' },
      { tag: 'v2.0.0' },
      { tag: 'not-a-version' },
      { tag: 'v1.0.0' },
    ]);
    const s = source();
    expect((await s.listReleases(project('stable'))).map((r) => r.tag)).toEqual(['v2.0.0', 'v1.0.0']);
    const pre = await s.listReleases(project('prerelease'));
    expect(pre.map((r) => [r.tag, r.prerelease])).toEqual([
      ['v2.1.0', true],
      ['v2.0.0', false],
      ['v2.0.0-rc.1', true],
      ['v1.0.0', false],
    ]);
  });

  it('uses the recorded release object and headers from the fixture', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0', body: 'Initial release' }]);
    const res = await new GitHubClient({ cache: new MemoryHttpCache(), token: async () => null, clock: fakeClock(), env: {} }).getJson(new URL(`${gh.url}/repos/o/r/releases?per_page=100`), { authHost: '127.0.0.1' });
    const first = (res.value as Array<Record<string, unknown>>)[0]!;
    expect(first).toMatchObject({ tag_name: 'v1.0.0', target_commitish: 'b8b58742c92c098cae4d8c5ea7390d552faba041', body: 'Initial release', draft: false });
    expect((first.author as { login: string }).login).toBe('octokit-fixture-user-a');
  });

  it('parses Link headers', () => {
    expect(nextLink('<https://a/x?page=2>; rel="next", <https://a/x?page=5>; rel="last"')).toBe('https://a/x?page=2');
    expect(nextLink('<https://a/x?page=1>; rel="prev"')).toBeNull();
    expect(nextLink(undefined)).toBeNull();
  });

  it('refuses a next page on another host', async () => {
    gh.fail({ kind: 'foreign-link', to: 'http://127.0.0.2:9' });
    await expect(source().listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_FOREIGN_LINK', message: expect.stringMatching(/another host.*refused/) });
    expect(gh.counts.total).toBe(1);
  });

  it('reads notes from the release body and a release_metadata.json asset', async () => {
    const meta = JSON.stringify({ version: '2.0.0', contracts_version: '2.0', changes: { breaking: [{ description: 'drop the v1 API', id: 'api-v1' }] } });
    gh.setReleases('o/r', [
      { tag: 'v2.0.0', body: '## Highlights\n\n- new engine', assets: [{ name: 'release_metadata.json', content: meta }] },
      { tag: 'v1.0.0', body: '' },
    ]);
    const s = source();
    const [r2, r1] = await s.listReleases(project());
    const d2 = await s.describeRelease(project(), r2!);
    expect(d2).toMatchObject({ body: '## Highlights\n\n- new engine', metadata: { contractsVersion: '2.0', breaking: [{ text: 'drop the v1 API', id: 'api-v1' }] } });
    const d1 = await s.describeRelease(project(), r1!);
    expect(d1).toMatchObject({ body: '', metadata: null });
  });
});

describe('release_metadata.json asset validation (issue 15 §5)', () => {
  it('an invalid asset makes the release invalid (file, field, expected), and applySourceNotes carries it over what git said', async () => {
    const meta = JSON.stringify({ version: '2.0.0', date: 'tomorrow', changes: { breaking: 42 } }, null, 2);
    gh.setReleases('o/r', [{ tag: 'v2.0.0', body: 'Notes', assets: [{ name: 'release_metadata.json', content: meta }] }]);
    const s = source();
    const [r2] = await s.listReleases(project());
    const d = await s.describeRelease(project(), r2!);
    expect(d?.metadata).toBeNull();
    expect(d?.invalid?.issues).toEqual([
      { file: 'release_metadata.json (release asset)', line: 3, column: 3, field: 'date', problem: expect.stringContaining('expected an ISO 8601 date') },
      { file: 'release_metadata.json (release asset)', line: 5, column: 5, field: 'changes.breaking', problem: expect.stringContaining('expected a list of changes') },
    ]);
    expect(d?.invalid?.reason).toMatch(/^the release metadata of v2\.0\.0 is invalid: release_metadata\.json \(release asset\):3:3: date: /);
    const fromGit: ReleaseInfo = {
      tag: 'v2.0.0',
      sha: 'a'.repeat(40),
      version: '2.0.0',
      note: { version: '2.0.0', tag: 'v2.0.0', body: '', source: 'none', breaking: [], date: null },
      breaking: [],
      contractsVersion: null,
      metadata: null,
      commitCount: null,
      warnings: [],
    };
    expect(applySourceNotes(fromGit, d!).invalid).toEqual(d!.invalid);
    const { invalid: _invalid, ...valid } = d!;
    expect(applySourceNotes(fromGit, valid).invalid).toBeUndefined();
  });
});

describe('conditional requests', () => {
  it('stores ETag and body in SQLite; after reopening, polls are 304s that reuse the body and cost nothing', async () => {
    gh.setReleases('o/r', MANY);
    const home = makeTempDir();
    let store = StateStore.open(home);
    const first = await source({ cache: new SqliteHttpCache(store.database) }).listReleases(project());
    store.close();
    expect(gh.counts).toMatchObject({ total: 3, conditional: 0, notModified: 0, primaryCost: 3 });
    const remainingAfterFirst = gh.remaining;

    store = StateStore.open(home);
    const again = await source({ cache: new SqliteHttpCache(store.database) }).listReleases(project());
    store.close();
    expect(again).toEqual(first);
    expect(gh.counts).toMatchObject({ total: 6, conditional: 3, notModified: 3, primaryCost: 3 });
    expect(gh.remaining).toBe(remainingAfterFirst);

    // A new release changes page 1: one 200, and the pages after it are fetched again as they moved.
    gh.setReleases('o/r', [{ tag: 'v2.0.0', body: 'new' }, ...MANY]);
    store = StateStore.open(home);
    const s = source({ cache: new SqliteHttpCache(store.database) });
    expect((await s.listReleases(project()))[0]?.tag).toBe('v2.0.0');
    store.close();
    expect(gh.counts.notModified).toBe(3);
  });
});

describe('rate limits and failures', () => {
  it('primary limit used up for long: fails fast, says until when, and asks nothing more before then', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const clock = fakeClock();
    const reset = Math.floor(clock.now() / 1000) + 1800;
    gh.fail({ kind: 'rate-limited', resetEpochSeconds: reset });
    const s = source({ clock });
    const until = new Date(reset * 1000).toISOString();
    await expect(s.listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED', retryable: true, message: expect.stringContaining(until) });
    await expect(s.listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED' });
    expect(gh.counts.total).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('primary limit resetting soon: waits for the reset, then succeeds', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const clock = fakeClock();
    gh.fail({ kind: 'rate-limited', resetEpochSeconds: Math.floor(clock.now() / 1000) + 20 });
    const releases = await source({ clock }).listReleases(project());
    expect(releases.map((r) => r.tag)).toEqual(['v1.0.0']);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(20_000);
    expect(clock.sleeps[0]).toBeLessThan(60_000);
    expect(gh.counts.total).toBe(2);
  });

  it('429 with Retry-After: waits that long, then succeeds; a long Retry-After fails fast', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const clock = fakeClock();
    gh.fail({ kind: '429', retryAfterSeconds: 7 });
    expect(await source({ clock }).listReleases(project())).toHaveLength(1);
    expect(clock.sleeps).toEqual([7000]);

    gh.fail({ kind: '429', retryAfterSeconds: 3600 });
    await expect(source({ clock }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED', message: expect.stringMatching(/until \d{4}-\d\d-\d\dT/) });
  });

  it('secondary limit: backs off at least a minute, growing, and gives up after a few tries', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const clock = fakeClock();
    const logs: string[] = [];
    gh.fail({ kind: 'secondary', retryAfterSeconds: 5 }, { kind: 'secondary' });
    expect(await source({ clock, log: (m) => logs.push(m) }).listReleases(project())).toHaveLength(1);
    expect(clock.sleeps).toEqual([60_000, 120_000]);
    expect(logs.join('\n')).toMatch(/secondary rate limit/);

    const clock2 = fakeClock();
    gh.fail({ kind: 'secondary' }, { kind: 'secondary' }, { kind: 'secondary' }, { kind: 'secondary' }, { kind: 'secondary' });
    const before = gh.counts.total;
    await expect(source({ clock: clock2 }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_SECONDARY_RATE_LIMIT', message: expect.stringMatching(/stopped asking/) });
    expect(clock2.sleeps).toEqual([60_000, 120_000, 240_000]);
    expect(gh.counts.total - before).toBe(4);
  });

  it('500s are retried, then reported with the URL', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const clock = fakeClock();
    gh.fail({ kind: '500' });
    expect(await source({ clock }).listReleases(project())).toHaveLength(1);
    gh.fail({ kind: '500' }, { kind: '500' }, { kind: '500' });
    await expect(source({ clock }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_UNAVAILABLE', retryable: true, message: expect.stringContaining(`${gh.url}/repos/o/r/releases?per_page=100`) });
  });

  it('malformed JSON is an error naming the URL', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    await expect(source().listReleases(project())).resolves.toHaveLength(1);
    gh.fail({ kind: 'malformed' });
    await expect(source().listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_BAD_RESPONSE', message: expect.stringContaining(`${gh.url}/repos/o/r/releases?per_page=100 is not valid JSON`) });
  });

  it('an oversized body is refused without being kept', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    gh.fail({ kind: 'oversized', bytes: 4 * 1024 * 1024 });
    const cache = new MemoryHttpCache();
    await expect(source({ cache, maxBytes: 1024 * 1024 }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RESPONSE_TOO_LARGE', message: expect.stringMatching(/1048576-byte limit/) });
    expect(cache.get(`${gh.url}/repos/o/r/releases?per_page=100`)).toBeNull();
  });

  it('an unknown repository says so', async () => {
    await expect(source().listReleases(project('stable', 'o/missing'))).rejects.toMatchObject({ code: 'GITHUB_NOT_FOUND' });
  });

  it('never puts the token in errors or logs', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const logs: string[] = [];
    gh.fail({ kind: '500' }, { kind: '500' }, { kind: '500' });
    const err = (await source({ log: (m) => logs.push(m) })
      .listReleases(project())
      .then(() => new Error('resolved'))
      .catch((e: unknown) => e as Error)) as Error;
    expect(err).toMatchObject({ code: 'GITHUB_UNAVAILABLE' });
    expect(gh.authorizations[0]).toBe(`Bearer ${TOKEN}`);
    const everything = `${err.message}\n${JSON.stringify(err)}\n${String(err.stack)}\n${logs.join('\n')}`;
    expect(everything).not.toContain(TOKEN);
    expect(logs.length).toBeGreaterThan(0);
    expect(redact(`x ${TOKEN} y`, TOKEN)).toBe('x [redacted] y');
  });

  it('one request at a time per host', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = http.createServer((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('[]');
      }, 20);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const port = (slow.address() as net.AddressInfo).port;
    const s = source();
    await Promise.all(['a/1', 'a/2', 'a/3', 'a/4'].map((repo) => s.listReleases({ ...project(), github: { repo, apiUrl: `http://127.0.0.1:${port}` } })));
    slow.closeAllConnections();
    await new Promise<void>((r) => slow.close(() => r()));
    expect(peak).toBe(1);
  });

  it('refuses plain http to anything but this machine', async () => {
    await expect(source().listReleases({ ...project(), github: { repo: 'o/r', apiUrl: 'http://ghe.example/api/v3' } })).rejects.toMatchObject({ code: 'GITHUB_URL_REFUSED' });
  });
});

describe('proxies', () => {
  it('picks HTTPS_PROXY / HTTP_PROXY unless NO_PROXY lists the host', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://p2:8080', NO_PROXY: 'internal.example,.corp.example,10.0.0.1:8443' };
    expect(proxyFor(new URL('https://api.github.com/x'), env)?.host).toBe('proxy:3128');
    expect(proxyFor(new URL('http://127.0.0.1:4000/x'), env)?.host).toBe('p2:8080');
    expect(proxyFor(new URL('https://internal.example/x'), env)).toBeNull();
    expect(proxyFor(new URL('https://ghe.internal.example/x'), env)).toBeNull();
    expect(proxyFor(new URL('https://a.corp.example/x'), env)).toBeNull();
    expect(proxyFor(new URL('https://10.0.0.1:8443/x'), env)).toBeNull();
    expect(proxyFor(new URL('https://10.0.0.1/x'), env)?.host).toBe('proxy:3128');
    expect(proxyFor(new URL('https://api.github.com/x'), { ...env, NO_PROXY: '*' })).toBeNull();
    expect(proxyFor(new URL('https://api.github.com/x'), {})).toBeNull();
  });

  it('tunnels through a CONNECT proxy', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const connects: string[] = [];
    const proxy = http.createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    const sockets = new Set<net.Socket>();
    let piped = 0;
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push(req.url ?? '');
      sockets.add(client);
      client.on('data', (d: Buffer) => (piped += d.length));
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    try {
      const viaProxy = await source({ env: { HTTP_PROXY: proxyUrl } }).listReleases(project());
      expect(viaProxy.map((r) => r.tag)).toEqual(['v1.0.0']);
      expect(connects).toEqual([new URL(gh.url).host]);
      // The request itself went through the tunnel, not around it.
      expect(piped).toBeGreaterThan(100);
      const throughTunnel = piped;
      await source({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } }).listReleases(project());
      expect(connects).toHaveLength(1);
      expect(piped).toBe(throughTunnel);
      expect(gh.counts.total).toBe(2);
      await expect(source({ env: { HTTP_PROXY: 'http://127.0.0.1:1' } }).listReleases(project())).rejects.toMatchObject({ code: 'PROXY_FAILED' });
    } finally {
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});


describe('rate limits across processes (issue 15 §6)', () => {
  function sourceWith(store: StateStore, clock: Clock, token: string | null) {
    return new GitHubSource({ cache: new SqliteHttpCache(store.database), token: async () => token, clock, env: {}, serverRetries: 0 });
  }

  it('a used-up limit recorded by one process is refused by the next before any request, until its reset; another token is not held back', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const home = makeTempDir();
    const clock = fakeClock();
    const reset = Math.floor(clock.now() / 1000) + 1800;
    const until = new Date(reset * 1000).toISOString();
    gh.fail({ kind: 'rate-limited', resetEpochSeconds: reset });
    let store = StateStore.open(home);
    await expect(sourceWith(store, clock, TOKEN).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED', message: expect.stringContaining(`used up until ${until}`) });
    store.close();
    expect(gh.counts.total).toBe(1);

    // A new process (a new store, client and source): the same message, and the API is not asked.
    store = StateStore.open(home);
    await expect(sourceWith(store, clock, TOKEN).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED', message: expect.stringContaining(`used up until ${until}`), details: { until } });
    expect(gh.counts.total).toBe(1);
    // What is kept is a fingerprint of the token, never the token.
    const rows = store.database.prepare('SELECT host, credential, until, reason FROM http_host_blocks').all() as Array<Record<string, string>>;
    expect(rows).toEqual([{ host: new URL(gh.url).host, credential: expect.stringMatching(/^token:[0-9a-f]{16}$/), until, reason: 'primary' }]);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);

    // Another credential has a limit of its own: it is asked.
    expect(await sourceWith(store, clock, null).listReleases(project())).toHaveLength(1);
    expect(gh.counts.total).toBe(2);
    store.close();

    // After the reset, the next process asks again and the recorded block is gone.
    const later = fakeClock(reset * 1000 + 1000);
    store = StateStore.open(home);
    expect(await sourceWith(store, later, TOKEN).listReleases(project())).toHaveLength(1);
    expect(gh.counts.total).toBe(3);
    expect(store.database.prepare("SELECT count(*) AS n FROM http_host_blocks WHERE credential != 'anonymous'").get()).toEqual({ n: 0 });
    store.close();
  });

  it('a 200 that leaves nothing remaining, a long Retry-After and a secondary give-up are recorded too', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const clock = fakeClock();
    const cache = new MemoryHttpCache();
    const host = new URL(gh.url).host;
    const credential = credentialOf(TOKEN);

    gh.remaining = 1;
    expect(await source({ clock, cache }).listReleases(project())).toHaveLength(1);
    expect(cache.getBlock(host, credential)).toMatchObject({ reason: 'primary' });
    await expect(source({ clock, cache }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED' });
    expect(gh.counts.total).toBe(1);

    gh.remaining = 5000;
    const c2 = new MemoryHttpCache();
    gh.fail({ kind: '429', retryAfterSeconds: 3600 });
    await expect(source({ clock, cache: c2 }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED' });
    expect(c2.getBlock(host, credential)).toEqual({ host, credential, until: clock.now() + 3_600_000, reason: 'primary' });
    await expect(source({ clock, cache: c2 }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED' });
    expect(gh.counts.total).toBe(2);

    const c3 = new MemoryHttpCache();
    const clock3 = fakeClock();
    gh.fail({ kind: 'secondary' }, { kind: 'secondary' }, { kind: 'secondary' }, { kind: 'secondary' });
    await expect(source({ clock: clock3, cache: c3 }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_SECONDARY_RATE_LIMIT' });
    const before = gh.counts.total;
    await expect(source({ clock: clock3, cache: c3 }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_SECONDARY_RATE_LIMIT', message: expect.stringMatching(/no request is made before/) });
    expect(gh.counts.total).toBe(before);
  });

  it('a store that cannot record the block still fails the request with the limit', async () => {
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const clock = fakeClock();
    const logs: string[] = [];
    const cache = new MemoryHttpCache();
    cache.putBlock = () => {
      throw new Error('attempt to write a readonly database');
    };
    gh.fail({ kind: 'rate-limited', resetEpochSeconds: Math.floor(clock.now() / 1000) + 1800 });
    await expect(source({ clock, cache, log: (m) => logs.push(m) }).listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_RATE_LIMITED' });
    expect(logs.join('\n')).toMatch(/could not be recorded \(attempt to write a readonly database\)/);
  });
});
