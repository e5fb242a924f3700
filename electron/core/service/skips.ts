/**
 * The user's decisions about a release from the dashboard: skip a version, skip its whole major line (stored as
 * `2.x` beside single skips; shared/policy/skips.ts reads both), remind later, and take a skip back. Each refuses
 * bad input naming the field, with nothing changed.
 */
import { isMajorSkip, majorSkip } from '../../../shared/policy/skips.js';
import { parseVersion } from '../../../shared/version/index.js';
import type { StateStore } from '../state/index.js';
import { serviceError } from './errors.js';

export type DecisionKind = 'skip' | 'skip-major' | 'snooze';

export function recordDecision(store: StateStore, project: string, version: string, kind: DecisionKind, until: string | null): void {
  knownProject(store, project);
  const normalized = parseVersion(version)?.normalized;
  if (!normalized) throw serviceError('BAD_INPUT', `${kind === 'snooze' ? 'snooze' : 'skipVersion'}: version: "${version}" is not a version. Nothing was changed.`, { field: 'version' });
  if (kind === 'skip-major') store.setDecision(project, majorSkip(normalized)!, 'skip', null);
  else store.setDecision(project, normalized, kind, until);
}

/** Takes back a skip (a version or a major line); refuses, naming what is skipped, when there is no such skip. */
export function removeSkip(store: StateStore, project: string, version: string): void {
  knownProject(store, project);
  const entry = isMajorSkip(version) ? version : parseVersion(version)?.normalized;
  const skipped = store.listDecisions(project).filter((d) => d.kind === 'skip').map((d) => d.version);
  if (!entry || !skipped.includes(entry)) {
    throw serviceError('BAD_INPUT', `unskipVersion: version: ${project} has no skip of "${version}" (skipped: ${skipped.length > 0 ? skipped.join(', ') : 'none'}). Nothing was changed.`, { field: 'version' });
  }
  store.clearDecision(project, entry);
}

function knownProject(store: StateStore, project: string): void {
  if (!store.getProject(project)) throw serviceError('PROJECT_NOT_FOUND', `No watched project is named "${project}".`, { field: 'project' });
}
