/**
 * The verticals a gate judges: found from `--verticals` (directories, manifest files, globs) and loaded with the
 * product's own manifest loaders (electron/core/manifest), so a vertical reads the same here as in `upshift add`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { usageError } from '../errors.js';
import { loadManifest, ManifestError, SEED_MANIFEST_FILE, UPSHIFT_MANIFEST_FILES, type ProjectManifest } from '../manifest/index.js';
import { readAndParse } from '../manifest/load.js';
import { normalizeSeedManifest } from '../manifest/seed.js';
import { normalizeUpshiftManifest } from '../manifest/upshift.js';
import type { VerticalFormat } from './types.js';

/** A vertical's manifest, loaded. */
export interface VerticalManifest {
  /** The manifest's name (`domain_name`, `name`), else the file's prefix (`finance.vertical_manifest.yaml`) or folder. */
  name: string;
  /** The directory the vertical lives in (where its smoke command runs). */
  root: string;
  /** The manifest file read (absolute); a watched project without one: its checkout. */
  manifestPath: string;
  format: VerticalFormat;
  manifest: ProjectManifest;
}

/** Manifest files a directory is a vertical by. */
const ROOT_MANIFESTS = [...UPSHIFT_MANIFEST_FILES, SEED_MANIFEST_FILE];
/** Files inside a directory of verticals that are manifests by their name: `finance.vertical_manifest.yaml`, `billing.upshift.yml`. */
const NAMED_MANIFEST = /(^|[._-])(vertical_manifest\.ya?ml|upshift\.ya?ml)$/;

function isFile(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() === true;
}

function isDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
}

/**
 * The manifest files that `specs` name, in the order given, each once. A spec is:
 * - a manifest file (any name; `*.vertical_manifest.yaml` and `vertical_manifest.yaml` are read as the seed format);
 * - a directory holding `upshift.yml`, `upshift.yaml` or `vertical_manifest.yaml`: that one vertical;
 * - any other directory: each sub-directory holding one, and each `*.vertical_manifest.yaml` / `*.upshift.yml` in it;
 * - a glob (`verticals/*`, `**\/vertical_manifest.yaml`), matched from `cwd`: each match as above.
 *
 * @throws usage errors naming the spec: a path that does not exist (GATE_VERTICALS_NOT_FOUND), a glob that matches
 * nothing (GATE_NO_MATCH), a directory with no manifest in or under it (GATE_NO_VERTICALS).
 */
export function findVerticalManifests(specs: readonly string[], cwd: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const real = fs.realpathSync(file);
    if (seen.has(real)) return;
    seen.add(real);
    found.push(real);
  };
  for (const spec of specs) {
    const abs = path.resolve(cwd, spec);
    if (!fs.existsSync(abs) && isDynamicPattern(spec)) {
      const matches = globSync([spec], { cwd, absolute: true, onlyFiles: false, expandDirectories: false, dot: false }).sort();
      const usable = matches.flatMap((m) => (isFile(m) ? [m] : isDir(m) ? manifestsInDir(m, false) : []));
      if (usable.length === 0) {
        throw usageError(
          'GATE_NO_MATCH',
          `--verticals ${JSON.stringify(spec)} matches ${matches.length === 0 ? 'nothing' : `${matches.length} path(s), none of them a manifest or a directory holding one`} (resolved from ${cwd}). Check the pattern; quote it so the shell does not expand it first. Nothing was judged.`,
          { flag: '--verticals', pattern: spec, cwd, matches: matches.length },
        );
      }
      usable.forEach(add);
      continue;
    }
    if (isFile(abs)) {
      add(abs);
      continue;
    }
    if (!isDir(abs)) {
      throw usageError('GATE_VERTICALS_NOT_FOUND', `--verticals ${JSON.stringify(spec)}: ${abs} does not exist. Nothing was judged.`, { flag: '--verticals', path: abs });
    }
    const files = manifestsInDir(abs, true);
    if (files.length === 0) {
      throw usageError(
        'GATE_NO_VERTICALS',
        `--verticals ${JSON.stringify(spec)}: ${abs} holds no vertical: no ${ROOT_MANIFESTS.join(', ')} in it or in its sub-directories, and no *.vertical_manifest.yaml or *.upshift.yml file. Nothing was judged.`,
        { flag: '--verticals', path: abs },
      );
    }
    files.forEach(add);
  }
  return found;
}

/** The manifest of `dir` itself, else (when `descend`) those of its sub-directories and named manifest files in it. */
function manifestsInDir(dir: string, descend: boolean): string[] {
  const own = ROOT_MANIFESTS.map((f) => path.join(dir, f)).find(isFile);
  if (own) return [own];
  if (!descend) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && isDir(p))) {
      const sub = ROOT_MANIFESTS.map((f) => path.join(p, f)).find(isFile);
      if (sub) out.push(sub);
    } else if (NAMED_MANIFEST.test(entry.name) && isFile(p)) {
      out.push(p);
    }
  }
  return out;
}

/** Whether a manifest file is in the seed format: by its name, else by its keys (`compatibility`, `domain_name`). */
function isSeedFile(file: string, data: Record<string, unknown>): boolean {
  const base = path.basename(file);
  if (/vertical_manifest\.ya?ml$/.test(base)) return true;
  if (/(^|[._-])upshift\.ya?ml$/.test(base)) return false;
  return 'compatibility' in data || 'domain_name' in data;
}

/**
 * Loads one vertical's manifest file with the product's loaders. A seed manifest's `compatibility:` becomes its
 * requirement on `coreName` (the seed does not name its core). A file named `upshift.yml`, `upshift.yaml` or
 * `vertical_manifest.yaml` is read the way `upshift add` reads the directory holding it.
 * @throws ManifestError naming the file, line, column and field of every problem.
 */
export function loadVerticalManifest(file: string, coreName: string): VerticalManifest {
  const root = path.dirname(file);
  const base = path.basename(file);
  let manifest: ProjectManifest;
  let format: VerticalFormat;
  const chosenByLoader = ROOT_MANIFESTS.map((f) => path.join(root, f)).find(isFile);
  if ((ROOT_MANIFESTS as readonly string[]).includes(base) && chosenByLoader === file) {
    // Exactly what `upshift add <dir>` reads (upshift.yml before vertical_manifest.yaml).
    manifest = loadManifest(root, base === SEED_MANIFEST_FILE ? { core: coreName } : {});
    format = manifest.file ?? 'none';
  } else {
    const parsed = readAndParse(file);
    if (isSeedFile(file, parsed.data)) {
      manifest = normalizeSeedManifest(parsed, root, { core: coreName });
      format = 'vertical_manifest.yaml';
    } else {
      manifest = normalizeUpshiftManifest(parsed, root, {});
      format = 'upshift.yml';
    }
  }
  const prefix = base.replace(/[._-]?(vertical_manifest|upshift)\.ya?ml$/, '');
  const name = manifest.name ?? (prefix !== '' && prefix !== base ? prefix : path.basename(root));
  return { name, root, manifestPath: file, format, manifest };
}

/** A manifest that could not be loaded: its file and the loader's error (a ManifestError names line and field). */
export interface VerticalLoadFailure {
  manifestPath: string;
  error: Error;
}

/** Loads every file; failures are collected (each named), not thrown, so one broken manifest does not hide the others. */
export function loadVerticalManifests(files: readonly string[], coreName: string): { verticals: VerticalManifest[]; failures: VerticalLoadFailure[] } {
  const verticals: VerticalManifest[] = [];
  const failures: VerticalLoadFailure[] = [];
  for (const file of files) {
    try {
      verticals.push(loadVerticalManifest(file, coreName));
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      failures.push({ manifestPath: file, error: err });
    }
  }
  return { verticals, failures };
}

/** The usage error for manifests that could not be loaded: every file with its problems (exit 2). */
export function manifestsInvalidError(failures: readonly VerticalLoadFailure[]): Error {
  // Each problem with the manifest's full path: verticals from several directories often share a file name.
  const lines = failures.flatMap((f) =>
    f.error instanceof ManifestError
      ? f.error.issues.map((i) => `${f.manifestPath}:${i.line}:${i.column}: ${i.field ? `${i.field}: ` : ''}${i.problem}`)
      : [`${f.manifestPath}: ${f.error.message}`],
  );
  return usageError(
    'GATE_MANIFEST_INVALID',
    `${failures.length === 1 ? 'A vertical manifest' : `${failures.length} vertical manifests`} could not be read, so the gate cannot judge ${failures.length === 1 ? 'it' : 'them'}:\n${lines.join('\n')}\nFix the file${failures.length === 1 ? '' : 's'} and run the gate again. Nothing was judged as compatible.`,
    {
      manifests: failures.map((f) => ({
        file: f.manifestPath,
        ...(f.error instanceof ManifestError ? { issues: f.error.issues } : { problem: f.error.message }),
      })),
    },
  );
}
