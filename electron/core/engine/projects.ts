import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CurrentVersion, ProjectInfo } from '../../../shared/api/types.js';
import { projectCurrent } from './current.js';
import { compileTagPattern, type TagPattern } from '../../../shared/version/index.js';
import type { Requirement } from '../../../shared/compat/requirement.js';
import { didYouMean } from '../../../shared/text/nearest.js';
import { usageError } from '../errors.js';
import { assertRepositoryRoot } from '../git/index.js';
import { loadManifest, SEED_MANIFEST_FILE, UPSHIFT_MANIFEST_FILES, type ProjectManifest } from '../manifest/index.js';
import { projectConfigPath, writeConfigText } from '../manifest/config-file.js';
import type { ManifestMemo } from '../manifest/memo.js';
import { proposeConfig, type ConfigEdits } from './config.js';
import { offlineFromEnv } from './offline.js';
import { detectProjectTagScheme, localTagPatternAdvice, type DetectedTagScheme } from './tag-scheme.js';
import type { ProjectRecord, StateStore } from '../state/index.js';

/** A watched project with its manifest loaded and its tag pattern compiled, for one command's duration. */
export interface ProjectContext {
  record: ProjectRecord;
  manifest: ProjectManifest;
  pattern: TagPattern;
  /** The project this one builds on: `--core` at add time, else the manifest's `core:`. */
  core: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Loads the project's settings as they apply now: the manifest in the checkout, Upshift's own configuration for the
 * project (in `home`) over it. Read fresh every time, so an upshift.yml added or changed since `add` counts.
 */
export function loadContext(record: ProjectRecord, home: string, memo?: ManifestMemo): ProjectContext {
  const opts = { ...(record.core ? { core: record.core } : {}), config: projectConfigPath(home, record.name) };
  // With a memo (a command over every project): the manifest as last loaded when none of its inputs changed.
  const manifest = memo ? memo.load(record.name, record.path, opts, loadManifest) : loadManifest(record.path, opts);
  return { record, manifest, pattern: compileTagPattern(manifest.source.tagPattern), core: record.core ?? manifest.core };
}

/** Every watched project that declares a requirement on `name`, with that requirement. */
export function dependentsOf(name: string, all: readonly ProjectContext[]): Array<{ project: string; requirement: Requirement }> {
  const out: Array<{ project: string; requirement: Requirement }> = [];
  for (const ctx of all) {
    if (ctx.record.name === name) continue;
    const req = ctx.manifest.requires[name];
    if (req) out.push({ project: ctx.record.name, requirement: req });
  }
  return out;
}

/** A checkout that passed every check `add` makes, with what adding it would record. */
export interface InspectedProject {
  name: string;
  path: string;
  core: string | null;
  manifest: ProjectManifest;
  /** Upshift's configuration for the project to write on `add` (from `--install`, `--smoke` …), or null. */
  configText?: string | null;
  /**
   * Without a manifest or --tag-pattern: the tag scheme the repository's tags follow, and whether it was chosen (kept
   * as source.tagPattern in Upshift's configuration for the project) or is the default already.
   */
  tagScheme?: (DetectedTagScheme & { chosen: boolean }) | null;
}

/**
 * Everything `add` validates, without writing anything: the path is a git work tree root, the manifest loads,
 * the name is free and well formed, the path is not watched yet, the core (if named) is watched. Throws the
 * first problem (a ManifestError carries the file, line and field).
 */
export async function inspectProject(store: StateStore, rawPath: string, opts: { name?: string; core?: string; config?: ConfigEdits['set'] }): Promise<InspectedProject> {
  const abs = resolve(rawPath);
  let path: string;
  try {
    path = realpathSync(abs);
    if (!statSync(path).isDirectory()) throw new Error('not a directory');
  } catch {
    throw usageError('PATH_NOT_FOUND', `${abs} is not a directory. Nothing was changed.`);
  }
  let manifest = loadManifest(path, opts.core ? { core: opts.core } : {});
  let configText: string | null = null;
  let tagScheme: InspectedProject['tagScheme'] = null;
  if (manifest.file === null && (manifest.kind ?? 'git') === 'git' && opts.config?.['source.tagPattern'] === undefined) {
    // No manifest names a pattern: take the one the tags follow (jq's jq-1.7.1), and say so.
    const offline = offlineFromEnv() || store.getSetting('offline') === true;
    const found = await detectProjectTagScheme(path, manifest.source.remote, { offline });
    if (found) {
      const chosen = found.pattern !== manifest.source.tagPattern;
      tagScheme = { ...found, chosen };
      if (chosen) opts = { ...opts, config: { ...opts.config, 'source.tagPattern': found.pattern } };
    }
  }
  if (opts.config && Object.keys(opts.config).length > 0) {
    // The settings given with `add` are checked over the manifest in the checkout, as every later command reads them.
    const file = projectConfigPath(store.paths.home, opts.name ?? manifest.name ?? basename(path));
    ({ text: configText, manifest } = proposeConfig(path, opts.core ?? null, file, { set: opts.config }));
  }
  if ((manifest.kind ?? 'git') === 'git') {
    try {
      await assertRepositoryRoot(path);
    } catch (err) {
      // git's refusal already says what happened (and may already say it is not the root): said once, then what to do.
      const said = (err as Error).message.replace(/\s*Nothing was changed\.\s*/g, ' ').trim();
      const what = said.startsWith(`${path} is not the root`) ? said : `${path} is not the root of a git checkout: ${said}`;
      throw usageError('NOT_A_REPOSITORY', `${what} (A directory that is not a checkout needs an upshift.yml with \`kind: artifact\` or \`kind: command\`.) Nothing was changed.`);
    }
  }
  const name = opts.name ?? manifest.name ?? basename(path);
  if (tagScheme === null && (manifest.kind ?? 'git') === 'git' && manifest.source.type === 'git') {
    // A pattern named by the manifest or --tag-pattern that no local tag matches, while they look like versions.
    const advice = await localTagPatternAdvice(path, manifest.source.tagPattern, name);
    if (advice) manifest.warnings.push(advice);
  }
  if (!NAME.test(name)) {
    throw usageError('BAD_NAME', `"${name}" is not a usable project name: use letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit. Pass --name. Nothing was changed.`);
  }
  if (store.getProject(name)) throw usageError('PROJECT_EXISTS', `A project named "${name}" is already watched. Pass --name to choose another. Nothing was changed.`);
  const existing = store.getProjectByPath(path);
  if (existing) throw usageError('PATH_WATCHED', `${path} is already watched as "${existing.name}". Nothing was changed.`);
  const core = opts.core ?? manifest.core;
  if (opts.core !== undefined && !store.getProject(opts.core)) {
    throw usageError('CORE_NOT_FOUND', `--core names "${opts.core}", which is not a watched project. Add it first. Nothing was changed.`);
  }
  return { name, path, core: core ?? null, manifest, configText, tagScheme };
}

/** Registers a checkout once inspectProject found nothing wrong with it. */
export async function addProject(
  store: StateStore,
  rawPath: string,
  opts: { name?: string; core?: string; config?: ConfigEdits['set'] },
): Promise<ProjectInfo & { current: CurrentVersion; warnings: string[]; tagScheme: InspectedProject['tagScheme'] }> {
  const { name, path, core, manifest, configText, tagScheme } = await inspectProject(store, rawPath, opts);
  const record = store.addProject({ name, path, core, manifest: manifest.file ?? 'none', channel: manifest.channel });
  if (configText) {
    try {
      writeConfigText(projectConfigPath(store.paths.home, name), configText);
    } catch (err) {
      store.removeProject(name);
      throw err;
    }
  }
  // Reading the current version now tells the user what Upshift sees, and primes the cache check and plan use.
  let current: CurrentVersion = { version: null, tag: null, sha: null, source: 'unknown' };
  try {
    const { parsed: _parsed, ...read } = await projectCurrent(store, { record, manifest, pattern: compileTagPattern(manifest.source.tagPattern) });
    current = read;
  } catch (err) {
    // Added all the same: the check reports why the current version cannot be read (a failing `current` command).
    manifest.warnings.push(`current version: ${(err as Error).message}`);
  }
  return { ...toInfo(record, store.paths.home), current, warnings: manifest.warnings, tagScheme: tagScheme ?? null };
}

/**
 * The project as `list`, `status` and the API show it. With `home`, the manifest is the one in the checkout now and
 * `config` is Upshift's configuration for it (seen: `list` kept saying `none` after an upshift.yml was added);
 * without, what was recorded at `add`.
 */
export function toInfo(r: ProjectRecord, home?: string): ProjectInfo {
  const manifest = home ? manifestInCheckout(r.path) : r.manifest;
  const config = home ? projectConfigPath(home, r.name) : null;
  return { name: r.name, path: r.path, core: r.core, manifest, ...(config ? { config: exists(config) ? config : null } : {}), channel: r.channel, addedAt: r.addedAt };
}

function exists(p: string): boolean {
  return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

/** Which manifest file the checkout holds now (loadManifest's choice, without reading it). */
export function manifestInCheckout(root: string): ProjectInfo['manifest'] {
  if (UPSHIFT_MANIFEST_FILES.some((f) => exists(join(root, f)))) return 'upshift.yml';
  return exists(join(root, SEED_MANIFEST_FILE)) ? 'vertical_manifest.yaml' : 'none';
}

export function requireProject(store: StateStore, name: string): ProjectRecord {
  const record = store.getProject(name);
  if (!record) {
    const known = store.listProjects().map((p) => p.name);
    throw usageError('PROJECT_NOT_FOUND', `No watched project is named "${name}".${didYouMean(name, known)}${known.length ? ` Watched: ${known.join(', ')}.` : ' Add one with `upshift add <path>`.'}`, { project: name });
  }
  return record;
}

