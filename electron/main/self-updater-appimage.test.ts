// installAppImage on real files and real processes (the feed test drives it through electron-updater's quit handler).
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeTempDir } from '../../test/helpers/repos.js';
import { AppImageInstallError, installAppImage } from './self-updater-appimage.js';

afterEach(() => cleanupTempDirs());

function setup(newScript: string): { dir: string; current: string; installer: string; sha512: string; old: Buffer } {
  const dir = makeTempDir('upshift-appimage-');
  const current = join(dir, 'Upshift.AppImage');
  const old = Buffer.from('#!/bin/sh\necho old\n');
  writeFileSync(current, old);
  chmodSync(current, 0o755);
  const installer = join(dir, 'cache-Upshift-0.2.0-linux-x86_64.AppImage');
  writeFileSync(installer, newScript);
  return { dir, current, installer, sha512: createHash('sha512').update(newScript).digest('base64'), old };
}

const noSpawn = (): void => {
  throw new Error('not expected to start detached');
};

describe('installAppImage', () => {
  it('refuses an APPIMAGE that is not an absolute path, before touching anything', () => {
    const s = setup('#!/bin/sh\nexit 0\n');
    for (const appImage of [undefined, 'Upshift.AppImage', `${s.current}\0x`]) {
      expect(() => installAppImage({ appImage, installer: s.installer, sha512: s.sha512, runAfter: false, spawnDetached: noSpawn })).toThrow(AppImageInstallError);
    }
    expect(readFileSync(s.current)).toEqual(s.old);
  });

  it('a first run that does not end is stopped: the new AppImage stays installed and the error says so', () => {
    const script = '#!/bin/sh\nexec sleep 20\n';
    const s = setup(script);
    let err: unknown;
    try {
      installAppImage({ appImage: s.current, installer: s.installer, sha512: s.sha512, runAfter: false, spawnDetached: noSpawn, firstRunTimeoutMs: 300 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppImageInstallError);
    expect((err as AppImageInstallError).code).toBe('ERR_UPDATER_FIRST_RUN_FAILED');
    expect((err as Error).message).toBe(`The new AppImage is installed at ${s.current}, but its first run (desktop integration) did not finish within 0.3 s and was stopped; the next start runs the new version.`);
    expect(readFileSync(s.current, 'utf8')).toBe(script);
  });

  it('quitAndInstall (run after): starts the new AppImage detached instead of waiting for it', () => {
    const s = setup('#!/bin/sh\nexit 0\n');
    const started: Array<[string, string | undefined]> = [];
    const at = installAppImage({ appImage: s.current, installer: s.installer, sha512: s.sha512, runAfter: true, spawnDetached: (file, env) => void started.push([file, env.APPIMAGE_SILENT_INSTALL]) });
    expect(at).toBe(s.current);
    expect(started).toEqual([[s.current, 'true']]);
    expect(readFileSync(s.current, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });
});
