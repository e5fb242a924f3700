// `npm start`: builds everything, then launches the Electron app — or, where the Electron runtime is not installed
// (machines that cannot download it), says so in one line and starts browser mode (`upshift serve`) instead.
//
// The Electron runtime is looked for the way the `electron` package does it (node_modules/electron/path.txt naming
// a binary under dist/, or ELECTRON_OVERRIDE_DIST_PATH), without importing the package: importing it starts a
// download when the binary is missing.
//
// better-sqlite3 is a native addon built for Node's ABI by `npm ci`; Electron has its own. Rebuilding it in place
// would break the CLI and the tests, so the app gets its own copy: dist/electron-main/node_modules/better-sqlite3,
// which the bundled main process (dist/electron-main/main.cjs) resolves before the project's node_modules. It is
// rebuilt here (with @electron/rebuild when installed, else with prebuild-install's Electron binaries), only when
// Electron or better-sqlite3 changed — never inside `npm ci`, whose machines may have no internet.
//
// Options: --no-build (use the last build), --browser (browser mode even when Electron is installed). Other
// arguments go to `upshift serve` (e.g. --port 8080) or to the app.
// Environment: UPSHIFT_SKIP_NATIVE_REBUILD=1 leaves better-sqlite3 alone (you manage it yourself).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(root, 'dist', 'upshift.mjs');
const MAIN = path.join(root, 'dist', 'electron-main', 'main.cjs');
const APP_DIR = path.join(root, 'dist', 'electron-main');
export const FALLBACK_LINE = 'Electron runtime not installed (its download is unavailable here); starting browser mode instead.';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The installed Electron runtime, or null. Never imports 'electron'. */
export function findElectron(env = process.env) {
  const pkgDir = env.UPSHIFT_ELECTRON_PACKAGE || path.join(root, 'node_modules', 'electron');
  let version;
  try {
    version = readJson(path.join(pkgDir, 'package.json')).version;
  } catch {
    return null;
  }
  const pathTxt = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : null;
  if (!rel && !env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  const binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist'), rel || 'electron');
  if (!existsSync(binary)) return null;
  let abi = null;
  try {
    abi = readFileSync(path.join(pkgDir, 'abi_version'), 'utf8').trim();
  } catch {
    // Older packages have no abi_version: the Electron version alone then decides whether to rebuild.
  }
  return { binary, version, abi };
}

function hasDisplay(env = process.env) {
  if (process.platform !== 'linux' && process.platform !== 'freebsd' && process.platform !== 'openbsd') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

function run(command, args, opts = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32', ...opts });
  return r.status === 0;
}

// ------------------------------------------------------------------------------------------------------------
// better-sqlite3 for Electron's ABI

const NATIVE_PACKAGES = ['better-sqlite3', 'bindings', 'file-uri-to-path'];

/** Makes dist/electron-main/node_modules/better-sqlite3 load in Electron. Returns true when it will. */
export function ensureNativeForElectron(electron, env = process.env) {
  if (env.UPSHIFT_SKIP_NATIVE_REBUILD) return true;
  const nm = path.join(APP_DIR, 'node_modules');
  const marker = path.join(nm, '.upshift-native.json');
  const sqliteVersion = readJson(path.join(root, 'node_modules', 'better-sqlite3', 'package.json')).version;
  const want = { electron: electron.version, abi: electron.abi, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };
  const addon = path.join(nm, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  try {
    if (existsSync(addon) && JSON.stringify(readJson(marker)) === JSON.stringify(want)) return true;
  } catch {
    // No marker yet: build.
  }
  console.log(`Rebuilding better-sqlite3 ${sqliteVersion} for Electron ${electron.version} (into dist/electron-main/node_modules; the CLI keeps its own build)…`);
  rmSync(nm, { recursive: true, force: true });
  mkdirSync(nm, { recursive: true });
  for (const name of NATIVE_PACKAGES) {
    const from = path.join(root, 'node_modules', name);
    if (!existsSync(from)) continue;
    // The Node build stays behind: a left-over addon of the wrong ABI would hide a failed rebuild.
    cpSync(from, path.join(nm, name), { recursive: true, filter: (src) => !src.startsWith(path.join(from, 'build')) });
  }
  writeFileSync(path.join(APP_DIR, 'package.json'), `${JSON.stringify({ type: 'commonjs', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2)}\n`);

  const electronRebuild = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-rebuild.cmd' : 'electron-rebuild');
  const prebuildInstall = path.join(root, 'node_modules', 'prebuild-install', 'bin.js');
  let ok = false;
  if (existsSync(electronRebuild)) {
    ok = run('npx', ['--no-install', 'electron-rebuild', '--version', electron.version, '--module-dir', APP_DIR, '--only', 'better-sqlite3', '--force'], { cwd: root });
  } else if (existsSync(prebuildInstall)) {
    // better-sqlite3 publishes prebuilt binaries for Electron's ABIs; prebuild-install (its own dependency) fetches the right one.
    ok = run(process.execPath, [prebuildInstall, '--runtime', 'electron', '--target', electron.version, '--arch', process.arch, '--platform', process.platform], { cwd: path.join(nm, 'better-sqlite3') });
  }
  if (!ok || !existsSync(addon)) {
    rmSync(nm, { recursive: true, force: true });
    console.log(`better-sqlite3 could not be rebuilt for Electron ${electron.version}: install @electron/rebuild (npm i -D @electron/rebuild) and run npm start again, or run: npx @electron/rebuild --version ${electron.version} --module-dir dist/electron-main --only better-sqlite3`);
    return false;
  }
  writeFileSync(marker, `${JSON.stringify(want)}\n`);
  return true;
}

// ------------------------------------------------------------------------------------------------------------

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

function startBrowserMode(extraArgs, env = process.env) {
  const args = [CLI, 'serve', ...(hasDisplay(env) && !extraArgs.includes('--open') ? ['--open'] : []), ...extraArgs];
  // `serve` prints the dashboard URL (with its access token) on its first line.
  forwardSignals(spawn(process.execPath, args, { stdio: 'inherit', env }));
}

async function main() {
  const argv = process.argv.slice(2);
  const passThrough = argv.filter((a) => a !== '--no-build' && a !== '--browser');
  if (!argv.includes('--no-build')) {
    if (!run('npm', ['run', 'build'], { cwd: root })) {
      console.error('upshift start: the build failed (see above); nothing was started.');
      process.exit(1);
    }
  }
  if (!existsSync(CLI)) {
    console.error(`upshift start: ${path.relative(process.cwd(), CLI)} is missing; run \`npm run build\`.`);
    process.exit(1);
  }
  if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
    console.log('Note: the dashboard is not built (dist/renderer/index.html is missing); the window will say how to build it.');
  }

  const electron = argv.includes('--browser') ? null : findElectron();
  if (!electron) {
    if (!argv.includes('--browser')) console.log(FALLBACK_LINE);
    startBrowserMode(passThrough);
    return;
  }
  if (!hasDisplay()) {
    console.log('No display found (DISPLAY and WAYLAND_DISPLAY are unset); starting browser mode instead.');
    startBrowserMode(passThrough);
    return;
  }
  const { buildElectron } = await import('./electron.mjs');
  await buildElectron({ quiet: true });
  if (!ensureNativeForElectron(electron)) {
    console.log('Starting browser mode instead.');
    startBrowserMode(passThrough);
    return;
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set by some tools (VS Code tasks): Electron would then run main.cjs as plain Node
  console.log(`Starting Upshift (Electron ${electron.version}).`);
  forwardSignals(spawn(electron.binary, [MAIN, ...passThrough], { stdio: 'inherit', env }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`upshift start: ${e.message}`);
    process.exit(1);
  });
}
