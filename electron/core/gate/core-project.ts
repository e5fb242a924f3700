/**
 * The core a gate judges releases of: a git checkout given by path (in CI, the workflow's checkout) or a watched
 * project, with its manifest (tag pattern, channel) and the release tags it has locally.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileTagPattern, selectReleases, type Release, type TagPattern } from '../../../shared/version/index.js';
import { usageError } from '../errors.js';
import { isGitError, topLevel } from '../git/index.js';
import { listLocalTags } from '../git/local-tags.js';
import { loadManifest, type ProjectManifest } from '../manifest/index.js';

export interface GateCore {
  /** The name verticals require it by: the watched project's name, else its manifest's `name`, else its folder's. */
  name: string;
  /** The root of its git working tree. */
  path: string;
  manifest: ProjectManifest;
  pattern: TagPattern;
  /** Other names a vertical's `requires:` may use for it (manifest name, folder name). */
  aliases: string[];
}

/**
 * The core checkout at `dir` (any directory inside it). `name` is the watched project's name when the core was
 * named as one; `given` is the value as the user typed it, for messages. The manifest is read from the working tree as it is (its tag pattern and channel apply).
 * @throws usage errors naming the path: it does not exist (GATE_CORE_NOT_FOUND) or is not in a git checkout
 * (GATE_CORE_NOT_A_REPOSITORY); a ManifestError when its manifest is invalid.
 */
export async function coreAt(dir: string, name?: string, given: string = dir): Promise<GateCore> {
  const abs = path.resolve(dir);
  if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError('GATE_CORE_NOT_FOUND', `--core ${JSON.stringify(given)}: ${abs} is not a directory, nor the name of a watched project. Give the core's checkout (or a watched project's name). Nothing was judged.`, {
      flag: '--core',
      path: abs,
    });
  }
  let root: string;
  try {
    root = fs.realpathSync(await topLevel(abs));
  } catch (err) {
    if (!isGitError(err)) throw err;
    throw usageError('GATE_CORE_NOT_A_REPOSITORY', `--core: ${abs} is not inside a git checkout (${err.message}). The gate reads the candidate and its release tags from the core's repository. Nothing was judged.`, {
      flag: '--core',
      path: abs,
    });
  }
  const manifest = loadManifest(root);
  const folder = path.basename(root);
  const coreName = name ?? manifest.name ?? folder;
  const aliases = [...new Set([manifest.name, folder].filter((n): n is string => n !== null && n !== coreName))];
  return { name: coreName, path: root, manifest, pattern: compileTagPattern(manifest.source.tagPattern), aliases };
}

/**
 * The core's releases from its local tags, newest first: tags matching its tag pattern, prereleases included when
 * `prereleases` (a prerelease candidate's previous release may be one) or its channel is `prerelease`.
 */
export async function localReleases(core: GateCore, prereleases = false): Promise<Release[]> {
  const refs = await listLocalTags(core.path);
  return selectReleases(refs, core.pattern, { channel: prereleases || core.manifest.channel === 'prerelease' ? 'prerelease' : 'stable' });
}
