import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Channel } from '../../../shared/api/types.js';
import { compileTagPattern, parseVersion, versionsEqual, type Release, type TagPattern, type Version } from '../../../shared/version/index.js';
import { ArchiveError, parseSha256Sums, verifyAgainstSums } from '../archive/index.js';
import { UpshiftError } from '../errors.js';
import { isMissingPrerequisites, peelBundle } from '../git/bundle.js';
import { displayName as printable, isUsableTagName } from '../git/refname.js';
import { parseReleaseMetadata } from '../release/metadata.js';
import { formatMetadataIssues } from '../release/metadata-schema.js';
import type { ReleaseMetadata } from '../release/types.js';
import { mapLimit } from '../util/map-limit.js';
import { selectTagReleases } from './github/source.js';
import type { ReleaseSource, ReleaseSourceProject, SourceReleaseNotes } from './types.js';

/** The files every release directory holds (see docs/offline.md). */
export const RELEASE_METADATA_FILE = 'release_metadata.json';
export const SUMS_FILE = 'SHA256SUMS';
export const BUNDLE_SUFFIX = '.bundle';
/** Larger metadata or sums files are not read: a release folder may hold anything someone copied there. */
export const MAX_METADATA_BYTES = 1024 * 1024;
export const MAX_SUMS_BYTES = 1024 * 1024;
/** Release directories read at most per listing. */
const MAX_RELEASE_DIRS = 10_000;

/** One release directory of a folder, read and checked (its bundle not yet opened). */
export interface FolderRelease {
  /** The release directory, inside the folder (a symlink in the folder is kept as such). */
  dir: string;
  /** The directory's name: the version, or the tag. */
  name: string;
  tag: string;
  version: Version;
  prerelease: boolean;
  metadata: ReleaseMetadata;
  /** What parseReleaseMetadata had to say about the file (ignored keys and the like). */
  metadataWarnings: string[];
  /** The release's git bundle, or null when it has none (kind artifact). */
  bundle: string | null;
}

export interface FolderScan {
  releases: FolderRelease[];
  /** Directories skipped, and why. */
  warnings: string[];
}

/** A refused folder: it does not exist, or is not a directory. */
function folderNotFound(folder: string, what: string): UpshiftError {
  return new UpshiftError(
    'FOLDER_NOT_FOUND',
    `The release folder ${folder} ${what}. Check source.path in the project's manifest (or mount the drive that holds it); ` +
      `\`upshift import <pack> --into ${folder}\` creates it with a first release. Nothing was changed.`,
    { category: 'usage', details: { folder } },
  );
}

/** Reads a small regular file without following a symlink, or says why it cannot ("is missing", "is a symlink …"). */
export async function readSmallFile(file: string, max: number): Promise<{ text: string } | { problem: string }> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'is missing' };
    if (code === 'ELOOP') return { problem: 'is a symlink (a release holds plain files)' };
    return { problem: `cannot be read (${(e as Error).message})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { problem: 'is not a regular file' };
    if (st.size > max) return { problem: `is ${st.size} bytes, over the ${max}-byte limit` };
    return { text: await handle.readFile('utf8') };
  } finally {
    await handle.close();
  }
}

/** The `tag` key of a metadata file holding one release object (parseReleaseMetadata does not keep it). */
export function rawTag(text: string): string | null {
  try {
    const root = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    if (root !== null && typeof root === 'object' && !Array.isArray(root)) {
      const tag = (root as Record<string, unknown>).tag;
      if (typeof tag === 'string' && tag.trim() !== '') return tag.trim();
    }
  } catch {
    // parseReleaseMetadata reports the bad JSON.
  }
  return null;
}

/** True when `text` is a JSON object without `key` (a release object that forgot it, not a list of releases). */
export function isObjectWithout(text: string, key: string): boolean {
  try {
    const root = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    return root !== null && typeof root === 'object' && !Array.isArray(root) && !(key in root) && !('releases' in root);
  } catch {
    return false;
  }
}

/** `1.2.0` under `v{version}` → `v1.2.0`; a `v` written in the version is not doubled. */
export function tagForVersion(pattern: TagPattern, version: string): string {
  return `${pattern.prefix}${pattern.prefix !== '' ? version.replace(/^[vV](?=\d)/, '') : version}${pattern.suffix}`;
}

/** The plain (non-symlink) `.bundle` files of a release directory, by name. */
async function bundlesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(BUNDLE_SUFFIX))
    .map((e) => e.name)
    .sort();
}

/**
 * Reads the release directory `name` of `folder`: its metadata must be valid (docs/release-metadata.md: an invalid
 * file is skipped naming the file, field and what was expected) and give a version, the tag (the
 * metadata's `tag`, else the version spelt with the tag pattern) must match the pattern, and the directory must be
 * named after the version or the tag. Returns the release, or why it was skipped.
 */
export async function readFolderRelease(folder: string, name: string, pattern: TagPattern): Promise<FolderRelease | { skipped: string }> {
  const dir = path.join(folder, name);
  const skip = (why: string) => ({ skipped: `Release folder entry "${printable(name)}" was skipped: ${why}.` });
  const file = await readSmallFile(path.join(dir, RELEASE_METADATA_FILE), MAX_METADATA_BYTES);
  if ('problem' in file) return skip(`its ${RELEASE_METADATA_FILE} ${file.problem}`);
  const parsed = parseReleaseMetadata(file.text, `${name}/${RELEASE_METADATA_FILE}`);
  if (parsed.issues.length > 0) return skip(`its ${RELEASE_METADATA_FILE} is invalid (${formatMetadataIssues(parsed.issues)})`);
  const metadata = parsed.metadata;
  if (!metadata) {
    if (isObjectWithout(file.text, 'version')) return skip(`its ${RELEASE_METADATA_FILE} has no "version"`);
    return skip(parsed.warnings.map((w) => w.replace(/[;,]? it was ignored\.?$/, '')).join('; ') || `its ${RELEASE_METADATA_FILE} holds no release`);
  }
  if (metadata.version === null) return skip(`its ${RELEASE_METADATA_FILE} has no "version"`);
  const version = parseVersion(metadata.version);
  if (!version) return skip(`its ${RELEASE_METADATA_FILE} names "${printable(metadata.version)}", which is not a version`);
  const tag = rawTag(file.text) ?? tagForVersion(pattern, metadata.version);
  if (!isUsableTagName(tag)) return skip(`its tag "${printable(tag)}" is not a safe git tag name`);
  const tagVersion = pattern.match(tag);
  if (!tagVersion) return skip(`its tag "${printable(tag)}" does not match the project's tag pattern "${pattern.pattern}"`);
  if (!versionsEqual(tagVersion, version)) return skip(`its tag "${printable(tag)}" names version ${tagVersion.normalized}, not ${version.normalized}`);
  if (name !== metadata.version && name !== version.normalized && name !== tag) {
    return skip(`its ${RELEASE_METADATA_FILE} describes version ${printable(metadata.version)}; a release directory must be named after its version or its tag ("${printable(metadata.version)}" or "${printable(tag)}")`);
  }
  const bundles = await bundlesIn(dir);
  if (bundles.length > 1) return skip(`it holds ${bundles.length} git bundles (${bundles.join(', ')}); a release has at most one`);
  const prerelease = version.prerelease.length > 0 || metadata.channel === 'prerelease';
  return { dir, name, tag, version, prerelease, metadata, metadataWarnings: parsed.warnings, bundle: bundles[0] ? path.join(dir, bundles[0]) : null };
}

/** A directory entry to read as a release: a directory, or a symlink to one inside the folder. */
async function releaseDirProblem(folder: string, realFolder: string, entry: Dirent): Promise<'skip' | string | null> {
  if (entry.isDirectory()) return null;
  if (!entry.isSymbolicLink()) return 'skip';
  const full = path.join(folder, entry.name);
  let target: string;
  try {
    target = await realpath(full);
  } catch {
    return `Release folder entry "${printable(entry.name)}" was skipped: it is a broken symlink.`;
  }
  const rel = path.relative(realFolder, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return `Release folder entry "${printable(entry.name)}" was skipped: it is a symlink to ${printable(target)}, outside the folder (symlinks are followed only inside it).`;
  }
  return (await stat(target)).isDirectory() ? null : 'skip';
}

/**
 * Every release directory of `folder`, one per version (the first name in sorting order wins a duplicate; the
 * others are warnings), in no particular order. Entries starting with "." (an import in progress) and plain files
 * are ignored; anything else unusable is a warning, never an error. A missing folder is FOLDER_NOT_FOUND.
 */
export async function scanFolder(folder: string, pattern: TagPattern | string): Promise<FolderScan> {
  const tp = typeof pattern === 'string' ? compileTagPattern(pattern) : pattern;
  const st = await stat(folder).catch(() => null);
  if (!st) throw folderNotFound(folder, 'does not exist');
  if (!st.isDirectory()) throw folderNotFound(folder, 'is not a directory');
  const realFolder = await realpath(folder);
  const entries = (await readdir(folder, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const warnings: string[] = [];
  if (entries.length > MAX_RELEASE_DIRS) {
    warnings.push(`The release folder ${folder} has ${entries.length} entries; only the first ${MAX_RELEASE_DIRS} were read.`);
    entries.length = MAX_RELEASE_DIRS;
  }
  const read = await mapLimit(entries, 8, async (entry) => {
    const problem = await releaseDirProblem(folder, realFolder, entry);
    if (problem === 'skip') return null;
    if (problem !== null) return { skipped: problem };
    return readFolderRelease(folder, entry.name, tp).catch((e: unknown) => ({
      skipped: `Release folder entry "${printable(entry.name)}" was skipped: it cannot be read (${(e as Error).message}).`,
    }));
  });
  const byVersion = new Map<string, FolderRelease>();
  for (const r of read) {
    if (r === null) continue;
    if ('skipped' in r) {
      warnings.push(r.skipped);
      continue;
    }
    const first = byVersion.get(r.version.normalized);
    if (first) {
      warnings.push(`Release folder entry "${printable(r.name)}" was skipped: "${printable(first.name)}" already holds version ${r.version.normalized}.`);
      continue;
    }
    byVersion.set(r.version.normalized, r);
  }
  return { releases: [...byVersion.values()], warnings };
}

/** Cache key of a bundle file read for a repository: a replaced or rewritten bundle is read again. */
async function bundleKey(file: string, repo: string): Promise<string> {
  const s = await lstat(file);
  return `${file}\0${s.size}\0${s.mtimeMs}\0${s.ino}\0${repo}`;
}

/**
 * Releases from an offline release folder (air-gapped machines): one directory per release holding
 * `release_metadata.json`, `SHA256SUMS` and a git bundle (kind git) or the release's assets (kind artifact). See
 * docs/offline.md. The commit of a release is the one its bundle's `refs/tags/<tag>` points at ('' without a
 * bundle). Unusable directories are skipped and reported through {@link FolderSource.lastWarnings}.
 */
export class FolderSource implements ReleaseSource {
  /** The last scan per folder: describeRelease reads its notes from it. */
  private readonly seen = new Map<string, Map<string, FolderRelease>>();
  private readonly warnings = new Map<string, string[]>();
  /** bundle key → (ref → commit), so a listing does not read an unchanged bundle again in this process. */
  private readonly peeled = new Map<string, Map<string, string | null>>();

  private folderOf(project: ReleaseSourceProject): string {
    if (!project.folder) {
      throw new UpshiftError('NOT_A_FOLDER_PROJECT', `${project.path} has no release folder configured (source.type folder, source.path).`, { category: 'usage' });
    }
    return project.folder.path;
  }

  /** What the last listing of this project's folder skipped, and why (empty before any listing). */
  lastWarnings(project: ReleaseSourceProject): string[] {
    return [...(this.warnings.get(this.folderOf(project)) ?? [])];
  }

  async listReleases(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Release[]> {
    const folder = this.folderOf(project);
    const pattern = typeof project.tagPattern === 'string' ? compileTagPattern(project.tagPattern) : project.tagPattern;
    const scan = await scanFolder(folder, pattern);
    const warnings = [...scan.warnings];
    const channel: Channel = project.channel;
    const inChannel = scan.releases.filter((r) => channel === 'prerelease' || !r.prerelease);
    const withSha = await mapLimit(inChannel, 2, async (r) => {
      if (r.bundle === null) return { release: r, sha: '' };
      const sha = await this.bundleCommit(r, project.path, signal).catch((e: unknown) => {
        if (e instanceof UpshiftError && (e.code === 'CANCELLED' || e.code === 'GIT_ABORTED')) throw e;
        warnings.push(`Release folder entry "${printable(r.name)}" was skipped: ${(e as Error).message}`);
        return null;
      });
      return sha === null ? null : { release: r, sha };
    });
    const usable = withSha.filter((x): x is { release: FolderRelease; sha: string } => x !== null);
    this.seen.set(folder, new Map(usable.map((x) => [x.release.tag, x.release])));
    this.warnings.set(folder, warnings);
    const marked = new Set(usable.filter((x) => x.release.prerelease).map((x) => x.release.tag));
    return selectTagReleases(
      usable.map((x) => ({ tag: x.release.tag, sha: x.sha })),
      pattern,
      channel,
    ).map((r) => ({ ...r, prerelease: r.prerelease || marked.has(r.tag) }));
  }

  /** The commit the release's bundle holds for its tag; throws (with a readable message) when it has none. */
  private async bundleCommit(r: FolderRelease, repo: string, signal?: AbortSignal): Promise<string> {
    const bundle = r.bundle!;
    const key = await bundleKey(bundle, repo);
    let commits = this.peeled.get(key);
    if (!commits) {
      try {
        commits = (await peelBundle(bundle, { repo, signal })).commits;
      } catch (e) {
        if (isMissingPrerequisites(e)) throw new Error(`its bundle ${path.basename(bundle)} needs commits the project's repository does not have (${(e as Error).message})`);
        throw e;
      }
      this.peeled.set(key, commits);
    }
    const ref = `refs/tags/${r.tag}`;
    if (!commits.has(ref)) throw new Error(`its bundle ${path.basename(bundle)} does not hold ${ref} (it holds ${[...commits.keys()].join(', ') || 'no refs'})`);
    const sha = commits.get(ref);
    if (!sha) throw new Error(`${ref} in its bundle ${path.basename(bundle)} does not point to a commit`);
    return sha;
  }

  /** The release's notes (`notes`/`summary`/`description` of its metadata, as markdown), date and metadata. */
  async describeRelease(project: ReleaseSourceProject, release: Pick<Release, 'tag' | 'version'>): Promise<SourceReleaseNotes | null> {
    const folder = this.folderOf(project);
    let found = this.seen.get(folder)?.get(release.tag);
    if (!found) {
      const scan = await scanFolder(folder, project.tagPattern);
      found = scan.releases.find((r) => r.tag === release.tag);
    }
    if (!found) return null;
    return { body: found.metadata.summary ?? '', date: found.metadata.releaseDate, url: null, metadata: found.metadata, warnings: [...found.metadataWarnings] };
  }
}

/**
 * The directory of `release` in `folder`: named after its tag or its version. Throws RELEASE_NOT_IN_FOLDER when
 * neither exists (the folder changed since the listing).
 */
export async function folderReleaseDir(folder: string, release: Pick<Release, 'tag' | 'version'>): Promise<string> {
  const names = [release.tag, release.version.normalized];
  const entries = await readdir(folder).catch(() => {
    throw folderNotFound(folder, 'does not exist');
  });
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const v = parseVersion(name);
    if (!names.includes(name) && !(v && versionsEqual(v, release.version))) continue;
    const st = await stat(path.join(folder, name, RELEASE_METADATA_FILE)).catch(() => null);
    if (st?.isFile()) return path.join(folder, name);
  }
  throw new UpshiftError(
    'RELEASE_NOT_IN_FOLDER',
    `The release folder ${folder} has no directory for ${release.tag} (looked for "${release.tag}" and "${release.version.normalized}"). It may have been removed since the check; run the check again. Nothing was changed.`,
    { category: 'failed', details: { folder, tag: release.tag, version: release.version.normalized } },
  );
}

/**
 * The release's single git bundle, or null when it has none. Several bundles are an error: which one holds the
 * release would be a guess.
 */
export async function bundleFor(dir: string): Promise<string | null> {
  const bundles = await bundlesIn(dir);
  if (bundles.length > 1) {
    throw new UpshiftError('BUNDLE_AMBIGUOUS', `${dir} holds ${bundles.length} git bundles (${bundles.join(', ')}); a release directory must hold at most one. Nothing was changed.`, {
      category: 'blocked',
      details: { dir, bundles },
    });
  }
  return bundles[0] ? path.join(dir, bundles[0]) : null;
}

export interface VerifiedFolderRelease {
  sumsFile: string;
  sums: Map<string, string>;
  payloadPath: string;
}

/**
 * Checks a release directory before the engine uses it: SHA256SUMS parses, and the payload (a bundle or an
 * asset, by file name) and release_metadata.json match their entries. A mismatch or a missing entry throws
 * ArchiveError (CHECKSUM_MISMATCH, CHECKSUM_MISSING) whose message says the file was not used and nothing changed.
 */
export async function verifyFolderRelease(dir: string, opts: { payload: string; signal?: AbortSignal }): Promise<VerifiedFolderRelease> {
  if (opts.payload === '' || opts.payload.includes('/') || opts.payload.includes('\\') || opts.payload === '.' || opts.payload === '..') {
    throw new ArchiveError('CHECKSUM_MISSING', `"${printable(opts.payload)}" is not a file name in ${dir}; nothing was verified and nothing was changed.`, { file: dir, category: 'usage' });
  }
  const sumsFile = path.join(dir, SUMS_FILE);
  const read = await readSmallFile(sumsFile, MAX_SUMS_BYTES);
  if ('problem' in read) {
    throw new ArchiveError('CHECKSUM_MISSING', `The release directory ${dir} cannot be verified: ${SUMS_FILE} ${read.problem}. Nothing was used and nothing was changed.`, { file: sumsFile });
  }
  const sums = parseSha256Sums(read.text, sumsFile);
  const payloadPath = path.join(dir, opts.payload);
  for (const [name, file] of [
    [opts.payload, payloadPath],
    [RELEASE_METADATA_FILE, path.join(dir, RELEASE_METADATA_FILE)],
  ] as const) {
    const st = await lstat(file).catch(() => null);
    if (!st?.isFile()) {
      throw new ArchiveError('ARCHIVE_IO', `${file} ${st ? 'is not a regular file' : 'is missing'}, so the release in ${dir} cannot be used. Nothing was changed.`, { file, category: 'blocked' });
    }
    await verifyAgainstSums(file, name, sums, sumsFile, opts.signal);
  }
  return { sumsFile, sums, payloadPath };
}
