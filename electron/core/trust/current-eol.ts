/**
 * The running version's end of life (issue 10 §4): the manifest's `support:` policy, and the `eol_date` /
 * `replacement` of the release metadata in the checked-out commit's tree, so a release that announces its own end of
 * life is flagged in check, plan and the dashboard even without a policy. The metadata is read once per commit (a
 * tree never changes) and remembered in `release_readings` beside the verdict's readings, so a repeated check costs
 * one SQLite lookup and no git process.
 */
import type { SupportStatus } from '../../../shared/api/trust.js';
import { supportStatus, type ReleaseEol, type SupportPolicy } from '../../../shared/policy/support.js';
import { sharedObjectReader } from '../git/object-reader.js';
import { readReleaseMetadata } from '../release/index.js';
import { ReleaseReadings } from '../state/release-readings.js';
import type { StateStore } from '../state/index.js';

/** The `previous` of a cache entry that holds only the current release's end of life (no commit is named so). */
const CURRENT_EOL_KEY = '@current-eol';

/** What the metadata at `sha` says of its own end of life, read once per commit; null when it says nothing or is unreadable. */
export async function currentReleaseEol(store: StateStore, path: string, sha: string, version: string, signal?: AbortSignal): Promise<ReleaseEol | null> {
  const cache = new ReleaseReadings(store.database, () => store.now());
  const key = { sha, previous: CURRENT_EOL_KEY, version };
  const hit = cache.get(key);
  if (hit) return hit.eol;
  let eol: ReleaseEol | null = null;
  try {
    // Through the repository's shared reader: in a plan this costs no process of its own.
    const { metadata } = await readReleaseMetadata(path, sha, { version, signal, reader: sharedObjectReader(path) });
    if (metadata?.eolDate || metadata?.replacement) eol = { eolDate: metadata.eolDate ?? null, replacement: metadata.replacement ?? null };
  } catch (e) {
    if (signal?.aborted) throw e;
    // A tree that cannot be read now is read again next time: nothing is remembered.
    return null;
  }
  cache.put(key, { contractsVersion: null, breaking: [], lts: null, security: null, eol });
  return eol;
}

/**
 * Where the running version stands: null when neither a `support:` policy nor the release's own metadata speaks of
 * its end of life.
 */
export async function currentSupport(
  store: StateStore,
  project: { path: string; kind: string; policy: SupportPolicy | undefined },
  current: { version: string | null; sha: string | null },
  released: readonly string[],
  now: number,
  signal?: AbortSignal,
): Promise<SupportStatus | null> {
  if (!current.version) return null;
  const eol = project.kind === 'git' && current.sha ? await currentReleaseEol(store, project.path, current.sha, current.version, signal) : null;
  return supportStatus(now, project.policy, current.version, released, eol);
}
