import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Baked in by build/build-info.mjs (esbuild `define`) into the CLI and the Electron main bundles; absent unbundled.
declare const __UPSHIFT_BUILD__: { version: string; commit: string | null; dirty: boolean | null; builtAt: string | null } | undefined;

let identity: string | null = null;

/**
 * This build of the engine: a new Upshift may judge the same inputs differently, so what is remembered from one build
 * (engine/check-memo.ts, manifest/memo.ts) is keyed by it. Bundled, the build's recorded origin (version, commit, build
 * time), with this file's size and modification time where it has a file (the Electron main bundle is CommonJS, where
 * `import.meta.url` is empty, so it has the recorded origin alone; unbundled, tests and tsc output, the file alone).
 */
export function buildIdentity(): string {
  if (identity !== null) return identity;
  let file = 'no file';
  try {
    const s = statSync(fileURLToPath(import.meta.url));
    file = `${s.size}:${s.mtimeMs}`;
  } catch {
    // The CommonJS bundle: the recorded origin alone.
  }
  const build = typeof __UPSHIFT_BUILD__ !== 'undefined' && __UPSHIFT_BUILD__ !== null ? JSON.stringify(__UPSHIFT_BUILD__) : 'unbundled';
  return (identity = `${build} ${file}`);
}
