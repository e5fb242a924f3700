// `npm start` (build/start.mjs) without building: the browser-mode fallback where no Electron runtime is installed,
// and the launch of an installed runtime (a stand-in binary that records how it was started).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/cli.js';
import { makeTempDir } from './helpers/repos.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const START = join(root, 'build', 'start.mjs');
const FALLBACK = 'Electron runtime not installed (its download is unavailable here); starting browser mode instead.';

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, UPSHIFT_HOME: makeTempDir('upshift-start-home-'), NO_COLOR: '1' };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return { ...env, ...extra };
}

/** A fake `electron` package; with `binary`, a runtime whose executable records its arguments and environment. */
function fakeElectronPackage(binary: boolean): { dir: string; record: string } {
  const dir = makeTempDir('upshift-fake-electron-');
  const record = join(dir, 'launched.txt');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  writeFileSync(join(dir, 'abi_version'), '140');
  if (binary) {
    writeFileSync(join(dir, 'path.txt'), 'electron');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), `#!/bin/sh\necho "args: $*" > "${record}"\necho "run-as-node: \${ELECTRON_RUN_AS_NODE:-unset}" >> "${record}"\n`);
    chmodSync(join(dir, 'dist', 'electron'), 0o755);
  }
  return { dir, record };
}

describe('npm start', () => {
  it('says in one line that Electron is missing, then serves the dashboard and prints its URL', async () => {
    const electron = fakeElectronPackage(false);
    const child = spawn(process.execPath, [START, '--no-build', '--port', '0'], { cwd: root, env: baseEnv({ UPSHIFT_ELECTRON_PACKAGE: electron.dir }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /Upshift dashboard: http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.test(out), 20_000, 'the dashboard URL');
      const lines = out.split('\n').filter((l) => !l.startsWith('npm warn'));
      expect(lines[0]).toBe(FALLBACK);
      const url = /Upshift dashboard: (\S+)/.exec(out)![1]!;
      const res = await fetch(new URL('/', url));
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 30_000);

  it('launches an installed Electron runtime on the bundled main process', () => {
    const electron = fakeElectronPackage(true);
    const r = spawnSync(process.execPath, [START, '--no-build'], {
      cwd: root,
      env: baseEnv({ UPSHIFT_ELECTRON_PACKAGE: electron.dir, DISPLAY: ':99', UPSHIFT_SKIP_NATIVE_REBUILD: '1', ELECTRON_RUN_AS_NODE: '1' }),
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGTERM',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Starting Upshift (Electron 45.4.1).');
    expect(r.stdout).not.toContain(FALLBACK);
    expect(existsSync(electron.record)).toBe(true);
    const launched = readFileSync(electron.record, 'utf8');
    expect(launched).toContain(`args: ${join(root, 'dist', 'electron-main', 'main.cjs')}`);
    // ELECTRON_RUN_AS_NODE would make Electron run the main process as plain Node.
    expect(launched).toContain('run-as-node: unset');
    expect(existsSync(join(root, 'dist', 'electron-main', 'preload.cjs'))).toBe(true);
  }, 60_000);

  it('falls back to browser mode on Linux without a display, saying why', async () => {
    if (process.platform !== 'linux') return;
    const electron = fakeElectronPackage(true);
    const child = spawn(process.execPath, [START, '--no-build', '--port', '0'], { cwd: root, env: baseEnv({ UPSHIFT_ELECTRON_PACKAGE: electron.dir }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await waitFor(() => out.includes('Upshift dashboard:'), 20_000, 'the dashboard URL');
      expect(out).toContain('No display found');
      expect(existsSync(electron.record)).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
  }, 30_000);
});
