import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/helpers/repos.js';
import { MemoryHttpCache } from '../../state/http-cache.js';
import { GitHubSource } from './source.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A self-signed certificate for 127.0.0.1, made with openssl. */
function selfSigned(): { key: string; cert: string } {
  const dir = makeTempDir();
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

describe.skipIf(!hasOpenssl)('https, direct and through a CONNECT proxy (HTTPS_PROXY)', () => {
  let api: https.Server;
  let proxy: http.Server;
  let cert: string;
  let apiUrl = '';
  let proxyUrl = '';
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    const pair = selfSigned();
    cert = pair.cert;
    api = https.createServer({ key: pair.key, cert: pair.cert }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', etag: '"tls"', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '9999999999' });
      res.end(JSON.stringify([{ tag_name: 'v2.0.0', draft: false, prerelease: false, body: `over TLS, auth ${req.headers.authorization ? 'sent' : 'absent'}` }]));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `https://127.0.0.1:${(api.address() as net.AddressInfo).port}/api/v3`;
    proxy = http.createServer((_q, r) => r.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const up = net.connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      sockets.add(client).add(up);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    api.closeAllConnections();
    proxy.closeAllConnections();
    await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => proxy.close(r))]);
  });

  const project = () => ({ path: '/x', remote: 'origin', tagPattern: 'v{version}', channel: 'stable' as const, github: { repo: 'o/r', apiUrl } });

  it('talks https with the token, and refuses a certificate it does not trust', async () => {
    const s = new GitHubSource({ cache: new MemoryHttpCache(), token: async () => 't0k', env: {}, ca: cert, serverRetries: 0 });
    expect((await s.listReleases(project())).map((r) => r.tag)).toEqual(['v2.0.0']);
    expect((await s.describeRelease(project(), { tag: 'v2.0.0', version: { parts: [2, 0, 0], prerelease: [], normalized: '2.0.0' } }))?.body).toBe('over TLS, auth sent');
    const untrusting = new GitHubSource({ cache: new MemoryHttpCache(), token: async () => 't0k', env: {}, serverRetries: 0 });
    await expect(untrusting.listReleases(project())).rejects.toMatchObject({ code: 'GITHUB_UNREACHABLE', message: expect.stringMatching(/certificate/i) });
  });

  it('tunnels TLS through HTTPS_PROXY with CONNECT', async () => {
    const s = new GitHubSource({ cache: new MemoryHttpCache(), token: async () => 't0k', env: { HTTPS_PROXY: proxyUrl }, ca: cert, serverRetries: 0 });
    expect((await s.listReleases(project())).map((r) => r.tag)).toEqual(['v2.0.0']);
    expect(connects).toEqual([new URL(apiUrl).host]);
  });
});
