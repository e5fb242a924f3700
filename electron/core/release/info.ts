import type { ReleaseNote } from '../../../shared/api/types.js';
import { mergeSecurity, securityFromMetadata, securityFromText, type SecurityFinding } from '../../../shared/policy/security.js';
import { GitError, isGitError } from '../git/core.js';
import { commitsBetween, type CommitDetail, type CommitRange } from '../git/log.js';
import { isUsableTagName } from '../git/refname.js';
import { resolveCommit } from '../git/rev-parse.js';
import type { ObjectReader } from '../git/object-reader.js';
import { listRootBlobs, regularFiles, statRootPaths, type TreeBlob, type TreeEntry } from '../git/ls-tree.js';
import { readBlob, readTag, type TagInfo } from '../git/show.js';
import { findChangelogSection, notesFileRank, notesFormat, NOTES_DIRS, type ChangelogSection } from './changelog.js';
import { breakingChangesOfCommit, normalizeText } from './conventional.js';
import { excerptNotes, moreLinesText } from './excerpt.js';
import { METADATA_FILES, readMetadataFiles } from './metadata.js';
import { invalidMetadata } from './metadata-schema.js';
import { isTrivialTagMessage } from './tag-message.js';
import { versionText, type BreakingChange, type InvalidMetadata, type ReleaseInput, type ReleaseMetadata } from './types.js';

/** Commits scanned for conventional-commit breaking changes per release; beyond it, a warning. */
export const MAX_SCANNED_COMMITS = 2000;
/** Commit subjects listed when notes fall back to the commit log. */
const MAX_LISTED_SUBJECTS = 50;
const MAX_CHANGELOG_BYTES = 2 * 1024 * 1024;
/** A changelog section longer than this is shortened (at a line boundary, saying how many lines were left out). */
const MAX_SECTION_CHARS = 64 * 1024;
const MAX_SECTION_LINES = 1500;

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
  /**
   * A security release (issue 9 §1): from its metadata, its notes, its tag message and the conventional commits in
   * `previousSha..sha`; null when nothing says so. Absent where a reader did not classify.
   */
  security?: SecurityFinding | null;
  warnings: string[];
}

export interface ReleaseInfoOptions {
  signal?: AbortSignal | undefined;
  /** Object reads (tag, tree, blobs) through this long-lived `cat-file` (git/object-reader.ts); default one process each. */
  reader?: ObjectReader | undefined;
  /** The caller just fetched or resolved the release's commit: skip the `rev-parse` that proves it is local. */
  present?: boolean;
  /**
   * Lists `from..to` (at most `max` commits in full, the count exact). A plan passes one that shares the listing
   * with its own commit list, so the range is walked once; default `commitsBetween`.
   */
  listCommits?: (from: string, to: string, max: number) => Promise<CommitRange>;
  /** Lists the blobs in the root and `dirs` at a commit (default `listRootBlobs`); a plan shares the listing. */
  listTree?: (sha: string, dirs: readonly string[]) => Promise<TreeEntry[]>;
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
  if (!opts.present) await assertPresent(cwd, input, opts);

  // One `ls-tree` answers both: the metadata files sit in the root, which the notes listing includes.
  const dirs = NOTES_DIRS.filter((d) => d !== '');
  const entries = opts.listTree ? await opts.listTree(input.sha, dirs) : await listRootBlobs(cwd, input.sha, dirs, opts);
  const files = statRootPaths(entries, METADATA_FILES);
  const tree = regularFiles(entries);
  const previous = input.previousSha ?? null;
  const [meta, tag, range] = await Promise.all([
    readMetadataFiles(cwd, files, { version, signal: opts.signal, reader: opts.reader }),
    isUsableTagName(input.tag) ? readTag(cwd, input.tag, opts) : Promise.resolve(null),
    previous === null || previous === input.sha ? Promise.resolve(null) : readRange(cwd, previous, input.sha, warnings, opts),
  ]);
  warnings.push(...meta.warnings);
  const metadata = meta.metadata;

  const breaking = mergeBreaking(version, metadata, range?.items ?? []);
  const tagMessage = usableTagMessage(tag, input, warnings);
  const trivialTag = tagMessage !== null && isTrivialTagMessage(tagMessage, version, input.tag);

  // Metadata, then a tag message that says something, then the release's changelog section, then the commit
  // subjects; a tag message that only repeats the version ("Release version 8.5.0.") comes last.
  let picked: Pick<ReleaseNote, 'body' | 'source' | 'origin' | 'file' | 'truncated'> = { body: '', source: 'none' };
  let changelog: ChangelogSection | null = null;
  const fromMetadata = metadata ? metadataMarkdown(metadata) : '';
  if (fromMetadata !== '') {
    picked = { body: fromMetadata, source: 'metadata', origin: `release metadata (${metadata!.file})`, file: metadata!.file };
  } else if (tagMessage !== null && !trivialTag) {
    picked = { body: tagMessage, source: 'tag-message', origin: `the message of tag ${input.tag}` };
  } else {
    const found = await readChangelog(cwd, tree, input, warnings, opts);
    const commits = range && range.items.length > 0 ? commitsMarkdown(range.items, range.count) : '';
    if (found) {
      changelog = found.section;
      picked = changelogNote(found.section, found.file);
    } else if (commits !== '') {
      picked = { body: commits, source: 'commits', origin: `the subjects of the commits since ${previous!.slice(0, 12)}` };
    } else if (tagMessage !== null) {
      picked = { body: tagMessage, source: 'tag-message', origin: `the message of tag ${input.tag}` };
    }
  }

  const note: ReleaseNote = {
    version,
    tag: input.tag,
    ...picked,
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
    security: releaseSecurity(metadata, picked.body, tagMessage, range?.items ?? []),
    warnings,
  };
}

/** The security class of a release from everything read about it (see shared/policy/security.ts). */
function releaseSecurity(metadata: ReleaseMetadata | null, notes: string, tagMessage: string | null, commits: readonly CommitDetail[]): SecurityFinding | null {
  const fromMetadata = metadata
    ? securityFromMetadata({ security: metadata.security ?? null, securityCritical: metadata.securityCritical ?? null, ids: metadata.advisories ?? null, file: metadata.file })
    : null;
  // Metadata that says `security: false` outright is the release's own word: its notes do not overrule it.
  if (metadata?.security === false && !metadata.securityCritical) return null;
  return mergeSecurity(
    fromMetadata,
    securityFromText(notes, 'the release notes'),
    tagMessage !== null && tagMessage !== notes ? securityFromText(tagMessage, 'the tag message') : null,
    ...commits.filter((c) => !c.merge).map((c) => securityFromText(`${c.subject}\n\n${c.body}`, `commit ${c.sha.slice(0, 7)}`)),
  );
}

export interface NotesInput {
  /** The commit before the release (previous release or current checkout); null when unknown. */
  fromSha: string | null;
  release: ReleaseInput;
}

/**
 * The release note for one release. Body, in order of preference: the release metadata; the annotated tag's
 * message, unless it only repeats the version; the release's section of the notes file at the release commit
 * (CHANGELOG / CHANGES / HISTORY / NEWS / RELEASE-NOTES / 00-RELEASENOTES, .md, .rst, .txt or none); the subjects of
 * the commits since `fromSha`; a tag message that only repeats the version. `origin` says where the body came from;
 * a section over 64 KiB is shortened and says so (`truncated`). Same precondition as loadReleaseInfo.
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
    const range = opts.listCommits ? await opts.listCommits(from, to, MAX_SCANNED_COMMITS) : await commitsBetween(cwd, from, to, { max: MAX_SCANNED_COMMITS, signal: opts.signal });
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

/** The annotated tag's message when it is the release's own (its tag points to the release commit). */
function usableTagMessage(tag: TagInfo | null, release: ReleaseInput, warnings: string[]): string | null {
  if (!tag || !tag.annotated || tag.message === null) return null;
  if (tag.sha !== release.sha) {
    warnings.push(`The local tag ${release.tag} points to ${tag.sha.slice(0, 12)}, not the remote's ${release.sha.slice(0, 12)}; its message was not used.`);
    return null;
  }
  const msg = tag.message.trim();
  return msg === '' ? null : msg;
}

/** The release's section of the first notes file that has one, in notesFileRank order. */
async function readChangelog(
  cwd: string,
  tree: readonly TreeBlob[],
  release: ReleaseInput,
  warnings: string[],
  opts: ReleaseInfoOptions,
): Promise<{ section: ChangelogSection; file: string } | null> {
  const ranked = tree.flatMap((b) => {
    const rank = notesFileRank(b.path);
    return rank === null ? [] : [{ blob: b, rank }];
  });
  ranked.sort((a, b) => a.rank - b.rank);
  for (const { blob } of ranked) {
    if (blob.size > MAX_CHANGELOG_BYTES) {
      warnings.push(`${blob.path} is ${blob.size} bytes, over the ${MAX_CHANGELOG_BYTES}-byte limit; it was not read.`);
      continue;
    }
    const text = await readBlob(cwd, blob, MAX_CHANGELOG_BYTES, opts);
    const section = findChangelogSection(text, release.version, release.tag, notesFormat(blob.path));
    if (section) return { section, file: blob.path };
  }
  return null;
}

/** A changelog section as the note's body, shortened at a line boundary when it is over the limit, saying so. */
export function changelogNote(section: ChangelogSection, file: string): Pick<ReleaseNote, 'body' | 'source' | 'origin' | 'file' | 'truncated'> {
  const origin = `${file}, section "${section.title}"`;
  const cut = excerptNotes(section.body, { maxChars: MAX_SECTION_CHARS, maxLines: MAX_SECTION_LINES });
  if (cut.omittedLines === 0) return { body: section.body, source: 'changelog', origin, file };
  return {
    body: `${cut.text}\n\n${moreLinesText(cut.omittedLines, file)}`,
    source: 'changelog',
    origin,
    file,
    truncated: { omittedLines: cut.omittedLines, from: file },
  };
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
