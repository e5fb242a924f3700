// Bundles the CLI after tsc has type-checked and emitted the sources: dist/upshift.mjs and its chunks in
// dist/cli-chunks/. A few bundled files load in about half the time of ~100 small modules (zod alone is dozens), and
// `upshift` is started often, by people and by scripts; splitting keeps what a command does not use out of its
// start-up. better-sqlite3 stays external: it is a native addon resolved from node_modules.
import { build } from 'esbuild';
import { buildInfoDefine } from './build-info.mjs';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/upshift.mjs`;
// `upshift --version` (electron/cli/version.ts): package.json's version, fixed in the bundle.
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
// Code splitting (issue 12 §2): what one command does not use — the engine for `--help`, the dashboard host for
// `check`, the gate runners, the archive reader — sits in chunks under dist/cli-chunks/ that main.ts imports when
// its command runs, so start-up parses only the entry and the chunks the command needs.
rmSync(`${root}dist/cli-chunks`, { recursive: true, force: true });
await build({
  entryPoints: { upshift: `${root}electron/cli/main.ts` },
  outdir: `${root}dist`,
  splitting: true,
  chunkNames: 'cli-chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // nodemailer and node-notifier stay external too: loaded only when a mail or a desktop notification is sent, so
  // they cost other commands nothing (node-notifier also finds its vendor binaries beside its own files). pino loads
  // on the first log line written, prom-client on serve's first /metrics scrape (electron/core/telemetry).
  external: ['better-sqlite3', 'electron', 'nodemailer', 'node-notifier', 'pino', 'prom-client'],
  sourcemap: 'linked',
  // Version, commit, dirty flag and build time for `upshift --version` and the About view (build/build-info.mjs).
  define: { __UPSHIFT_VERSION__: JSON.stringify(version), ...buildInfoDefine() },
  logLevel: 'warning',
  // CommonJS dependencies (yaml, semver) call require(); give the ES module bundle one.
  banner: { js: "import { createRequire as __upshiftCreateRequire } from 'node:module'; const require = __upshiftCreateRequire(import.meta.url);" },
});
chmodSync(outfile, 0o755);
