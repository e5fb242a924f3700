/**
 * What a plan reads from git about release commits, read once (issue 12 §2). Everything here is a fact about
 * immutable objects: the commit a tag object peels to, a release's notes and metadata at its tag object and commit,
 * the commits and diffstat between two commits. Each is kept in the state database (`commit_facts`) under the ids it
 * was read from, so a repeated plan, the dashboard's plan view and `upgrade --yes` after `plan` start no git process
 * for them; a tag moved on the remote has another id and is read afresh.
 *
 * Within one plan the range from the checkout to the likely target is walked once: the release's notes (which scan
 * up to MAX_SCANNED_COMMITS commits for breaking changes) and the plan's commit list share the same `git log`, and
 * the diffstat runs beside it — unless nobody will read the plan (`upgrade --yes`): the diffstat is only ever shown,
 * never recorded with the operation, so it is then left out and read when a plan is next looked at. The object reads
 * (peeling the fetched tag, its message, the commit's root listing, metadata and notes blobs, and a short linear
 * range's commits) share one long-lived `git cat-file` (git/object-reader.ts).
 */
import type { DiffStat } from '../../../shared/api/types.js';
import type { Release } from '../../../shared/version/index.js';
import { commitsBetween, diffStat, fetchTag, readTagRef, type CommitRange, type FetchedTag } from '../git/index.js';
import { listRootBlobs, statRootPaths, type TreeEntry } from '../git/ls-tree.js';
import { sharedObjectReader, type ObjectReader } from '../git/object-reader.js';
import { UPSHIFT_MANIFEST_FILES } from '../manifest/index.js';
import { loadReleaseInfo, type ReleaseInfo } from '../release/index.js';
import { MAX_SCANNED_COMMITS } from '../release/info.js';
import { CommitFacts, factKey, type StateStore } from '../state/index.js';

/**
 * Part of every key: bump it when what is read from git, or how it is read, changes (a new notes source, another
 * metadata rule), so facts read by an older Upshift are read again rather than trusted.
 */
const FACTS_VERSION = 1;
/** Commit subjects a plan lists; the count is always exact (a 2,000-commit range lists the newest 200). */
export const PLAN_COMMITS_LISTED = 200;

export interface RangeFacts {
  commits: { count: number; items: Array<{ sha: string; subject: string }> };
  diffstat: DiffStat | null;
  /**
   * The range's start is an ancestor of its end (every commit of the checkout is in the target), read off the parents
   * of the listed commits; null when the listing was capped and it could not be told that way.
   */
  ancestor: boolean | null;
}

/** The `files` fact run.ts reads: which of Upshift's manifest names a commit lacks (left alone as untracked). */
export function manifestsFactKey(sha: string): string {
  return factKey(FACTS_VERSION, 'manifests', sha, UPSHIFT_MANIFEST_FILES.join(','));
}

export interface RangeOptions {
  /** Read the diffstat too (default true); false when nobody will read the plan. */
  diffstat?: boolean;
}

export class PlanFacts {
  private readonly facts: CommitFacts;
  /** Object lookups of this repository, one git process for all of them (shared with the rest of the run). */
  private readonly reader: ObjectReader;
  /** `git log` of one range, shared by the release notes and the plan's list. */
  private readonly listings = new Map<string, Promise<CommitRange>>();
  private readonly ranges = new Map<string, Promise<RangeFacts>>();
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();

  constructor(
    store: StateStore,
    private readonly path: string,
    private readonly signal?: AbortSignal,
  ) {
    this.facts = new CommitFacts(store.database, () => store.now());
    this.reader = sharedObjectReader(path);
  }

  /**
   * The release's tag, fetched only when it is not already here at the commit discovery saw: a local tag whose object
   * is that commit (lightweight) or is known to peel to it (packed-refs, or a fact read before) needs no git at all.
   */
  async fetchTag(remote: string, release: Release): Promise<FetchedTag> {
    const local = readTagRef(this.path, release.tag);
    if (local) {
      const peeled = local.objectSha === release.sha ? release.sha : (local.peeled ?? this.facts.get<string>('peel', factKey(FACTS_VERSION, local.objectSha)));
      if (peeled === release.sha) return { tag: release.tag, sha: release.sha, objectSha: local.objectSha };
    }
    const fetched = await fetchTag(this.path, remote, release.tag, { signal: this.signal, reader: this.reader });
    if (fetched.objectSha !== fetched.sha) this.facts.put('peel', factKey(FACTS_VERSION, fetched.objectSha), fetched.sha);
    return fetched;
  }

  /** A release's notes, metadata and breaking changes (loadReleaseInfo), at its tag object and commit. */
  async releaseInfo(input: { tag: string; objectSha: string; sha: string; version: string; previousSha: string | null }): Promise<ReleaseInfo> {
    const key = factKey(FACTS_VERSION, input.tag, input.objectSha, input.sha, input.previousSha, input.version);
    const known = this.facts.get<ReleaseInfo>('release', key);
    if (known) return known;
    const info = await loadReleaseInfo(
      this.path,
      { tag: input.tag, sha: input.sha, version: input.version, previousSha: input.previousSha },
      { signal: this.signal, reader: this.reader, present: true, listCommits: (from, to, max) => this.listing(from, to, max), listTree: (sha, dirs) => this.listTree(sha, dirs) },
    );
    this.facts.put('release', key, info);
    return info;
  }

  /**
   * The commits (newest PLAN_COMMITS_LISTED, exact count) and, unless asked not to, the diffstat from `from` to `to`,
   * read concurrently. Each is kept on its own, so a plan after `upgrade --yes` reads only the diffstat.
   */
  range(from: string, to: string, opts: RangeOptions = {}): Promise<RangeFacts> {
    const withDiffstat = opts.diffstat !== false;
    const key = factKey(FACTS_VERSION, from, to, PLAN_COMMITS_LISTED);
    const memo = `${key}\0${withDiffstat}`;
    let pending = this.ranges.get(memo);
    if (!pending) {
      pending = this.readRange(key, from, to, withDiffstat);
      this.ranges.set(memo, pending);
    }
    return pending;
  }

  private async readRange(key: string, from: string, to: string, withDiffstat: boolean): Promise<RangeFacts> {
    const diffKey = factKey(FACTS_VERSION, from, to);
    const knownList = this.facts.get<Omit<RangeFacts, 'diffstat'>>('range', key);
    const knownDiff = withDiffstat ? this.facts.get<DiffStat>('diffstat', diffKey) : null;
    const [list, diffstat] = await Promise.all([
      knownList ? { commits: knownList.commits, ancestor: knownList.ancestor } : this.readList(key, from, to),
      knownDiff ?? (withDiffstat ? this.readDiffstat(diffKey, from, to) : null),
    ]);
    return { ...list, diffstat };
  }

  private async readList(key: string, from: string, to: string): Promise<Omit<RangeFacts, 'diffstat'>> {
    const listed = await this.listing(from, to, MAX_SCANNED_COMMITS);
    // `from` is an ancestor of `to` exactly when some commit of from..to has it as a parent (the commit the walk from
    // `to` reached it through). Only a complete listing can say no.
    const ancestor = listed.items.some((c) => c.parents.includes(from)) ? true : listed.truncated ? null : false;
    const facts = { commits: { count: listed.count, items: listed.items.slice(0, PLAN_COMMITS_LISTED).map((c) => ({ sha: c.sha, subject: c.subject })) }, ancestor };
    this.facts.put('range', key, facts);
    return facts;
  }

  private async readDiffstat(key: string, from: string, to: string): Promise<DiffStat | null> {
    const diffstat = await diffStat(this.path, from, to, this.signal ? { signal: this.signal } : {}).catch(() => null);
    // A diffstat that failed (a damaged object, an abort) is not a fact: read again next time.
    if (diffstat !== null) this.facts.put('diffstat', key, diffstat);
    return diffstat;
  }

  /**
   * The root listing of a release commit, read once: the notes and metadata come from it, and so does which manifest
   * files the commit lacks, kept for the upgrade that follows (run.ts) so it reads no tree of its own.
   */
  private listTree(sha: string, dirs: readonly string[]): Promise<TreeEntry[]> {
    const key = `${sha}\0${dirs.join('\0')}`;
    let pending = this.trees.get(key);
    if (!pending) {
      pending = listRootBlobs(this.path, sha, dirs, { signal: this.signal, reader: this.reader }).then((entries) => {
        const found = statRootPaths(entries, UPSHIFT_MANIFEST_FILES);
        this.facts.put('files', manifestsFactKey(sha), UPSHIFT_MANIFEST_FILES.filter((f) => found.get(f) === null));
        return entries;
      });
      this.trees.set(key, pending);
    }
    return pending;
  }

  /** One `git log` per range and plan; a smaller cap is served from a larger listing. */
  private listing(from: string, to: string, max: number): Promise<CommitRange> {
    const key = `${from}..${to}`;
    const pending = this.listings.get(key);
    if (pending) return pending.then((r) => (r.items.length <= max ? r : { count: r.count, items: r.items.slice(0, max), truncated: true }));
    const read = commitsBetween(this.path, from, to, { max: Math.max(max, MAX_SCANNED_COMMITS), signal: this.signal, reader: this.reader });
    this.listings.set(key, read);
    return read;
  }
}
