import fs from 'node:fs';
import path from 'node:path';
import { ManifestError } from './errors.js';
import { MAX_MANIFEST_BYTES, UPSHIFT_MANIFEST_FILES } from './files.js';
import { settingOrigins, type SettingLayer } from './origins.js';
import { DEFAULT_GATES, upshiftManifestSchema } from './schema.js';
import { normalizeSeedManifest, SEED_MANIFEST_FILE } from './seed.js';
import type { ProjectManifest } from './types.js';
import { mergeLayerData, normalizeUpshiftLayers } from './upshift.js';
import { type ParsedYaml, parseYaml } from './yaml-locate.js';

/** Options for {@link loadManifest}. */
export interface LoadManifestOptions {
  /**
   * The watched project this one builds on (the CLI's `--core`). Needed by the seed format, whose
   * `compatibility:` block does not name its core; overrides a `core:` key in either format (with a warning
   * when they differ).
   */
  core?: string;
  /**
   * The configuration Upshift keeps for the project outside the checkout (`$UPSHIFT_HOME/projects/<name>/upshift.yml`):
   * its path (read when it exists), or its path and a text to use instead of the file (checking an edit before it is
   * written). Same schema as upshift.yml; its keys override the manifest's (mappings merge key by key, lists and
   * values are replaced). See README "Configuration precedence".
   */
  config?: string | { file: string; text: string } | null;
}

export { UPSHIFT_MANIFEST_FILES, MAX_MANIFEST_BYTES } from './files.js';

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
    snapshot: { paths: [], mode: 'auto' },
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

  const config = readConfigLayer(opts.config);
  const configLayers: SettingLayer[] = config ? [{ source: 'config', file: config.file, data: config.data }] : [];
  const finish = (manifest: ProjectManifest, effective: Record<string, unknown>, layers: SettingLayer[]): ProjectManifest => {
    if (config) manifest.config = config.file;
    manifest.origins = settingOrigins([...layers, ...configLayers], effective);
    return manifest;
  };

  const chosen = upshiftFiles[0];
  if (chosen !== undefined) {
    const warnings: string[] = [];
    if (upshiftFiles.length > 1) warnings.push(`upshift.yaml is also present and was ignored; ${chosen} is used (remove one of them)`);
    if (hasSeed) warnings.push(`${SEED_MANIFEST_FILE} is also present and was not read: ${chosen} takes precedence`);
    const parsed = readAndParse(path.join(root, chosen));
    const { manifest, data } = normalizeUpshiftLayers(config ? [parsed, config] : [parsed], root, { core });
    manifest.warnings.unshift(...warnings);
    return finish(manifest, data, [{ source: 'manifest', file: chosen, data: parsed.data }]);
  }
  if (hasSeed) {
    const seedParsed = readAndParse(path.join(root, SEED_MANIFEST_FILE));
    const seed = normalizeSeedManifest(seedParsed, root, { core });
    const seedData = seedAsUpshiftData(seed);
    const seedLayer: SettingLayer = { source: 'manifest', file: SEED_MANIFEST_FILE, data: seedData };
    if (!config) return finish(seed, mergeLayerData(defaultData(), seedData), [seedLayer]);
    // The seed's settings as upshift.yml data, with the configuration over them; located in the seed file.
    const { manifest, data } = normalizeUpshiftLayers([{ ...seedParsed, data: seedData, warnings: [] }, config], root, { core });
    manifest.file = SEED_MANIFEST_FILE;
    manifest.seedFormat = true;
    if (manifest.smoke && seed.smoke && manifest.smoke.command === seed.smoke.command) manifest.smoke.seedExitCodes = seed.smoke.seedExitCodes;
    manifest.warnings = [...seed.warnings, ...manifest.warnings.filter((w) => !seed.warnings.includes(w))];
    return finish(manifest, data, [seedLayer]);
  }
  if (config) {
    const { manifest, data } = normalizeUpshiftLayers([config], root, { core });
    manifest.file = null;
    manifest.filePath = null;
    return finish(manifest, data, []);
  }

  const manifest = defaultManifest();
  if (core !== undefined) manifest.core = core;
  return finish(manifest, defaultData(), []);
}

/** upshift.yml's defaults as data (what an empty file reads as). */
function defaultData(): Record<string, unknown> {
  return upshiftManifestSchema.parse({}) as unknown as Record<string, unknown>;
}

/** The settings a seed manifest gives, written as upshift.yml keys (so a configuration layer can apply over them). */
function seedAsUpshiftData(m: ProjectManifest): Record<string, unknown> {
  const requires: Record<string, unknown> = {};
  for (const [project, r] of Object.entries(m.requires)) requires[project] = { ...r, ...(r.allowBreaking ? { allowBreaking: [...r.allowBreaking] } : {}) };
  return {
    ...(m.name !== null ? { name: m.name } : {}),
    ...(m.declaredVersion !== null ? { version: m.declaredVersion } : {}),
    ...(m.channel !== 'stable' ? { channel: m.channel } : {}),
    ...(m.smoke ? { smoke: { command: m.smoke.command, timeoutSeconds: m.smoke.timeoutSeconds } } : {}),
    ...(Object.keys(requires).length > 0 ? { requires } : {}),
    ...(m.core !== null ? { core: m.core } : {}),
  };
}

/** The external configuration as a parsed layer, or null when there is none (no path given, or no file there). */
function readConfigLayer(config: LoadManifestOptions['config']): ParsedYaml | null {
  if (!config) return null;
  if (typeof config !== 'string') {
    const result = parseYaml(config.file, config.text);
    if ('issues' in result) throw new ManifestError(result.issues);
    return result.parsed;
  }
  if (fs.lstatSync(config, { throwIfNoEntry: false }) === undefined) return null;
  return readAndParse(config);
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
