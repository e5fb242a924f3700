import { createHash } from 'node:crypto';
import type { ProjectCheck } from '../../../shared/api/types.js';
import { pinVariable } from '../../../shared/policy/strategy.js';
import { readRefFiles } from '../git/ref-files.js';
import type { Advertisement } from '../source/types.js';
import { DiscoveryMemoStore, type DiscoveryMemoRow } from '../state/discovery-memo.js';
import { SCHEMA_VERSION } from '../state/db.js';
import { buildIdentity } from '../util/build-identity.js';
import type { StateStore } from '../state/index.js';
import { dependentsOf, type ProjectContext } from './projects.js';

/**
 * Conditional discovery (issue 12 §1): a project whose remote advertises exactly the same tags as at its last check,
 * and whose every other input is unchanged, gets its last check again (with a new time) instead of version parsing,
 * selection, metadata reads and the compatibility verdict. The key covers what a check reads besides the remote:
 * HEAD and the tag and remote-tracking refs (the ref-files fingerprint the current-version cache uses), the
 * manifest as loaded (with overrides), the dependents' requirements, learnt release facts, the trust records, a pin
 * in the environment, and this build of Upshift. Whatever the key cannot see disables the memo for that project:
 * time-dependent policy (minimumReleaseAge, support windows), a check that failed, fell back on stale releases,
 * reported moved tags or left metadata unread, and kinds whose current version is not in git.
 */
export class CheckMemo {
  private readonly store: DiscoveryMemoStore;
  private readonly rows: Map<string, DiscoveryMemoRow>;
  private trustRows: ReturnType<StateStore['database']['prepare']> | null = null;

  constructor(private readonly state: StateStore) {
    this.store = new DiscoveryMemoStore(state.database, () => state.now());
    this.rows = this.store.all();
  }

  /** The key of everything but the advertisement, or null when this project's check must always be computed. */
  inputKey(ctx: ProjectContext, all: readonly ProjectContext[], env: NodeJS.ProcessEnv = process.env): string | null {
    const m = ctx.manifest;
    if ((m.kind ?? 'git') !== 'git') return null;
    if ((m.strategy?.minimumReleaseAge ?? 0) > 0 || m.support) return null;
    const refs = readRefFiles(ctx.record.path);
    if (!refs) return null;
    const { settings, ...record } = ctx.record;
    const trust = (this.trustRows ??= this.state.database.prepare('SELECT tag, sha, moved_sha, previous_sha, accepted_at FROM tag_commits WHERE project = ? ORDER BY tag')).all(ctx.record.name);
    const text =
      `memo 1 schema ${SCHEMA_VERSION} build ${buildIdentity()}\nrefs ${refs.fingerprint}\n` +
      JSON.stringify({ record, manifest: m, core: ctx.core, dependents: dependentsOf(ctx.record.name, all), facts: settings.releaseFacts ?? null }) +
      `\npin ${env[pinVariable(ctx.record.name)] ?? ''}\n${JSON.stringify(trust)}`;
    return createHash('sha256').update(text).digest('hex');
  }

  /** The last check, when the advertisement and the key are what they were then. */
  reuse(ctx: ProjectContext, ad: Advertisement, key: string | null): ProjectCheck | null {
    if (key === null) return null;
    const row = this.rows.get(ctx.record.name);
    if (!row || row.advertHash !== ad.hash || row.inputKey !== key) return null;
    const last = this.state.getCheck(ctx.record.name);
    if (!last || !reusable(last)) return null;
    return { ...last, checkedAt: this.state.now() };
  }

  /** Remembers what this check was computed from (only when it can be reused, and only when that changed). */
  remember(ctx: ProjectContext, ad: Advertisement, key: string | null, check: ProjectCheck): void {
    const name = ctx.record.name;
    const row = this.rows.get(name);
    if (key === null || !reusable(check)) {
      if (row) {
        this.store.forget(name);
        this.rows.delete(name);
      }
      return;
    }
    if (row && row.advertHash === ad.hash && row.inputKey === key) return;
    this.store.put(name, { advertHash: ad.hash, inputKey: key, via: ad.via });
    this.rows.set(name, { advertHash: ad.hash, inputKey: key, via: ad.via, updatedAt: this.state.now() });
  }
}

/** A check that depends on nothing but its inputs: no error, no stale releases, no moved tags, every release read. */
function reusable(c: ProjectCheck): boolean {
  if (c.error !== null || c.noSource || (c.tagMoves?.length ?? 0) > 0) return false;
  const texts = [...c.blockers, ...(c.candidates ?? []).map((x) => x.reason ?? '')];
  return !texts.some((t) => t.includes('not read') || t.includes('using releases seen'));
}
