import { compareVersions } from './compare.js';
import { compileTagPattern, DEFAULT_TAG_PATTERN, type TagPattern } from './tag-pattern.js';
import type { Version } from './types.js';

/** How a repository names its release tags, as far as its tags tell. */
export interface TagScheme {
  /** A tag pattern (`jq-{version}`; `v{version}` also stands for bare `1.2.3` tags). */
  pattern: string;
  /** How many of the tags it reads as versions. */
  matched: number;
  /** The tag of the newest version it reads (`jq-1.8.1`). */
  example: string;
}

/** Prefixes tried: the most frequent ones before the first digit (more are never the winner in practice). */
const MAX_PREFIXES = 8;

/**
 * The tag pattern that reads the most of `tags` as versions, or null when none reads any. Candidates are the text
 * before each tag's first digit (`jq-` of `jq-1.7.1`, `v` of `v9.1.0000`, nothing for redis' `7.4.1`); `v`, `V` and
 * nothing are one candidate, the default `v{version}`, which accepts all three and wins ties. A lone number
 * (`2024`) is not a version under any of them (see compileTagPattern).
 */
export function detectTagScheme(tags: readonly string[]): TagScheme | null {
  const counts = new Map<string, number>();
  for (const tag of tags) {
    const at = tag.search(/[0-9]/);
    if (at < 0) continue;
    const prefix = tag.slice(0, at);
    const key = prefix === '' || prefix === 'v' || prefix === 'V' ? '' : prefix;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const prefixes = [...counts].sort((a, b) => b[1] - a[1] || (a[0] === '' ? -1 : b[0] === '' ? 1 : 0)).slice(0, MAX_PREFIXES);
  if (!prefixes.some(([p]) => p === '')) prefixes.push(['', 0]);
  let best: TagScheme | null = null;
  for (const [prefix] of prefixes) {
    let tp: TagPattern;
    try {
      tp = compileTagPattern(prefix === '' ? DEFAULT_TAG_PATTERN : `${prefix}{version}`);
    } catch {
      continue; // text no pattern may hold (a space, a leading '-'): not a scheme
    }
    const found = readWith(tp, tags);
    if (found.matched === 0) continue;
    const wins = best === null || found.matched > best.matched || (found.matched === best.matched && tp.pattern === DEFAULT_TAG_PATTERN);
    if (wins) best = { pattern: tp.pattern, ...found };
  }
  return best;
}

function readWith(tp: TagPattern, tags: readonly string[]): { matched: number; example: string } {
  let matched = 0;
  // The newest stable release makes the clearer example; a prerelease only when there is nothing else.
  let newest: { tag: string; version: Version; stable: boolean } | null = null;
  for (const tag of tags) {
    const version = tp.match(tag);
    if (version === null) continue;
    matched++;
    const stable = version.prerelease.length === 0;
    if (newest === null || (stable && !newest.stable) || (stable === newest.stable && compareVersions(version, newest.version) > 0)) newest = { tag, version, stable };
  }
  return { matched, example: newest?.tag ?? '' };
}

/**
 * A better pattern for a project whose pattern finds no release: the detected scheme when it reads at least two
 * tags and is not the pattern already in use (jq's `jq-1.7.1` under the default `v{version}` → `jq-{version}`).
 */
export function suggestTagPattern(tags: readonly string[], current: string): TagScheme | null {
  const scheme = detectTagScheme(tags);
  if (scheme === null || scheme.matched < 2 || scheme.pattern === current) return null;
  return scheme;
}

/** The sentence check, plan and add say when a project's pattern finds nothing but its tags look like versions. */
export function tagPatternAdvice(current: string, scheme: TagScheme, project = '<project>'): string {
  return `no tag matches the tag pattern "${current}", but ${scheme.matched} tags look like versions named like ${scheme.example}: set tagPattern: "${scheme.pattern}" (source.tagPattern in upshift.yml, or \`upshift config ${project} source.tagPattern "${scheme.pattern}"\`)`;
}
