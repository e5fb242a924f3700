/** URL and text helpers for the Markdown renderer. Pure. */

/**
 * The href a link may have: absolute `https:` URLs only (no credentials in them). Everything else — `javascript:`,
 * `data:`, `vbscript:`, `http:`, `file:`, relative paths, protocol-relative `//host` — returns null and the link is
 * shown as plain text.
 */
export function safeHref(href: string | null | undefined): string | null {
  if (!href) return null;
  // Control characters and whitespace inside a scheme are a classic filter bypass: refuse rather than normalise.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(href)) return null;
  const trimmed = href.trim();
  if (!/^https:\/\//i.test(trimmed)) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password) return null;
  return url.href;
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  times: '×',
  divide: '÷',
  deg: '°',
  plusmn: '±',
  rarr: '→',
  larr: '←',
  uarr: '↑',
  darr: '↓',
  harr: '↔',
  check: '✓',
  euro: '€',
  pound: '£',
  yen: '¥',
  sect: '§',
  para: '¶',
};

/**
 * Decodes the character references marked leaves in text (it passes `&amp;` and other named references through for
 * an HTML renderer). React escapes whatever it renders, so decoding here can never create markup.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED[ref] ?? whole;
  });
}
