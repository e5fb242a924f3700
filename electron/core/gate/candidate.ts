/**
 * The candidate release of a core: a tag, a commit, or the working tree as it is (a release being prepared), and
 * what it says about itself. A tag or commit is read as electron/core/release reads any release (release_metadata.json,
 * else releases.json, at that commit, plus conventional-commit breaking changes since the previous release); the
 * working tree's metadata files are read from disk, the commits up to HEAD from git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compareVersions, parseVersion, versionsEqual, type Release, type Version } from '../../../shared/version/index.js';
import { usageError } from '../errors.js';
import { commitsBetween, headSha, resolveCommit } from '../git/index.js';
import { metadataReading, type ReadResult } from '../engine/verdict.js';
import { breakingChangesOfCommit, invalidMetadata, loadReleaseInfo, METADATA_FILES, parseReleaseMetadata, type BreakingChange, type ReleaseMetadata } from '../release/index.js';
import { normalizeText } from '../release/conventional.js';
import type { GateCore } from './core-project.js';
import type { CandidateInfo, CandidateKind } from './types.js';

/** `--at` value for the working tree. */
export const WORKTREE = 'worktree';

/** A candidate located in the core's repository, not read yet. */
export interface Candidate {
  kind: CandidateKind;
  version: Version;
  tag: string | null;
  sha: string | null;
  label: string;
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

function notFound(core: GateCore, what: string, releases: readonly Release[]): Error {
  const newest = releases.slice(0, 5).map((r) => r.tag);
  return usageError(
    'GATE_CANDIDATE_NOT_FOUND',
    `${what} in the core at ${core.path} (tag pattern ${core.manifest.source.tagPattern}; ${newest.length > 0 ? `newest local release tags: ${newest.join(', ')}` : 'it has no local release tags'}). ` +
      'Fetch the tags first (`git fetch --tags`; in GitHub Actions, actions/checkout with `fetch-depth: 0`), or judge a commit or the working tree under that version with --at <commit> or --at worktree. Nothing was judged.',
    { core: core.path, newest },
  );
}

/**
 * Finds the candidate. Without `at`: the local tag named `version`, else the release tag whose version is
 * `version`. With `at`: `worktree` (the working tree, judged as `version`), a tag, or any commit git can resolve
 * (`HEAD`, an abbreviated id), judged as `version`.
 * @throws usage errors: no such tag or commit (GATE_CANDIDATE_NOT_FOUND, listing the newest tags), a version that is
 * not one, a tag whose version is not `version` (GATE_VERSION_MISMATCH).
 */
export async function resolveCandidate(core: GateCore, releases: readonly Release[], version: string | null, at: string | null): Promise<Candidate> {
  const given = version === null ? null : (core.pattern.match(version) ?? parseVersion(version));
  if (version !== null && given === null) {
    throw usageError('BAD_FLAG_VALUE', `--version ${JSON.stringify(version)} is not a version such as 1.4.0 (or a release tag such as v1.4.0). Nothing was judged.`, { flag: '--version', value: version });
  }
  const byTag = (tag: string) => releases.find((r) => r.tag === tag) ?? null;
  if (at === WORKTREE) {
    if (given === null) throw usageError('BAD_ARGUMENTS', '--at worktree judges the working tree as the version you name: pass --version <v> too. Nothing was judged.', { flag: '--version' });
    const sha = await headSha(core.path);
    return { kind: 'worktree', version: given, tag: null, sha, label: `working tree of ${core.path}` };
  }
  if (at !== null) {
    const tagSha = byTag(at)?.sha ?? (await resolveCommit(core.path, `refs/tags/${at}`));
    if (tagSha !== null) {
      const own = core.pattern.match(at) ?? parseVersion(at);
      if (own && given && !versionsEqual(own, given)) {
        throw usageError('GATE_VERSION_MISMATCH', `--at ${at} is release ${own.normalized}, but --version says ${given.normalized}. Give one of them, or the same version. Nothing was judged.`, { at, version });
      }
      const v = own ?? given;
      if (!v) throw usageError('BAD_ARGUMENTS', `--at ${at} is a tag that does not name a version under the tag pattern ${core.manifest.source.tagPattern}: pass --version <v> too. Nothing was judged.`, { flag: '--version' });
      return { kind: 'tag', version: v, tag: at, sha: tagSha, label: `tag ${at}` };
    }
    const sha = await resolveCommit(core.path, at);
    if (sha === null) throw notFound(core, `--at ${JSON.stringify(at)}: there is no tag or commit of that name`, releases);
    if (given === null) throw usageError('BAD_ARGUMENTS', `--at ${at} is a commit: pass --version <v> to say which version it is to be released as. Nothing was judged.`, { flag: '--version' });
    return { kind: 'commit', version: given, tag: null, sha, label: `commit ${short(sha)}` };
  }
  if (version === null || given === null) throw usageError('BAD_ARGUMENTS', 'Name the candidate with --version <v> (and --at <tag|commit|worktree> when it is not a release tag yet). Nothing was judged.', { flag: '--version' });
  const exact = byTag(version) ?? releases.find((r) => versionsEqual(r.version, given)) ?? null;
  if (exact) return { kind: 'tag', version: exact.version, tag: exact.tag, sha: exact.sha, label: `tag ${exact.tag}` };
  const sha = await resolveCommit(core.path, `refs/tags/${version}`);
  if (sha !== null) return { kind: 'tag', version: given, tag: version, sha, label: `tag ${version}` };
  throw notFound(core, `No tag for version ${given.normalized}`, releases);
}

/** The newest release older than `version` among `releases` (newest first), or null. */
export function previousRelease(releases: readonly Release[], version: Version): Release | null {
  return releases.find((r) => compareVersions(r.version, version) < 0) ?? null;
}

/** What the verdict reads (engine/verdict.ts), and the candidate as the report shows it. */
export interface CandidateReading {
  read: ReadResult;
  info: CandidateInfo;
}

/**
 * Reads the candidate's metadata and breaking changes. `previous` starts the commit range whose conventional-commit
 * breaking changes count (`feat!:`, `BREAKING CHANGE:`); null reads none from commits. Invalid metadata is not "no
 * breaking changes": the reading is `unread` with the file, line and field, and every vertical fails on it.
 */
export async function readCandidate(core: GateCore, c: Candidate, previous: Release | null): Promise<CandidateReading> {
  const version = c.version.normalized;
  const prev = previous ? { version: previous.version.normalized, tag: previous.tag } : null;
  if (c.kind !== 'worktree') {
    const info = await loadReleaseInfo(core.path, { tag: c.tag ?? '', sha: c.sha!, version, previousSha: previous?.sha ?? null });
    const read = metadataReading(info);
    return {
      read,
      info: {
        version,
        kind: c.kind,
        tag: c.tag,
        sha: c.sha,
        label: c.label,
        contractsVersion: info.contractsVersion,
        breakingChanges: info.breaking,
        metadataFile: info.metadata?.file ?? info.invalid?.file ?? null,
        previous: prev,
        unread: 'unread' in read ? read.unread : null,
        warnings: info.warnings,
      },
    };
  }
  const warnings: string[] = [];
  const disk = readMetadataFromDisk(core.path, version, c.label, warnings);
  const commits = c.sha !== null ? await commitBreaking(core.path, previous?.sha ?? null, c.sha, version) : [];
  const breaking = mergeBreaking(disk.metadata, commits, version);
  const read: ReadResult = disk.unread !== null ? { unread: disk.unread } : { reading: { contractsVersion: disk.metadata?.contractsVersion ?? null, breaking, lts: disk.metadata?.lts ?? null, security: null, eol: null } };
  return {
    read,
    info: {
      version,
      kind: 'worktree',
      tag: null,
      sha: c.sha,
      label: c.label,
      contractsVersion: disk.metadata?.contractsVersion ?? null,
      breakingChanges: breaking,
      metadataFile: disk.file,
      previous: prev,
      unread: disk.unread,
      warnings,
    },
  };
}

/** release_metadata.json, else releases.json, from the working tree: the first file with an entry for `version` wins. */
function readMetadataFromDisk(root: string, version: string, label: string, warnings: string[]): { metadata: ReleaseMetadata | null; file: string | null; unread: string | null } {
  for (const file of METADATA_FILES) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue;
    }
    const r = parseReleaseMetadata(text, file, version);
    warnings.push(...r.warnings);
    if (r.issues.length > 0) return { metadata: null, file, unread: invalidMetadata(file, r.issues, label).reason };
    if (r.metadata) return { metadata: r.metadata, file, unread: null };
  }
  return { metadata: null, file: null, unread: null };
}

async function commitBreaking(root: string, from: string | null, to: string, version: string): Promise<BreakingChange[]> {
  if (from === null || from === to) return [];
  const range = await commitsBetween(root, from, to, { max: 2000 });
  return [...range.items].reverse().flatMap((c) => breakingChangesOfCommit(c).map((b) => ({ ...b, version })));
}

/** Metadata first, then commits, each text once (as release/info.ts merges a tagged release's). */
function mergeBreaking(metadata: ReleaseMetadata | null, commits: readonly BreakingChange[], version: string): BreakingChange[] {
  const seen = new Set<string>();
  const out: BreakingChange[] = [];
  for (const b of [...(metadata?.breaking ?? []).map((m) => ({ ...m, version })), ...commits]) {
    const key = normalizeText(b.text);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(b.id === undefined ? { text: b.text, version } : { text: b.text, id: b.id, version });
  }
  return out;
}
