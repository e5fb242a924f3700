import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createProxyServer, type Server } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpBackend, type HttpBackend } from '../../../bench/http-backend.mjs';
import { createRemoteFromTagList, git, initBare, makeTempDir } from '../../../test/helpers/repos.js';
import { GitError } from '../git/errors.js';
import { listRemoteTags } from '../git/ls-remote.js';
import { GitTagSource } from '../source/git-tags.js';
import { resetUserGitConfig } from './git-config.js';
import { closeHttpPool, CredentialCache, listRemoteTagsNative } from './index.js';

// The user's own git configuration must not decide the route in tests (an insteadOf or http.proxy would).
const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
beforeAll(() => {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  resetUserGitConfig();
});
afterAll(() => {
  if (saved.global === undefined) delete process.env.GIT_CONFIG_GLOBAL;
  else process.env.GIT_CONFIG_GLOBAL = saved.global;
  if (saved.nosystem === undefined) delete process.env.GIT_CONFIG_NOSYSTEM;
  else process.env.GIT_CONFIG_NOSYSTEM = saved.nosystem;
  resetUserGitConfig();
});

const servers: HttpBackend[] = [];
afterEach(async () => {
  closeHttpPool();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(opts: Omit<Parameters<typeof startHttpBackend>[0], 'root'> & { root: string }): Promise<HttpBackend> {
  const s = await startHttpBackend(opts);
  servers.push(s);
  return s;
}

/** A served root with one repository `name.git`: commits, lightweight tags and annotated tags (loose and packed). */
function repoWithTags(root: string, name: string): { dir: string; sha: (ref: string) => string } {
  const src = path.join(root, `${name}-src`);
  git(root, 'init', '-q', '-b', 'main', src);
  for (let i = 0; i < 4; i++) {
    writeFileSync(path.join(src, 'f.txt'), `${i}\n`);
    git(src, 'add', '-A');
    git(src, 'commit', '-q', '-m', `c${i}`);
    if (i % 2 === 0) git(src, 'tag', `v1.${i}.0`);
    else git(src, 'tag', '-a', '-m', `Release 1.${i}.0`, `v1.${i}.0`);
  }
  const dir = path.join(root, `${name}.git`);
  git(root, 'clone', '-q', '--bare', src, dir);
  return { dir, sha: (ref) => git(dir, 'rev-parse', ref) };
}

describe('smart HTTP discovery against git http-backend', () => {
  it('lists lightweight and annotated tags with their peeled commits over protocol v2, as git ls-remote does', async () => {
    const root = makeTempDir('upshift-http-');
    const repo = repoWithTags(root, 'app');
    const server = await serve({ root });
    const url = `${server.url}/app.git`;
    const native = await listRemoteTagsNative(root, url);
    expect(native.via).toBe('http-v2');
    const viaGit = await listRemoteTags(root, url);
    const sort = (l: typeof viaGit.tags) => [...l].sort((a, b) => a.tag.localeCompare(b.tag));
    expect(sort(native.tags)).toEqual(sort(viaGit.tags));
    const annotated = native.tags.find((t) => t.tag === 'v1.1.0')!;
    expect(annotated).toEqual({ tag: 'v1.1.0', sha: repo.sha('v1.1.0^{commit}'), objectSha: repo.sha('v1.1.0'), annotated: true });
    expect(native.tags.find((t) => t.tag === 'v1.0.0')).toEqual({ tag: 'v1.0.0', sha: repo.sha('v1.0.0'), objectSha: repo.sha('v1.0.0'), annotated: false });
    expect(native.tags).toHaveLength(4);
  });

  it('reads the v0 advertisement from a server that does not speak v2, with the same result and hash', async () => {
    const root = makeTempDir('upshift-http-');
    repoWithTags(root, 'app');
    const v2 = await serve({ root });
    const v0 = await serve({ root, v0Only: true });
    const a = await listRemoteTagsNative(root, `${v2.url}/app.git`);
    const b = await listRemoteTagsNative(root, `${v0.url}/app.git`);
    expect(b.via).toBe('http-v0');
    expect(b.tags).toEqual(a.tags);
    expect(b.hash).toBe(a.hash);
  });

  it('a configured remote name resolves to its URL; many remotes on one host share a few kept-alive connections', async () => {
    const root = makeTempDir('upshift-http-');
    const names = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const n of names) repoWithTags(root, n);
    const server = await serve({ root });
    const work = path.join(root, 'work');
    git(root, 'init', '-q', work);
    for (const n of names) git(work, 'remote', 'add', n, `${server.url}/${n}.git`);
    const started = Date.now();
    const results: string[] = [(await listRemoteTagsNative(work, names[0]!)).via];
    // Four at a time, as a check of many projects would list them.
    for (let i = 1; i < names.length; i += 4) {
      const batch = await Promise.all(names.slice(i, i + 4).map((n) => listRemoteTagsNative(work, n)));
      results.push(...batch.map((r) => r.via));
    }
    expect(results.every((v) => v === 'http-v2')).toBe(true);
    // The first remote: advertisement and ls-refs; the host speaks v2, so the others: ls-refs alone.
    expect(server.stats.requests).toBe(2 + (names.length - 1));
    expect(server.stats.connections).toBeLessThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a repository on a v2 host that answers v0 still gets the full exchange after the direct ls-refs fails', async () => {
    const root = makeTempDir('upshift-http-');
    repoWithTags(root, 'new');
    repoWithTags(root, 'old');
    const server = await serve({ root, v0Only: (p) => p.startsWith('/old.git') });
    expect((await listRemoteTagsNative(root, `${server.url}/new.git`)).via).toBe('http-v2');
    const old = await listRemoteTagsNative(root, `${server.url}/old.git`);
    expect(old.via).toBe('http-v0');
    expect(old.tags).toHaveLength(4);
    expect((await listRemoteTagsNative(root, `${server.url}/new.git`)).via).toBe('http-v2');
    // new: 2, old: direct POST + GET, new again: 1.
    expect(server.stats.requests).toBe(5);
  });

  it('a stalling remote times out on its own deadline without delaying the others', async () => {
    const root = makeTempDir('upshift-http-');
    repoWithTags(root, 'good');
    repoWithTags(root, 'slow');
    const server = await serve({ root, stall: (p) => p.startsWith('/slow.git') });
    const t0 = Date.now();
    const slow = listRemoteTagsNative(root, `${server.url}/slow.git`, { timeoutMs: 1500 }).then(
      () => null,
      (e: unknown) => ({ e: e as GitError, ms: Date.now() - t0 }),
    );
    const good = await listRemoteTagsNative(root, `${server.url}/good.git`, { timeoutMs: 1500 });
    const goodMs = Date.now() - t0;
    expect(good.tags).toHaveLength(4);
    expect(goodMs).toBeLessThan(1400);
    const failed = await slow;
    expect(failed?.e).toBeInstanceOf(GitError);
    expect(failed?.e.kind).toBe('remote-unreachable');
    expect(failed?.e.message).toMatch(/did not answer in time \(2 s\)\. Nothing was changed/);
    expect(failed!.ms).toBeGreaterThanOrEqual(1400);
    expect(failed!.ms).toBeLessThan(5000);
  });

  it('refuses an oversized advertisement and more tags than the limit', async () => {
    const root = makeTempDir('upshift-http-');
    createRemoteFromTagList(Array.from({ length: 300 }, (_, i) => `v1.${i}.0`), { dir: path.join(root, 'big') });
    const server = await serve({ root });
    const url = `${server.url}/big/remote.git`;
    const bytes = await listRemoteTagsNative(root, url, { maxBytes: 4000 }).catch((e: unknown) => e as GitError);
    expect(bytes).toBeInstanceOf(GitError);
    expect((bytes as GitError).kind).toBe('output-too-large');
    expect((bytes as GitError).message).toMatch(/more than 4000 bytes of refs.*Nothing was changed/);
    const tags = await listRemoteTagsNative(root, url, { maxTags: 100 }).catch((e: unknown) => e as GitError);
    expect((tags as GitError).kind).toBe('output-too-large');
    expect((tags as GitError).message).toMatch(/lists 300 tags, more than the limit of 100/);
    expect((await listRemoteTagsNative(root, url)).tags).toHaveLength(300);
  });

  it('drops hostile ref names by the same rules as git ls-remote', async () => {
    const root = makeTempDir('upshift-http-');
    const hostile = ['--upload-pack=/tmp/x.sh', '-u/tmp/x', '$(touch /tmp/pwned)', 'v9.9.9;touch', `v9.9.${'9'.repeat(300)}`, 'v9.9.9\u0007bell', 'v9.9.9 x', 'v1..0'];
    createRemoteFromTagList([...hostile, 'v1.0.0', 'v1.1.0'], { dir: path.join(root, 'h') });
    const server = await serve({ root });
    const url = `${server.url}/h/remote.git`;
    const native = await listRemoteTagsNative(root, url);
    const viaGit = await listRemoteTags(root, url);
    expect(native.tags.map((t) => t.tag).sort()).toEqual(['v1.0.0', 'v1.1.0']);
    expect(native.droppedCount).toBe(viaGit.droppedCount);
    expect(native.droppedCount).toBe(hostile.length);
    // eslint-disable-next-line no-control-regex
    for (const d of native.dropped) expect(d.display).not.toMatch(/[\u0000-\u001f]/);
  });

  it('asks git credential fill once per host after a 401, and says so when the credentials are refused', async () => {
    const root = makeTempDir('upshift-http-');
    repoWithTags(root, 'a');
    repoWithTags(root, 'b');
    const server = await serve({ root, auth: { user: 'alice', password: 's3cret' } });
    const log = path.join(root, 'helper.log');
    const helper = path.join(root, 'helper.sh');
    const stored = path.join(root, 'stored.log');
    writeFileSync(stored, '');
    writeFileSync(helper, `#!/bin/sh\ncat >/dev/null\n[ "$1" = get ] || { echo "$1" >> ${JSON.stringify(stored)}; exit 0; }\necho asked >> ${JSON.stringify(log)}\necho username=alice\necho password=\${UPSHIFT_TEST_PASSWORD:-s3cret}\n`);
    chmodSync(helper, 0o755);
    const work = path.join(root, 'work');
    git(root, 'init', '-q', work);
    git(work, 'config', 'credential.helper', helper);
    appendFileSync(log, '');
    const credentials = new CredentialCache();
    const [a, b] = await Promise.all([
      listRemoteTagsNative(work, `${server.url}/a.git`, { credentials }),
      listRemoteTagsNative(work, `${server.url}/b.git`, { credentials }),
    ]);
    expect(a.tags).toHaveLength(4);
    expect(b.tags).toHaveLength(4);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['asked']);
    // Told once that the credential worked, not once per remote.
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(stored, 'utf8').trim().split('\n')).toEqual(['store']);

    process.env.UPSHIFT_TEST_PASSWORD = 'wrong';
    const later = new CredentialCache();
    try {
      const e = await listRemoteTagsNative(work, `${server.url}/a.git`, { credentials: later }).catch((x: unknown) => x as GitError);
      expect(e).toBeInstanceOf(GitError);
      expect((e as GitError).kind).toBe('auth-required');
      expect((e as GitError).message).toMatch(/credential helper gave were refused\. Nothing was changed/);
    } finally {
      delete process.env.UPSHIFT_TEST_PASSWORD;
    }
    // The refused credential was forgotten: a long-lived process asks again at its next check, and the fixed one works.
    expect((await listRemoteTagsNative(work, `${server.url}/a.git`, { credentials: later })).tags).toHaveLength(4);
    const none = await listRemoteTagsNative(root, `${server.url}/a.git`, { credentials: new CredentialCache({}) }).catch((x: unknown) => x as GitError);
    expect((none as GitError).kind).toBe('auth-required');
    expect((none as GitError).message).toMatch(/no credential helper had any/);
  });

  it('follows a redirect on the same host and refuses one to another host', async () => {
    const root = makeTempDir('upshift-http-');
    repoWithTags(root, 'moved');
    const elsewhere = await serve({ root });
    const server = await serve({
      root,
      redirect: (p) => (p.startsWith('/old.git') ? `${p.replace('/old.git', '/moved.git')}` : p.startsWith('/away.git') ? `${elsewhere.url}${p.replace('/away.git', '/moved.git')}` : null),
    });
    const same = await listRemoteTagsNative(root, `${server.url}/old.git`);
    expect(same.tags).toHaveLength(4);
    const e = await listRemoteTagsNative(root, `${server.url}/away.git`).catch((x: unknown) => x as GitError);
    expect(e).toBeInstanceOf(GitError);
    expect((e as GitError).message).toMatch(/redirects to another host \(http:\/\/127\.0\.0\.1:\d+\/\); Upshift does not follow it\. Nothing was changed/);
    expect(elsewhere.stats.requests).toBe(0);
  });

  it('a missing repository is a clear error; url.insteadOf is applied as git applies it; http.proxy goes to git', async () => {
    const root = makeTempDir('upshift-http-');
    repoWithTags(root, 'app');
    initBare(path.join(root, 'empty.git'));
    const server = await serve({ root, dumb: (p) => p.startsWith('/dumb') });
    const missing = await listRemoteTagsNative(root, `${server.url}/nope.git`).catch((x: unknown) => x as GitError);
    expect((missing as GitError).kind).toBe('remote-unreachable');
    expect((missing as GitError).message).toMatch(/was not found \(HTTP 404\)/);
    expect((await listRemoteTagsNative(root, `${server.url}/empty.git`)).tags).toEqual([]);

    const work = path.join(root, 'work');
    git(root, 'init', '-q', work);
    git(work, 'config', `url.${server.url}/app.git.insteadOf`, 'https://example.invalid/app.git');
    git(work, 'remote', 'add', 'origin', 'https://example.invalid/app.git');
    const rewritten = await listRemoteTagsNative(work, 'origin');
    expect(rewritten.via).toBe('http-v2');
    expect(rewritten.tags).toHaveLength(4);
    // The longest prefix wins, as in git; a rewrite to SSH goes to git.
    git(work, 'config', 'url.git@example.invalid:.insteadOf', 'https://example.invalid/');
    expect((await listRemoteTagsNative(work, 'origin')).via).toBe('http-v2');
    git(work, 'remote', 'add', 'other', 'https://example.invalid/other.git');
    const ssh = await listRemoteTagsNative(work, 'other', { timeoutMs: 5000 }).catch((e: unknown) => e as GitError);
    expect((ssh as GitError).message).toMatch(/git ls-remote|ssh|example\.invalid/);
    // A proxy git is told about in its own configuration: git's route.
    git(work, 'config', 'http.proxy', 'http://127.0.0.1:9');
    const proxied = await listRemoteTagsNative(work, 'origin').catch((e: unknown) => e as GitError);
    expect('via' in proxied ? proxied.via : (proxied as GitError).message).toMatch(/git/);
  });

  it('GitTagSource reports releases and the advertisement hash from HTTP; the hash changes when a tag is added', async () => {
    const root = makeTempDir('upshift-http-');
    const repo = repoWithTags(root, 'app');
    const server = await serve({ root });
    const source = new GitTagSource();
    const project = { path: root, remote: `${server.url}/app.git`, tagPattern: 'v{version}', channel: 'stable' as const };
    const first = await source.discover(project);
    expect(first.via).toBe('http-v2');
    expect(first.releases.map((r) => r.tag)).toEqual(['v1.3.0', 'v1.2.0', 'v1.1.0', 'v1.0.0']);
    const again = await source.advertise(project);
    expect(again.hash).toBe(first.hash);
    git(repo.dir, 'tag', 'v1.4.0', 'v1.3.0^{commit}');
    const moved = await source.advertise(project);
    expect(moved.hash).not.toBe(first.hash);
    expect(moved.releases()[0]?.tag).toBe('v1.4.0');
  });

  it('HTTPS with GIT_SSL_CAINFO, directly and through a CONNECT proxy whose tunnels are kept alive; plain http through a proxy goes to git', async (ctx) => {
    const root = makeTempDir('upshift-https-');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(root, 'key.pem'), '-out', path.join(root, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1'], { stdio: 'ignore' });
    } catch {
      console.log('skipped: openssl could not make a test certificate');
      ctx.skip();
      return;
    }
    const tls = { key: readFileSync(path.join(root, 'key.pem'), 'utf8'), cert: readFileSync(path.join(root, 'cert.pem'), 'utf8') };
    for (const n of ['a', 'b', 'c']) repoWithTags(root, n);
    const server = await serve({ root, tls });
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_SSL_CAINFO: path.join(root, 'cert.pem') };
    delete env.HTTPS_PROXY;
    delete env.https_proxy;
    const direct = await listRemoteTagsNative(root, `${server.url}/a.git`, { env });
    expect(direct.via).toBe('http-v2');
    expect(direct.tags).toHaveLength(4);
    // Without the certificate trusted, the TLS failure is the error, not a silent fallback.
    const untrusted = await listRemoteTagsNative(root, `${server.url}/b.git`, { env: { ...env, GIT_SSL_CAINFO: '' } }).catch((e: unknown) => e as GitError);
    expect((untrusted as GitError).kind).toBe('remote-unreachable');
    expect((untrusted as GitError).message).toMatch(/The remote https:\/\/127\.0\.0\.1:\d+\/b\.git presented a TLS certificate that the system's certificate authorities do not trust .*Nothing was changed.*http\.sslCAInfo.*GIT_SSL_CAINFO/);

    closeHttpPool();
    let tunnels = 0;
    const proxy: Server = createProxyServer();
    proxy.on('connect', (req, socket, head) => {
      tunnels++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    const proxyPort = (proxy.address() as { port: number }).port;
    try {
      const viaProxy = { ...env, HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` };
      for (const n of ['a', 'b', 'c']) expect((await listRemoteTagsNative(root, `${server.url}/${n}.git`, { env: viaProxy })).tags).toHaveLength(4);
      expect(tunnels).toBe(1);
      const plain = await serve({ root });
      const routed = await listRemoteTagsNative(root, `${plain.url}/a.git`, { env: { ...env, HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '' } }).catch((e: unknown) => e as GitError);
      // git itself then talks to the proxy (a forward-proxy GET, which this CONNECT-only proxy does not serve).
      expect('via' in routed ? routed.via : (routed as GitError).message).toMatch(/git/);
    } finally {
      closeHttpPool();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
