import { parseVersion, versionsEqual, type Version } from '../../../shared/version/index.js';

/**
 * Release-notes files, matched case-insensitively by base name and extension, at the repository root and in
 * `docs/` or `doc/`. The order is the preference when a commit has several (root first, then these names, then
 * these extensions). Covers what real projects use: CHANGELOG.md, CHANGES.rst (click), HISTORY.rst (requests),
 * NEWS.md (jq), NEWS (GNU), 00-RELEASENOTES (redis), History.md (express), RELEASE-NOTES.txt.
 */
export const NOTES_BASENAMES = ['changelog', 'changes', 'history', 'news', 'release-notes', 'release_notes', 'releasenotes', '00-releasenotes'] as const;
export const NOTES_EXTENSIONS = ['.md', '.markdown', '.rst', '.txt', ''] as const;
export const NOTES_DIRS = ['', 'docs/', 'doc/'] as const;

/** How a notes file is read: Markdown (ATX and setext headings), reStructuredText (adorned titles), or plain text (any). */
export type NotesFormat = 'markdown' | 'rst' | 'text';

/** The preference rank of a path as a notes file (lower is preferred), or null when it is not one. */
export function notesFileRank(path: string): number | null {
  const slash = path.lastIndexOf('/') + 1;
  const dir = NOTES_DIRS.indexOf(path.slice(0, slash).toLowerCase() as (typeof NOTES_DIRS)[number]);
  if (dir < 0) return null;
  const name = path.slice(slash).toLowerCase();
  for (let b = 0; b < NOTES_BASENAMES.length; b++) {
    const base = NOTES_BASENAMES[b] as string;
    if (!name.startsWith(base)) continue;
    const ext = NOTES_EXTENSIONS.indexOf(name.slice(base.length) as (typeof NOTES_EXTENSIONS)[number]);
    if (ext >= 0) return dir * 1000 + b * 10 + ext;
  }
  return null;
}

/** The format a notes file is read in, from its extension. */
export function notesFormat(path: string): NotesFormat {
  const name = path.toLowerCase();
  if (name.endsWith('.md') || name.endsWith('.markdown')) return 'markdown';
  if (name.endsWith('.rst')) return 'rst';
  return 'text';
}

export interface ChangelogSection {
  /** The heading's title line as written (`## [1.2.0] - 2024-01-31`, `Version 8.1.8`, `* Changes in Wget 1.14`). */
  heading: string;
  /** The heading's text without its markup (`[1.2.0] - 2024-01-31`, `Version 8.1.8`, `Changes in Wget 1.14`). */
  title: string;
  /** Every line between this heading and the next release's, as written; blank lines at either end dropped. */
  body: string;
  /** An ISO date (`2024-01-31`) from the heading or a `Released 2024-01-31` first line, if any. */
  date: string | null;
}

type Family = 'atx' | 'adorned' | 'star' | 'plain';

interface Heading {
  /** First line of the heading block (an overline when there is one). */
  start: number;
  /** The title line. */
  titleLine: number;
  /** Last line of the heading block (the underline when there is one). */
  end: number;
  text: string;
  family: Family;
  /** `atx2`, `under:-`, `over:=`, `star1`, `plain`: headings of one style are siblings. */
  style: string;
  /** `#` count for ATX, `*` count for GNU NEWS; 0 otherwise. */
  level: number;
}

const ATX_RE = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE_RE = /^[ \t]{0,3}(`{3,}|~{3,})/;
const ADORNMENT_RE = /^([=\-~^+*#"'`:._<>])\1{2,}[ \t]*$/;
const STAR_RE = /^(\*{1,3})[ \t]+(\S.*?)[ \t]*$/;
/** A line that is only a version, optionally prefixed (`Version`, `Release`, `v`) and followed by a date or a note in brackets. */
const PLAIN_RE = /^(?:(?:version|release)[ \t]+)?[vV]?\d+(?:\.\d+)+[0-9A-Za-z.+-]*(?:[ \t]*[-–—:/]?[ \t]*(?:\d{4}-\d{2}-\d{2}|\([^)]*\)|\[[^\]]*\]))*[ \t]*:?$/i;
/** `HTTP/1.1` stays one word (not a version); `0.12.0 / 2016-05-05` splits on the spaces. */
const WORD_SPLIT = /[\s[\]()|,:;*_`"']+/;
const PRERELEASE_WORD = /^(?:rc|alpha|beta|pre|preview|m)\.?\d*$/i;
/** A heading whose first words hold a version is a release heading (`Redis 7.0.5 Released …`, `Changes in Wget 1.14`). */
const LEAD_WORDS = 5;

const isBlank = (line: string | undefined) => line === undefined || line.trim() === '';

/** Every heading of the file, each recognised in the styles real notes files use. Fenced code is skipped (not in reST). */
function scanHeadings(lines: readonly string[], format: NotesFormat): Heading[] {
  const out: Heading[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (format !== 'rst') {
      const f = FENCE_RE.exec(line);
      if (f) {
        const marker = (f[1] as string)[0] as string;
        if (fence === null) fence = marker;
        else if (fence === marker) fence = null;
        continue;
      }
      if (fence !== null) continue;
    }
    if (isBlank(line) || ADORNMENT_RE.test(line)) continue;
    const next = lines[i + 1];
    const under = next !== undefined ? ADORNMENT_RE.exec(next) : null;
    if (under && !/^(?: {4}|\t)/.test(line)) {
      const c = under[1] as string;
      const prev = lines[i - 1];
      if (prev !== undefined && ADORNMENT_RE.exec(prev)?.[1] === c && isBlank(lines[i - 2])) {
        out.push({ start: i - 1, titleLine: i, end: i + 1, text: line.trim(), family: 'adorned', style: `over:${c}`, level: 0 });
        i++;
        continue;
      }
      if (isBlank(prev)) {
        out.push({ start: i, titleLine: i, end: i + 1, text: line.trim(), family: 'adorned', style: `under:${c}`, level: 0 });
        i++;
        continue;
      }
    }
    const atx = format === 'rst' ? null : ATX_RE.exec(line);
    if (atx) {
      const level = (atx[1] as string).length;
      out.push({ start: i, titleLine: i, end: i, text: atx[2] as string, family: 'atx', style: `atx${level}`, level });
      continue;
    }
    const star = STAR_RE.exec(line);
    if (star) {
      const level = (star[1] as string).length;
      out.push({ start: i, titleLine: i, end: i, text: star[2] as string, family: 'star', style: `star${level}`, level });
      continue;
    }
    if (isBlank(lines[i - 1]) && PLAIN_RE.test(line.trim()) && !/^[ \t]/.test(line)) {
      out.push({ start: i, titleLine: i, end: i, text: line.trim(), family: 'plain', style: 'plain', level: 0 });
    }
  }
  return out;
}

/** The versions a heading's words name, with their word positions. `7.0 RC3` is one prerelease, `jq-1.7` is 1.7. */
function versionsIn(text: string): Array<{ word: string; version: Version | null; index: number }> {
  const words = text.split(WORD_SPLIT).map((w) => w.replace(/^[-–—]+|[-–—.]+$/g, '')).filter((w) => /[A-Za-z0-9]/.test(w));
  const out: Array<{ word: string; version: Version | null; index: number }> = [];
  words.forEach((word, index) => {
    const next = words[index + 1];
    const joined = next !== undefined && PRERELEASE_WORD.test(next) && /^[vV]?\d+(\.\d+)*$/.test(word) ? `${word}-${next}` : word;
    let version = /^[vV]?\d/.test(joined) ? parseVersion(joined) : null;
    const prefixed = /^[A-Za-z][\w.]*-([vV]?\d.*)$/.exec(joined);
    if (version === null && prefixed) version = parseVersion(prefixed[1] as string);
    out.push({ word, version, index });
  });
  return out;
}

/** Whether a version (with a dot: `RFC 2617` is not one) is among the heading's first words. */
function namesVersionEarly(h: Heading, within = LEAD_WORDS): boolean {
  if (/\bunreleased\b/i.test(h.text)) return false;
  return versionsIn(h.text).some((w) => w.version !== null && w.index < within && /\d\.\d/.test(w.word));
}

function names(h: Heading, wanted: Version | null, tag: string | undefined): boolean {
  if (/\bunreleased\b/i.test(h.text)) return false;
  return versionsIn(h.text).some((w) => (tag !== undefined && w.word === tag) || (wanted !== null && w.version !== null && versionsEqual(w.version, wanted)));
}

/**
 * The headings that can start or end a release's section, and the style releases are written in. Structural
 * headings (Markdown, reST, redis's `====` blocks) win; when none of them names a version, GNU NEWS `* ` headings are
 * tried (in Markdown they are list items), then plain version lines.
 */
function releaseHeadings(lines: readonly string[], format: NotesFormat): { headings: Heading[]; releaseStyle: string | null } {
  const all = scanHeadings(lines, format);
  const tiers: Array<(h: Heading) => boolean> = [(h) => h.family === 'atx' || h.family === 'adorned', (h) => h.family === 'star', (h) => h.family === 'plain'];
  for (const inTier of tiers) {
    const headings = all.filter(inTier);
    const counts = new Map<string, number>();
    for (const h of headings) if (namesVersionEarly(h)) counts.set(h.style, (counts.get(h.style) ?? 0) + 1);
    if (counts.size === 0) continue;
    let releaseStyle: string | null = null;
    for (const [style, n] of counts) if (releaseStyle === null || n > (counts.get(releaseStyle) ?? 0)) releaseStyle = style;
    return { headings, releaseStyle };
  }
  return { headings: [], releaseStyle: null };
}

/** Whether heading `g`, after the section started by `h`, ends it. */
function ends(h: Heading, g: Heading, format: NotesFormat, rank: ReadonlyMap<string, number>): boolean {
  if (g.style === h.style) return true;
  if (g.family === h.family && (g.family === 'atx' || g.family === 'star') && g.level <= h.level) return true;
  // reST: a title style seen earlier in the file is a higher level (https://docutils.sourceforge.io/docs/ref/rst/restructuredtext.html#sections).
  if (format === 'rst' && (rank.get(g.style) ?? Infinity) <= (rank.get(h.style) ?? Infinity)) return true;
  // The next release's heading ends the section even when it is nested deeper (`# 1.1.0` then `## 1.0.0`).
  return namesVersionEarly(g, 2);
}

/**
 * The section of a notes file for one release. Headings in the styles projects actually use are recognised:
 * Markdown (`## [1.2.0] - 2024-01-31`, `# v1.2.0`, `### jq-1.7`, `## [1.2.0](https://…) (2024-01-31)`, setext
 * `1.0.0 / 2010-10-14` over `====`), reST titles (`Version 8.1.8` over `-----`), redis's `Redis 7.4.1 Released …`
 * between `====` lines, GNU NEWS (`* Noteworthy changes in release 1.2`, `* Changes in Wget 1.14`) and plain
 * `1.2.0 (2024-01-01)` lines. A heading matches when a word in it is the release's tag or parses as the same version
 * (`1.2` and `1.2.0` match); headings in the file's release style (the one most headings naming versions use) are
 * preferred, so `Fixes for issues in previous releases of Redis 7.0` never stands for 7.0.0. The section runs to the
 * next sibling heading, a higher one, or the next release's. Returns null when there is no such section or it is
 * empty. Pure.
 */
export function findChangelogSection(text: string, version: Version | string, tag?: string, format: NotesFormat = 'markdown'): ChangelogSection | null {
  const wanted = typeof version === 'string' ? parseVersion(version) : version;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const { headings, releaseStyle } = releaseHeadings(lines, format);
  const matching = headings.filter((h) => names(h, wanted, tag));
  const start = matching.find((h) => h.style === releaseStyle) ?? matching.find((h) => namesVersionEarly(h));
  if (!start) return null;
  const rank = new Map<string, number>();
  for (const h of headings) if (h.family === 'adorned' && !rank.has(h.style)) rank.set(h.style, rank.size);
  const after = headings.slice(headings.indexOf(start) + 1);
  const stop = after.find((g) => ends(start, g, format, rank));
  const bodyLines = lines.slice(start.end + 1, stop ? stop.start : lines.length);
  // Link reference definitions at the end of the file belong to every section (Keep a Changelog), not the last one.
  if (!stop) while (bodyLines.length > 0 && (isBlank(bodyLines[bodyLines.length - 1]) || /^\[[^\]]+\]:\s+\S+\s*$/.test(bodyLines[bodyLines.length - 1] as string))) bodyLines.pop();
  while (bodyLines.length > 0 && isBlank(bodyLines[0])) bodyLines.shift();
  while (bodyLines.length > 0 && isBlank(bodyLines[bodyLines.length - 1])) bodyLines.pop();
  if (bodyLines.length === 0) return null;
  return { heading: lines[start.titleLine] as string, title: start.text, body: bodyLines.join('\n'), date: dateOf(start.text, bodyLines) };
}

/** The versions a notes file has sections for, in file order (what `findChangelogSection` can find). Pure. */
export function changelogVersions(text: string, format: NotesFormat = 'markdown'): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const { headings, releaseStyle } = releaseHeadings(lines, format);
  const out: string[] = [];
  for (const h of headings) {
    if (h.style !== releaseStyle || /\bunreleased\b/i.test(h.text)) continue;
    const v = versionsIn(h.text).find((w) => w.version !== null && w.index < LEAD_WORDS && /\d\.\d/.test(w.word));
    if (v?.version) out.push(v.version.normalized);
  }
  return out;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function dateOf(title: string, body: readonly string[]): string | null {
  const iso = /\b(\d{4}-\d{2}-\d{2})\b/.exec(title)?.[1];
  if (iso) return iso;
  // redis: `Redis 7.0.5 Released Wed Sep 21 20:00:00 IST 2022`
  const named = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})\b.*?\b(\d{4})\b/i.exec(title);
  if (named) {
    const month = MONTHS.indexOf((named[1] as string).toLowerCase()) + 1;
    return `${named[3]}-${String(month).padStart(2, '0')}-${(named[2] as string).padStart(2, '0')}`;
  }
  // click: `Released 2023-08-17` as the section's first line.
  return /^released:?\s+(\d{4}-\d{2}-\d{2})\b/i.exec((body[0] ?? '').trim())?.[1] ?? null;
}
