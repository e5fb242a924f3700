import type { Channel } from '../../../shared/api/types.js';
import type { Release, TagPattern } from '../../../shared/version/index.js';
import type { InvalidMetadata, ReleaseMetadata } from '../release/types.js';

/** What a release source needs to know about a project. */
export interface ReleaseSourceProject {
  /** The watched project's name, for messages (absent when a source is used outside a project). */
  name?: string | undefined;
  /** The project's working tree (git runs there, so the user's remote configuration applies). */
  path: string;
  /** A configured remote name (`origin`) or a URL/path. */
  remote: string;
  /** The project's tag pattern, text (`v{version}`) or compiled. */
  tagPattern: string | TagPattern;
  channel: Channel;
  /** Set for `source.type: github`: the repository and the API base (default https://api.github.com). */
  github?: { repo: string; apiUrl?: string | undefined } | undefined;
  /** Set for `source.type: folder`: the offline release folder (absolute). */
  folder?: { path: string } | undefined;
  /**
   * Set by a caller that read the project's manifest already (the engine): neither `github` nor `folder` then means
   * the git remote for certain, and the router does not read the manifest again to find out.
   */
  routed?: true | undefined;
}

/** What a source knows about one release beyond its tag (GitHub: the release body and a metadata asset). */
export interface SourceReleaseNotes {
  /** Markdown; '' when the release has no body. */
  body: string;
  date: string | null;
  url: string | null;
  metadata: ReleaseMetadata | null;
  /** Set when the source's metadata (a release_metadata.json asset) is there but invalid: the release is blocked. */
  invalid?: InvalidMetadata;
  warnings: string[];
}

/**
 * Where releases come from. Implementations: `GitTagSource` (tags on the project's git remote), `GitHubSource`
 * (the GitHub Releases API), `FolderSource` (an offline release folder). The engine,
 * the CLI and the app each wire one in; tests can pass a fake.
 */
export interface ReleaseSource {
  /** The project's releases on its channel, newest first, one per version. */
  listReleases(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Release[]>;
  /** Optional: notes and metadata the source itself holds for a release (null: nothing beyond the git tag). */
  describeRelease?(project: ReleaseSourceProject, release: Pick<Release, 'tag' | 'version'>, signal?: AbortSignal): Promise<SourceReleaseNotes | null>;
  /** Optional: what the last listing of this project skipped and why (a release folder's unusable entries). */
  lastWarnings?(project: ReleaseSourceProject): string[];
  /**
   * Optional: the remote's tag advertisement before anything is parsed or selected (git remotes): its hash lets the
   * engine reuse a check whose inputs are all unchanged (engine/check-memo.ts); `releases()` finishes the listing
   * (what listReleases returns) only when needed. Null: this project's source has no advertisement.
   */
  advertise?(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Advertisement | null>;
  /** Optional: the files a release offers (GitHub release assets); null when the source does not know the release. */
  releaseAssets?(project: ReleaseSourceProject, release: Pick<Release, 'tag' | 'version'>, signal?: AbortSignal): Promise<ReleaseAsset[] | null>;
}

/** A downloadable file of a release. */
export interface ReleaseAsset {
  name: string;
  /** Where to download it (https; plain http only to this machine). */
  url: string;
  size: number | null;
}

/** A remote's tag advertisement, hashed; see ReleaseSource.advertise. */
export interface Advertisement {
  /** SHA-256 of the tags and the commits they point at: equal hashes, equal tags. */
  hash: string;
  /** How it was read: http-v2, http-v0, files, or git (`git ls-remote`). */
  via: string;
  /** The project's releases from this advertisement (version parsing and selection happen here, once). */
  releases(): Release[];
}
