import { parseVersion, versionsEqual } from '../../../shared/version/index.js';

/** Words that say "this is a release" and nothing about it. */
const FILLER = new Set([
  'release', 'released', 'releasing', 'version', 'ver', 'tag', 'tagged', 'tagging', 'bump', 'bumped', 'bumping', 'to', 'v', 'new',
  'the', 'of', 'for', 'prepare', 'preparing', 'cut', 'publish', 'published', 'final', 'stable', 'official', 'is', 'out', 'and',
]);
const TRAILER_RE = /^(?:signed-off-by|co-authored-by|reviewed-by|acked-by|change-id|cc):\s/i;
/** `chore(release):`, `release:`, `build(deps)!:` before the text. */
const CONVENTIONAL_PREFIX_RE = /^[a-z]+(?:\([^)]*\))?!?:\s*/i;

/**
 * Whether an annotated tag's message only repeats the release (`Release version 8.5.0.`, `Version 8.5.0`, `v8.5.0`,
 * `8.5.0`, `Bump to 8.5.0`, `chore(release): 8.5.0 [skip ci]`, `jq 1.7.1`, `Redis 7.4.1 (2024-10-02)`): every word is
 * filler, the version or tag, a date, or at most one name, and the version is there. Such a message loses to the
 * release's changelog section (issue 8 §7: click's plan showed "Release version 8.5.0." instead of CHANGES.rst).
 * Sign-off trailers are ignored; more than two lines of text is never trivial. Pure.
 */
export function isTrivialTagMessage(message: string, version: string, tag: string): boolean {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !TRAILER_RE.test(l));
  if (lines.length === 0) return true;
  if (lines.length > 2) return false;
  const wanted = parseVersion(version);
  let sawVersion = false;
  let names = 0;
  for (const line of lines) {
    const text = line.replace(CONVENTIONAL_PREFIX_RE, '').replace(/\[[^\]]*\]/g, ' ');
    for (const raw of text.split(/[\s,;:()]+/)) {
      const word = raw.replace(/^[-–—"'`*_]+|[-–—"'`*_.!?]+$/g, '');
      if (!/[A-Za-z0-9]/.test(word)) continue;
      const lower = word.toLowerCase();
      if (FILLER.has(lower)) continue;
      if (/^\d{4}-\d{2}-\d{2}$/.test(word)) continue;
      const v = parseVersion(word);
      if (word === tag || (v !== null && wanted !== null && versionsEqual(v, wanted))) {
        sawVersion = true;
        continue;
      }
      if (/^[A-Za-z][\w.-]*$/.test(word) && names === 0 && !/\d/.test(word)) {
        names++;
        continue;
      }
      return false;
    }
  }
  return sawVersion;
}
