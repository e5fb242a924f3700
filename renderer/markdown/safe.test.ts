import { describe, expect, it } from 'vitest';
import { decodeEntities, safeHref } from './safe.js';

describe('safeHref', () => {
  it('accepts absolute https URLs, normalised', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(safeHref('  HTTPS://Example.com/a b ')).toBe('https://example.com/a%20b');
  });
  it.each(['javascript:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'http://example.com', '//example.com', '/path', 'mailto:a@b.c', 'https:/x', 'https://', 'https://u:p@h.example', 'java\nscript:x', 'https://exa\u0000mple.com', '', null, undefined])(
    'refuses %j',
    (href) => {
      expect(safeHref(href)).toBeNull();
    },
  );
});

describe('decodeEntities', () => {
  it('decodes named and numeric references, leaves unknown ones', () => {
    expect(decodeEntities('a &amp; b &lt;x&gt; &copy; &#65;&#x42; &unknown; &')).toBe('a & b <x> © AB &unknown; &');
  });
  it('replaces invalid code points', () => {
    expect(decodeEntities('&#0; &#xD800; &#1114112;')).toBe('\ufffd \ufffd \ufffd');
  });
});
