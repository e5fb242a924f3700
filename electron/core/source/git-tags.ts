import { selectReleases, suggestTagPattern, tagPatternAdvice, type Release, type TagScheme } from '../../../shared/version/index.js';
import type { DroppedTag } from '../git/ls-remote.js';
import { CredentialCache, listRemoteTagsNative, type DiscoveryVia, type RemoteAdvertisement } from '../discovery/index.js';
import { explainMissingRemote } from './no-source.js';
import type { Advertisement, ReleaseSource, ReleaseSourceProject } from './types.js';

export interface GitTagSourceOptions {
  /** More tags than this on one remote is an error (see listRemoteTags); default 50,000. */
  maxTags?: number;
  /** Per-remote deadline; default 60 s. */
  timeoutMs?: number;
  /** Told about tag names dropped as unsafe, so they can be logged (the names are already escaped). */
  onDroppedTags?: (project: ReleaseSourceProject, dropped: DroppedTag[], total: number) => void;
  /**
   * `git` asks `git ls-remote` for every remote, as before native discovery (`UPSHIFT_DISCOVERY=git`); `auto` (the
   * default) reads HTTP(S) and local remotes without starting git.
   */
  discovery?: 'auto' | 'git';
  /** Credentials asked once per host for this source's lifetime (one per process by default). */
  credentials?: CredentialCache;
}

export interface Discovery {
  releases: Release[];
  /** Tags the remote advertises (safe ones), releases or not. */
  tagCount: number;
  dropped: DroppedTag[];
  droppedCount: number;
  /** Set when the pattern finds no release but the tags look like versions named another way (jq's `jq-1.7.1`). */
  suggestion: TagScheme | null;
  /** The advertisement's hash, and how it was read. */
  hash: string;
  via: DiscoveryVia;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Releases are the remote's tags that match the project's tag pattern. Discovery asks the remote itself, not the
 * local tag list: local tags may be stale, missing (`--no-tags` clones) or made by the user. HTTP(S) and local
 * remotes are read without a git process (electron/core/discovery/), SSH and unusual setups by `git ls-remote`;
 * unsafe tag names are dropped before the pattern, the ordering or any log sees them.
 */
export class GitTagSource implements ReleaseSource {
  /** The last listing's tag-pattern advice per checkout (see lastWarnings). */
  private readonly advice = new Map<string, string>();
  /** The last listing's transport warnings per checkout (TLS verification off because git's settings say so). */
  private readonly transportWarnings = new Map<string, string[]>();
  private readonly credentials: CredentialCache;

  constructor(private readonly options: GitTagSourceOptions = {}) {
    this.credentials = options.credentials ?? new CredentialCache();
  }

  async listReleases(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Release[]> {
    return (await this.discover(project, signal)).releases;
  }

  /** listReleases with what was dropped on the way, for diagnostics. */
  async discover(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Discovery> {
    return this.finish(project, await this.list(project, signal));
  }

  async advertise(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Advertisement> {
    const listed = await this.list(project, signal);
    let done: Release[] | null = null;
    return { hash: listed.hash, via: listed.via, releases: () => (done ??= this.finish(project, listed).releases) };
  }

  private async list(project: ReleaseSourceProject, signal?: AbortSignal): Promise<RemoteAdvertisement> {
    this.advice.delete(project.path);
    this.transportWarnings.delete(project.path);
    try {
      const listed = await listRemoteTagsNative(project.path, project.remote, {
        signal,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        credentials: this.credentials,
        forceGit: (this.options.discovery ?? discoveryFromEnv()) === 'git',
        ...(this.options.maxTags !== undefined ? { maxTags: this.options.maxTags } : {}),
      });
      if (listed.warnings) this.transportWarnings.set(project.path, listed.warnings);
      return listed;
    } catch (err) {
      // A checkout with no remote at all is a local-only project (NO_RELEASE_SOURCE), not a failure.
      throw await explainMissingRemote(project.path, project.remote, err);
    }
  }

  private finish(project: ReleaseSourceProject, listed: RemoteAdvertisement): Discovery {
    if (listed.droppedCount > 0) this.options.onDroppedTags?.(project, listed.dropped, listed.droppedCount);
    const releases = selectReleases(listed.tags, project.tagPattern, { channel: project.channel });
    let suggestion: TagScheme | null = null;
    if (releases.length === 0 && listed.tags.length > 0) {
      // Only when nothing matched, so a project that follows one tag family among several is never second-guessed.
      const pattern = typeof project.tagPattern === 'string' ? project.tagPattern : project.tagPattern.pattern;
      suggestion = suggestTagPattern(listed.tags.map((t) => t.tag), pattern);
      if (suggestion) this.advice.set(project.path, tagPatternAdvice(pattern, suggestion, project.name));
    }
    return { releases, tagCount: listed.tags.length, dropped: listed.dropped, droppedCount: listed.droppedCount, suggestion, hash: listed.hash, via: listed.via };
  }

  /** The last listing's advice for this checkout: a tag pattern that would find its releases, when it found none. */
  lastWarnings(project: ReleaseSourceProject): string[] {
    const advice = this.advice.get(project.path);
    return [...(this.transportWarnings.get(project.path) ?? []), ...(advice ? [advice] : [])];
  }
}

/** `UPSHIFT_DISCOVERY=git` sends every remote to `git ls-remote` (a way out, and the benches' baseline). */
export function discoveryFromEnv(env: NodeJS.ProcessEnv = process.env): 'auto' | 'git' {
  return env.UPSHIFT_DISCOVERY === 'git' ? 'git' : 'auto';
}
