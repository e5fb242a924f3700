/**
 * `upshift check` over HTTPS through the built CLI (issue 12 §1): remotes served by `git http-backend` behind
 * node:http2's createSecureServer({ allowHTTP1 }) with a throwaway certificate authority. Every project's listing is
 * a stream of one HTTP/2 connection, the CLI exits by itself, and when git's own configuration turns certificate
 * checks off the project's check says so.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, startHttpBackend } from '../bench/http-backend.mjs';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

interface CheckDoc {
  projects: Array<{ name: string; latest: { version: string } | null; error: { message: string } | null; blockers: string[] }>;
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('check over HTTPS with HTTP/2', () => {
  it('lists every project as a stream of one TLS connection; http.sslVerify=false is honoured with a warning', async (ctx) => {
    if (!hasOpenssl()) {
      console.log('skipped: openssl is needed to make a test certificate authority');
      return ctx.skip();
    }
    const certs = makeTestCertificates(makeTempDir('upshift-ca-'));
    const root = makeTempDir('upshift-h2-cli-');
    const server = await startHttpBackend({ root, tls: certs, h2: true });
    try {
      // The CLI runs asynchronously (cli.start): the server answers from this process.
      const cli = new CliHarness({ GIT_SSL_CAINFO: certs.caFile });
      const works: Record<string, string> = {};
      for (const name of ['a', 'b', 'c', 'd']) {
        const f = createRemoteWithReleases({ dir: path.join(root, name), releases: [{ version: '1.0.0' }, { version: '1.1.0' }], checkout: 'v1.0.0', initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n' } });
        git(f.work, 'remote', 'set-url', 'origin', `${server.url}/${name}/remote.git`);
        works[name] = f.work;
        const added = await cli.start('add', f.work, '--name', name).done;
        expect(added.code, added.stderr).toBe(0);
      }
      // The first check reads each new release's metadata once (git fetch, its own connections); the next ones do not.
      const first = await cli.start('check', '--json').done;
      expect(first.code, first.stderr).toBe(0);

      const before = { connections: server.stats.connections, h2: server.stats.h2, http1: server.stats.http1 };
      cli.env.UPSHIFT_DISCOVERY_MEMO = 'off';
      const r = await cli.start('check', '--json').done;
      expect(r.code, r.stderr).toBe(0);
      const doc = r.json<CheckDoc>();
      expect(doc.projects.map((p) => [p.name, p.latest?.version, p.error])).toEqual([
        ['a', '1.1.0', null],
        ['b', '1.1.0', null],
        ['c', '1.1.0', null],
        ['d', '1.1.0', null],
      ]);
      expect(server.stats.connections - before.connections).toBe(1);
      expect(server.stats.h2 - before.h2).toBeGreaterThanOrEqual(4);
      expect(server.stats.http1 - before.http1).toBe(0);

      // Without the CA: a project whose git configuration turns verification off is listed, with a warning; the
      // others fail, naming the setting that would trust the server.
      git(works.a!, 'config', 'http.sslVerify', 'false');
      delete cli.env.GIT_SSL_CAINFO;
      delete cli.env.UPSHIFT_DISCOVERY_MEMO;
      const off = await cli.start('check', '--json').done;
      const projects = off.json<CheckDoc>().projects;
      const a = projects.find((p) => p.name === 'a')!;
      expect(a.error).toBeNull();
      expect(a.latest?.version).toBe('1.1.0');
      expect(a.blockers.join('\n')).toMatch(/TLS certificates are not verified, because git's http\.sslVerify is false/);
      const b = projects.find((p) => p.name === 'b')!;
      expect(b.error?.message).toMatch(/presented a TLS certificate that the system's certificate authorities do not trust .*http\.sslCAInfo/);
    } finally {
      await server.close();
    }
  }, 120_000);
});
