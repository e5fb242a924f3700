import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from './app-protocol.js';
import { APP_CONTENT_SECURITY_POLICY } from './security.js';

const root = mkdtempSync(join(tmpdir(), 'upshift-app-protocol-'));
const renderer = join(root, 'renderer');
mkdirSync(join(renderer, 'assets'), { recursive: true });
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Upshift</title><script type="module" src="./assets/index-abc12345.js"></script>');
writeFileSync(join(renderer, 'assets', 'index-abc12345.js'), 'console.log(1)');
writeFileSync(join(renderer, 'assets', 'index-abc12345.css'), 'body{}');
writeFileSync(join(root, 'secret.txt'), 'secret');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const handler = createAppProtocolHandler(renderer);
const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol handler', () => {
  it('serves index.html for / and /index.html, with the CSP and nosniff', async () => {
    for (const url of ['app://upshift/', 'app://upshift/index.html', 'app://upshift/index.html#/plan/core']) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('<title>Upshift</title>');
    }
  });

  it('serves assets with their content type (module scripts need text/javascript)', async () => {
    const js = await get('app://upshift/assets/index-abc12345.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    expect((await get('app://upshift/assets/index-abc12345.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('never serves anything outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/.hidden', `/${join(root, 'secret.txt')}`]) {
      const res = await get(`app://upshift${path}`);
      expect(res.status, path).not.toBe(200);
      expect(await res.text(), path).not.toContain('secret');
    }
  });

  it('answers 404 for other hosts and missing files, 405 for other methods', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://upshift/missing.js')).status).toBe(404);
    expect((await get('app://upshift/index.html', 'POST')).status).toBe(405);
  });

  it('explains what to do when the renderer is not built', async () => {
    const res = await createAppProtocolHandler(join(root, 'nope'))(new Request('app://upshift/index.html'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
  });
});
