/**
 * Whether a release is a descendant of the checkout (issue 8 §1). node_exporter's master is v1.12.0 plus 25 commits;
 * v1.12.1 sits on a release branch and lacks them, so "upgrading" takes 25 commits out of the working tree. The
 * verdict (engine/verdict.ts) takes what is computed here as an input: such a release is high risk and its gate never
 * `auto`, in check and plan alike.
 */
import type { Divergence } from '../../../shared/api/types.js';
import type { Release } from '../../../shared/version/index.js';
import { commitsApart, type CommitsApart } from '../git/ancestry.js';
import { readRefFiles, resolveCommit } from '../git/index.js';
import type { StateStore } from '../state/index.js';
import type { CurrentState } from './current.js';
import type { ProjectContext } from './projects.js';
import type { ReleaseVerdict } from './verdict.js';
import { withRelaxedSync } from '../state/db.js';

/** "25 commits on `master` are not in v1.12.1; after the upgrade they stay on `master` but leave the working tree". */
export function divergenceMessage(apart: CommitsApart, branch: string | null, target: string): string {
  const n = apart.count;
  const [commits, are, they, stay, leave] = n === 1 ? ['1 commit', 'is', 'it', 'stays', 'leaves'] : [`${n} commits`, 'are', 'they', 'stay', 'leave'];
  const local =
    apart.localOnly === 0 ? '' : apart.localOnly === n ? (n === 1 ? ' (it exists only in this clone)' : ' (all of them exist only in this clone)') : ` (${apart.localOnly} of them exist only in this clone)`;
  if (branch) return `${commits} on \`${branch}\` ${are} not in ${target}${local}; after the upgrade ${they} ${stay} on \`${branch}\` but ${leave} the working tree`;
  const kept = apart.localOnly > 0 ? `; only the snapshot ref refs/upshift/snapshots/<operation> keeps ${apart.localOnly === n ? they : 'those'} afterwards` : '';
  return `${commits} at the detached HEAD ${are} not in ${target}${local}; after the upgrade ${they} ${leave} the working tree${kept}`;
}

/** A divergence from what git counted, or null when the target contains every commit of HEAD. */
export function toDivergence(apart: CommitsApart, branch: string | null, target: string): Divergence | null {
  return apart.count === 0 ? null : { count: apart.count, localOnly: apart.localOnly, branch, message: divergenceMessage(apart, branch, target) };
}

interface ApartCache {
  /** HEAD and the remote-tracking branches (the ref files' fingerprint): the counts hold while it is unchanged. */
  key: string;
  /** By target commit. */
  apart: Record<string, CommitsApart>;
}

/**
 * Counts commits HEAD has that each target lacks, remembered in the project's settings under the ref files'
 * fingerprint (HEAD and remote-tracking branches): commits never change, so a repeated check asks git nothing.
 */
export class DivergenceReader {
  private readonly key: string | null;
  private readonly cache: ApartCache;
  private dirty = false;

  constructor(
    private readonly ctx: ProjectContext,
    private readonly store: StateStore,
    private readonly current: Pick<CurrentState, 'sha' | 'branch'>,
    private readonly signal?: AbortSignal,
  ) {
    const refs = readRefFiles(ctx.record.path);
    this.key = refs && current.sha ? `${refs.fingerprint}\0${current.sha}` : null;
    const stored = ctx.record.settings.apartCache as ApartCache | undefined;
    this.cache = this.key && stored?.key === this.key ? stored : { key: this.key ?? '', apart: {} };
  }

  /** The divergence of `release` (its commit `sha`, when known), or null when it contains HEAD or cannot be told. */
  async of(release: Release, sha: string | null): Promise<Divergence | null> {
    const head = this.current.sha;
    const target = sha || (await this.localCommit(release.tag));
    if (!head || !target) return null;
    let apart = this.cache.apart[target];
    if (!apart) {
      try {
        apart = await commitsApart(this.ctx.record.path, target, head, this.signal ? { signal: this.signal } : {});
      } catch (e) {
        if (this.signal?.aborted) throw e;
        // The target's objects are not here (offline, a fetch that failed): that release is unread and blocked anyway.
        return null;
      }
      this.cache.apart[target] = apart;
      this.dirty = true;
    }
    return toDivergence(apart, this.current.branch ?? null, release.tag);
  }

  /**
   * The divergences the default target depends on, added to `into`: the open releases (nothing blocks them, `usable`)
   * from the newest down to the first that is neither gated manual nor diverged — the one offered. Check and plan
   * judge the same releases this way, so they offer the same one.
   */
  async ofDefault(descending: readonly Release[], verdicts: ReadonlyMap<string, ReleaseVerdict>, shaOf: (r: Release) => string | null, into: Map<string, Divergence>, usable: (r: Release) => boolean = () => true): Promise<void> {
    for (const r of descending) {
      const v = verdicts.get(r.tag);
      if (!v || v.blockers.length > 0 || !usable(r)) continue;
      const d = into.has(r.tag) ? into.get(r.tag)! : await this.of(r, shaOf(r));
      if (d) into.set(r.tag, d);
      else if (v.explicitOnly === null) return;
    }
  }

  /** Records a count known without git (plan-facts: HEAD is an ancestor of the target), saved like a counted one. */
  assume(target: string, apart: CommitsApart): void {
    if (this.cache.apart[target]) return;
    this.cache.apart[target] = apart;
    this.dirty = true;
  }

  /** Writes what was counted into the project's settings (a fresh read of them, so no other setting is lost). */
  save(): void {
    if (!this.dirty || !this.key) return;
    const fresh = this.store.getProject(this.ctx.record.name);
    if (fresh) withRelaxedSync(this.store.database, () => this.store.updateProject(fresh.name, { settings: { ...fresh.settings, apartCache: this.cache } }));
    this.dirty = false;
  }

  private async localCommit(tag: string): Promise<string | null> {
    const path = this.ctx.record.path;
    return (await resolveCommit(path, `refs/tags/${tag}`).catch(() => null)) ?? (await resolveCommit(path, `refs/upshift/tags/${tag}`).catch(() => null));
  }
}
