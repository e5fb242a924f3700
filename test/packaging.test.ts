// build/electron-builder.yml: first read as YAML for what matters — targets, icons that exist, the bundled entry
// point, better-sqlite3 rebuilt and unpacked — then through electron-builder's own loader, schema and file matcher.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appFiles, dependencyClosure, isUnpacked, loadBuilderConfig, shipsModuleFile, validateBuilderConfig } from './helpers/packaging.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = parse(readFileSync(`${root}build/electron-builder.yml`, 'utf8')) as Record<string, unknown> & {
  linux: { target: string[]; category: string; icon: string };
  mac: { target: Array<{ target: string }>; icon: string };
  win: { target: Array<{ target: string }>; icon: string };
  files: string[];
  asarUnpack: string[];
  extraMetadata: { main: string };
};

describe('electron-builder configuration', () => {
  it('names the app and packages Linux (AppImage, deb), macOS (dmg) and Windows (nsis)', () => {
    expect(config.appId).toBe('dev.upshift.app');
    expect(config.productName).toBe('Upshift');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
  });

  it('takes its icons from assets/, at the sizes the converters need', () => {
    expect(existsSync(`${root}${config.mac.icon}`)).toBe(true);
    expect(existsSync(`${root}${config.win.icon}`)).toBe(true);
    for (const n of [16, 32, 48, 64, 128, 256, 512]) expect(existsSync(`${root}${config.linux.icon}/${n}x${n}.png`), `${n}`).toBe(true);
    const png = readFileSync(`${root}${config.mac.icon}`);
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
  });

  it('runs the bundled main process and ships the preload, renderer and tray icons', () => {
    expect(config.extraMetadata.main).toBe('dist/electron-main/main.cjs');
    for (const f of ['dist/electron-main/main.cjs', 'dist/electron-main/preload.cjs', 'dist/renderer/**', 'dist/upshift.mjs', 'dist/cli-chunks/**', 'assets/tray/**', 'assets/icons/**']) expect(config.files).toContain(f);
  });

  it('rebuilds better-sqlite3 for Electron when packaging, and unpacks it from the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(typeof config.buildDependenciesFromSource).toBe('boolean');
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
    // Never excluded by the size trimming.
    expect(config.files.some((f) => f.startsWith('!') && /better-sqlite3\/\*\*|bindings/.test(f))).toBe(false);
  });
});

// The same configuration as electron-builder itself loads, validates and matches it (test/helpers/packaging.ts).
// The file list is resolved against this checkout's `npm run build` output.
describe('electron-builder configuration, through electron-builder', () => {
  const dist = `${root}dist`;

  it('loads and passes electron-builder\'s own schema; a misplaced option is refused', async () => {
    const loaded = await loadBuilderConfig(root);
    expect(loaded.appId).toBe('dev.upshift.app');
    // The validator really runs: the Linux desktop entry written flat (as electron-builder 25 took it) is refused.
    const wrong = { ...loaded, linux: { ...(loaded.linux as object), desktop: { StartupWMClass: 'Upshift' } } };
    await expect(validateBuilderConfig(wrong)).rejects.toThrow(/linux\.desktop/);
  });

  it('publishes to GitHub for the updater, drafts first', async () => {
    const loaded = await loadBuilderConfig(root);
    const publish = loaded.publish as Array<{ provider: string; owner: string; repo: string; releaseType: string }>;
    expect(publish[0]).toMatchObject({ provider: 'github', releaseType: 'draft' });
    expect(publish[0]!.owner).toMatch(/^[\w.-]+$/);
    expect(publish[0]!.repo).toMatch(/^[\w.-]+$/);
  });

  it('`electron-builder --help` runs from node_modules', () => {
    const out = execFileSync(process.execPath, [`${root}node_modules/electron-builder/cli.js`, '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(out).toMatch(/--config/);
    expect(out).toMatch(/--linux/);
  });

  it('puts the built app in, and no sources, tests, benchmarks or source maps', async () => {
    if (!existsSync(`${dist}/electron-main/main.cjs`) || !existsSync(`${dist}/renderer/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');
    const files = appFiles(root, await loadBuilderConfig(root));
    const names = [...files.keys()];
    for (const f of ['package.json', 'dist/electron-main/main.cjs', 'dist/electron-main/preload.cjs', 'dist/renderer/index.html', 'dist/upshift.mjs', 'assets/icon.png', 'assets/icons/512x512.png', 'assets/tray/tray-idle.png', 'assets/tray/tray-updatesTemplate@2x.png']) {
      expect(names, f).toContain(f);
    }
    // Every chunk of the CLI (loaded when a command runs) is in the package too.
    for (const chunk of readdirSync(`${dist}/cli-chunks`).filter((f) => f.endsWith('.mjs'))) expect(names, chunk).toContain(`dist/cli-chunks/${chunk}`);
    // Every script and style the dashboard's index.html loads is in the package.
    const html = readFileSync(`${dist}/renderer/index.html`, 'utf8');
    for (const [, ref] of html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)) expect(names, ref).toContain(`dist/renderer/${ref}`);
    const stray = names.filter((f) => /^(test|bench|e2e|docs|electron|shared|renderer|build|dist\/electron|dist\/shared|dist\/renderer-maps)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    expect(stray).toEqual([]);
    const total = [...files.values()].reduce((a, b) => a + b, 0);
    // Today about 8 MB (main.cjs, the CLI bundle, the renderer, icons); a source map or a stray tree would double it.
    expect(total).toBeLessThan(16 * 1024 * 1024);
  });

  it('ships every module the app loads at run time with its dependencies, and not the ones bundled already', async () => {
    const loaded = await loadBuilderConfig(root);
    // better-sqlite3's lib/ requires only bindings; prebuild-install runs in its install script, never in the app.
    // Kept external by build/electron.mjs and build/postbuild.mjs, plus electron-updater (loaded lazily by the main process).
    const runtime = dependencyClosure(root, ['better-sqlite3', 'electron-updater', 'nodemailer', 'pino', 'prom-client', 'node-notifier'], ['prebuild-install']);
    expect(runtime.has('node_modules/semver')).toBe(true);
    const excluded = [...runtime].filter((m) => !shipsModuleFile(root, loaded, `${m}/package.json`));
    expect(excluded).toEqual([]);
    expect(shipsModuleFile(root, loaded, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(isUnpacked(root, loaded, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    for (const bundled of ['react', 'react-dom', 'zod', 'marked', 'zustand', 'yaml', 'tinyglobby']) {
      expect(shipsModuleFile(root, loaded, `node_modules/${bundled}/package.json`), bundled).toBe(false);
    }
    // better-sqlite3's C sources (the SQLite amalgamation is ~9 MB) and its prebuild downloader are not shipped.
    expect(shipsModuleFile(root, loaded, 'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
    expect(shipsModuleFile(root, loaded, 'node_modules/prebuild-install/package.json')).toBe(false);
  });
});

describe('npm run dist (build/dist.mjs)', () => {
  it('passes its flags to electron-builder, and gives Node its better-sqlite3 back even when packaging failed', async () => {
    const { distSteps, runDist } = (await import(`${root}build/dist.mjs`)) as {
      distSteps: (args: string[]) => Array<{ cmd: string; args: string[]; always: boolean }>;
      runDist: (args: string[], run: (cmd: string, args: string[]) => number) => number;
    };
    expect(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts.dist).toBe('node build/dist.mjs');
    const steps = distSteps(['--linux', 'deb']);
    expect(steps.map((s) => s.args.slice(-4))).toEqual([['run', 'build'], ['--config', 'build/electron-builder.yml', '--linux', 'deb'], ['rebuild', 'better-sqlite3']]);
    const ran: string[] = [];
    const failing = (code: number) => (cmd: string, args: string[]) => (ran.push(args.join(' ')), args.includes('--config') ? code : 0);
    expect(runDist(['--linux'], failing(1))).toBe(1);
    expect(ran.at(-1)).toBe('rebuild better-sqlite3');
    ran.length = 0;
    expect(runDist([], failing(0))).toBe(0);
    expect(ran).toHaveLength(3);
  });
});
