import { parseVersion, versionsEqual } from '../../../shared/version/index.js';
import { isGitError } from '../git/core.js';
import type { ObjectReader } from '../git/object-reader.js';
import { readBlob, statFilesAtCommit, type BlobInfo } from '../git/show.js';
import { fileIssue, ITEM_ID_KEYS, ITEM_TEXT_KEYS, jsonSyntaxIssue, validateEntry, type ReleaseMetadataIssue } from './metadata-schema.js';
import type { ReleaseMetadata } from './types.js';

/** Looked for in this order at the release's commit; the seed reads `releases.json` only as a fallback. */
export const METADATA_FILES = ['release_metadata.json', 'releases.json'] as const;
const MAX_METADATA_BYTES = 1024 * 1024;

export interface MetadataResult {
  metadata: ReleaseMetadata | null;
  /** What was not used and why (ignored keys, another version's entry, no entry for this version). */
  warnings: string[];
  /**
   * Why the metadata cannot be trusted: not JSON, not release metadata, or a key Upshift reads with the wrong shape
   * (a date that is not ISO 8601, `notes` as an object, `breaking_changes: 42`). When there are any, `metadata` is
   * null and the release must not be read as having no breaking changes: callers refuse or block it.
   */
  issues: ReleaseMetadataIssue[];
}

export interface ReadMetadataOptions {
  /** The release's version: picks the entry from a list, and rejects a file that describes another version. */
  version?: string;
  signal?: AbortSignal | undefined;
  /** Read through this long-lived `cat-file` (git/object-reader.ts) instead of a git process per read. */
  reader?: ObjectReader | undefined;
}

/**
 * Reads release metadata from the tree of commit `sha` (which must be present locally: fetch the tag first).
 * `release_metadata.json` wins; `releases.json` is used when the first is absent or has no entry for this
 * version. Never throws for bad content: an invalid file comes back as `issues` (and stops the search: the
 * release's own metadata is broken, another file does not stand in for it).
 */
export async function readReleaseMetadata(cwd: string, sha: string, opts: ReadMetadataOptions = {}): Promise<MetadataResult> {
  return readMetadataFiles(cwd, await statFilesAtCommit(cwd, sha, METADATA_FILES, opts), opts);
}

/** readReleaseMetadata over files already looked up (one `cat-file --batch-check` for everything a loader needs). */
export async function readMetadataFiles(cwd: string, found: ReadonlyMap<string, BlobInfo | null>, opts: ReadMetadataOptions = {}): Promise<MetadataResult> {
  const warnings: string[] = [];
  for (const file of METADATA_FILES) {
    const blob = found.get(file);
    if (!blob) continue;
    let text: string;
    try {
      text = await readBlob(cwd, blob, MAX_METADATA_BYTES, opts);
    } catch (e) {
      if (isGitError(e, 'output-too-large')) {
        return { metadata: null, warnings, issues: [fileIssue(file, `is ${blob.size} bytes, over the ${MAX_METADATA_BYTES}-byte limit for release metadata; it was not read`)] };
      }
      throw e;
    }
    const r = parseReleaseMetadata(text, file, opts.version);
    warnings.push(...r.warnings);
    if (r.issues.length > 0) return { metadata: null, warnings, issues: r.issues };
    if (r.metadata) return { metadata: r.metadata, warnings, issues: [] };
  }
  return { metadata: null, warnings, issues: [] };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and validates the seed's release metadata formats. Pure; exported for tests.
 *
 * Accepted shapes: one release object; an array of them; `{"releases": [...]}` or `{"releases": {...}}`; an
 * object keyed by version (`{"1.3.0": {...}}`). With `version`, the entry for that version is chosen; a single
 * object that names another version is ignored (it is stale, and its breaking changes belong to another
 * release).
 *
 * The chosen entry is validated against {@link releaseEntrySchema}: every key Upshift reads must have its shape
 * (docs/release-metadata.md), or the result has located `issues` and no metadata. Keys it does not read are
 * warnings. Keys: `version`, `tag`, `channel`, `release_date` (or `date`, `releaseDate`), `contracts_version`
 * (`contractsVersion`), `changes` with `breaking` and/or `breaking_changes` (the seed dropped the second: both
 * are read), `features`, `fixes` (also accepted at the top level), `migration_guide_url` (`migrationGuideUrl`),
 * `notes`/`summary`/`description`, `checksum`, `lts`. Items are text or objects with `text`/`description`/`title`
 * and an optional `id`.
 */
export function parseReleaseMetadata(text: string, file: string, version?: string): MetadataResult {
  const warnings: string[] = [];
  const source = text.replace(/^\uFEFF/, '');
  let root: Json;
  try {
    root = JSON.parse(source) as Json;
  } catch (e) {
    return { metadata: null, warnings, issues: [jsonSyntaxIssue(file, source, e as Error)] };
  }
  const picked = pickEntry(root, file, version, warnings);
  if ('issue' in picked) return { metadata: null, warnings, issues: [picked.issue] };
  if (picked.entry === null) return { metadata: null, warnings, issues: [] };
  const { value, keyVersion, path } = picked.entry;
  const issues = validateEntry(file, source, root, path, value);
  if (issues.length > 0) return { metadata: null, warnings, issues };
  return { metadata: readEntry(value, file, keyVersion, warnings), warnings, issues: [] };
}

interface Entry {
  value: JsonObject;
  keyVersion: string | null;
  /** Where the entry is in the file (`[]`, `[2]`, `['releases', 1]`, `['1.3.0']`). */
  path: PropertyKey[];
}

function entryVersion(v: JsonObject, keyVersion: string | null): string | null {
  const own = v.version;
  if (typeof own === 'string') return own;
  return keyVersion;
}

function sameVersion(a: string, b: string): boolean {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa && pb) return versionsEqual(pa, pb);
  return a.replace(/^v/i, '') === b.replace(/^v/i, '');
}

function pickEntry(root: Json, file: string, version: string | undefined, warnings: string[]): { entry: Entry | null } | { issue: ReleaseMetadataIssue } {
  let candidates: Entry[];
  let single = false;
  const wrapped = isObject(root) && (Array.isArray(root.releases) || isObject(root.releases));
  const container = wrapped ? ((root as JsonObject).releases as Json) : root;
  const prefix: PropertyKey[] = wrapped ? ['releases'] : [];

  if (Array.isArray(container)) {
    candidates = container.flatMap((value, i) => (isObject(value) ? [{ value, keyVersion: null, path: [...prefix, i] }] : []));
    const others = container.length - candidates.length;
    if (others > 0) warnings.push(`${file}: ${others} item(s) of the list are not release objects; they were ignored.`);
  } else if (isObject(container) && Object.keys(container).some((k) => KNOWN_TOP.has(k))) {
    candidates = [{ value: container, keyVersion: null, path: prefix }];
    single = true;
  } else if (isObject(container)) {
    candidates = Object.entries(container)
      .filter(([k, v]) => isObject(v) && parseVersion(k) !== null)
      .map(([k, v]) => ({ value: v as JsonObject, keyVersion: k, path: [...prefix, k] }));
  } else {
    const got = root === null ? 'null' : Array.isArray(root) ? 'a list' : typeof root === 'string' ? 'text' : String(root);
    return { issue: fileIssue(file, `expected release metadata (a release object, a list of them, or {"releases": …}), got ${got}`) };
  }

  if (candidates.length === 0) {
    warnings.push(`${file} lists no releases; it was ignored.`);
    return { entry: null };
  }
  if (version === undefined) {
    if (!single && candidates.length > 1) {
      warnings.push(`${file} lists ${candidates.length} releases and the release version is unknown; it was ignored.`);
      return { entry: null };
    }
    return { entry: candidates[0] ?? null };
  }
  const match = candidates.find((c) => {
    const v = entryVersion(c.value, c.keyVersion);
    return v !== null && sameVersion(v, version);
  });
  if (match) return { entry: match };
  const only = candidates[0]!;
  // The file's only release object is read as this release's: checked whole, so a bad `version` is an issue too.
  if (single && (only.value.version === undefined || only.value.version === null || typeof only.value.version !== 'string' || parseVersion(only.value.version) === null)) {
    if (only.value.version === undefined || only.value.version === null) warnings.push(`${file} does not say which version it describes; it was read as ${version}'s.`);
    return { entry: only };
  }
  if (single) {
    warnings.push(`${file} describes version ${String(entryVersion(only.value, null))}, not ${version}; it was ignored (stale file?).`);
  } else {
    warnings.push(`${file} has no entry for version ${version}; it was ignored.`);
  }
  return { entry: null };
}

const KNOWN_TOP = new Set([
  'version',
  'channel',
  'release_date',
  'releaseDate',
  'date',
  'contracts_version',
  'contractsVersion',
  'changes',
  'breaking',
  'breaking_changes',
  'breakingChanges',
  'features',
  'fixes',
  'migration_guide_url',
  'migrationGuideUrl',
  'notes',
  'summary',
  'description',
  'checksum',
  'lts',
  'required_stop',
  'requiredStop',
  'eol_date',
  'eolDate',
  'replacement',
  // Security releases (issue 9 §1): the fast path of the automation policy.
  'security',
  'security_critical',
  'securityCritical',
  'cve',
  'cves',
  'cve_ids',
  'cveIds',
  'advisories',
  // The release's git tag, read by the offline release folder (source/folder.ts) when it is not the pattern's.
  'tag',
]);
const KNOWN_CHANGES = new Set(['breaking', 'breaking_changes', 'breakingChanges', 'features', 'fixes']);

function str(v: Json | undefined): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function firstStr(o: JsonObject, keys: readonly string[]): string | null {
  for (const k of keys) {
    const s = str(o[k]);
    if (s !== null) return s;
  }
  return null;
}

/** A validated list item as text and id. */
function itemText(item: Json): { text: string; id?: string } {
  if (typeof item === 'string') return { text: item.trim() };
  const o = item as JsonObject;
  const text = firstStr(o, ITEM_TEXT_KEYS)!;
  const raw = ITEM_ID_KEYS.map((k) => o[k]).find((v) => v !== undefined && v !== null);
  const id = typeof raw === 'number' ? String(raw) : str(raw);
  return id === null ? { text } : { text, id };
}

/** A validated list (absent, null or a list; `true`/`false` is handled by the caller). */
function readList(value: Json | undefined): Array<{ text: string; id?: string }> {
  return Array.isArray(value) ? value.map(itemText) : [];
}

/** `security`, `security_critical` and the advisory ids of an entry (text or lists of text; anything else ignored). */
function securityOf(e: JsonObject): Pick<ReleaseMetadata, 'security' | 'securityCritical' | 'advisories'> {
  const flag = (k: string[]): boolean | undefined => k.map((x) => e[x]).find((v): v is boolean => typeof v === 'boolean');
  const ids = ['cve', 'cves', 'cve_ids', 'cveIds', 'advisories'].flatMap((k) => {
    const v = e[k];
    if (typeof v === 'string') return [v];
    return Array.isArray(v) ? v.flatMap((x) => (typeof x === 'string' ? [x] : isObject(x) && typeof x.id === 'string' ? [x.id] : [])) : [];
  });
  const security = flag(['security']);
  const securityCritical = flag(['security_critical', 'securityCritical']);
  return { ...(security !== undefined ? { security } : {}), ...(securityCritical !== undefined ? { securityCritical } : {}), ...(ids.length > 0 ? { advisories: ids } : {}) };
}

function readEntry(e: JsonObject, file: string, keyVersion: string | null, warnings: string[]): ReleaseMetadata {
  const ignored: string[] = [];
  for (const k of Object.keys(e)) if (!KNOWN_TOP.has(k)) ignored.push(k);
  const changes = isObject(e.changes) ? e.changes : {};
  for (const k of Object.keys(changes)) if (!KNOWN_CHANGES.has(k)) ignored.push(`changes.${k}`);

  const breaking: Array<{ text: string; id?: string }> = [];
  let flaggedBreaking = false;
  for (const value of [changes.breaking, changes.breaking_changes, changes.breakingChanges, e.breaking, e.breaking_changes, e.breakingChanges]) {
    // Anya-style `breaking_changes: true` flags a release as breaking without saying what breaks.
    if (typeof value === 'boolean') {
      flaggedBreaking ||= value;
      continue;
    }
    for (const b of readList(value)) {
      if (!breaking.some((x) => x.text === b.text && x.id === b.id)) breaking.push(b);
    }
  }
  const version = entryVersion(e, keyVersion);
  if (flaggedBreaking && breaking.length === 0) {
    breaking.push({ text: `${version !== null ? `Release ${version}` : 'This release'} is marked as containing breaking changes (no details given)` });
  }

  const features = [...readList(changes.features), ...readList(e.features)].map((i) => i.text);
  const fixes = [...readList(changes.fixes), ...readList(e.fixes)].map((i) => i.text);

  let checksum: ReleaseMetadata['checksum'] = null;
  if (isObject(e.checksum)) {
    const type = firstStr(e.checksum, ['type', 'algorithm']);
    const value = firstStr(e.checksum, ['value']);
    if (type !== null && value !== null) checksum = { type, value };
  }
  if (ignored.length > 0) warnings.push(`${file}: ignored key(s) Upshift does not use: ${ignored.join(', ')}.`);

  return {
    file,
    version,
    channel: str(e.channel),
    releaseDate: firstStr(e, ['release_date', 'releaseDate', 'date']),
    contractsVersion: firstStr(e, ['contracts_version', 'contractsVersion']),
    breaking,
    features,
    fixes,
    migrationGuideUrl: firstStr(e, ['migration_guide_url', 'migrationGuideUrl']),
    summary: firstStr(e, ['notes', 'summary', 'description']),
    checksum,
    ignoredKeys: ignored,
    ...(typeof e.lts === 'boolean' ? { lts: e.lts } : {}),
    ...(e.required_stop === true || e.requiredStop === true ? { requiredStop: true } : {}),
    ...(firstStr(e, ['eol_date', 'eolDate']) !== null ? { eolDate: firstStr(e, ['eol_date', 'eolDate'])! } : {}),
    ...(firstStr(e, ['replacement']) !== null ? { replacement: firstStr(e, ['replacement'])! } : {}),
    ...securityOf(e),
  };
}
