import type { Release } from '../../../shared/version/index.js';
import { loadManifest } from '../manifest/index.js';
import { FolderSource } from './folder.js';
import type { Advertisement, ReleaseAsset, ReleaseSource, ReleaseSourceProject, SourceReleaseNotes } from './types.js';

/**
 * Sends each project to the source its manifest names: `source.type: github` to `github`, `folder` to `folder`,
 * the rest to `git`. A caller that did not fill `project.github` or `project.folder` is covered too: the project's
 * manifest is read to find out.
 */
export class SourceRouter implements ReleaseSource {
  constructor(
    private readonly git: ReleaseSource,
    private readonly github: ReleaseSource,
    readonly folder: ReleaseSource = new FolderSource(),
  ) {}

  private route(project: ReleaseSourceProject): { source: ReleaseSource; project: ReleaseSourceProject } {
    if (project.github) return { source: this.github, project };
    if (project.folder) return { source: this.folder, project };
    // The engine's projects carry their source already: reading each manifest again here cost a check of 200
    // projects 200 YAML parses and validations per call (advertise, list, warnings).
    if (project.routed) return { source: this.git, project };
    let s: ReturnType<typeof loadManifest>['source'] | null = null;
    try {
      s = loadManifest(project.path).source;
    } catch {
      // An unreadable manifest fails where the engine loads it; here it simply is not a GitHub or folder project.
    }
    if (s?.type === 'github' && s.repo) {
      return { source: this.github, project: { ...project, github: { repo: s.repo, ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}) } } };
    }
    if (s?.type === 'folder' && s.path) return { source: this.folder, project: { ...project, folder: { path: s.path } } };
    return { source: this.git, project };
  }

  listReleases(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Release[]> {
    const r = this.route(project);
    return r.source.listReleases(r.project, signal);
  }

  async advertise(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Advertisement | null> {
    const r = this.route(project);
    return r.source.advertise ? r.source.advertise(r.project, signal) : null;
  }

  async describeRelease(project: ReleaseSourceProject, release: Pick<Release, 'tag' | 'version'>, signal?: AbortSignal): Promise<SourceReleaseNotes | null> {
    const r = this.route(project);
    return r.source.describeRelease ? r.source.describeRelease(r.project, release, signal) : null;
  }

  async releaseAssets(project: ReleaseSourceProject, release: Pick<Release, 'tag' | 'version'>, signal?: AbortSignal): Promise<ReleaseAsset[] | null> {
    const r = this.route(project);
    return r.source.releaseAssets ? r.source.releaseAssets(r.project, release, signal) : null;
  }

  /**
   * What the project's source said at its last listing: entries a release folder skipped, a tag pattern that would
   * find a git remote's releases when the project's found none ([] when the source has nothing to say).
   */
  lastWarnings(project: ReleaseSourceProject): string[] {
    const r = this.route(project);
    return r.source.lastWarnings ? r.source.lastWarnings(r.project) : [];
  }
}
