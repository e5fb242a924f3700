/**
 * Shortening release notes without cutting them silently (issue 8 §7: jq's notes were cut mid-section with no
 * mark). Pure; used by the engine (a section over its size limit) and by the CLI's human plan (a few lines per
 * release), which both end what they show with `moreLinesText`.
 */

export interface NotesExcerpt {
  /** The lines kept, as written (a fenced code block cut in two is closed). */
  text: string;
  /** Lines of the body left out; 0 when the body fits. */
  omittedLines: number;
}

const FENCE_RE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/**
 * The start of `body` within `maxLines` lines and `maxChars` characters. It is cut at a line boundary, at a blank
 * line when one is in the last third of what fits (so a paragraph or list item is not split), and before a fenced
 * code block that would be cut open. Only a first line longer than `maxChars` is cut inside, ending in `…`.
 */
export function excerptNotes(body: string, limits: { maxLines?: number; maxChars?: number }): NotesExcerpt {
  const lines = body.split('\n');
  const maxLines = Math.max(1, limits.maxLines ?? Infinity);
  const maxChars = Math.max(1, limits.maxChars ?? Infinity);
  let keep = 0;
  let chars = 0;
  while (keep < lines.length && keep < maxLines && chars + (lines[keep] as string).length <= maxChars) chars += (lines[keep++] as string).length + 1;
  if (keep >= lines.length) return { text: body, omittedLines: 0 };
  if (keep === 0) return { text: `${(lines[0] as string).slice(0, maxChars)}…`, omittedLines: lines.length - 1 };
  for (let i = keep - 1; i >= Math.ceil((keep * 2) / 3); i--) {
    if ((lines[i] as string).trim() === '') {
      keep = i;
      break;
    }
  }
  let open = -1;
  let marker = '';
  for (let i = 0; i < keep; i++) {
    const f = FENCE_RE.exec(lines[i] as string);
    if (!f) continue;
    if (open < 0) [open, marker] = [i, f[1] as string];
    else if ((f[1] as string)[0] === marker[0]) open = -1;
  }
  const closeFence = open === 0;
  if (open > 0) keep = open;
  const kept = lines.slice(0, keep);
  while (kept.length > 1 && (kept[kept.length - 1] as string).trim() === '') kept.pop();
  if (closeFence) kept.push(marker);
  return { text: kept.join('\n'), omittedLines: lines.length - keep };
}

/** `… 12 more lines in CHANGES.rst`: the mark that ends shortened notes. */
export function moreLinesText(omittedLines: number, from: string): string {
  return `… ${omittedLines} more line${omittedLines === 1 ? '' : 's'} in ${from}`;
}
