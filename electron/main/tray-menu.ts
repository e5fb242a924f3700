/**
 * From the tray model to what Electron's Tray wants: menu templates and icon files. Only type imports from
 * 'electron' (erased at compile time), so this is tested under plain Node.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { MenuItemModel, TrayAction, TrayIcon } from './tray-model.js';

export function menuTemplate(items: readonly MenuItemModel[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { id: item.id, type: 'separator' };
      case 'info':
        return { id: item.id, label: item.label, enabled: false };
      case 'item':
        return { id: item.id, label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
    }
  });
}

/**
 * The icon file for a state. macOS gets the black-and-alpha template (the menu bar tints it for light and dark
 * mode); the others a coloured PNG. Electron picks the `@2x` file next to it on high-density displays.
 */
export function trayIconPath(assetsDir: string, icon: TrayIcon, platform: NodeJS.Platform): string {
  return join(assetsDir, 'tray', platform === 'darwin' ? `tray-${icon}Template.png` : `tray-${icon}.png`);
}
