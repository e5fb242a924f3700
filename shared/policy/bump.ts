import type { BumpType } from '../api/types.js';
// The modules themselves, not the version barrel: the barrel brings constraint ranges and with them semver (29 KB),
// which the dashboard's first view (UpdatesView uses this file) does not need.
import { compareVersions } from '../version/compare.js';
import { parseVersion } from '../version/parse.js';
import type { Version } from '../version/types.js';

/**
 * The kind of change from the current version to a target:
 *
 * - `none` when they are equal (build metadata and spelling do not count: `v1.0` → `1.0.0+b2`);
 * - `downgrade` when the target is older; never labelled a patch, whatever the distance;
 * - `prerelease` whenever the target is a prerelease (`1.0.0 → 1.0.1-beta`): a prerelease must meet the
 *   prerelease gate even when the numbers only moved a patch;
 * - otherwise the highest numeric part that changed: `major`, `minor`, or `patch` (a fourth-part change
 *   such as `1.0.0.1 → 1.0.0.2` is a patch);
 * - finishing a prerelease you already run (`1.0.0-rc.2 → 1.0.0`) is a `patch`: the numbers are the same
 *   and the final release is, by convention, the rc with fixes.
 *
 * When the current version is unknown (`from` null or not a version, e.g. a checkout on a branch), the
 * distance cannot be known, so it is classed `major` (or `prerelease` for a prerelease target): the
 * default gates then require a person to approve it.
 *
 * Throws a TypeError when `to` is not a version: targets come from release selection, so a bad one is a
 * programming error, not data to guess about.
 */
export function classifyBump(from: string | null, to: string): BumpType {
  const target = parseVersion(to);
  if (target === null) throw new TypeError(`classifyBump: target "${String(to)}" is not a version`);
  const current = from === null ? null : parseVersion(from);
  if (current === null) return target.prerelease.length > 0 ? 'prerelease' : 'major';
  return bumpBetween(current, target);
}

/** classifyBump for parsed versions. */
export function bumpBetween(current: Version, target: Version): BumpType {
  const c = compareVersions(current, target);
  if (c === 0) return 'none';
  if (c > 0) return 'downgrade';
  if (target.prerelease.length > 0) return 'prerelease';
  const a = current.parts;
  const b = target.parts;
  if ((a[0] ?? 0) !== (b[0] ?? 0)) return 'major';
  if ((a[1] ?? 0) !== (b[1] ?? 0)) return 'minor';
  return 'patch';
}

/** The numeric part of a version a move can cross: what a prerelease's gate and risk are judged against too. */
export type NumericBump = 'major' | 'minor' | 'patch';

/**
 * The highest numeric part that changes on the way from `from` to `to`, prerelease labels aside: `6.2.15 → 8.0.0-m01`
 * crosses a `major`, `1.0.0 → 1.1.0-beta` a `minor`, `1.0.0 → 1.0.1-rc.1` a `patch`. Null when the numbers do not move
 * (`1.0.0-rc.1 → 1.0.0-rc.2`, `1.0.0-rc.2 → 1.0.0`) or `to` is not newer. An unknown current version crosses a
 * `major`, as in {@link classifyBump}. A prerelease is judged by the bump it crosses as well as by being a prerelease
 * (issue 8 §4: `--to 8.0-m01` from 6.2.15 was rated lower risk than the stable 7.4.1).
 */
export function crossedBump(from: string | null, to: string): NumericBump | null {
  const target = parseVersion(to);
  if (target === null) return null;
  const current = from === null ? null : parseVersion(from);
  if (current === null) return 'major';
  if (compareVersions(target, current) <= 0) return null;
  const a = current.parts;
  const b = target.parts;
  if ((a[0] ?? 0) !== (b[0] ?? 0)) return 'major';
  if ((a[1] ?? 0) !== (b[1] ?? 0)) return 'minor';
  const length = Math.max(a.length, b.length);
  for (let i = 2; i < length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return 'patch';
  return null;
}

/**
 * True only when `to` is strictly newer than `from`, so "update available" is never reported for the same
 * or an older version (a checkout ahead of the latest release stays quiet). An unknown current version
 * (null or not a version) counts as upgradable, consistently with classifyBump; an unparseable `to` never
 * is an upgrade.
 */
export function isUpgrade(from: string | null, to: string): boolean {
  const target = parseVersion(to);
  if (target === null) return false;
  const current = from === null ? null : parseVersion(from);
  if (current === null) return true;
  return compareVersions(target, current) > 0;
}
