import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureHome, operationLogDir, operationSnapshotDir, resolveHome, safeSegment, statePaths, stepLogPath } from './paths.js';

describe('resolveHome', () => {
  it('uses an absolute UPSHIFT_HOME as is (normalized)', () => {
    expect(resolveHome({ UPSHIFT_HOME: '/srv/upshift/', HOME: '/home/u' }, 'linux')).toBe('/srv/upshift/');
    expect(resolveHome({ UPSHIFT_HOME: '/srv//x/../upshift', HOME: '/home/u' }, 'linux')).toBe('/srv/upshift');
    expect(resolveHome({ UPSHIFT_HOME: 'C:\\data\\up', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toBe('C:\\data\\up');
  });

  it('refuses a relative UPSHIFT_HOME with a clear error', () => {
    expect(() => resolveHome({ UPSHIFT_HOME: 'rel/dir', HOME: '/home/u' }, 'linux')).toThrow(/UPSHIFT_HOME must be an absolute path; got "rel\/dir"/);
    try {
      resolveHome({ UPSHIFT_HOME: './x' }, 'linux');
    } catch (err) {
      expect((err as { code: string }).code).toBe('BAD_UPSHIFT_HOME');
    }
  });

  it('ignores an empty UPSHIFT_HOME', () => {
    expect(resolveHome({ UPSHIFT_HOME: '', HOME: '/home/u' }, 'linux')).toBe('/home/u/.local/share/upshift');
  });

  it('Linux: XDG_DATA_HOME when absolute, else ~/.local/share', () => {
    expect(resolveHome({ HOME: '/home/u', XDG_DATA_HOME: '/data/xdg' }, 'linux')).toBe('/data/xdg/upshift');
    expect(resolveHome({ HOME: '/home/u', XDG_DATA_HOME: 'relative' }, 'linux')).toBe('/home/u/.local/share/upshift');
    expect(resolveHome({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.local/share/upshift');
  });

  it('macOS and Windows locations', () => {
    expect(resolveHome({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Application Support/Upshift');
    expect(resolveHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming', USERPROFILE: 'C:\\Users\\u' }, 'win32')).toBe('C:\\Users\\u\\AppData\\Roaming\\Upshift');
    expect(resolveHome({ USERPROFILE: 'C:\\Users\\u' }, 'win32')).toBe('C:\\Users\\u\\AppData\\Roaming\\Upshift');
  });
});

describe('layout', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('ensureHome creates the home, logs/ and snapshots/ with 0700', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'upshift-paths-'));
    const home = path.join(dir, 'a', 'home');
    const paths = ensureHome(home);
    expect(paths).toEqual(statePaths(home));
    expect(paths.db).toBe(path.join(home, 'state.db'));
    for (const p of [paths.home, paths.logs, paths.snapshots]) {
      const st = statSync(p);
      expect(st.isDirectory()).toBe(true);
      expect(st.mode & 0o777).toBe(0o700);
    }
    // idempotent
    expect(ensureHome(home)).toEqual(paths);
  });

  it('log and snapshot paths per operation and step, file-name safe', () => {
    expect(operationLogDir('/h', 'op_20261121T101500Z_ab12cd')).toBe('/h/logs/op_20261121T101500Z_ab12cd');
    expect(stepLogPath('/h', 'op_1', 'install')).toBe('/h/logs/op_1/install.log');
    expect(stepLogPath('/h', 'op_1', 'hook:preUpgrade')).toBe('/h/logs/op_1/hook_preUpgrade.log');
    expect(stepLogPath('/h', 'op_1', '../../etc/passwd')).toBe('/h/logs/op_1/__.._etc_passwd.log');
    expect(operationSnapshotDir('/h', 'op_1')).toBe('/h/snapshots/op_1');
    expect(safeSegment('..')).toBe('_');
    expect(() => safeSegment('')).toThrow();
  });
});
