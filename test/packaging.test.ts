// build/electron-builder.yml: electron-builder is not installed here, so the configuration is checked for what
// matters — targets, icons that exist, the bundled entry point, and better-sqlite3 rebuilt and unpacked.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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
    for (const f of ['dist/electron-main/main.cjs', 'dist/electron-main/preload.cjs', 'dist/renderer/**', 'assets/tray/**']) expect(config.files).toContain(f);
  });

  it('rebuilds better-sqlite3 for Electron when packaging, and unpacks it from the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(typeof config.buildDependenciesFromSource).toBe('boolean');
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
    // Never excluded by the size trimming.
    expect(config.files.some((f) => f.startsWith('!') && /better-sqlite3\/\*\*|bindings/.test(f))).toBe(false);
  });
});
