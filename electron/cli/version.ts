import { readFileSync } from 'node:fs';

// Replaced with package.json's version when build/postbuild.mjs bundles the CLI (esbuild `define`).
declare const __UPSHIFT_VERSION__: string | undefined;

/** `upshift --version`: package.json's version, bundled into dist/upshift.mjs; read from package.json when unbundled. */
export function upshiftVersion(): string {
  if (typeof __UPSHIFT_VERSION__ === 'string') return __UPSHIFT_VERSION__;
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
