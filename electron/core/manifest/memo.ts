import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIdentity } from '../util/build-identity.js';
import { MAX_MANIFEST_BYTES, SEED_MANIFEST_FILE, UPSHIFT_MANIFEST_FILES } from './files.js';
import { symlinkEscape } from './snapshot-escape.js';
import type { ProjectManifest } from './types.js';

/** Where remembered manifests are kept (state/manifest-memo.ts in the engine; a Map in tests). */
export interface ManifestMemoBacking {
  all(): Map<string, { inputHash: string; manifest: string }>;
  putAll(rows: ReadonlyMap<string, { inputHash: string; manifest: string }>): void;
}

/** What {@link ManifestMemo.load} needs of loadManifest: the same arguments, the same result or error. */
export type FullManifestLoader = (projectRoot: string, opts: { core?: string; config?: string }) => ProjectManifest;

/**
 * Remembers each project's normalised manifest by a hash of every input of loading it, so that a `check` or `plan`
 * over many projects parses YAML and validates against the schema only for manifests that changed (issue 12: the
 * manifests of 200 projects took ~180 ms of a ~600 ms check, most of it YAML and zod warming up in a fresh process).
 *
 * The hash covers the bytes of the manifest file that would be read (upshift.yml, else upshift.yaml) and of Upshift's
 * configuration for the project, which of the candidate files exist (their presence adds warnings), the project's
 * path, `--core`, the home directory (`verify:` paths under `~`) and this build of Upshift. Snapshot paths are checked
 * for symlinks leading out of the project on every use, as loading does, since that depends on the file system. Only
 * manifests that loaded cleanly are remembered: a broken one is always loaded in full, so its error is exactly the one
 * loading reports. Projects in the seed format (whose loading looks at more files) are always loaded in full.
 */
export class ManifestMemo {
  private rows: Map<string, { inputHash: string; manifest: string }> | null = null;
  private readonly pending = new Map<string, { inputHash: string; manifest: string }>();

  constructor(private readonly backing: ManifestMemoBacking) {}

  /** The project's manifest: the remembered one when its inputs are unchanged, else `full`'s (then remembered). */
  load(project: string, projectRoot: string, opts: { core?: string; config: string }, full: FullManifestLoader): ProjectManifest {
    const root = path.resolve(projectRoot);
    const inputHash = hashInputs(root, opts);
    if (inputHash !== null) {
      const row = (this.rows ??= this.backing.all()).get(project);
      if (row && row.inputHash === inputHash) {
        const manifest = parse(row.manifest);
        if (manifest && manifest.snapshot.paths.every((p) => symlinkEscape(root, p) === null)) return manifest;
      }
    }
    const manifest = full(projectRoot, opts);
    if (inputHash !== null) {
      const row = { inputHash, manifest: JSON.stringify(manifest) };
      this.pending.set(project, row);
      this.rows?.set(project, row);
    }
    return manifest;
  }

  /** Writes the manifests loaded in full since the last flush, in one transaction. */
  flush(): void {
    if (this.pending.size === 0) return;
    this.backing.putAll(this.pending);
    this.pending.clear();
  }
}

function parse(text: string): ProjectManifest | null {
  try {
    return JSON.parse(text) as ProjectManifest;
  } catch {
    return null; // a damaged row: loaded again in full
  }
}

/**
 * The hash of everything loading the manifest reads, or null when it should simply be loaded (the seed format, a
 * file that cannot be read or is over the size cap: loading says what is wrong).
 */
function hashInputs(root: string, opts: { core?: string; config: string }): string | null {
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) return null;
  const present = (file: string): boolean => fs.lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  const candidates = UPSHIFT_MANIFEST_FILES.map((f) => present(path.join(root, f)));
  const seed = present(path.join(root, SEED_MANIFEST_FILE));
  const chosen = UPSHIFT_MANIFEST_FILES.find((_, i) => candidates[i]);
  if (chosen === undefined && seed) return null;
  const hash = createHash('sha256');
  const core = opts.core?.trim() ?? '';
  hash.update(`manifest-memo 1\0${buildIdentity()}\0${os.homedir()}\0${root}\0${core}\0${opts.config}\0${candidates.join(',')},${seed}\0`);
  for (const file of [chosen === undefined ? null : path.join(root, chosen), opts.config]) {
    if (file === null) continue;
    if (file === opts.config && !present(file)) {
      hash.update('no configuration\0');
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      return null;
    }
    if (bytes.length > MAX_MANIFEST_BYTES) return null;
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}
