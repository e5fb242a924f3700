import type { Channel } from '../../../../shared/api/types.js';
import { compileTagPattern, selectReleases, type Release, type TagPattern, type TagRef } from '../../../../shared/version/index.js';
import { UpshiftError, usageError } from '../../errors.js';
import { parseReleaseMetadata } from '../../release/metadata.js';
import { invalidMetadata } from '../../release/metadata-schema.js';
import type { InvalidMetadata, ReleaseMetadata } from '../../release/types.js';
import type { ReleaseAsset, ReleaseSource, ReleaseSourceProject, SourceReleaseNotes } from '../types.js';
import { displayUrl, GitHubClient, type GitHubClientOptions } from './client.js';

export const DEFAULT_GITHUB_API = 'https://api.github.com';
/** Pages of 100 releases followed at most (GitHub itself stops listing after 1,000 releases). */
const MAX_PAGES = 50;
/** A commit id no real tag has: lets selectReleases order and de-duplicate; replaced by '' afterwards. */
const PLACEHOLDER_SHA = '0'.repeat(40);

/**
 * selectReleases for refs that may lack a commit id (GitHub releases: `sha` ''): same matching, ordering and
 * de-duplication; a ref's sha is kept as it was.
 */
export function selectTagReleases(refs: readonly TagRef[], pattern: TagPattern | string, channel: Channel): Release[] {
  const shaless = new Set(refs.filter((r) => r.sha === '').map((r) => r.tag));
  const picked = selectReleases(
    refs.map((r) => (r.sha === '' ? { tag: r.tag, sha: PLACEHOLDER_SHA } : r)),
    pattern,
    { channel },
  );
  return picked.map((r) => (shaless.has(r.tag) && r.sha === PLACEHOLDER_SHA ? { ...r, sha: '' } : r));
}

/** One published release as the API lists it (drafts are never kept). */
export interface GitHubRelease {
  tag: string;
  name: string | null;
  body: string;
  prerelease: boolean;
  publishedAt: string | null;
  htmlUrl: string | null;
  assets: Array<{ name: string; url: string | null; browserDownloadUrl: string | null; size: number | null }>;
}

export interface GitHubSourceOptions extends Partial<GitHubClientOptions> {
  client?: GitHubClient;
}

/** `https://ghe.example/api/v3` + `/repos/o/r/releases?per_page=100`. */
export function releasesUrl(apiUrl: string, repo: string): URL {
  const base = apiUrl.replace(/\/+$/, '');
  const [owner, name] = repo.split('/');
  return new URL(`${base}/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(name ?? '')}/releases?per_page=100`);
}

/** The `rel="next"` target of a Link header, or null. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(?:^|;)\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(m[2] ?? '')) return m[1] ?? null;
  }
  return null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** One entry of a releases page, or null for a draft or something that is not a release object. */
function toRelease(v: unknown): GitHubRelease | null | 'draft' {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (o.draft === true) return 'draft';
  const tag = str(o.tag_name);
  if (tag === null) return null;
  const assets = Array.isArray(o.assets)
    ? o.assets
        .filter((a): a is Record<string, unknown> => a !== null && typeof a === 'object')
        .map((a) => ({ name: str(a.name) ?? '', url: str(a.url), browserDownloadUrl: str(a.browser_download_url), size: typeof a.size === 'number' ? a.size : null }))
    : [];
  return { tag, name: str(o.name), body: str(o.body) ?? '', prerelease: o.prerelease === true, publishedAt: str(o.published_at), htmlUrl: str(o.html_url), assets };
}

/**
 * Releases from the GitHub Releases API (or GitHub Enterprise's, at `apiUrl`). Tags are matched with the project's
 * tag pattern like git tags are; the commit is not known from the API (the checkout still fetches the tag from the
 * project's git remote), so `sha` is ''. Release notes come from the release body, and a `release_metadata.json`
 * asset adds breaking changes and the contracts version.
 */
export class GitHubSource implements ReleaseSource {
  readonly client: GitHubClient;
  /** The last listing per repository in this process, so a plan's notes do not ask again. */
  private readonly seen = new Map<string, GitHubRelease[]>();

  constructor(opts: GitHubSourceOptions = {}) {
    if (opts.client) this.client = opts.client;
    else {
      if (!opts.cache) throw new Error('GitHubSource needs an HTTP cache or a client');
      this.client = new GitHubClient({ ...opts, cache: opts.cache });
    }
  }

  private target(project: ReleaseSourceProject): { repo: string; apiUrl: string } {
    if (!project.github) throw usageError('NOT_A_GITHUB_PROJECT', `${project.path} has no GitHub repository configured (source.type github, source.repo).`);
    return { repo: project.github.repo, apiUrl: project.github.apiUrl ?? DEFAULT_GITHUB_API };
  }

  /** Every published release (drafts left out), following `rel="next"` pages on the API's own host only. */
  async fetchReleases(github: { repo: string; apiUrl: string }, signal?: AbortSignal): Promise<GitHubRelease[]> {
    let url: URL | null = releasesUrl(github.apiUrl, github.repo);
    const origin = url.origin;
    const authHost = url.host;
    const visited = new Set<string>();
    const out: GitHubRelease[] = [];
    for (let page = 0; url !== null; page++) {
      if (page >= MAX_PAGES) throw new UpshiftError('GITHUB_TOO_MANY_PAGES', `${github.repo} lists more than ${MAX_PAGES} pages of releases; stopped reading at ${displayUrl(url)}.`);
      if (visited.has(url.href)) throw new UpshiftError('GITHUB_BAD_RESPONSE', `The release pages of ${github.repo} link back to ${displayUrl(url)}; stopped.`);
      visited.add(url.href);
      const res = await this.client.getJson(url, { authHost, signal });
      if (!Array.isArray(res.value)) {
        throw new UpshiftError('GITHUB_BAD_RESPONSE', `The response from ${displayUrl(url)} is not a list of releases.`, { details: { url: displayUrl(url) } });
      }
      for (const item of res.value) {
        const r = toRelease(item);
        if (r !== null && r !== 'draft') out.push(r);
      }
      const next = nextLink(res.headers.link);
      if (next === null) break;
      let nextUrl: URL;
      try {
        nextUrl = new URL(next, url);
      } catch {
        throw new UpshiftError('GITHUB_BAD_RESPONSE', `${displayUrl(url)} sent an invalid next-page link.`);
      }
      if (nextUrl.origin !== origin) {
        throw new UpshiftError(
          'GITHUB_FOREIGN_LINK',
          `${displayUrl(url)} points its next page at ${nextUrl.origin}, another host than ${origin}; Upshift refused to follow it (the token and the request stay on the API host).`,
          { details: { url: displayUrl(url), next: displayUrl(nextUrl) } },
        );
      }
      url = nextUrl;
    }
    this.seen.set(`${github.apiUrl} ${github.repo}`, out);
    return out;
  }

  async listReleases(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Release[]> {
    const gh = this.target(project);
    const all = await this.fetchReleases(gh, signal);
    const stableOnly = project.channel !== 'prerelease';
    const marked = new Set(all.filter((r) => r.prerelease).map((r) => r.tag));
    const refs = all.filter((r) => !(stableOnly && r.prerelease)).map((r) => ({ tag: r.tag, sha: PLACEHOLDER_SHA }));
    const pattern = typeof project.tagPattern === 'string' ? compileTagPattern(project.tagPattern) : project.tagPattern;
    return selectReleases(refs, pattern, { channel: project.channel }).map((r) => ({ ...r, sha: '', prerelease: r.prerelease || marked.has(r.tag) }));
  }

  /** The release's assets with their public download URLs (a redirect to the storage host is followed without the token). */
  async releaseAssets(project: ReleaseSourceProject, release: Pick<Release, 'tag' | 'version'>, signal?: AbortSignal): Promise<ReleaseAsset[] | null> {
    const gh = this.target(project);
    const list = this.seen.get(`${gh.apiUrl} ${gh.repo}`) ?? (await this.fetchReleases(gh, signal));
    const found = list.find((r) => r.tag === release.tag);
    if (!found) return null;
    return found.assets.filter((a) => a.browserDownloadUrl !== null && a.name !== '').map((a) => ({ name: a.name, url: a.browserDownloadUrl!, size: a.size }));
  }

  /** The release's body as its notes, and its `release_metadata.json` asset when it has one. */
  async describeRelease(project: ReleaseSourceProject, release: Pick<Release, 'tag' | 'version'>, signal?: AbortSignal): Promise<SourceReleaseNotes | null> {
    const gh = this.target(project);
    const list = this.seen.get(`${gh.apiUrl} ${gh.repo}`) ?? (await this.fetchReleases(gh, signal));
    const found = list.find((r) => r.tag === release.tag);
    if (!found) return null;
    const warnings: string[] = [];
    let metadata: ReleaseMetadata | null = null;
    let invalid: InvalidMetadata | null = null;
    const asset = found.assets.find((a) => a.name === 'release_metadata.json');
    if (asset) {
      const api = new URL(releasesUrl(gh.apiUrl, gh.repo));
      const href = asset.url ?? asset.browserDownloadUrl;
      try {
        if (!href) throw new Error('the asset has no download URL');
        const url = new URL(href);
        const got = await this.client.get(url, { authHost: api.host, accept: 'application/octet-stream', signal });
        const parsed = parseReleaseMetadata(got.body.toString('utf8'), 'release_metadata.json (release asset)', release.version.normalized);
        warnings.push(...parsed.warnings);
        metadata = parsed.metadata;
        if (parsed.issues.length > 0) invalid = invalidMetadata('release_metadata.json (release asset)', parsed.issues, release.tag);
      } catch (e) {
        if (e instanceof UpshiftError && e.code === 'CANCELLED') throw e;
        warnings.push(`The release_metadata.json asset of ${release.tag} could not be read: ${(e as Error).message}`);
      }
    }
    return { body: found.body.trim(), date: found.publishedAt, url: found.htmlUrl, metadata, ...(invalid ? { invalid } : {}), warnings };
  }
}
