/**
 * What already happened, as the dashboard tells it next to what it offers (issue 11 §1): the releases whose upgrade
 * failed and was rolled back, and which rollback undid an operation. Read from the history in SQLite.
 */
import type { FailedRelease } from '../../../shared/api/contract.js';
import type { ProjectCheck } from '../../../shared/api/types.js';
import { compareVersions, parseVersion } from '../../../shared/version/index.js';
import type { OperationTarget, StateStore } from '../state/index.js';
import { serviceError } from './errors.js';

/** How far back the history is read for failed releases: the last attempts are what matter. */
const RECENT_UPGRADES = 50;

/**
 * Releases still newer than the current version whose last upgrade attempt was rolled back after a step failed,
 * newest release first. A cancelled upgrade is not a failure of the release, and a later successful upgrade to the
 * same release (then it is no longer newer) clears the mark.
 */
export function failedReleases(store: StateStore, project: string, check: ProjectCheck | null): FailedRelease[] {
  const current = check?.current.version ? parseVersion(check.current.version) : null;
  const seen = new Set<string>();
  const marked: Array<OperationTarget & { version: string }> = [];
  // Every getState computes this for every project: the operations are read without their steps (with 10,000 in
  // the history, reading 50 whole operations per project made the first state take 160 ms), then the failed step
  // of the few that are marked, in one query.
  for (const op of store.recentTargets(project, 'upgrade', RECENT_UPGRADES)) {
    const version = op.toVersion;
    if (!version || seen.has(version)) continue;
    seen.add(version);
    if (op.status !== 'rolled_back') continue;
    const parsed = parseVersion(version);
    if (current && parsed && compareVersions(parsed, current) <= 0) continue;
    marked.push({ ...op, version });
  }
  const failed = store.firstFailedSteps(marked.map((op) => op.id));
  const out = marked.map((op): FailedRelease => ({ version: op.version, operationId: op.id, step: failed.get(op.id) ?? null, at: op.finishedAt ?? op.startedAt }));
  return out.sort((a, b) => {
    const x = parseVersion(a.version);
    const y = parseVersion(b.version);
    return x && y ? compareVersions(y, x) : 0;
  });
}

/**
 * A rollback of an operation a succeeded rollback already undid is refused: running it again would record a second
 * rollback of the same upgrade (seen in the dashboard). `upshift rollback` without `--to` skips undone upgrades too.
 */
export function refuseUndone(store: StateStore, id: string): void {
  const undo = store.undoneBy(id);
  if (!undo) return;
  throw serviceError('ALREADY_UNDONE', `${id} was already undone by ${undo.id}${undo.finishedAt ? ` (${undo.finishedAt})` : ''}. Nothing was changed.`, { id, undoneBy: undo.id });
}
