/**
 * Breaking changes announced by Conventional Commits (https://www.conventionalcommits.org/en/v1.0.0/):
 * a `!` before the colon of the header (`feat!:`, `fix(api)!:`), or a `BREAKING CHANGE:` / `BREAKING-CHANGE:`
 * footer (spec items 12-16: the token is uppercase, its value runs until the next footer token).
 * Pure functions over commit messages.
 */

export interface CommitMessage {
  sha: string;
  subject: string;
  body: string;
}

export interface CommitBreakingChange {
  text: string;
  /** The commit's 7-character id. */
  id: string;
}

const HEADER_RE = /^([A-Za-z][A-Za-z0-9_-]*)(?:\(([^()\r\n]*)\))?(!)?:[ \t]*(\S.*)$/;
const BREAKING_FOOTER_RE = /^BREAKING[ -]CHANGE:[ \t]*(.*)$/;
/** Any footer token line (`Refs: #1`, `Reviewed-by: x`, `Fixes #2`), which ends a multi-line footer value. */
const FOOTER_TOKEN_RE = /^(?:[A-Za-z][A-Za-z0-9-]*|BREAKING CHANGE)(?:: | #)/;
/** A header quoted in a squash or merge body: `* feat!: x`, `- fix(api)!: y`. */
const LISTED_HEADER_RE = /^[ \t]*[*-][ \t]+(.*)$/;

export interface ParsedHeader {
  type: string;
  scope: string | null;
  breaking: boolean;
  description: string;
}

/** Parses a Conventional Commits header; null when the subject is not one. */
export function parseConventionalHeader(subject: string): ParsedHeader | null {
  const m = HEADER_RE.exec(subject.trim());
  if (!m) return null;
  return { type: (m[1] as string).toLowerCase(), scope: m[2] ?? null, breaking: m[3] === '!', description: (m[4] as string).trim() };
}

/** The values of every `BREAKING CHANGE:` / `BREAKING-CHANGE:` footer in a body, continuation lines joined. */
export function breakingFooters(body: string): string[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BREAKING_FOOTER_RE.exec(lines[i] as string);
    if (!m) continue;
    const parts = [(m[1] as string).trim()];
    while (i + 1 < lines.length) {
      const next = lines[i + 1] as string;
      if (next.trim() === '' || FOOTER_TOKEN_RE.test(next) || BREAKING_FOOTER_RE.test(next)) break;
      parts.push(next.trim());
      i++;
    }
    const text = parts.filter((p) => p !== '').join(' ');
    if (text !== '') out.push(text);
  }
  return out;
}

/**
 * The breaking changes one commit announces. A footer's text is preferred to the header's description (the
 * spec lets the description stand in only when there is no footer). Headers listed in a squash or merge body
 * (`* feat!: x`) count too: they are often the only place a squashed branch's `!` survives.
 */
export function breakingChangesOfCommit(commit: CommitMessage): CommitBreakingChange[] {
  const id = commit.sha.slice(0, 7);
  const texts: string[] = [];
  const footers = breakingFooters(commit.body);
  const header = parseConventionalHeader(commit.subject);
  if (footers.length > 0) texts.push(...footers);
  else if (header?.breaking) texts.push(header.description);
  for (const line of commit.body.split('\n')) {
    const listed = LISTED_HEADER_RE.exec(line);
    const h = listed ? parseConventionalHeader(listed[1] as string) : null;
    if (h?.breaking) texts.push(h.description);
  }
  const seen = new Set<string>();
  const out: CommitBreakingChange[] = [];
  for (const text of texts) {
    const key = normalizeText(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ text, id });
  }
  return out;
}

/** The key under which two breaking-change texts count as the same. */
export function normalizeText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').replace(/[.]+$/, '').toLowerCase();
}
