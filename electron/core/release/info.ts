import type { ReleaseNote } from '../../../shared/api/types.js';
import { parseVersion, versionsEqual } from '../../../shared/version/index.js';
import { GitError, isGitError } from '../git/core.js';
import { commitsBetween, type CommitDetail } from '../git/log.js';
import { isUsableTagName } from '../git/refname.js';
import { resolveCommit } from '../git/rev-parse.js';
import { readBlob, readTag, statFilesAtCommit, type TagInfo } from '../git/show.js';
import { CHANGELOG_FILES, findChangelogSection, type ChangelogSection } from './changelog.js';
import { breakingChangesOfCommit, normalizeText } from './conventional.js';
import { METADATA_FILES, readMetadataFiles } from './metadata.js';
import { invalidMetadata } from './metadata-schema.js';
import { versionText, type BreakingChange, type InvalidMetadata, type ReleaseInput, type ReleaseMetadata } from './types.js';

/** Commits scanned for conventional-commit breaking changes per release; beyond it, a warning. */
const MAX_SCANNED_COMMITS = 2000;
/** Commit subjects listed when notes fall back to the commit log. */
const MAX_LISTED_SUBJECTS = 50;
const MAX_CHANGELOG_BYTES = 2 * 1024 * 1024;

export interface ReleaseInfoInput extends ReleaseInput {
  /**
   * The commit before this release: the previous release's, or what the checkout runs now. Commits in
   * `previousSha..sha` are scanned for breaking changes and listed when nothing better describes the release.
   * Null or absent: no commit range (the whole history would misattribute old breaking changes).
   */
  previousSha?: string | null;
}

export interface ReleaseInfo {
  tag: string;
  sha: string;
  version: string;
  note: ReleaseNote;
  /** Metadata breaking changes and conventional-commit ones in the range, de-duplicated, metadata first. */
  breaking: BreakingChange[];
  contractsVersion: string | null;
  metadata: ReleaseMetadata | null;
  /**
   * Set when the release's metadata file is there but invalid (not JSON, wrong shapes): `metadata` is null, and the
   * release must be blocked with `invalid.reason` rather than read as having no breaking changes.
   */
  invalid?: InvalidMetadata;
  /** Commits in `previousSha..sha` (count exact; `null` without a previous commit). */
  commitCount: number | null;
  warnings: string[];
}

export interface ReleaseInfoOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Everything Upshift says about one release, read from the local repository: metadata, notes, breaking
 * changes, contracts version.
 *
 * Precondition: the release's commit (and, for its message, its tag) is present locally: call `fetchTag` first.
 * A missing commit throws `ref-not-found` saying so; invalid release metadata is `invalid` (for the caller to block
 * on); everything else that is missing or malformed becomes a warning, never a failure.
 */
export async function loadReleaseInfo(cwd: string, input: ReleaseInfoInput, opts: ReleaseInfoOptions = {}): Promise<ReleaseInfo> {
  const version = versionText(input.version);
  const warnings: string[] = [];
  await assertPresent(cwd, input, opts);

  const files = await statFilesAtCommit(cwd, input.sha, [...METADATA_FILES, ...CHANGELOG_FILES], opts);
  const previous = input.previousSha ?? null;
  const [meta, tag, range] = await Promise.all([
    readMetadataFiles(cwd, files, { version, signal: opts.signal }),
    isUsableTagName(input.tag) ? readTag(cwd, input.tag, opts) : Promise.resolve(null),
    previous === null || previous === input.sha ? Promise.resolve(null) : readRange(cwd, previous, input.sha, warnings, opts),
  ]);
  warnings.push(...meta.warnings);
  const metadata = meta.metadata;

  const breaking = mergeBreaking(version, metadata, range?.items ?? []);
  const tagMessage = usableTagMessage(tag, input, warnings);

  let body = '';
  let source: ReleaseNote['source'] = 'none';
  let changelog: ChangelogSection | null = null;
  const fromMetadata = metadata ? metadataMarkdown(metadata) : '';
  if (fromMetadata !== '') {
    body = fromMetadata;
    source = 'metadata';
  } else if (tagMessage !== null) {
    body = tagMessage;
    source = 'tag-message';
  } else {
    changelog = await readChangelog(cwd, files, input, warnings, opts);
    if (changelog) {
      body = changelog.body;
      source = 'changelog';
    } else if (range && range.items.length > 0) {
      body = commitsMarkdown(range.items, range.count);
      source = body === '' ? 'none' : 'commits';
    }
  }

  const note: ReleaseNote = {
    version,
    tag: input.tag,
    body,
    source,
    breaking: breaking.map((b) => b.text),
    date: metadata?.releaseDate ?? changelog?.date ?? (tag && tag.sha === input.sha ? tag.date : null),
  };
  return {
    tag: input.tag,
    sha: input.sha,
    version,
    note,
    breaking,
    contractsVersion: metadata?.contractsVersion ?? null,
    metadata,
    ...(meta.issues.length > 0 ? { invalid: invalidMetadata(meta.issues[0]!.file, meta.issues, input.tag) } : {}),
    commitCount: range?.count ?? null,
    warnings,
  };
}

export interface NotesInput {
  /** The commit before the release (previous release or current checkout); null when unknown. */
  fromSha: string | null;
  release: ReleaseInput;
}

/**
 * The release note for one release. Body, in order of preference: the release metadata; the annotated tag's
 * message; the release's section of CHANGELOG.md at the release commit; the subjects of the commits since
 * `fromSha`. Same precondition as loadReleaseInfo.
 */
export async function releaseNotes(cwd: string, input: NotesInput, opts: ReleaseInfoOptions = {}): Promise<ReleaseNote> {
  return (await loadReleaseInfo(cwd, { ...input.release, previousSha: input.fromSha }, opts)).note;
}

/**
 * Breaking changes a release brings: its metadata's (`breaking` and `breaking_changes`) and every
 * conventional-commit one (`feat!:`, `BREAKING CHANGE:` footers) in `fromSha..release.sha`, each attributed to
 * the release. Same precondition as loadReleaseInfo. To attribute changes to intermediate releases, call once per
 * release with the previous release's commit as `fromSha`.
 */
export async function breakingChanges(cwd: string, input: NotesInput, opts: ReleaseInfoOptions = {}): Promise<BreakingChange[]> {
  return (await loadReleaseInfo(cwd, { ...input.release, previousSha: input.fromSha }, opts)).breaking;
}

async function assertPresent(cwd: string, input: ReleaseInput, opts: ReleaseInfoOptions): Promise<void> {
  if ((await resolveCommit(cwd, input.sha, opts)) !== null) return;
  throw new GitError({
    kind: 'ref-not-found',
    args: ['rev-parse', input.sha],
    exitCode: 1,
    stderr: '',
    cwd,
    message: `The commit of release ${input.tag} (${input.sha.slice(0, 12)}) is not in the local repository; fetch the tag before reading its notes. Nothing was changed.`,
  });
}

async function readRange(cwd: string, from: string, to: string, warnings: string[], opts: ReleaseInfoOptions) {
  try {
    const range = await commitsBetween(cwd, from, to, { max: MAX_SCANNED_COMMITS, signal: opts.signal });
    if (range.truncated) warnings.push(`Only the newest ${range.items.length} of ${range.count} commits were scanned for breaking changes.`);
    return range;
  } catch (e) {
    if (isGitError(e, 'ref-not-found')) {
      warnings.push(`The commits between ${from.slice(0, 12)} and ${to.slice(0, 12)} could not be listed (${e.message}); commit-based notes and breaking changes are missing.`);
      return null;
    }
    throw e;
  }
}

function mergeBreaking(version: string, metadata: ReleaseMetadata | null, commits: readonly CommitDetail[]): BreakingChange[] {
  const seen = new Set<string>();
  const out: BreakingChange[] = [];
  const add = (text: string, id: string | undefined) => {
    const key = normalizeText(text);
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    out.push(id === undefined ? { text, version } : { text, id, version });
  };
  for (const b of metadata?.breaking ?? []) add(b.text, b.id);
  // Oldest first, so the list reads in the order the changes were made.
  for (const c of [...commits].reverse()) for (const b of breakingChangesOfCommit(c)) add(b.text, b.id);
  return out;
}

/** A tag message that is only the tag or version ("v1.2.0", "Release 1.2.0") says nothing: fall through. */
function usableTagMessage(tag: TagInfo | null, release: ReleaseInput, warnings: string[]): string | null {
  if (!tag || !tag.annotated || tag.message === null) return null;
  if (tag.sha !== release.sha) {
    warnings.push(`The local tag ${release.tag} points to ${tag.sha.slice(0, 12)}, not the remote's ${release.sha.slice(0, 12)}; its message was not used.`);
    return null;
  }
  const msg = tag.message.trim();
  if (msg === '') return null;
  if (!msg.includes('\n')) {
    const words = msg.replace(/^(release|version|tag|tagging|tagged|bump(ed)?( to)?)\b:?\s*/i, '').trim();
    const v = parseVersion(words);
    const want = parseVersion(versionText(release.version));
    if (words === release.tag || (v !== null && want !== null && versionsEqual(v, want))) return null;
  }
  return msg;
}

async function readChangelog(
  cwd: string,
  files: ReadonlyMap<string, { oid: string; size: number } | null>,
  release: ReleaseInput,
  warnings: string[],
  opts: ReleaseInfoOptions,
): Promise<ChangelogSection | null> {
  for (const name of CHANGELOG_FILES) {
    const blob = files.get(name);
    if (!blob) continue;
    if (blob.size > MAX_CHANGELOG_BYTES) {
      warnings.push(`${name} is ${blob.size} bytes, over the ${MAX_CHANGELOG_BYTES}-byte limit; it was not read.`);
      continue;
    }
    const text = await readBlob(cwd, blob, MAX_CHANGELOG_BYTES, opts);
    const section = findChangelogSection(text, release.version, release.tag);
    if (section) return section;
  }
  return null;
}

function bullets(title: string, items: readonly string[]): string {
  return items.length === 0 ? '' : `### ${title}\n\n${items.map((i) => `- ${i}`).join('\n')}`;
}

/** Release metadata as Markdown; '' when it has nothing to say. */
export function metadataMarkdown(m: ReleaseMetadata): string {
  const parts = [
    m.summary ?? '',
    bullets('Breaking changes', m.breaking.map((b) => (b.id ? `${b.text} (${b.id})` : b.text))),
    bullets('Features', m.features),
    bullets('Fixes', m.fixes),
    m.migrationGuideUrl ? `Migration guide: ${m.migrationGuideUrl}` : '',
  ];
  return parts.filter((p) => p !== '').join('\n\n');
}

function commitsMarkdown(items: readonly CommitDetail[], count: number): string {
  const listed = items.filter((c) => !c.merge).slice(0, MAX_LISTED_SUBJECTS);
  if (listed.length === 0) return '';
  const lines = listed.map((c) => `- ${c.subject} (${c.sha.slice(0, 7)})`);
  const rest = count - listed.length - items.filter((c) => c.merge).length;
  if (rest > 0) lines.push(`- … and ${rest} more commit${rest === 1 ? '' : 's'}`);
  return lines.join('\n');
}
