// Bundles the CLI into one ES module after tsc has type-checked and emitted the sources. One file loads in
// about half the time of ~100 small modules (zod alone is dozens), and `upshift` is started often, by people
// and by scripts. better-sqlite3 stays external: it is a native addon resolved from node_modules.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/upshift.mjs`;
// `upshift --version` (electron/cli/version.ts): package.json's version, fixed in the bundle.
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
await build({
  entryPoints: [`${root}electron/cli/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'electron'],
  sourcemap: 'linked',
  define: { __UPSHIFT_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
  // CommonJS dependencies (yaml, semver) call require(); give the ES module bundle one.
  banner: { js: "import { createRequire as __upshiftCreateRequire } from 'node:module'; const require = __upshiftCreateRequire(import.meta.url);" },
});
chmodSync(outfile, 0o755);
