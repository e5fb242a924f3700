import type { Channel } from '../../../shared/api/types.js';
import type { Release, TagPattern } from '../../../shared/version/index.js';

/** What a release source needs to know about a project. */
export interface ReleaseSourceProject {
  /** The project's working tree (git runs there, so the user's remote configuration applies). */
  path: string;
  /** A configured remote name (`origin`) or a URL/path. */
  remote: string;
  /** The project's tag pattern, text (`v{version}`) or compiled. */
  tagPattern: string | TagPattern;
  channel: Channel;
}

/**
 * Where releases come from. Implementations: `GitTagSource` (tags on the project's git remote). The engine,
 * the CLI and the app each wire one in; tests can pass a fake.
 */
export interface ReleaseSource {
  /** The project's releases on its channel, newest first, one per version. */
  listReleases(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Release[]>;
}
