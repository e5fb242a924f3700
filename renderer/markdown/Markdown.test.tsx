import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown.js';

const render = (source: string, headingOffset?: number) => renderToStaticMarkup(<Markdown source={source} headingOffset={headingOffset} />);

/** No element other than the ones the renderer may produce, and no attribute other than the allowed ones. */
function assertInert(html: string) {
  const tags = [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)];
  const allowedTags = new Set(['div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'code', 'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'strong', 'em', 'del', 'br', 'hr', 'a', 'span', 'input']);
  for (const [, tag, attrs] of tags) {
    expect(allowedTags.has(tag!.toLowerCase()), `unexpected <${tag}>`).toBe(true);
    for (const [, name] of attrs!.matchAll(/\s([a-zA-Z-:]+)=/g)) {
      expect(['class', 'href', 'target', 'rel', 'title', 'start', 'type', 'checked', 'disabled', 'readonly', 'aria-label', 'scope'].includes(name!.toLowerCase()), `unexpected attribute ${name} on <${tag}>`).toBe(true);
    }
  }
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/<svg/i);
  expect(html).not.toMatch(/<iframe/i);
  expect(html).not.toMatch(/<style/i);
  // Inside a real tag (text is escaped, so "&lt;img onerror=" in text is fine).
  expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
  expect(html).not.toMatch(/<[^>]*href="(?!https:)/i);
}

describe('Markdown renderer (untrusted release notes)', () => {
  it('renders common Markdown as elements', () => {
    const html = render('# Title\n\nSome **bold**, _em_, ~~gone~~ and `code`.\n\n- one\n- two\n\n1. a\n2. b\n\n> quoted\n\n```\nnpm ci\n```\n\n---');
    expect(html).toContain('<h1 class="md-heading">Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<del>gone</del>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<ol><li>a</li><li>b</li></ol>');
    expect(html).toContain('<blockquote><p>quoted</p></blockquote>');
    expect(html).toContain('<pre class="md-code"><code>npm ci</code></pre>');
    expect(html).toContain('<hr/>');
    assertInert(html);
  });

  it('shifts heading levels and caps them at h6', () => {
    const html = render('# One\n\n### Three\n\n###### Six', 3);
    expect(html).toContain('<h4 class="md-heading">One</h4>');
    expect(html).toContain('<h6 class="md-heading">Three</h6>');
    expect(html).toContain('<h6 class="md-heading">Six</h6>');
  });

  it('shows a <script> block as text, never as an element', () => {
    const html = render('Before\n\n<script>alert(document.cookie)</script>\n\nAfter');
    expect(html).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;');
    assertInert(html);
  });

  it('keeps <img onerror> and <svg onload> inert, block or inline', () => {
    const block = render('<img src=x onerror="alert(1)">\n\n<svg onload="alert(2)"><circle/></svg>');
    expect(block).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(block).toContain('&lt;svg onload=&quot;alert(2)&quot;&gt;');
    assertInert(block);
    const inline = render('text <img src=x onerror=alert(1)> and <svg/onload=alert(2)> and <a href="javascript:alert(3)">x</a>');
    expect(inline).toContain('&lt;img src=x onerror=alert(1)&gt;');
    assertInert(inline);
  });

  it('keeps raw HTML blocks (details, iframe, style, comments) as text', () => {
    const html = render('<details><summary>More</summary>hidden</details>\n\n<iframe src="https://evil.example"></iframe>\n\n<style>body{display:none}</style>\n\n<!-- comment -->');
    expect(html).toContain('&lt;details&gt;');
    expect(html).toContain('&lt;iframe');
    expect(html).toContain('&lt;style&gt;');
    expect(html).toContain('&lt;!-- comment --&gt;');
    assertInert(html);
  });

  it('makes https links open outside the app', () => {
    const html = render('See [the docs](https://example.com/docs?a=1&b=2 "Docs") and https://auto.example/x');
    expect(html).toContain('<a href="https://example.com/docs?a=1&amp;b=2" target="_blank" rel="noopener noreferrer" class="md-link" title="Docs">the docs</a>');
    expect(html).toContain('<a href="https://auto.example/x" target="_blank" rel="noopener noreferrer" class="md-link">https://auto.example/x</a>');
    assertInert(html);
  });

  it.each([
    ['javascript:', '[click](javascript:alert(1))'],
    ['JaVaScRiPt: with entities', '[click](JaVaScRiPt&#58;alert(1))'],
    ['javascript: with a tab', '[click](java\tscript:alert(1))'],
    ['data:', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['vbscript:', '[click](vbscript:msgbox(1))'],
    ['http:', '[click](http://plain.example)'],
    ['file:', '[click](file:///etc/passwd)'],
    ['relative', '[click](CHANGELOG.md)'],
    ['protocol-relative', '[click](//evil.example)'],
    ['autolink javascript:', '<javascript:alert(1)>'],
    ['reference link', '[click][x]\n\n[x]: javascript:alert(1)'],
    ['credentials', '[click](https://user:pass@evil.example)'],
  ])('renders a %s link as plain text', (_name, source) => {
    const html = render(source);
    expect(html).not.toContain('<a ');
    expect(html).not.toMatch(/href=/);
    assertInert(html);
  });

  it('never loads images: shows their alt text', () => {
    const html = render('![Screenshot of *the* UI](https://example.com/a.png) ![](https://example.com/b.png) ![x](javascript:alert(1))');
    expect(html).toContain('<span class="md-image">[image: Screenshot of the UI]</span>');
    expect(html).toContain('<span class="md-image">[image]</span>');
    expect(html).not.toMatch(/example\.com\/a\.png/);
    assertInert(html);
  });

  it('decodes character references as text without creating markup', () => {
    const html = render('AT&amp;T &copy; &#169; &lt;script&gt;alert(1)&lt;/script&gt; \\<b\\>');
    expect(html).toContain('AT&amp;T © © &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;');
    assertInert(html);
  });

  it('renders tables with alignment classes and task lists with disabled checkboxes', () => {
    const html = render('| a | b |\n|:-|-:|\n| 1 | <b>2</b> |\n\n- [x] done\n- [ ] todo');
    expect(html).toContain('<th scope="col" class="md-align-left">a</th>');
    expect(html).toContain('<td class="md-align-right">&lt;b&gt;2&lt;/b&gt;</td>');
    const boxes = [...html.matchAll(/<input [^>]*\/>/g)].map((m) => m[0]);
    expect(boxes).toHaveLength(2);
    expect(boxes[0]).toContain('type="checkbox"');
    expect(boxes[0]).toContain('disabled=""');
    expect(boxes[0]).toContain('checked=""');
    expect(boxes[1]).not.toContain('checked');
    assertInert(html);
  });

  it('survives hostile or huge input', () => {
    const nested = '> '.repeat(200) + 'deep';
    assertInert(render(nested));
    const long = 'x'.repeat(150_000);
    const html = render(long);
    expect(html).toContain('Truncated');
    expect(render('')).toBe('<div class="markdown"></div>');
  });
});
