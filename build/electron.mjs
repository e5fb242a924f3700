// Bundles the Electron shell with esbuild into dist/electron-main/:
//   main.cjs     the main process (engine, service and shell in one file; Electron 45 runs Node 22)
//   preload.cjs  the preload: CommonJS with everything inlined, because a sandboxed preload can only require
//                'electron' and a handful of built-ins (https://www.electronjs.org/docs/latest/tutorial/sandbox)
// 'electron' is provided by the runtime; better-sqlite3 is a native addon resolved from node_modules (rebuilt for
// Electron's ABI by build/start.mjs, or by electron-builder when packaging). Run: node build/electron.mjs
import { build } from 'esbuild';
import { buildInfoDefine } from './build-info.mjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = `${root}dist/electron-main`;

/** Electron's Node version decides the syntax target; read from the installed package, never by importing it. */
function electronMajor() {
  try {
    return Number(JSON.parse(readFileSync(`${root}node_modules/electron/package.json`, 'utf8')).version.split('.')[0]);
  } catch {
    return 45;
  }
}

/** Builds into `outDir` (default dist/electron-main; tests use a sibling so parallel runs do not share files). */
export async function buildElectron({ quiet = false, outDir = OUT_DIR } = {}) {
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 45 ships Node 22 and Chromium 142.
    target: electronMajor() >= 45 ? 'node22' : 'node20',
    sourcemap: 'linked',
    logLevel: quiet ? 'error' : 'warning',
    legalComments: 'none',
  };
  await build({
    ...common,
    entryPoints: [`${root}electron/main/main.ts`],
    outfile: `${outDir}/main.cjs`,
    // nodemailer and node-notifier are loaded only when a mail or a headless notification is sent (notify/).
    // electron-updater is loaded lazily by the main process (main/self-updater.ts) and shipped in node_modules.
    external: ['electron', 'better-sqlite3', 'nodemailer', 'node-notifier', 'pino', 'prom-client', 'electron-updater'],
    // Version, commit, dirty flag and build time for the About view (build/build-info.mjs).
    define: buildInfoDefine(),
  });
  const preload = await build({
    ...common,
    entryPoints: [`${root}electron/preload/preload.ts`],
    outfile: `${outDir}/preload.cjs`,
    external: ['electron'],
    metafile: true,
  });
  // The preload must stay tiny and self-contained: the contract's types and its zod-free method list only,
  // never zod or engine code.
  const inputs = Object.keys(preload.metafile.inputs);
  const stray = inputs.filter((f) => !/^electron\/preload\//.test(f) && f !== 'shared/api/methods.ts');
  if (stray.length > 0) throw new Error(`the preload bundle pulled in modules it must not: ${stray.join(', ')}`);
  // The app directory's package.json: CommonJS, and better-sqlite3 as its one native dependency (build/start.mjs
  // rebuilds it for Electron's ABI in dist/electron-main/node_modules, where main.cjs finds it first).
  const sqlite = JSON.parse(readFileSync(`${root}node_modules/better-sqlite3/package.json`, 'utf8')).version;
  writeFileSync(`${outDir}/package.json`, `${JSON.stringify({ type: 'commonjs', private: true, dependencies: { 'better-sqlite3': sqlite } }, null, 2)}\n`);
  return { outDir, main: `${outDir}/main.cjs`, preload: `${outDir}/preload.cjs` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const at = process.argv.indexOf('--out');
  const out = await buildElectron(at === -1 ? {} : { outDir: path.resolve(process.argv[at + 1]) });
  console.log(`Electron shell bundled: ${path.relative(root, out.main)}, ${path.relative(root, out.preload)}`);
}
