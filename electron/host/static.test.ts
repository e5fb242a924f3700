import { describe, expect, it } from 'vitest';
import { cacheControlFor, isInside, safeRelativePath } from './static.js';

describe('safeRelativePath', () => {
  it('maps paths inside the folder', () => {
    expect(safeRelativePath('/')).toBe('index.html');
    expect(safeRelativePath('/index.html')).toBe('index.html');
    expect(safeRelativePath('/assets/index-abc.js')).toBe('assets/index-abc.js');
    expect(safeRelativePath('/assets//a%20b.css')).toBe('assets/a b.css');
  });

  it('refuses every spelling of a way out', () => {
    for (const p of ['/../x', '/a/../../x', '/%2e%2e/x', '/%2E%2e/x', '/..%2fx', '/a%2f..%2f..%2fx', '/..%5cx', '/a\\..\\x', '/%00', '/x%00.js', '/%', '/%zz', 'x', '/.git/config', '/.env', '/C:/Windows', '/c:%5cboot.ini']) {
      expect(safeRelativePath(p), p).toBeNull();
    }
  });
});

describe('isInside', () => {
  it('is true for the root and below only', () => {
    expect(isInside('/srv/r', '/srv/r')).toBe(true);
    expect(isInside('/srv/r', '/srv/r/a/b')).toBe(true);
    expect(isInside('/srv/r', '/srv/r2/a')).toBe(false);
    expect(isInside('/srv/r', '/srv')).toBe(false);
    expect(isInside('/srv/r', '/etc/passwd')).toBe(false);
    expect(isInside('/srv/r', '/srv/r/..data')).toBe(true);
  });
});

describe('cacheControlFor', () => {
  it('caches hashed assets for good and revalidates the rest', () => {
    expect(cacheControlFor('assets/index-B3xZ91aQ.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('assets/style.4f5a6b7c.css')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('index.html')).toBe('no-cache');
    expect(cacheControlFor('assets/logo.svg')).toBe('no-cache');
    expect(cacheControlFor('favicon.ico')).toBe('no-cache');
  });
});
