import { constants } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { compileTagPattern, DEFAULT_TAG_PATTERN, type TagPattern } from '../../../shared/version/index.js';
import { sha256File } from '../archive/index.js';
import { SUMS_FILE } from '../source/folder.js';
import { importError } from './errors.js';
import { releaseFiles, stagePack } from './pack.js';
import { checkBundle, inspectPayloads, readPackMetadata, verifyPackSums, type CheckedBundle, type RefusalContext, type VerifiedFile } from './verify.js';

/** Temporary directories of imports in progress, inside the folder (listings skip names starting with "."). */
export const IMPORT_TEMP_PREFIX = '.upshift-import-';

export interface ImportOptions {
  /**
   * The project's tag pattern: the tag of a release whose metadata gives none is the version spelt with it, and a
   * tag the metadata gives must match it. Without it (`--into`), `v{version}` spells missing tags and a given tag
   * is taken as it is.
   */
  tagPattern?: string | TagPattern | undefined;
  /** The project's repository: an incremental bundle is checked against its history. */
  repo?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface ImportResult {
  /** The normalised version (`1.2.0`). */
  version: string;
  tag: string;
  /** Where the release is now: `<folder>/<version>`. */
  dir: string;
  folder: string;
  /** Every file other than SHA256SUMS, with the SHA-256 it was verified against. */
  files: VerifiedFile[];
  sumsFile: typeof SUMS_FILE;
  /** The release was already in the folder with identical files: nothing was changed. */
  alreadyPresent: boolean;
  /** The folder did not exist and was created for this release. */
  createdFolder: boolean;
  bundle: CheckedBundle | null;
  /** Nested tarballs inspected, with their entry counts. */
  archives: Array<{ name: string; entries: number }>;
  warnings: string[];
}

/** The files of an existing release directory and their sums, or null when it is not a plain release directory. */
async function existingFiles(dir: string): Promise<Map<string, string> | null> {
  try {
    const names = await releaseFiles(dir, dir);
    const out = new Map<string, string>();
    for (const n of names) out.set(n, n === SUMS_FILE ? '' : await sha256File(path.join(dir, n)));
    return out;
  } catch {
    return null;
  }
}

/**
 * How the staged release differs from an existing release directory; [] when both hold the same files with the
 * same SHA-256 (SHA256SUMS itself may differ in order or spelling).
 */
async function differences(existing: string, files: readonly VerifiedFile[]): Promise<string[]> {
  const old = await existingFiles(existing);
  if (old === null) return ['it is not a plain release directory'];
  const diffs: string[] = [];
  const incoming = new Map(files.map((f) => [f.name, f.sha256]));
  for (const [name, sum] of incoming) {
    if (!old.has(name)) diffs.push(`"${name}" is only in the pack`);
    else if (old.get(name) !== sum) diffs.push(`"${name}" differs`);
  }
  for (const name of old.keys()) if (name !== SUMS_FILE && !incoming.has(name)) diffs.push(`"${name}" is only in ${existing}`);
  if (!old.has(SUMS_FILE)) diffs.push(`${existing} has no ${SUMS_FILE}`);
  return diffs;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not every platform can fsync a directory; the rename itself is atomic either way.
  }
}

/**
 * Imports a release pack (a `.tar`/`.tar.gz` or a directory holding release_metadata.json, SHA256SUMS and the
 * payload, at its top or under a single top directory) into the offline release folder `folder`, as
 * `<folder>/<version>/`. Everything is checked before the folder changes (docs/offline.md): the tarball's entries
 * (none may escape), every file against SHA256SUMS and every file listed there, the metadata's version and tag,
 * nested tarballs, the git bundle. The checked copy, staged in a temporary directory inside the folder, is then
 * renamed into place in one step. A release already there with the same files is `alreadyPresent`; one with other
 * files is RELEASE_EXISTS. On any refusal or failure the temporary directory is removed and the folder is as it was
 * (a folder created for this import is removed again).
 */
export async function importRelease(input: string, folder: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const source = path.resolve(input);
  const target = path.resolve(folder);
  const label = input;
  const inputStat = await stat(source).catch(() => null);
  if (!inputStat || !(inputStat.isFile() || inputStat.isDirectory())) {
    throw importError('INPUT_NOT_FOUND', `${label} ${inputStat ? 'is neither a file nor a directory' : 'does not exist'}: give a release pack (.tar, .tar.gz or a directory). Nothing was imported.`, { input: label });
  }
  const pattern = typeof opts.tagPattern === 'string' ? compileTagPattern(opts.tagPattern) : (opts.tagPattern ?? compileTagPattern(DEFAULT_TAG_PATTERN));

  let createdFolder = false;
  const folderStat = await stat(target).catch(() => null);
  if (folderStat && !folderStat.isDirectory()) throw importError('FOLDER_NOT_FOUND', `The release folder ${target} is not a directory. Nothing was imported.`, { folder: target });
  if (!folderStat) {
    try {
      await mkdir(target);
      createdFolder = true;
    } catch (e) {
      throw importError('FOLDER_NOT_FOUND', `The release folder ${target} does not exist and cannot be created (${(e as Error).message}). Create it (or its parent) first. Nothing was imported.`, { folder: target });
    }
  }
  const ctx: RefusalContext = {
    label,
    unchanged: createdFolder ? `Nothing was imported; ${target} was not created.` : `Nothing was imported; ${target} was not changed.`,
    signal: opts.signal,
  };

  let temp: string | null = null;
  let placed = false;
  try {
    temp = await mkdtemp(path.join(target, IMPORT_TEMP_PREFIX));
    const root = await stagePack(source, inputStat.isDirectory() ? 'dir' : 'tar', path.join(temp, 'release'), label, opts.signal);
    const names = await releaseFiles(root, label);
    const files = await verifyPackSums(root, names, ctx);
    const meta = await readPackMetadata(root, ctx, pattern, opts.tagPattern !== undefined);
    const archives = await inspectPayloads(root, names, ctx);
    const warnings = [...meta.warnings];
    const bundle = await checkBundle(root, names, meta.tag, opts.repo, ctx, warnings);

    const version = meta.version.normalized;
    const dir = path.join(target, version);
    const result = (alreadyPresent: boolean): ImportResult => ({
      version,
      tag: meta.tag,
      dir,
      folder: target,
      files,
      sumsFile: SUMS_FILE,
      alreadyPresent,
      createdFolder,
      bundle,
      archives,
      warnings,
    });
    const compare = async (): Promise<ImportResult | null> => {
      for (const name of new Set([version, meta.metadata.version!, meta.tag])) {
        const existing = path.join(target, name);
        if (!(await lstat(existing).catch(() => null))) continue;
        const diffs = await differences(existing, files);
        if (diffs.length === 0) return result(true);
        throw importError(
          'RELEASE_EXISTS',
          `${label} was refused: the release folder already holds ${version} in ${existing}, with other files than ${label} (${diffs.slice(0, 10).join('; ')}). ${ctx.unchanged} ` +
            `Remove ${existing} first if ${label} is meant to replace it.`,
          { existing, input: label, differences: diffs },
        );
      }
      return null;
    };
    const present = await compare();
    if (present) return present;
    try {
      await rename(root, dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another import placed the same version in between: judge against what it placed.
      if (code === 'EEXIST' || code === 'ENOTEMPTY') {
        const now = await compare();
        if (now) return now;
      }
      throw e;
    }
    placed = true;
    await syncDir(target);
    return result(false);
  } finally {
    if (temp !== null) await rm(temp, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    if (createdFolder && !placed) {
      // Only if empty: never remove anything someone else put there meanwhile.
      if ((await readdir(target).catch(() => ['?'])).length === 0) await rmdir(target).catch(() => {});
    }
  }
}
