import { parseVersion, versionsEqual, type Version } from '../../../shared/version/index.js';

/** Looked for at the release's commit, in this order. */
export const CHANGELOG_FILES = ['CHANGELOG.md', 'CHANGELOG', 'changelog.md', 'CHANGES.md', 'HISTORY.md', 'NEWS.md'] as const;

export interface ChangelogSection {
  /** The heading line as written. */
  heading: string;
  /** Markdown between this heading and the next heading of the same or a higher level. */
  body: string;
  /** An ISO date (`2024-01-31`) found in the heading, if any. */
  date: string | null;
}

const MAX_SECTION_CHARS = 64 * 1024;
const HEADING_RE = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE_RE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/**
 * The section of a changelog for one release. Headings in the styles projects actually use are recognised:
 * `## [1.2.0] - 2024-01-31` (Keep a Changelog), `## v1.2.0 - date`, `# 1.2.0`, `### jq-1.7`,
 * `## [1.2.0](https://…) (2024-01-31)` (conventional-changelog). A heading matches when any word in it is the
 * release's tag or parses as the same version (`1.2` and `1.2.0` match). The section ends at the next heading of
 * the same or a higher level, or at any heading naming a version. Headings inside fenced code are skipped.
 * Returns null when there is no such section or it is empty. Pure.
 */
export function findChangelogSection(text: string, version: Version | string, tag?: string): ChangelogSection | null {
  const wanted = typeof version === 'string' ? parseVersion(version) : version;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let fence: string | null = null;
  let start = -1;
  let level = 0;
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const f = FENCE_RE.exec(line);
    if (f) {
      const marker = (f[1] as string)[0] as string;
      if (fence === null) fence = marker;
      else if (fence === marker) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = HEADING_RE.exec(line);
    if (!h) continue;
    const hLevel = (h[1] as string).length;
    if (start >= 0) {
      // The next release's heading ends the section even when it is nested deeper (`# 1.1.0` then `## 1.0.0`).
      if (hLevel <= level || namesAnyVersion(h[2] as string)) return section(lines.slice(start + 1, i), heading);
      continue;
    }
    if (headingNames(h[2] as string, wanted, tag)) {
      start = i;
      level = hLevel;
      heading = line;
    }
  }
  return start >= 0 ? section(lines.slice(start + 1), heading) : null;
}

function headingNames(text: string, wanted: Version | null, tag: string | undefined): boolean {
  if (/\bunreleased\b/i.test(text)) return false;
  for (const raw of text.split(/[\s[\]()|,:;*_`"']+/)) {
    const word = raw.replace(/^[-–—]+|[-–—.]+$/g, '');
    if (word === '') continue;
    if (tag !== undefined && word === tag) return true;
    if (wanted !== null && /^[vV]?\d/.test(word)) {
      const v = parseVersion(word);
      if (v !== null && versionsEqual(v, wanted)) return true;
    }
  }
  return false;
}

function namesAnyVersion(text: string): boolean {
  return text.split(/[\s[\]()|,:;*_`"']+/).some((w) => /^[vV]?\d+\.\d+/.test(w) && parseVersion(w.replace(/[-–—.]+$/, '')) !== null);
}

function section(lines: string[], heading: string): ChangelogSection | null {
  let body = lines.join('\n').trim();
  if (body === '') return null;
  if (body.length > MAX_SECTION_CHARS) body = `${body.slice(0, MAX_SECTION_CHARS)}\n\n… (truncated)`;
  const date = /\b(\d{4}-\d{2}-\d{2})\b/.exec(heading)?.[1] ?? null;
  return { heading, body, date };
}
