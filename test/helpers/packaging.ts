/**
 * electron-builder's own configuration loader, schema validation and file matcher, loaded from node_modules the way
 * the `electron-builder` command loads them, so the packaging test checks the configuration electron-builder would
 * really use — not a re-implementation of its glob rules.
 */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface BuilderConfig {
  files?: unknown;
  asarUnpack?: unknown;
  [key: string]: unknown;
}
type Filter = (file: string, stat: Stats) => boolean;
interface FileMatcherLike {
  patterns: string[];
  createFilter(): Filter;
}

const configModule = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const matcherModule = require('app-builder-lib/out/fileMatcher.js') as {
  getFileMatchers(
    config: BuilderConfig,
    name: 'files' | 'asarUnpack',
    destination: string,
    options: { macroExpander: (p: string) => string; customBuildOptions: object; globalOutDir: string; defaultSrc: string },
  ): FileMatcherLike[] | null;
};
const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };

/** Loads build/electron-builder.yml as electron-builder does and validates it against its JSON schema (throws if invalid). */
export async function loadBuilderConfig(root: string, file = 'build/electron-builder.yml'): Promise<BuilderConfig> {
  const config = await configModule.getConfig(root, path.join(root, file), null);
  await configModule.validateConfiguration(config, new DebugLogger(false));
  return config;
}

/** Validates a configuration object (for negative tests: a wrong key must be refused). */
export async function validateBuilderConfig(config: BuilderConfig): Promise<void> {
  await configModule.validateConfiguration(structuredClone(config), new DebugLogger(false));
}

interface BuilderFileMatcher extends FileMatcherLike {
  from: string;
}
const matcherCtor = matcherModule as unknown as {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns: string[]) => FileMatcherLike;
  getMainFileMatchers(appDir: string, destination: string, expand: (p: string) => string, custom: object, packager: object, outDir: string, electronCompile: boolean): BuilderFileMatcher[];
};

/**
 * The app's main file matcher exactly as electron-builder's platform packager builds it (getMainFileMatchers adds
 * package.json, excludes the build-resources and output directories and node_modules unless named), from a stand-in
 * packager that carries only what that function reads.
 */
function mainMatcher(root: string, config: BuilderConfig): BuilderFileMatcher {
  const packager = { info: { projectDir: root, buildResourcesDir: (config.directories as { buildResources?: string } | undefined)?.buildResources ?? 'build', config: structuredClone(config), isPrepackedAppAsar: false, debugLogger: { isEnabled: false } } };
  return matcherCtor.getMainFileMatchers(root, '/app', (p) => p, {}, packager, path.join(root, 'release'), false)[0]!;
}

const fileStat = (relative: string): Stats => ({ isDirectory: () => false, isFile: () => true, isSymbolicLink: () => false, moduleFullFilePath: relative }) as unknown as Stats;

/**
 * The files of `root` outside node_modules that electron-builder puts into the app, with their sizes: its main
 * matcher's filter applied while walking the tree, as its copier does.
 */
export function appFiles(root: string, config: BuilderConfig): Map<string, number> {
  const filter = mainMatcher(root, config).createFilter();
  const out = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (name === 'node_modules' || name === '.git') continue; // node_modules: see shipsModuleFile
      const stat = statSync(full);
      if (!filter(full, stat)) continue;
      if (stat.isDirectory()) walk(full);
      else out.set(path.relative(root, full).split(path.sep).join('/'), stat.size);
    }
  };
  walk(root);
  return out;
}

/**
 * Whether electron-builder copies `file` (node_modules/<module>/…) of a production dependency: the module's own
 * matcher, made from the main matcher's patterns as computeNodeModuleFileSets makes it, judges the file by its
 * path inside the app (NodeModuleCopyHelper's moduleFullFilePath).
 */
export function shipsModuleFile(root: string, config: BuilderConfig, file: string): boolean {
  const main = mainMatcher(root, config);
  const moduleDir = file.split('/').slice(0, file.split('/')[1]!.startsWith('@') ? 3 : 2).join('/');
  const filter = new matcherCtor.FileMatcher(path.join(root, moduleDir), `/app/${moduleDir}`, (p) => p, main.patterns).createFilter();
  return filter(path.join(root, file), fileStat(file));
}

/** Whether `file` is unpacked from app.asar by `asarUnpack:` (a native addon must be). */
export function isUnpacked(root: string, config: BuilderConfig, file: string): boolean {
  const matchers = matcherModule.getFileMatchers(config, 'asarUnpack', root, { macroExpander: (p) => p, customBuildOptions: {}, globalOutDir: path.join(root, 'release'), defaultSrc: root });
  if (!matchers) return false;
  return matchers[0]!.createFilter()(path.join(root, file), fileStat(file));
}

/**
 * The production dependency closure of `names` from package-lock.json (hoisted layout, as `npm ci` installs it):
 * every package a runtime module needs, which electron-builder copies into the app unless `files:` excludes it.
 * `notAtRunTime`: dependencies used only by install scripts (better-sqlite3's prebuild-install), left out with theirs.
 */
export function dependencyClosure(root: string, names: readonly string[], notAtRunTime: readonly string[] = []): Set<string> {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }> };
  const seen = new Set<string>();
  const visit = (name: string, from: string): void => {
    // Node's resolution: nested node_modules first, then each parent's, then the top level.
    let key: string | null = null;
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock.packages[candidate]) {
        key = candidate;
        break;
      }
      if (!dir) break;
    }
    if (!key || seen.has(key) || notAtRunTime.includes(name)) return;
    seen.add(key);
    const pkg = lock.packages[key]!;
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, key);
  };
  for (const n of names) visit(n, '');
  return seen;
}
