import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildInfo } from '../../../shared/api/about.js';

// Baked in by build/build-info.mjs through esbuild's `define` (the CLI bundle and the Electron main bundle).
declare const __UPSHIFT_BUILD__: BuildInfo | undefined;

/** package.json's version, when running unbundled (tests, `tsc` output): the nearest upshift package.json above `from`. */
function sourceVersion(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'upshift' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // Not ours or unreadable: keep looking upwards.
      }
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/**
 * This build's origin. Bundled: what build/build-info.mjs recorded. Unbundled (the sources run directly): the
 * version from package.json and no commit or build time — the About view then says "not a build".
 */
export function currentBuild(from: string = process.cwd()): BuildInfo {
  if (typeof __UPSHIFT_BUILD__ !== 'undefined' && __UPSHIFT_BUILD__ !== null) return __UPSHIFT_BUILD__;
  return { version: sourceVersion(from), commit: null, dirty: null, builtAt: null };
}
