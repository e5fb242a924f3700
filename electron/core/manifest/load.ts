import fs from 'node:fs';
import path from 'node:path';
import { ManifestError } from './errors.js';
import { DEFAULT_GATES } from './schema.js';
import { normalizeSeedManifest, SEED_MANIFEST_FILE } from './seed.js';
import type { ProjectManifest } from './types.js';
import { normalizeUpshiftManifest } from './upshift.js';
import { type ParsedYaml, parseYaml } from './yaml-locate.js';

/** Options for {@link loadManifest}. */
export interface LoadManifestOptions {
  /**
   * The watched project this one builds on (the CLI's `--core`). Needed by the seed format, whose
   * `compatibility:` block does not name its core; overrides a `core:` key in either format (with a warning
   * when they differ).
   */
  core?: string;
}

/** Names of Upshift's own manifest, in order of preference. */
export const UPSHIFT_MANIFEST_FILES = ['upshift.yml', 'upshift.yaml'] as const;

/** Manifests larger than this are refused (1 MiB); real ones are a few kilobytes. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** A manifest with every default and no file: what a project without a manifest gets. */
export function defaultManifest(): ProjectManifest {
  return {
    file: null,
    filePath: null,
    name: null,
    source: { type: 'git', remote: 'origin', tagPattern: 'v{version}' },
    channel: 'stable',
    install: null,
    smoke: null,
    snapshot: { paths: [], mode: 'copy' },
    hooks: { preUpgrade: null, postCheckout: null, postUpgrade: null, onRollback: null },
    requires: {},
    core: null,
    gates: { ...DEFAULT_GATES },
    declaredVersion: null,
    seedFormat: false,
    warnings: [],
  };
}

/**
 * Loads a project's manifest and normalises it. Reads `upshift.yml` (or `upshift.yaml`) at the root; if
 * there is none and `vertical_manifest.yaml` exists, reads that seed format; if neither exists, returns
 * {@link defaultManifest}. Never writes anything.
 *
 * @throws ManifestError when the file cannot be read or is invalid (every problem, each with file, line,
 *   column and field).
 * @throws Error when `projectRoot` is not a directory.
 */
export function loadManifest(projectRoot: string, opts: LoadManifestOptions = {}): ProjectManifest {
  const root = path.resolve(projectRoot);
  const rootStat = fs.statSync(root, { throwIfNoEntry: false });
  if (!rootStat?.isDirectory()) throw new Error(`${root}: the project directory does not exist or is not a directory`);

  const present = (name: string): boolean => fs.lstatSync(path.join(root, name), { throwIfNoEntry: false }) !== undefined;
  const upshiftFiles = UPSHIFT_MANIFEST_FILES.filter(present);
  const hasSeed = present(SEED_MANIFEST_FILE);
  const core = opts.core?.trim() ? opts.core.trim() : undefined;

  const chosen = upshiftFiles[0];
  if (chosen !== undefined) {
    const warnings: string[] = [];
    if (upshiftFiles.length > 1) warnings.push(`upshift.yaml is also present and was ignored; ${chosen} is used (remove one of them)`);
    if (hasSeed) warnings.push(`${SEED_MANIFEST_FILE} is also present and was not read: ${chosen} takes precedence`);
    const parsed = readAndParse(path.join(root, chosen));
    const manifest = normalizeUpshiftManifest(parsed, root, { core });
    manifest.warnings.unshift(...warnings);
    return manifest;
  }
  if (hasSeed) return normalizeSeedManifest(readAndParse(path.join(root, SEED_MANIFEST_FILE)), root, { core });

  const manifest = defaultManifest();
  if (core !== undefined) manifest.core = core;
  return manifest;
}

/** Reads a manifest file (size-capped, UTF-8 checked) and parses it as a YAML mapping. */
export function readAndParse(file: string): ParsedYaml {
  const fail = (problem: string): never => {
    throw new ManifestError([{ file, line: 1, column: 1, field: '', problem }]);
  };
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) fail('is not a regular file');
    if (stat.size > MAX_MANIFEST_BYTES) fail(`is ${stat.size} bytes; a manifest may be at most ${MAX_MANIFEST_BYTES} bytes (1 MiB)`);
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    const err = e as NodeJS.ErrnoException;
    return fail(`could not be read (${err.code ?? 'error'}: ${err.message})`);
  }
  if (bytes.length > MAX_MANIFEST_BYTES) fail(`is larger than ${MAX_MANIFEST_BYTES} bytes (1 MiB)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('is not valid UTF-8 text');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const result = parseYaml(file, text);
  if ('issues' in result) throw new ManifestError(result.issues);
  return result.parsed;
}
