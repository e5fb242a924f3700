/**
 * Release notes as the About view can show them. electron-updater's GitHub provider takes the notes from the
 * releases Atom feed, where GitHub publishes them rendered to HTML (`<h2>Faster</h2><p>…</p>`); the dashboard
 * renders Markdown and never interprets raw HTML (it would show the tags as text). So HTML notes are turned back
 * into the Markdown they most likely came from: headings, paragraphs, lists, code, emphasis, links; any other tag is
 * dropped, its text kept. Notes that are not HTML (latest.yml's releaseNotes, a generic feed) pass unchanged.
 */

const BLOCK_TAG = /<\/?(?:p|h[1-6]|ul|ol|li|br|div|pre|code|blockquote|a|strong|em)\b[^>]*>/i;

/** Markdown for notes that arrive as GitHub's HTML; anything else as it came. */
export function notesAsMarkdown(notes: string): string {
  return BLOCK_TAG.test(notes) ? htmlToMarkdown(notes) : notes;
}

export function htmlToMarkdown(html: string): string {
  let s = html.replace(/\r\n?/g, '\n');
  // Code blocks first, so nothing inside them is taken for markup. Placeholders and the <br> mark use
  // private-use characters, which GitHub's HTML does not contain.
  const blocks: string[] = [];
  s = s.replace(/<pre\b[^>]*>([\s\S]*?)<\/pre>/gi, (_, body: string) => {
    blocks.push('```\n' + decodeEntities(stripTags(body)).replace(/\n+$/, '') + '\n```');
    return `\n\n\uE000${blocks.length - 1}\uE000\n\n`;
  });
  s = s
    .replace(/\n/g, ' ')
    .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi, (_, level: string, text: string) => `\n\n${'#'.repeat(Number(level))} ${text.trim()}\n\n`)
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/li>/gi, '')
    .replace(/<\/(?:ul|ol)>/gi, '\n\n')
    .replace(/<(?:ul|ol)\b[^>]*>/gi, '\n')
    .replace(/<br\s*\/?>/gi, '\uE001\n')
    .replace(/<\/?(?:p|div|blockquote)\b[^>]*>/gi, '\n\n')
    .replace(/<code\b[^>]*>([\s\S]*?)<\/code>/gi, (_, text: string) => `\`${text}\``)
    .replace(/<(strong|b)\b[^>]*>([\s\S]*?)<\/\1>/gi, (_, _tag: string, text: string) => `**${text}**`)
    .replace(/<(em|i)\b[^>]*>([\s\S]*?)<\/\1>/gi, (_, _tag: string, text: string) => `_${text}_`)
    .replace(/<a\b[^>]*\bhref="(https?:[^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, text: string) => `[${text}](${href})`);
  s = decodeEntities(stripTags(s));
  // A <br> is a Markdown hard break (two trailing spaces); any other trailing or leading blank goes.
  const lines = s.split('\n').map((l) => l.trim().replace(/\uE001$/, '  ').replace(/\uE001/g, ''));
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\uE000(\d+)\uE000/g, (_, i: string) => blocks[Number(i)]!)
    .trim();
}

function stripTags(s: string): string {
  return s.replace(/<\/?[a-zA-Z][^>]*>/g, '');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}
