/**
 * Versions, tag patterns, constraints and release selection. Pure: no Node modules, runs in the renderer.
 */
export type { Release, TagRef, Version } from './types.js';
export { isPrerelease, makeVersion, parseVersion } from './parse.js';
export { compareIdentifiers, comparePrerelease, compareVersions, versionsEqual } from './compare.js';
export { isCommitSha, isSafeTagName, MAX_TAG_LENGTH } from './safe-tag.js';
export { compileTagPattern, DEFAULT_TAG_PATTERN, TagPatternError, type TagPattern } from './tag-pattern.js';
export {
  atLeast,
  atMost,
  ConstraintError,
  parseConstraint,
  satisfies,
  type Bound,
  type Constraint,
  type ConstraintKind,
  type Interval,
} from './constraint.js';
export { latestRelease, selectReleases, toReleaseRef, type SelectOptions } from './select.js';
export { detectTagScheme, suggestTagPattern, tagPatternAdvice, type TagScheme } from './tag-scheme.js';
