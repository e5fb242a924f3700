import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseVersion, versionsEqual, type TagPattern, type Version } from '../../../shared/version/index.js';
import { ArchiveError, inspectTar, isArchiveError, parseSha256Sums, sha256File } from '../archive/index.js';
import { UpshiftError } from '../errors.js';
import { isMissingPrerequisites, listBundleHeads, peelBundle } from '../git/bundle.js';
import { isGitError } from '../git/core.js';
import { displayName, isUsableTagName } from '../git/refname.js';
import { parseReleaseMetadata } from '../release/metadata.js';
import { formatMetadataIssues } from '../release/metadata-schema.js';
import type { ReleaseMetadata } from '../release/types.js';
import { BUNDLE_SUFFIX, isObjectWithout, MAX_METADATA_BYTES, MAX_SUMS_BYTES, rawTag, readSmallFile, RELEASE_METADATA_FILE, SUMS_FILE, tagForVersion } from '../source/folder.js';
import { asImportError, importError } from './errors.js';

/** A file of the release and its verified SHA-256. */
export interface VerifiedFile {
  name: string;
  sha256: string;
  size: number;
}

/** What every refusal ends with: the user must know nothing changed, and what to do. */
export interface RefusalContext {
  /** The pack as the user named it. */
  label: string;
  /** "Nothing was imported; /srv/releases was not changed." */
  unchanged: string;
  signal?: AbortSignal | undefined;
}

const LISTED = 20;

function list(lines: string[]): string {
  const shown = lines.slice(0, LISTED).map((l) => `\n  - ${l}`).join('');
  return lines.length > LISTED ? `${shown}\n  … and ${lines.length - LISTED} more` : shown;
}

/**
 * Every file listed in SHA256SUMS must be in the pack and match; every file of the pack other than SHA256SUMS must
 * be listed ("missing entry"). All problems are collected and reported together; the error's code is the gravest
 * kind found: CHECKSUM_MISMATCH, then CHECKSUM_MISSING (a file without an entry), then PACK_FILE_MISSING.
 */
export async function verifyPackSums(root: string, names: readonly string[], ctx: RefusalContext): Promise<VerifiedFile[]> {
  if (!names.includes(SUMS_FILE)) {
    throw new ArchiveError('CHECKSUM_MISSING', `${ctx.label} was refused: it has no ${SUMS_FILE}, so none of its files can be verified. ${ctx.unchanged} Add one with \`sha256sum * > ${SUMS_FILE}\` (docs/offline.md).`, {
      file: ctx.label,
      category: 'blocked',
    });
  }
  const read = await readSmallFile(path.join(root, SUMS_FILE), MAX_SUMS_BYTES);
  if ('problem' in read) throw importError('PACK_LAYOUT', `${ctx.label} was refused: its ${SUMS_FILE} ${read.problem}. ${ctx.unchanged}`);
  let sums: Map<string, string>;
  try {
    sums = parseSha256Sums(read.text, `${SUMS_FILE} (in ${ctx.label})`);
  } catch (e) {
    throw asImportError(e, isArchiveError(e) ? `${e.message.replace(/\nNo file was checked.*$/s, '')}\n${ctx.unchanged}` : undefined);
  }
  const present = new Set(names);
  const mismatched: Array<{ name: string; expected: string; actual: string }> = [];
  const missingFile: string[] = [];
  const verified: VerifiedFile[] = [];
  for (const [name, expected] of [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!present.has(name) || name === SUMS_FILE) {
      missingFile.push(name);
      continue;
    }
    const file = path.join(root, name);
    const actual = await sha256File(file, ctx.signal);
    if (actual !== expected) mismatched.push({ name, expected, actual });
    else verified.push({ name, sha256: actual, size: (await stat(file)).size });
  }
  const missingEntry = names.filter((n) => n !== SUMS_FILE && !sums.has(n));
  if (mismatched.length + missingEntry.length + missingFile.length === 0) return verified;

  const problems = [
    ...mismatched.map((m) => `"${displayName(m.name)}": sha256 ${m.actual}, but ${SUMS_FILE} says ${m.expected} (corrupt or tampered with)`),
    ...missingEntry.map((n) => `"${displayName(n)}": missing entry (the file is not listed in ${SUMS_FILE})`),
    ...missingFile.map((n) => `"${displayName(n)}": listed in ${SUMS_FILE} but not in the pack`),
  ];
  const message = `${ctx.label} was refused: its files do not match ${SUMS_FILE}:${list(problems)}\n${ctx.unchanged} Make the pack again (docs/offline.md), or copy it again if it was damaged on the way.`;
  const details = { mismatched, missingEntry, missingFile };
  if (mismatched.length > 0) throw new ArchiveError('CHECKSUM_MISMATCH', message, { file: ctx.label, category: 'blocked', details });
  if (missingEntry.length > 0) throw new ArchiveError('CHECKSUM_MISSING', message, { file: ctx.label, category: 'blocked', details });
  throw importError('PACK_FILE_MISSING', message, details);
}

export interface PackMetadata {
  metadata: ReleaseMetadata;
  version: Version;
  tag: string;
  warnings: string[];
}

/**
 * release_metadata.json must be valid (docs/release-metadata.md; every problem is named with its line, column and
 * field) and give a version; the tag is its `tag` or the version spelt with the tag
 * pattern. With `pattern` (a project's), the tag must match it and name the same version.
 */
export async function readPackMetadata(root: string, ctx: RefusalContext, pattern: TagPattern, enforcePattern: boolean): Promise<PackMetadata> {
  const bad = (why: string) => importError('BAD_METADATA', `${ctx.label} was refused: its ${RELEASE_METADATA_FILE} ${why}. ${ctx.unchanged}`, { input: ctx.label });
  const read = await readSmallFile(path.join(root, RELEASE_METADATA_FILE), MAX_METADATA_BYTES);
  if ('problem' in read) throw bad(read.problem);
  const parsed = parseReleaseMetadata(read.text, RELEASE_METADATA_FILE);
  if (parsed.issues.length > 0) {
    const n = parsed.issues.length;
    throw importError('BAD_METADATA', `${ctx.label} was refused: its ${RELEASE_METADATA_FILE} is invalid (${n} problem${n === 1 ? '' : 's'}: ${formatMetadataIssues(parsed.issues)}). Fix the pack and import it again. ${ctx.unchanged}`, {
      input: ctx.label,
      file: RELEASE_METADATA_FILE,
      issues: parsed.issues,
    });
  }
  if (!parsed.metadata) {
    if (isObjectWithout(read.text, 'version')) throw bad('has no "version" (it is required)');
    throw bad(`cannot be used (${parsed.warnings.map((w) => w.replace(/[;,]? it was ignored\.?$/, '')).join('; ')})`);
  }
  const text = parsed.metadata.version;
  if (text === null) throw bad('has no "version" (it is required)');
  const version = parseVersion(text);
  if (!version || !/^[A-Za-z0-9._+-]+$/.test(text)) throw bad(`gives the version "${displayName(text)}", which is not a version such as "1.4.2"`);
  const explicit = rawTag(read.text);
  const tag = explicit ?? tagForVersion(pattern, text);
  if (!isUsableTagName(tag)) throw bad(`gives the tag "${displayName(tag)}", which is not a safe git tag name`);
  if (enforcePattern || explicit === null) {
    const tv = pattern.match(tag);
    if (!tv) throw bad(`gives the tag "${displayName(tag)}", which does not match the project's tag pattern "${pattern.pattern}"`);
    if (!versionsEqual(tv, version)) throw bad(`gives the tag "${displayName(tag)}" for version ${version.normalized}, but that tag names ${tv.normalized}`);
  }
  return { metadata: parsed.metadata, version, tag, warnings: parsed.warnings };
}

const TARBALL = /\.(tar|tar\.gz|tgz)$/i;

/**
 * Every payload the engine would unpack (`.tar`, `.tar.gz`, `.tgz`) is inspected now, so a release whose tarball
 * would write outside its directory never enters the folder. Returns the entry count per tarball.
 */
export async function inspectPayloads(root: string, names: readonly string[], ctx: RefusalContext): Promise<Array<{ name: string; entries: number }>> {
  const out: Array<{ name: string; entries: number }> = [];
  for (const name of names.filter((n) => TARBALL.test(n))) {
    try {
      out.push({ name, entries: (await inspectTar(path.join(root, name), ctx.signal ? { signal: ctx.signal } : {})).length });
    } catch (e) {
      if (!isArchiveError(e)) throw e;
      if (e.code === 'UNSAFE_ARCHIVE') {
        const lines = e.problems.map((p) => `"${displayName(p.entry, 200)}" ${p.reason}`);
        throw asImportError(
          e,
          `${ctx.label} was refused: its payload "${displayName(name)}" is a tarball with ${e.problems.length === 1 ? 'an entry' : `${e.problems.length} entries`} that would write outside its directory or are not plain files, directories or links:${list(lines)}\n${ctx.unchanged}`,
        );
      }
      throw asImportError(e, `${ctx.label} was refused: its payload "${displayName(name)}" cannot be read as a tarball (${e.message.replace(/\s*Nothing was[^.]*\.\s*$/s, '')}). ${ctx.unchanged}`);
    }
  }
  return out;
}

export interface CheckedBundle {
  name: string;
  ref: string;
  /** The commit the tag points at; null when an incremental bundle could not be read without the project's history. */
  commit: string | null;
}

/**
 * At most one `.bundle`; it must be a git bundle (`git bundle list-heads`) holding `refs/tags/<tag>`, and its
 * objects must read (`git bundle unbundle` into a throwaway repository, with `repo` as an alternate for an
 * incremental bundle's prerequisites) with the tag leading to a commit.
 */
export async function checkBundle(root: string, names: readonly string[], tag: string, repo: string | undefined, ctx: RefusalContext, warnings: string[]): Promise<CheckedBundle | null> {
  const bundles = names.filter((n) => n.endsWith(BUNDLE_SUFFIX));
  if (bundles.length === 0) return null;
  if (bundles.length > 1) {
    throw importError('BUNDLE_AMBIGUOUS', `${ctx.label} was refused: it holds ${bundles.length} git bundles (${bundles.join(', ')}); a release has at most one. ${ctx.unchanged}`, { bundles });
  }
  const name = bundles[0]!;
  const file = path.join(root, name);
  const ref = `refs/tags/${tag}`;
  const bad = (why: string, cause?: unknown) =>
    new UpshiftError('BAD_BUNDLE', `${ctx.label} was refused: its bundle "${displayName(name)}" ${why}. ${ctx.unchanged}`, { category: 'blocked', details: { bundle: name, ref }, cause });
  const passOn = (e: unknown) => isGitError(e) && ['aborted', 'timeout', 'git-not-found'].includes(e.kind);
  let heads;
  try {
    heads = await listBundleHeads(file, { signal: ctx.signal });
  } catch (e) {
    if (passOn(e)) throw e;
    throw bad(`is not a git bundle that \`git bundle list-heads\` can read (${firstLine(e)})`, e);
  }
  if (!heads.some((h) => h.ref === ref)) {
    throw bad(`does not hold ${ref} (it holds ${heads.map((h) => h.ref).join(', ') || 'no refs'}); make it with \`git bundle create ${name} ${ref}\``);
  }
  try {
    const peeled = await peelBundle(file, { repo, verifyPack: true, signal: ctx.signal });
    const commit = peeled.commits.get(ref) ?? null;
    if (commit === null) throw bad(`holds ${ref}, but it does not point to a commit`);
    return { name, ref, commit };
  } catch (e) {
    if (e instanceof UpshiftError && e.code === 'BAD_BUNDLE') throw e;
    if (passOn(e)) throw e;
    if (isMissingPrerequisites(e) && repo === undefined) {
      warnings.push(`The bundle "${name}" is incremental: it builds on commits of the project's history, which were not at hand to check it against (import with --project to check them). Its objects are checked when the project fetches from it.`);
      return { name, ref, commit: null };
    }
    throw bad(isMissingPrerequisites(e) ? `builds on commits that ${repo} does not have (${firstLine(e)})` : `cannot be read (${firstLine(e)})`, e);
  }
}

function firstLine(e: unknown): string {
  return ((e as Error).message ?? String(e)).split('\n')[0]!.replace(/\.$/, '');
}
