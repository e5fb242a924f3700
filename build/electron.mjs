// Bundles the Electron shell with esbuild into dist/electron-main/:
//   main.cjs     the main process (engine, service and shell in one file; Electron 45 runs Node 22)
//   preload.cjs  the preload: CommonJS with everything inlined, because a sandboxed preload can only require
//                'electron' and a handful of built-ins (https://www.electronjs.org/docs/latest/tutorial/sandbox)
// 'electron' is provided by the runtime; better-sqlite3 is a native addon resolved from node_modules (rebuilt for
// Electron's ABI by build/start.mjs, or by electron-builder when packaging). Run: node build/electron.mjs
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

export async function buildElectron({ quiet = false } = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
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
    outfile: `${OUT_DIR}/main.cjs`,
    external: ['electron', 'better-sqlite3'],
  });
  const preload = await build({
    ...common,
    entryPoints: [`${root}electron/preload/preload.ts`],
    outfile: `${OUT_DIR}/preload.cjs`,
    external: ['electron'],
    metafile: true,
  });
  // The preload must stay tiny and self-contained: the contract's types only, never zod or engine code.
  const inputs = Object.keys(preload.metafile.inputs);
  const stray = inputs.filter((f) => !/^electron\/preload\//.test(f));
  if (stray.length > 0) throw new Error(`the preload bundle pulled in modules it must not: ${stray.join(', ')}`);
  // A package.json that tells Node these .cjs files are CommonJS even if someone runs them from dist/.
  if (!existsSync(`${OUT_DIR}/package.json`)) writeFileSync(`${OUT_DIR}/package.json`, '{ "type": "commonjs" }\n');
  return { outDir: OUT_DIR, main: `${OUT_DIR}/main.cjs`, preload: `${OUT_DIR}/preload.cjs` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildElectron();
  console.log(`Electron shell bundled: ${out.main.slice(root.length)}, ${out.preload.slice(root.length)}`);
}
