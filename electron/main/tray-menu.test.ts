import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLLER, view } from '../../test/helpers/tray-views.js';
import { applyLaunchAtLogin, linuxAutostartEntry, linuxAutostartPath } from './login-item.js';
import { appPaths, planRoute } from './paths.js';
import type { TrayAction } from './tray-model.js';
import { trayModel } from './tray-model.js';
import { menuTemplate, trayIconPath } from './tray-menu.js';

const assets = join(import.meta.dirname, '..', '..', 'assets');

describe('menuTemplate', () => {
  it('maps info lines to disabled items, separators, and items that report their action', () => {
    const model = trayModel({ projects: [view('core', { latest: '1.3.0' })], poller: POLLER, operationsRunning: 0, lastError: null }, 0);
    const clicked: TrayAction[] = [];
    const template = menuTemplate(model.menu, (a) => clicked.push(a));
    expect(template[0]).toEqual({ id: 'status', label: '1 update available', enabled: false });
    expect(template[1]).toEqual({ id: 'sep-updates', type: 'separator' });
    const upgrade = template.find((t) => t.id === 'update:core')!;
    expect(upgrade.label).toBe('Upgrade core to 1.3.0…');
    (upgrade.click as () => void)();
    expect(clicked).toEqual([{ type: 'open-plan', project: 'core', version: '1.3.0' }]);
  });
});

describe('tray icons', () => {
  it('has a file for every state, @1x and @2x, coloured and as macOS templates', () => {
    for (const icon of ['idle', 'updates', 'working', 'error'] as const) {
      for (const platform of ['linux', 'win32', 'darwin'] as const) {
        const file = trayIconPath(assets, icon, platform);
        expect(existsSync(file), file).toBe(true);
        expect(existsSync(file.replace(/\.png$/, '@2x.png')), file).toBe(true);
      }
    }
    expect(trayIconPath(assets, 'idle', 'darwin')).toMatch(/tray-idleTemplate\.png$/);
    expect(trayIconPath(assets, 'error', 'linux')).toMatch(/tray-error\.png$/);
  });

  it('are the sizes each OS expects (16 px and 32 px; a 512 px app icon)', () => {
    const size = (file: string) => {
      const b = readFileSync(file);
      expect(b.subarray(1, 4).toString('ascii')).toBe('PNG');
      return [b.readUInt32BE(16), b.readUInt32BE(20)];
    };
    expect(size(join(assets, 'tray', 'tray-updates.png'))).toEqual([16, 16]);
    expect(size(join(assets, 'tray', 'tray-updates@2x.png'))).toEqual([32, 32]);
    expect(size(join(assets, 'tray', 'tray-updatesTemplate@2x.png'))).toEqual([32, 32]);
    expect(size(join(assets, 'icon.png'))).toEqual([512, 512]);
    expect(size(join(assets, 'icons', '256x256.png'))).toEqual([256, 256]);
  });
});

describe('paths', () => {
  it('finds the renderer, preload and assets from the bundle directory', () => {
    expect(appPaths('/app/dist/electron-main')).toEqual({
      renderer: '/app/dist/renderer',
      preload: '/app/dist/electron-main/preload.cjs',
      assets: '/app/assets',
    });
  });

  it('builds the renderer route of a plan', () => {
    expect(planRoute('core', '1.3.0')).toBe('#/plan/core?to=1.3.0');
    expect(planRoute('my project', null)).toBe('#/plan/my%20project');
  });
});

describe('launch at login', () => {
  it('writes a Linux autostart entry that starts hidden, quoting the path', () => {
    const entry = linuxAutostartEntry('/home/me/Apps/Upshift 1.0.AppImage');
    expect(entry).toContain('Exec="/home/me/Apps/Upshift 1.0.AppImage" --hidden\n');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
  });

  it('uses XDG_CONFIG_HOME when it is absolute', () => {
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/autostart/upshift.desktop');
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\.config\/autostart\/upshift\.desktop$/);
  });

  it('adds and removes the entry on Linux, the login item elsewhere, and nothing in development', () => {
    const dir = mkdtempSync(join(tmpdir(), 'upshift-login-'));
    try {
      const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/opt/Upshift.AppImage' };
      const calls: unknown[] = [];
      const packaged = { isPackaged: true, setLoginItemSettings: (s: unknown) => void calls.push(s) };
      applyLaunchAtLogin(true, packaged, 'linux', env);
      expect(readFileSync(join(dir, 'autostart', 'upshift.desktop'), 'utf8')).toContain('Exec=/opt/Upshift.AppImage --hidden');
      applyLaunchAtLogin(false, packaged, 'linux', env);
      expect(existsSync(join(dir, 'autostart', 'upshift.desktop'))).toBe(false);
      applyLaunchAtLogin(true, packaged, 'darwin', env);
      expect(calls).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
      expect(applyLaunchAtLogin(true, { ...packaged, isPackaged: false }, 'win32', env)).toMatch(/skipped/);
      expect(calls).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
