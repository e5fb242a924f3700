import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createProxyServer, type Server } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, startHttpBackend, type HttpBackend } from '../../../bench/http-backend.mjs';
import { createRemoteFromTagList, git, makeTempDir } from '../../../test/helpers/repos.js';
import { GitError } from '../git/errors.js';
import { GitTagSource } from '../source/git-tags.js';
import { resetUserGitConfig } from './git-config.js';
import { closeHttpPool, CredentialCache, listRemoteTagsNative } from './index.js';

/**
 * HTTP/2 discovery (h2-session.ts) against `git http-backend` behind node:http2's createSecureServer({ allowHTTP1 })
 * on 127.0.0.1, with a throwaway certificate authority made by openssl; the server counts TLS connections, the
 * protocol of each request and the streams it sees at once.
 */

const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
let certs: { caFile: string; key: string; cert: string } | null = null;
let certDir = '';
beforeAll(() => {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  resetUserGitConfig();
  certDir = makeTempDir('upshift-h2-ca-');
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    certs = makeTestCertificates(certDir);
  } catch (e) {
    console.log(`skipped: openssl could not make a test certificate authority (${(e as Error).message})`);
  }
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

type ServeOptions = Omit<Parameters<typeof startHttpBackend>[0], 'root' | 'tls'> & { root: string };
async function serve(opts: ServeOptions, h2 = true): Promise<HttpBackend> {
  const s = await startHttpBackend({ ...opts, tls: { key: certs!.key, cert: certs!.cert }, h2 });
  servers.push(s);
  return s;
}

/** The test's environment: the throwaway CA trusted the way git users do it, no proxy. */
function envWithCa(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_SSL_CAINFO: certs!.caFile, ...extra };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'UPSHIFT_HTTP2', 'GIT_SSL_NO_VERIFY']) if (!(k in extra)) delete env[k];
  return env;
}

/** `name.git` with lightweight (even) and annotated (odd) tags on four commits. */
function repoWithTags(root: string, name: string): { sha: (ref: string) => string } {
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
  return { sha: (ref) => git(dir, 'rev-parse', ref) };
}

/** `app.git` served over h2, and an empty checkout whose origin is it (so git config applies to the listing). */
async function servedCheckout(): Promise<{ root: string; server: HttpBackend; work: string }> {
  const root = makeTempDir('upshift-h2-');
  repoWithTags(root, 'app');
  const server = await serve({ root });
  const work = path.join(root, 'work');
  git(root, 'init', '-q', work);
  git(work, 'remote', 'add', 'origin', `${server.url}/app.git`);
  return { root, server, work };
}

function reposWithTags(root: string, count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => `r${i}`);
  // One repository copied: fixtures for many remotes without 4 commits each.
  repoWithTags(root, names[0]!);
  for (const n of names.slice(1)) git(root, 'clone', '-q', '--bare', path.join(root, `${names[0]}.git`), path.join(root, `${n}.git`));
  return names;
}

/** Lists `names` on `server` at most `parallel` at a time, as check's engine does. */
async function listAll(server: HttpBackend, root: string, names: string[], parallel: number, env: NodeJS.ProcessEnv) {
  const out: Awaited<ReturnType<typeof listRemoteTagsNative>>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < names.length) {
        const n = names[next++]!;
        out.push(await listRemoteTagsNative(root, `${server.url}/${n}.git`, { env }));
      }
    }),
  );
  return out;
}

describe('smart HTTP discovery over HTTP/2', () => {
  it('lists lightweight and annotated tags with peeled commits by v2 ls-refs on an h2 stream', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    const repo = repoWithTags(root, 'app');
    const server = await serve({ root });
    const listed = await listRemoteTagsNative(root, `${server.url}/app.git`, { env: envWithCa() });
    expect(listed.via).toBe('http-v2');
    expect(listed.tags).toHaveLength(4);
    expect(listed.tags.find((t) => t.tag === 'v1.1.0')).toEqual({ tag: 'v1.1.0', sha: repo.sha('v1.1.0^{commit}'), objectSha: repo.sha('v1.1.0'), annotated: true });
    expect(listed.tags.find((t) => t.tag === 'v1.2.0')).toEqual({ tag: 'v1.2.0', sha: repo.sha('v1.2.0'), objectSha: repo.sha('v1.2.0'), annotated: false });
    expect(server.stats.alpn).toEqual(['h2']);
    expect(server.stats.h2).toBe(2);
    expect(server.stats.http1).toBe(0);
    // git itself over the same URL (curl, trusting the same CA) sees the same tags (asynchronously: the server is in this process).
    const viaGit = (await promisify(execFile)('git', ['ls-remote', '--tags', `${server.url}/app.git`], { env: envWithCa(), encoding: 'utf8', timeout: 30_000 })).stdout;
    expect(viaGit.trim().split('\n')).toHaveLength(6);
    for (const t of listed.tags) expect(viaGit).toContain(`${t.objectSha}\trefs/tags/${t.tag}\n`);
  });

  it('many remotes on one host share ONE TCP connection, as streams of one session', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    const names = reposWithTags(root, 24);
    const server = await serve({ root });
    const results = await listAll(server, root, names, 8, envWithCa());
    expect(results.every((r) => r.via === 'http-v2' && r.tags.length === 4)).toBe(true);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.sessions).toBe(1);
    expect(server.stats.http1).toBe(0);
    // Streams ran side by side on that connection.
    expect(server.stats.peakStreams).toBeGreaterThan(1);
  });

  it("keeps to the server's SETTINGS_MAX_CONCURRENT_STREAMS", async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    const names = reposWithTags(root, 12);
    const server = await serve({ root, maxConcurrentStreams: 2 });
    const results = await listAll(server, root, names, 8, envWithCa());
    expect(results.every((r) => r.tags.length === 4)).toBe(true);
    expect(server.stats.peakStreams).toBe(2);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.http1).toBe(0);
  });

  it('a TLS server that speaks HTTP/1.1 only still works, reusing the connection that asked', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    const names = reposWithTags(root, 3);
    const server = await serve({ root }, false);
    for (const n of names) expect((await listRemoteTagsNative(root, `${server.url}/${n}.git`, { env: envWithCa() })).via).toBe('http-v2');
    expect(server.stats.h2).toBe(0);
    expect(server.stats.http1).toBe(4);
    // The ALPN probe's connection served the requests: one TLS handshake in all.
    expect(server.stats.connections).toBe(1);
    // And UPSHIFT_HTTP2=off keeps an h2 server on HTTP/1.1.
    const both = await serve({ root });
    expect((await listRemoteTagsNative(root, `${both.url}/r0.git`, { env: envWithCa({ UPSHIFT_HTTP2: 'off' }) })).tags).toHaveLength(4);
    expect(both.stats.h2).toBe(0);
    expect(both.stats.alpn).toEqual(['none']);
  });

  it('a stalled stream times out alone: the other streams on the session are not delayed, and the session lives on', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    reposWithTags(root, 3);
    const server = await serve({ root, stall: (p) => p.startsWith('/r1.git') });
    const env = envWithCa();
    await listRemoteTagsNative(root, `${server.url}/r0.git`, { env });
    const t0 = Date.now();
    const slow = listRemoteTagsNative(root, `${server.url}/r1.git`, { env, timeoutMs: 1500 }).then(
      () => null,
      (e: unknown) => ({ e: e as GitError, ms: Date.now() - t0 }),
    );
    const good = await listRemoteTagsNative(root, `${server.url}/r2.git`, { env, timeoutMs: 1500 });
    expect(good.tags).toHaveLength(4);
    expect(Date.now() - t0).toBeLessThan(1400);
    const failed = await slow;
    expect(failed?.e.kind).toBe('remote-unreachable');
    expect(failed?.e.message).toMatch(/did not answer in time \(2 s\)\. Nothing was changed/);
    expect(failed!.ms).toBeGreaterThanOrEqual(1400);
    expect(failed!.ms).toBeLessThan(5000);
    expect((await listRemoteTagsNative(root, `${server.url}/r0.git`, { env })).tags).toHaveLength(4);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.http1).toBe(0);
  });

  it('caps an oversized advertisement while reading the stream, and the session stays usable', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    createRemoteFromTagList(Array.from({ length: 300 }, (_, i) => `v1.${i}.0`), { dir: path.join(root, 'big') });
    const server = await serve({ root });
    const url = `${server.url}/big/remote.git`;
    const env = envWithCa();
    const e = await listRemoteTagsNative(root, url, { env, maxBytes: 4000 }).catch((x: unknown) => x as GitError);
    expect((e as GitError).kind).toBe('output-too-large');
    expect((e as GitError).message).toMatch(/more than 4000 bytes of refs.*Nothing was changed/);
    const tags = await listRemoteTagsNative(root, url, { env, maxTags: 100 }).catch((x: unknown) => x as GitError);
    expect((tags as GitError).message).toMatch(/lists 300 tags, more than the limit of 100/);
    expect((await listRemoteTagsNative(root, url, { env })).tags).toHaveLength(300);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.http1).toBe(0);
  });

  it('401 over h2: git credential fill once per host, the credential approved once', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    reposWithTags(root, 4);
    const server = await serve({ root, auth: { user: 'alice', password: 's3cret' } });
    const log = path.join(root, 'helper.log');
    const stored = path.join(root, 'stored.log');
    const helper = path.join(root, 'helper.sh');
    writeFileSync(log, '');
    writeFileSync(stored, '');
    writeFileSync(helper, `#!/bin/sh\ncat >/dev/null\n[ "$1" = get ] || { echo "$1" >> ${JSON.stringify(stored)}; exit 0; }\necho asked >> ${JSON.stringify(log)}\necho username=alice\necho password=s3cret\n`);
    chmodSync(helper, 0o755);
    const work = path.join(root, 'work');
    git(root, 'init', '-q', work);
    git(work, 'config', 'credential.helper', helper);
    const credentials = new CredentialCache();
    const env = envWithCa();
    const listed = await Promise.all(['r0', 'r1', 'r2', 'r3'].map((n) => listRemoteTagsNative(work, `${server.url}/${n}.git`, { env, credentials })));
    expect(listed.every((l) => l.tags.length === 4)).toBe(true);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['asked']);
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(stored, 'utf8').trim().split('\n')).toEqual(['store']);
    expect(server.stats.connections).toBe(1);
    expect(server.stats.http1).toBe(0);
  });

  it('refuses a redirect to another host over h2', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    repoWithTags(root, 'moved');
    const elsewhere = await serve({ root });
    const server = await serve({ root, redirect: (p) => (p.startsWith('/away.git') ? `${elsewhere.url.replace('127.0.0.1', 'localhost')}${p.replace('/away.git', '/moved.git')}` : p.startsWith('/old.git') ? p.replace('/old.git', '/moved.git') : null) });
    const env = envWithCa();
    expect((await listRemoteTagsNative(root, `${server.url}/old.git`, { env })).tags).toHaveLength(4);
    const e = await listRemoteTagsNative(root, `${server.url}/away.git`, { env }).catch((x: unknown) => x as GitError);
    expect((e as GitError).message).toMatch(/redirects to another host \(https:\/\/localhost:\d+\/\); Upshift does not follow it\. Nothing was changed/);
    expect(elsewhere.stats.requests).toBe(0);
    expect(server.stats.http1).toBe(0);
  });

  it('an untrusted certificate names the remote and the CA setting; http.sslCAInfo in git config is honoured natively', async (ctx) => {
    if (!certs) return ctx.skip();
    const { root, server, work } = await servedCheckout();
    const noCa = envWithCa({ GIT_SSL_CAINFO: '' });
    const e = await listRemoteTagsNative(work, 'origin', { env: noCa }).catch((x: unknown) => x as GitError);
    expect(e).toBeInstanceOf(GitError);
    expect((e as GitError).kind).toBe('remote-unreachable');
    expect((e as GitError).message).toMatch(/^The remote https:\/\/127\.0\.0\.1:\d+\/app\.git presented a TLS certificate that the system's certificate authorities do not trust \(.+\)\. Nothing was changed\. .*http\.sslCAInfo.*GIT_SSL_CAINFO/);
    // A CA that is not the server's: the message names the file and the setting it came from.
    const other = makeTestCertificates(makeTempDir('upshift-h2-other-ca-'));
    const wrong = await listRemoteTagsNative(work, 'origin', { env: envWithCa({ GIT_SSL_CAINFO: other.caFile }) }).catch((x: unknown) => x as GitError);
    expect((wrong as GitError).message).toContain(`the certificate authorities in ${other.caFile} (GIT_SSL_CAINFO) do not trust`);
    const missing = await listRemoteTagsNative(work, 'origin', { env: envWithCa({ GIT_SSL_CAINFO: path.join(root, 'nope.pem') }) }).catch((x: unknown) => x as GitError);
    expect((missing as GitError).message).toMatch(/GIT_SSL_CAINFO names .*nope\.pem, which cannot be read \(ENOENT\)\. Nothing was changed/);
    // git's own setting, as a user would make it: read natively, over h2.
    git(work, 'config', 'http.sslCAInfo', certs!.caFile);
    const ok = await listRemoteTagsNative(work, 'origin', { env: noCa });
    expect(ok.via).toBe('http-v2');
    expect(ok.tags).toHaveLength(4);
    expect(ok.warnings).toBeUndefined();
    expect(server.stats.h2).toBeGreaterThan(0);
  });

  it('http.sslVerify=false (git says so) skips verification with a warning on the listing', async (ctx) => {
    if (!certs) return ctx.skip();
    const { root, server, work } = await servedCheckout();
    git(work, 'config', 'http.sslVerify', 'false');
    const listed = await listRemoteTagsNative(work, 'origin', { env: envWithCa({ GIT_SSL_CAINFO: '' }) });
    expect(listed.tags).toHaveLength(4);
    expect(listed.warnings).toEqual([expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/app\.git: TLS certificates are not verified, because git's http\.sslVerify is false/)]);
    const byEnv = await listRemoteTagsNative(root, `${server.url}/app.git`, { env: envWithCa({ GIT_SSL_CAINFO: '', GIT_SSL_NO_VERIFY: '1' }) });
    expect(byEnv.warnings?.[0]).toMatch(/because GIT_SSL_NO_VERIFY is set/);
    // The release source hands the warning to check, which shows it with the project.
    const saved = process.env.GIT_SSL_CAINFO;
    delete process.env.GIT_SSL_CAINFO;
    try {
      const source = new GitTagSource();
      const project = { path: work, remote: 'origin', tagPattern: 'v{version}', channel: 'stable' as const };
      expect((await source.listReleases(project)).length).toBe(4);
      expect(source.lastWarnings(project)).toEqual([expect.stringMatching(/TLS certificates are not verified, because git's http\.sslVerify is false/)]);
    } finally {
      if (saved !== undefined) process.env.GIT_SSL_CAINFO = saved;
    }
  });

  it('GOAWAY mid-run: the streams it cut off are retried over HTTP/1.1, and the host stays there for the run', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    const names = reposWithTags(root, 16);
    const server = await serve({ root, goawayAfter: 4 });
    const results = await listAll(server, root, names, 8, envWithCa());
    expect(results).toHaveLength(16);
    expect(results.every((r) => r.tags.length === 4 && r.via === 'http-v2')).toBe(true);
    expect(server.stats.goaways).toBe(1);
    expect(server.stats.sessions).toBe(1);
    expect(server.stats.h2).toBeGreaterThanOrEqual(4);
    expect(server.stats.http1).toBeGreaterThan(0);
    const h1Before = server.stats.http1;
    const h2Before = server.stats.h2;
    expect((await listRemoteTagsNative(root, `${server.url}/r0.git`, { env: envWithCa() })).tags).toHaveLength(4);
    expect(server.stats.h2).toBe(h2Before);
    expect(server.stats.http1).toBe(h1Before + 1);
  });

  it('a session error mid-run (the connection dropped, no GOAWAY): the cut-off requests are retried over HTTP/1.1', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    const names = reposWithTags(root, 16);
    const server = await serve({ root, destroyAfter: 6 });
    const results = await listAll(server, root, names, 8, envWithCa());
    expect(results).toHaveLength(16);
    expect(results.every((r) => r.tags.length === 4 && r.via === 'http-v2')).toBe(true);
    expect(server.stats.destroyed).toBeGreaterThanOrEqual(1);
    expect(server.stats.sessions).toBe(1);
    expect(server.stats.http1).toBeGreaterThan(0);
  });

  it('through an HTTPS proxy: HTTP/2 inside one CONNECT tunnel', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    const names = reposWithTags(root, 6);
    const server = await serve({ root });
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
    try {
      const env = envWithCa({ HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, NO_PROXY: '' });
      const results = await listAll(server, root, names, 4, env);
      expect(results.every((r) => r.tags.length === 4)).toBe(true);
      expect(tunnels).toBe(1);
      expect(server.stats.connections).toBe(1);
      expect(server.stats.http1).toBe(0);
    } finally {
      closeHttpPool();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('leaves no handle behind: a process that listed over h2 exits at once without closing anything', async (ctx) => {
    if (!certs) return ctx.skip();
    const root = makeTempDir('upshift-h2-');
    reposWithTags(root, 2);
    const server = await serve({ root });
    const script = path.join(root, 'list.ts');
    const index = path.resolve(__dirname, 'index.ts');
    writeFileSync(script, `import { listRemoteTagsNative } from ${JSON.stringify(index)};\nconst r = await Promise.all(['r0', 'r1'].map((n) => listRemoteTagsNative(${JSON.stringify(root)}, '${server.url}/' + n + '.git')));\nconsole.log(r.map((x) => x.via + ':' + x.tags.length).join(' '));\nglobalThis.__listedAt = Date.now();\nprocess.on('exit', () => console.log('exit-after-ms', Date.now() - globalThis.__listedAt));\n`);
    const viteNode = path.resolve(__dirname, '../../../node_modules/.bin/vite-node');
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(viteNode, [script], { env: envWithCa(), stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout });
      });
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('http-v2:4 http-v2:4');
    // The idle session would close itself after 10 s; an unref'd one does not hold the process that long.
    const after = Number(/exit-after-ms (\d+)/.exec(out.stdout)?.[1]);
    expect(after).toBeLessThan(3000);
    expect(server.stats.h2).toBeGreaterThan(0);
  }, 60_000);
});
