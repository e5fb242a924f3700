import { parseVersion, versionsEqual } from '../../../shared/version/index.js';
import { isGitError } from '../git/core.js';
import { readBlob, statFilesAtCommit, type BlobInfo } from '../git/show.js';
import type { ReleaseMetadata } from './types.js';

/** Looked for in this order at the release's commit; the seed reads `releases.json` only as a fallback. */
export const METADATA_FILES = ['release_metadata.json', 'releases.json'] as const;
const MAX_METADATA_BYTES = 1024 * 1024;

export interface MetadataResult {
  metadata: ReleaseMetadata | null;
  /** What could not be used and why (bad JSON, wrong types, ignored keys, another version's entry). */
  warnings: string[];
}

export interface ReadMetadataOptions {
  /** The release's version: picks the entry from a list, and rejects a file that describes another version. */
  version?: string;
  signal?: AbortSignal | undefined;
}

/**
 * Reads release metadata from the tree of commit `sha` (which must be present locally: fetch the tag first).
 * `release_metadata.json` wins; `releases.json` is used when the first is absent or has no entry for this
 * version. Never throws for bad content: a malformed file is a warning and the release simply has no metadata.
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
        warnings.push(`${file} is ${blob.size} bytes, over the ${MAX_METADATA_BYTES}-byte limit; it was not read.`);
        continue;
      }
      throw e;
    }
    const r = parseReleaseMetadata(text, file, opts.version);
    warnings.push(...r.warnings);
    if (r.metadata) return { metadata: r.metadata, warnings };
  }
  return { metadata: null, warnings };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses the seed's release metadata formats. Pure; exported for tests.
 *
 * Accepted shapes: one release object; an array of them; `{"releases": [...]}` or `{"releases": {...}}`; an
 * object keyed by version (`{"1.3.0": {...}}`). With `version`, the entry for that version is chosen; a single
 * object that names another version is ignored (it is stale, and its breaking changes belong to another
 * release).
 *
 * Keys: `version`, `channel`, `release_date` (or `date`, `releaseDate`), `contracts_version`
 * (`contractsVersion`), `changes` with `breaking` and/or `breaking_changes` (the seed dropped the second:
 * both are read), `features`, `fixes` (also accepted at the top level), `migration_guide_url`
 * (`migrationGuideUrl`), `notes`/`summary`/`description`, `checksum`. Items are strings or objects with
 * `description`/`text`/`title` and an optional `id`.
 */
export function parseReleaseMetadata(text: string, file: string, version?: string): MetadataResult {
  const warnings: string[] = [];
  let root: Json;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
  } catch (e) {
    return { metadata: null, warnings: [`${file} is not valid JSON (${(e as Error).message}); it was ignored.`] };
  }
  const entry = pickEntry(root, file, version, warnings);
  if (!entry) return { metadata: null, warnings };
  return { metadata: readEntry(entry.value, file, entry.keyVersion, warnings), warnings };
}

function entryVersion(v: JsonObject, keyVersion: string | null): string | null {
  const own = v.version;
  if (typeof own === 'string') return own;
  if (typeof own === 'number') return String(own);
  return keyVersion;
}

function sameVersion(a: string, b: string): boolean {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa && pb) return versionsEqual(pa, pb);
  return a.replace(/^v/i, '') === b.replace(/^v/i, '');
}

function pickEntry(root: Json, file: string, version: string | undefined, warnings: string[]): { value: JsonObject; keyVersion: string | null } | null {
  let candidates: Array<{ value: JsonObject; keyVersion: string | null }>;
  let single = false;
  const container = isObject(root) && (Array.isArray(root.releases) || isObject(root.releases)) ? (root.releases as Json) : root;

  if (Array.isArray(container)) {
    candidates = container.filter(isObject).map((value) => ({ value, keyVersion: null }));
  } else if (isObject(container) && ('version' in container || 'changes' in container)) {
    candidates = [{ value: container, keyVersion: null }];
    single = true;
  } else if (isObject(container)) {
    candidates = Object.entries(container)
      .filter(([k, v]) => isObject(v) && parseVersion(k) !== null)
      .map(([k, v]) => ({ value: v as JsonObject, keyVersion: k }));
  } else {
    warnings.push(`${file} holds ${root === null ? 'null' : typeof root}, not release metadata; it was ignored.`);
    return null;
  }

  if (candidates.length === 0) {
    warnings.push(`${file} lists no releases; it was ignored.`);
    return null;
  }
  if (version === undefined) {
    if (!single && candidates.length > 1) {
      warnings.push(`${file} lists ${candidates.length} releases and the release version is unknown; it was ignored.`);
      return null;
    }
    return candidates[0] ?? null;
  }
  const match = candidates.find((c) => {
    const v = entryVersion(c.value, c.keyVersion);
    return v !== null && sameVersion(v, version);
  });
  if (match) return match;
  const only = candidates[0];
  if (single && only && entryVersion(only.value, null) === null) {
    warnings.push(`${file} does not say which version it describes; it was read as ${version}'s.`);
    return only;
  }
  if (single) {
    warnings.push(`${file} describes version ${String(entryVersion(only!.value, null))}, not ${version}; it was ignored (stale file?).`);
  } else {
    warnings.push(`${file} has no entry for version ${version}; it was ignored.`);
  }
  return null;
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
  // The release's git tag, read by the offline release folder (source/folder.ts) when it is not the pattern's.
  'tag',
]);
const KNOWN_CHANGES = new Set(['breaking', 'breaking_changes', 'breakingChanges', 'features', 'fixes']);

function str(v: Json | undefined): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

function firstStr(o: JsonObject, keys: string[]): string | null {
  for (const k of keys) {
    const s = str(o[k]);
    if (s !== null) return s;
  }
  return null;
}

function itemText(item: Json): { text: string; id?: string } | null {
  if (typeof item === 'string') return item.trim() === '' ? null : { text: item.trim() };
  if (isObject(item)) {
    const text = firstStr(item, ['description', 'text', 'title', 'summary', 'message', 'change']);
    if (text === null) return null;
    const id = firstStr(item, ['id', 'key']);
    return id === null ? { text } : { text, id };
  }
  return null;
}

function readList(value: Json | undefined, where: string, file: string, warnings: string[]): Array<{ text: string; id?: string }> {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [{ text: value.trim() }];
  if (!Array.isArray(value)) {
    warnings.push(`${file}: "${where}" should be a list; it was ignored.`);
    return [];
  }
  const out: Array<{ text: string; id?: string }> = [];
  let skipped = 0;
  for (const item of value) {
    const t = itemText(item);
    if (t) out.push(t);
    else skipped++;
  }
  if (skipped > 0) warnings.push(`${file}: ${skipped} item(s) of "${where}" are neither text nor {description} objects; they were ignored.`);
  return out;
}

function readEntry(e: JsonObject, file: string, keyVersion: string | null, warnings: string[]): ReleaseMetadata {
  const ignored: string[] = [];
  for (const k of Object.keys(e)) if (!KNOWN_TOP.has(k)) ignored.push(k);
  const changes = isObject(e.changes) ? e.changes : {};
  if (e.changes !== undefined && !isObject(e.changes)) warnings.push(`${file}: "changes" should be an object; it was ignored.`);
  for (const k of Object.keys(changes)) if (!KNOWN_CHANGES.has(k)) ignored.push(`changes.${k}`);

  const breaking: Array<{ text: string; id?: string }> = [];
  let flaggedBreaking = false;
  const breakingSources: Array<[Json | undefined, string]> = [
    [changes.breaking, 'changes.breaking'],
    [changes.breaking_changes, 'changes.breaking_changes'],
    [changes.breakingChanges, 'changes.breakingChanges'],
    [e.breaking, 'breaking'],
    [e.breaking_changes, 'breaking_changes'],
    [e.breakingChanges, 'breakingChanges'],
  ];
  for (const [value, where] of breakingSources) {
    // Anya-style `breaking_changes: true` flags a release as breaking without saying what breaks.
    if (typeof value === 'boolean') {
      flaggedBreaking ||= value;
      continue;
    }
    for (const b of readList(value, where, file, warnings)) {
      if (!breaking.some((x) => x.text === b.text && x.id === b.id)) breaking.push(b);
    }
  }
  const version = entryVersion(e, keyVersion);
  if (flaggedBreaking && breaking.length === 0) {
    breaking.push({ text: `${version !== null ? `Release ${version}` : 'This release'} is marked as containing breaking changes (no details given)` });
  }

  const features = [...readList(changes.features, 'changes.features', file, warnings), ...readList(e.features, 'features', file, warnings)].map((i) => i.text);
  const fixes = [...readList(changes.fixes, 'changes.fixes', file, warnings), ...readList(e.fixes, 'fixes', file, warnings)].map((i) => i.text);

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
  };
}
