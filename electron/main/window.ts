/**
 * The hardened window and the rules every web contents gets (Electron security checklist,
 * https://www.electronjs.org/docs/latest/tutorial/security): context isolation, sandbox, no Node in the page,
 * web security on; new windows and navigation away refused (links open in the user's browser when they pass the
 * https check); webviews refused; every permission request denied.
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { isAllowedExternalUrl, isAppUrl } from './security.js';

export interface MainWindowOptions {
  preload: string;
  icon?: string;
  devTools: boolean;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  return new BrowserWindow({
    width: 1120,
    height: 780,
    // The dashboard has a tray-sized layout (renderer/styles/compact.css, checked at 400 px by
    // e2e/layout-a11y.e2e.ts): the window may be made as narrow as a tray popover. There is no separate popover
    // window; the tray's click shows this one.
    minWidth: 360,
    minHeight: 420,
    show: false,
    title: 'Upshift',
    autoHideMenuBar: true,
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: opts.devTools,
    },
  });
}

/** Opens a link in the user's browser when it passes the https check; says so in the log otherwise. */
export function openExternally(url: string, log: (message: string) => void): void {
  if (!isAllowedExternalUrl(url)) {
    log(`refused to open ${JSON.stringify(url.slice(0, 200))}: only https links to public hosts leave the app`);
    return;
  }
  void shell.openExternal(url).catch((err: unknown) => log(`could not open ${url}: ${String(err)}`));
}

/** Applied to every web contents the app creates (app 'web-contents-created'). */
export function hardenWebContents(contents: WebContents, devUrl: string | null, log: (message: string) => void): void {
  // window.open, target=_blank: never a new Electron window.
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url, log);
    return { action: 'deny' };
  });
  // A link without a target, a form, `location = …`: the page never navigates. In-app routes are hash changes,
  // which are same-document and do not come here.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    if (!isAppUrl(event.url, devUrl)) openExternally(event.url, log);
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, devUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** No permission (camera, notifications from the page, clipboard-read, geolocation…) is ever granted to a page. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
