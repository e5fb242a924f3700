/** What "Check now" found, in one sentence when there is nothing new (issue 11 §1): silence reads as "did it run?". */
import type { AppState } from '../../shared/api/contract.js';
import type { CheckResult, ProjectCheck } from '../../shared/api/types.js';

function versionsOf(check: ProjectCheck | null | undefined): Set<string> {
  const out = new Set<string>();
  if (!check) return out;
  for (const c of check.candidates ?? []) out.add(c.version);
  if (check.latest) out.add(check.latest.version);
  return out;
}

/** Releases the check found that the state before it did not list, as `project version`. */
export function newReleases(before: AppState | null, result: CheckResult): string[] {
  const out: string[] = [];
  for (const check of result.projects) {
    if (check.error) continue;
    const known = versionsOf(before?.projects.find((p) => p.name === check.name)?.check);
    for (const v of versionsOf(check)) if (!known.has(v)) out.push(`${check.name} ${v}`);
  }
  return out;
}

/** "No new releases — checked 3 projects just now", or null when something was new or a check failed. */
export function nothingNewMessage(before: AppState | null, result: CheckResult): string | null {
  if (result.projects.some((p) => p.error)) return null;
  if (newReleases(before, result).length > 0) return null;
  const n = result.projects.length;
  return `No new releases — checked ${n} ${n === 1 ? 'project' : 'projects'} just now`;
}
