/**
 * "Skip this version" and "Skip this major" (Sparkle separates the two): a skip is stored per project as either a
 * normalised version (`1.2.0`) or a whole major line (`2.x`, every release whose first number is 2). Pure, so the
 * engine, the tray and the dashboard agree on what is skipped.
 */
import { parseVersion } from '../version/parse.js';

/** The stored form of "skip every release of this major": `2.x`. */
export function majorSkip(version: string): string | null {
  const v = parseVersion(version);
  return v ? `${v.parts[0]}.x` : null;
}

/** True for a stored major skip (`2.x`). */
export function isMajorSkip(entry: string): boolean {
  return /^\d+\.x$/.test(entry);
}

/** The skip entry that covers `version`, if any: the version itself, or its major line. */
export function skippedBy(skipped: readonly string[], version: string): string | null {
  const v = parseVersion(version);
  if (!v) return skipped.includes(version) ? version : null;
  if (skipped.includes(v.normalized)) return v.normalized;
  const major = `${v.parts[0]}.x`;
  return skipped.includes(major) ? major : null;
}

/** How a skip entry reads in a list: "2.x (every 2.x release)" for a major, else the version. */
export function describeSkip(entry: string): string {
  return isMajorSkip(entry) ? `every ${entry} release` : entry;
}
