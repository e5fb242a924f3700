import { describe, expect, it } from 'vitest';
import { APP_CONTENT_SECURITY_POLICY, APP_INDEX_URL, isAllowedExternalUrl, isAppUrl, isTrustedSender, type SenderInfo } from './security.js';

const WINDOW = 7;
const policy = { windowWebContentsId: WINDOW, devUrl: null };
const sender = (frameUrl: string | null, o: Partial<SenderInfo> = {}): SenderInfo => ({ webContentsId: WINDOW, frameUrl, isMainFrame: true, ...o });

describe('isTrustedSender', () => {
  it('trusts our window showing the app, with any hash route', () => {
    expect(isTrustedSender(sender(APP_INDEX_URL), policy)).toBe(true);
    expect(isTrustedSender(sender(`${APP_INDEX_URL}#/plan/core?to=1.3.0`), policy)).toBe(true);
    expect(isTrustedSender(sender('app://upshift/'), policy)).toBe(true);
  });

  it('refuses another webContents, even showing our page', () => {
    expect(isTrustedSender(sender(APP_INDEX_URL, { webContentsId: 8 }), policy)).toBe(false);
  });

  it('refuses everything when there is no window', () => {
    expect(isTrustedSender(sender(APP_INDEX_URL), { windowWebContentsId: null })).toBe(false);
  });

  it('refuses subframes and frames that are gone', () => {
    expect(isTrustedSender(sender(APP_INDEX_URL, { isMainFrame: false }), policy)).toBe(false);
    expect(isTrustedSender(sender(null), policy)).toBe(false);
  });

  it('refuses our window after it navigated anywhere else', () => {
    for (const url of [
      'https://evil.example/index.html',
      'file:///home/me/dist/renderer/index.html',
      'app://evil/index.html',
      'app://upshift.evil.example/index.html',
      'app://upshift/other.html',
      'app://upshift/assets/index.js',
      'http://localhost:5173/',
      'about:blank',
      'data:text/html,<script>alert(1)</script>',
      'not a url',
      '',
    ]) {
      expect(isTrustedSender(sender(url), policy), url).toBe(false);
    }
  });

  it('refuses URLs carrying credentials', () => {
    expect(isTrustedSender(sender('app://user:pw@upshift/index.html'), policy)).toBe(false);
  });

  it('trusts the dev server by exact origin only, and only when configured', () => {
    const dev = { windowWebContentsId: WINDOW, devUrl: 'http://localhost:5173' };
    expect(isTrustedSender(sender('http://localhost:5173/#/history'), dev)).toBe(true);
    expect(isTrustedSender(sender('http://localhost:5174/'), dev)).toBe(false);
    expect(isTrustedSender(sender('http://127.0.0.1:5173/'), dev)).toBe(false);
    expect(isTrustedSender(sender('https://localhost:5173/'), dev)).toBe(false);
    expect(isTrustedSender(sender('http://localhost:5173/'), policy)).toBe(false);
    // A dev URL with a scheme that is not http(s) is ignored.
    expect(isTrustedSender(sender('file:///x/index.html'), { windowWebContentsId: WINDOW, devUrl: 'file:///x/index.html' })).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it('allows https links to public hosts', () => {
    expect(isAllowedExternalUrl('https://github.com/acme/core/releases/tag/v1.3.0')).toBe(true);
    expect(isAllowedExternalUrl('https://docs.example.org/changelog#1.3.0')).toBe(true);
  });

  it('refuses every other scheme', () => {
    for (const url of [
      'http://example.com/',
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'file:///etc/passwd',
      'data:text/html,hi',
      'smb://host/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/etc/passwd',
      'ssh://host',
      'mailto:a@b.c',
      'app://upshift/index.html',
      '//example.com/',
      'example.com',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });

  it('refuses credentials, loopback, private and local names', () => {
    for (const url of [
      'https://user:pw@example.com/',
      'https://localhost/',
      'https://127.0.0.1/',
      'https://10.0.0.5/',
      'https://192.168.1.1/',
      'https://172.16.0.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/',
      'https://printer.local/',
      'https://intranet/',
      'https://app.localhost/',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });

  it('refuses over-long and non-string input', () => {
    expect(isAllowedExternalUrl(`https://example.com/${'a'.repeat(3000)}`)).toBe(false);
    expect(isAllowedExternalUrl(undefined as unknown as string)).toBe(false);
  });

  it('honours a host allowlist, subdomains included', () => {
    const hosts = ['github.com'];
    expect(isAllowedExternalUrl('https://github.com/x', { hosts })).toBe(true);
    expect(isAllowedExternalUrl('https://gist.github.com/x', { hosts })).toBe(true);
    expect(isAllowedExternalUrl('https://evilgithub.com/x', { hosts })).toBe(false);
    expect(isAllowedExternalUrl('https://github.com.evil.example/x', { hosts })).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('recognises the app origin and the dev server', () => {
    expect(isAppUrl('app://upshift/index.html#/history')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5173/x')).toBe(false);
    expect(isAppUrl('::')).toBe(false);
  });
});

describe('APP_CONTENT_SECURITY_POLICY', () => {
  const directives = Object.fromEntries(APP_CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

  it('allows only our own scripts and styles, nothing inline or evaluated', () => {
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(APP_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('defaults to nothing and closes objects, frames, base and forms', () => {
    expect(directives['default-src']).toEqual(["'none'"]);
    for (const d of ['object-src', 'frame-src', 'base-uri', 'form-action', 'frame-ancestors']) expect(directives[d], d).toEqual(["'none'"]);
  });
});
