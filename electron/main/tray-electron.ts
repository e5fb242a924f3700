/** The thin wire from TrayService to Electron's Tray: icons, tooltip, context menu. */
import { Menu, Tray, nativeImage } from 'electron';
import type { TrayAction, TrayModel } from './tray-model.js';
import { menuTemplate, trayIconPath } from './tray-menu.js';
import type { TrayHandle } from './tray-service.js';

export function createElectronTray(assetsDir: string, initial: TrayModel, onAction: (action: TrayAction) => void, onClick: () => void): TrayHandle {
  const image = (icon: TrayModel['icon']): Electron.NativeImage => {
    const img = nativeImage.createFromPath(trayIconPath(assetsDir, icon, process.platform));
    if (process.platform === 'darwin') img.setTemplateImage(true);
    return img;
  };
  const tray = new Tray(image(initial.icon));
  // Windows and most Linux trays open a window on a left click; the menu stays on the right click. On macOS a
  // click opens the context menu, as menu bar items do.
  if (process.platform !== 'darwin') tray.on('click', onClick);
  return {
    setIcon: (icon) => tray.setImage(image(icon)),
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (items) => tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(items, onAction))),
    destroy: () => tray.destroy(),
  };
}
