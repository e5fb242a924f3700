import { selectReleases, type Release } from '../../../shared/version/index.js';
import { listRemoteTags, type DroppedTag } from '../git/ls-remote.js';
import type { ReleaseSource, ReleaseSourceProject } from './types.js';

export interface GitTagSourceOptions {
  /** More tags than this on one remote is an error (see listRemoteTags); default 50,000. */
  maxTags?: number;
  /** Per ls-remote deadline; default 60 s. */
  timeoutMs?: number;
  /** Told about tag names dropped as unsafe, so they can be logged (the names are already escaped). */
  onDroppedTags?: (project: ReleaseSourceProject, dropped: DroppedTag[], total: number) => void;
}

export interface Discovery {
  releases: Release[];
  /** Tags the remote advertises (safe ones), releases or not. */
  tagCount: number;
  dropped: DroppedTag[];
  droppedCount: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Releases are the remote's tags that match the project's tag pattern. Discovery asks the remote itself
 * (`git ls-remote`), not the local tag list: local tags may be stale, missing (`--no-tags` clones) or made by the
 * user. Unsafe tag names are dropped by listRemoteTags before the pattern, the ordering or any log sees them.
 */
export class GitTagSource implements ReleaseSource {
  constructor(private readonly options: GitTagSourceOptions = {}) {}

  async listReleases(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Release[]> {
    return (await this.discover(project, signal)).releases;
  }

  /** listReleases with what was dropped on the way, for diagnostics. */
  async discover(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Discovery> {
    const listed = await listRemoteTags(project.path, project.remote, {
      signal,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(this.options.maxTags !== undefined ? { maxTags: this.options.maxTags } : {}),
    });
    if (listed.droppedCount > 0) this.options.onDroppedTags?.(project, listed.dropped, listed.droppedCount);
    const releases = selectReleases(listed.tags, project.tagPattern, { channel: project.channel });
    return { releases, tagCount: listed.tags.length, dropped: listed.dropped, droppedCount: listed.droppedCount };
  }
}
