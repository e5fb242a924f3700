/**
 * "Launch at login" (settings.launchAtLogin). macOS and Windows through app.setLoginItemSettings; Linux, where
 * Electron has no such API, through an XDG autostart entry (~/.config/autostart/upshift.desktop, the freedesktop
 * "Desktop Application Autostart Specification"). Started at login, Upshift opens in the tray only (`--hidden`).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const HIDDEN_FLAG = '--hidden';

/** The autostart entry for Linux. Exec quoting per the Desktop Entry Specification. */
export function linuxAutostartEntry(executable: string, args: readonly string[] = [HIDDEN_FLAG]): string {
  const quote = (s: string): string => (/^[A-Za-z0-9_\-./=+:,@]+$/.test(s) ? s : `"${s.replace(/(["`$\\])/g, '\\$1')}"`);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Upshift',
    'Comment=Keeps your git checkouts up to date, safely',
    `Exec=${[executable, ...args].map(quote).join(' ')}`,
    'Icon=upshift',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function linuxAutostartPath(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'autostart', 'upshift.desktop');
}

/** The part of Electron's `app` used here. */
export interface LoginItemApp {
  isPackaged: boolean;
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/**
 * Registers or removes the login item. Only for a packaged app: in development the executable is the bare
 * Electron binary, which would start without Upshift. Returns what it did, for the log.
 */
export function applyLaunchAtLogin(enabled: boolean, app: LoginItemApp, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (!app.isPackaged) return 'skipped: not a packaged app';
  if (platform === 'darwin' || platform === 'win32') {
    app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
    return enabled ? 'login item set' : 'login item removed';
  }
  const file = linuxAutostartPath(env);
  if (!enabled) {
    rmSync(file, { force: true });
    return `removed ${file}`;
  }
  // An AppImage runs from a temporary mount: the stable path is the AppImage file itself.
  const executable = env.APPIMAGE || process.execPath;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, linuxAutostartEntry(executable));
  return `wrote ${file}`;
}
