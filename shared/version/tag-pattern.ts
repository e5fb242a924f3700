import { paddedSerial, VERSION_BODY_SOURCE, versionFromMatch } from './parse.js';
import { isSafeTagName, MAX_TAG_LENGTH } from './safe-tag.js';
import type { Version } from './types.js';

/** The pattern used when a project configures none. */
export const DEFAULT_TAG_PATTERN = 'v{version}';

const PLACEHOLDER = '{version}';
/** Characters allowed in a pattern's literal text: the safe tag alphabet. */
const LITERAL_RE = /^[A-Za-z0-9._+/@-]*$/;

/** A tag pattern is malformed (no `{version}`, unsafe characters…). */
export class TagPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`Invalid tag pattern "${pattern}": ${problem}`);
    this.name = 'TagPatternError';
  }
}

/** How release tags of a project are named, compiled once and used for every tag. */
export interface TagPattern {
  /** The pattern text, e.g. `v{version}` or `jq-{version}`. */
  readonly pattern: string;
  readonly prefix: string;
  readonly suffix: string;
  /** The version a tag names, or null when the tag is not a release tag under this pattern or is unsafe. */
  match(tag: string): Version | null;
  /**
   * True when the tag spells the pattern's own prefix (`v1.0` under `v{version}`), false when it only
   * matched through the bare-version allowance (`1.0`). Used to choose between duplicate tags.
   */
  isExactMatch(tag: string): boolean;
}

/**
 * Compiles a tag pattern: literal text around exactly one `{version}` (see parse.ts for the version
 * grammar). The whole tag must match; there is no searching inside longer names.
 *
 * When the prefix is `v` (the default) or empty, the `v` is optional: `v{version}` accepts `v1.2.3`,
 * `V1.2.3` and `1.2.3`, because projects switch between the two spellings (redis: `v1.3.7` then `2.0.0`;
 * node_exporter: `0.12.0` then `v0.13.0`). A bare tag must then have at least two parts: a lone number
 * (`2024`, `20100804`) is far more often a date or build number than a release.
 *
 * Any other prefix is strict: under `jq-{version}`, jq's stray `1.6rc2` tag is not a release. A custom
 * prefix usually exists to tell several tag families apart (monorepos, `jq-` vs distribution tags), so
 * accepting unprefixed tags there could pull in another family's versions; and that tag only duplicates
 * a prerelease already tagged with the prefix.
 *
 * Every match is also checked with {@link isSafeTagName}, so a hostile name never comes back as a version.
 * Throws {@link TagPatternError} for a malformed pattern.
 */
export function compileTagPattern(pattern: string = DEFAULT_TAG_PATTERN): TagPattern {
  if (typeof pattern !== 'string') throw new TagPatternError(String(pattern), 'expected a string');
  if (pattern.length > 100) throw new TagPatternError(pattern.slice(0, 100) + '…', 'longer than 100 characters');
  const at = pattern.indexOf(PLACEHOLDER);
  if (at < 0) throw new TagPatternError(pattern, `it must contain ${PLACEHOLDER} exactly once`);
  if (pattern.indexOf(PLACEHOLDER, at + 1) >= 0) {
    throw new TagPatternError(pattern, `${PLACEHOLDER} appears more than once`);
  }
  const prefix = pattern.slice(0, at);
  const suffix = pattern.slice(at + PLACEHOLDER.length);
  for (const literal of [prefix, suffix]) {
    if (!LITERAL_RE.test(literal)) {
      throw new TagPatternError(
        pattern,
        `"${literal}" may only contain letters, digits and . _ + / @ -`,
      );
    }
  }
  if (prefix.startsWith('-') || prefix.startsWith('/') || prefix.startsWith('.')) {
    throw new TagPatternError(pattern, 'a tag cannot start with "-", "/" or "."');
  }
  return new CompiledTagPattern(pattern, prefix, suffix);
}

class CompiledTagPattern implements TagPattern {
  private readonly re: RegExp;
  private readonly optionalV: boolean;

  constructor(
    readonly pattern: string,
    readonly prefix: string,
    readonly suffix: string,
  ) {
    this.optionalV = prefix === '' || prefix === 'v' || prefix === 'V';
    const head = this.optionalV ? '([vV]?)' : `(${escapeRegExp(prefix)})`;
    this.re = new RegExp(`^${head}${VERSION_BODY_SOURCE}${escapeRegExp(suffix)}$`);
  }

  match(tag: string): Version | null {
    const m = this.exec(tag);
    if (m === null) return null;
    const v = versionFromMatch(m, 2);
    if (v === null || !isSafeTagName(tag)) return null;
    return v;
  }

  /**
   * The raw match, before the version is built and before the safety check: group 1 is the prefix,
   * 2-5 the numeric parts, 6 a hyphenated and 7 a glued prerelease. Null when the tag does not match,
   * is a bare lone number, or has a zero-padded serial as major/minor (see parseVersion).
   */
  exec(tag: string): RegExpExecArray | null {
    if (typeof tag !== 'string' || tag.length > MAX_TAG_LENGTH) return null;
    const m = this.re.exec(tag);
    if (m === null) return null;
    // Bare lone numbers are not releases (see compileTagPattern). Group 3 is the second numeric part.
    if (this.optionalV && m[3] === undefined && (m[1] as string) === '') return null;
    if (paddedSerial(m[2] as string) || (m[3] !== undefined && paddedSerial(m[3]))) return null;
    return m;
  }

  isExactMatch(tag: string): boolean {
    if (!this.optionalV) return tag.startsWith(this.prefix);
    const c = tag.charCodeAt(0);
    const hasV = c === 118 || c === 86;
    return this.prefix === '' ? !hasV : tag.startsWith(this.prefix);
  }
}

/**
 * The raw matcher of a pattern made by compileTagPattern (see CompiledTagPattern.exec), for the
 * allocation-free scan in latestRelease; null for other TagPattern implementations.
 */
export function rawMatcher(tp: TagPattern): ((tag: string) => RegExpExecArray | null) | null {
  return tp instanceof CompiledTagPattern ? (tag) => tp.exec(tag) : null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
