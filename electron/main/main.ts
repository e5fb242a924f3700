/**
 * The Electron shell's composition root: one instance, the engine service, the tray, the hardened window, the
 * contract over IPC, native notifications and launch at login. Everything with logic lives in a pure module next
 * to this one (tray-model, tray-service, security, ipc, app-protocol); this file only wires them to Electron.
 *
 * Runs as the CommonJS bundle dist/electron-main/main.cjs (build/electron.mjs).
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, session, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import type { UpshiftEvent } from '../../shared/api/contract.js';
import { deviceProbe, UpshiftService, type Notification as UpshiftNotification } from '../core/service/index.js';
import { resolveHome } from '../core/state/index.js';
import { EVENT_CHANNEL, NAVIGATE_CHANNEL, PICK_FOLDER_CHANNEL } from '../preload/channels.js';
import { createAppProtocolHandler } from './app-protocol.js';
import { registerContractHandlers, registerShellHandler, serializeError } from './ipc.js';
import { TOKEN_FILE, createKeychainStore } from './keychain-store.js';
import { createLog } from './log.js';
import { HIDDEN_FLAG, applyLaunchAtLogin } from './login-item.js';
import { createNativeNotifier } from './notifier.js';
import { appPaths, planRoute } from './paths.js';
import { APP_INDEX_URL, APP_SCHEME, isTrustedSender } from './security.js';
import { createElectronTray } from './tray-electron.js';
import type { TrayAction } from './tray-model.js';
import { TrayService } from './tray-service.js';
import { createMainWindow, denyAllPermissions, hardenWebContents } from './window.js';
import { createUpdaterPort, loadElectronUpdater } from './self-updater.js';
import type { SelfUpdateOptions } from '../core/service/self-update.js';

const log = createLog('main');
const paths = appPaths(__dirname);
/** The Vite dev server, for renderer development only; a packaged app never loads anything but app://. */
const devUrl = !app.isPackaged && process.env.UPSHIFT_DEV_URL ? process.env.UPSHIFT_DEV_URL : null;
/** How long quitting waits for running operations to roll back before it gives up on a clean close. */
const CLOSE_TIMEOUT_MS = 20_000;

// Before `ready`: app:// behaves like https (a standard, secure origin that can load ES modules).
// corsEnabled lets the page's own `<script type="module" crossorigin>` load through the CORS path; responses carry
// no Access-Control-Allow-Origin, so no other origin can read them.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } }]);
app.setName('Upshift');
if (process.platform === 'win32') app.setAppUserModelId('dev.upshift.app');

if (!app.requestSingleInstanceLock()) {
  // Another Upshift runs: it shows its window (second-instance below) and this one leaves.
  app.quit();
} else {
  run();
}

function run(): void {
  let service: UpshiftService | null = null;
  let window: BrowserWindow | null = null;
  let quitting = false;
  let quitConfirmed = false;
  let closing = false;
  let loginItem: boolean | null = null;
  /** Until the engine is open and IPC registered, a request to show the window waits (a page would find no handlers). */
  let ready = false;
  let pendingShow: { route: string | undefined } | null = null;

  const tray = new TrayService({
    createTray: (initial, onAction) => createElectronTray(paths.assets, initial, onAction, () => showWindow()),
    onAction: (action) => void onTrayAction(action),
  });

  const notifier = createNativeNotifier({
    icon: join(paths.assets, 'icon.png'),
    onClick: (n: UpshiftNotification) => showWindow(n.kind === 'update' && n.version ? planRoute(n.project, n.version) : '#/updates'),
  });

  // ---- the window ----

  function liveWindow(): BrowserWindow | null {
    return window && !window.isDestroyed() ? window : null;
  }

  function showWindow(route?: string): void {
    if (!ready) {
      pendingShow = { route: route ?? pendingShow?.route };
      return;
    }
    const existing = liveWindow();
    if (existing) {
      if (route) navigate(existing, route);
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
    } else {
      window = openWindow(route);
    }
    if (process.platform === 'darwin') void app.dock?.show();
  }

  function openWindow(route?: string): BrowserWindow {
    const win = createMainWindow({ preload: paths.preload, icon: join(paths.assets, 'icon.png'), devTools: !app.isPackaged });
    win.once('ready-to-show', () => win.show());
    // Closing keeps Upshift in the tray; "Quit" (tray, app menu, Cmd+Q) really quits.
    win.on('close', (event) => {
      if (quitting) return;
      event.preventDefault();
      win.hide();
      if (process.platform === 'darwin') app.dock?.hide();
    });
    win.webContents.on('render-process-gone', (_event, details) => log('renderer process gone', { reason: details.reason }));
    void win.loadURL(`${devUrl ?? APP_INDEX_URL}${route ?? ''}`).catch((err: unknown) => log('could not load the dashboard', { error: String(err) }));
    return win;
  }

  /** Shows a route in the loaded page; the preload sets the hash, which the renderer's router follows. */
  function navigate(win: BrowserWindow, route: string): void {
    if (win.webContents.isLoading()) win.webContents.once('did-finish-load', () => win.webContents.send(NAVIGATE_CHANNEL, route));
    else win.webContents.send(NAVIGATE_CHANNEL, route);
  }

  // ---- IPC ----

  function isTrusted(event: IpcMainInvokeEvent): boolean {
    try {
      const frame = event.senderFrame;
      return isTrustedSender(
        { webContentsId: event.sender.id, frameUrl: frame ? frame.url : null, isMainFrame: frame ? frame.parent === null : false },
        { windowWebContentsId: liveWindow()?.webContents.id ?? null, devUrl },
      );
    } catch {
      return false; // A frame that went away while the message travelled.
    }
  }

  function onRefused(channel: string, event: IpcMainInvokeEvent): void {
    let url: string | null = null;
    try {
      url = event.senderFrame?.url ?? null;
    } catch {
      // Gone: nothing to report.
    }
    log('refused an IPC call from an untrusted sender', { channel, url, webContentsId: event.sender.id });
  }

  async function pickFolder(): Promise<string | null> {
    const win = liveWindow();
    const options = { title: 'Choose a project to watch', buttonLabel: 'Watch this folder', properties: ['openDirectory' as const] };
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  }

  // ---- engine events ----

  /** The tray's scheduler lines follow the schedule: read again after what may change it, a burst at a time. */
  let scheduleTimer: ReturnType<typeof setTimeout> | null = null;
  function refreshSchedule(): void {
    if (!service || scheduleTimer !== null) return;
    scheduleTimer = setTimeout(() => {
      scheduleTimer = null;
      void service
        ?.getSchedule({})
        .then((doc) => tray.setSchedule(doc.schedule))
        .catch((err) => log('could not read the schedule', { error: String(err) }));
    }, 500);
  }

  function onEvent(event: UpshiftEvent): void {
    tray.handleEvent(event);
    if (event.type === 'schedule-changed' || event.type === 'approvals-changed' || event.type === 'operation-finished') refreshSchedule();
    if (event.type === 'state-changed') applyLoginItem(event.state.settings.launchAtLogin);
    const win = liveWindow();
    if (win && !win.webContents.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  }

  function applyLoginItem(enabled: boolean): void {
    if (loginItem === enabled) return;
    loginItem = enabled;
    try {
      log(`launch at login ${enabled ? 'on' : 'off'}: ${applyLaunchAtLogin(enabled, app)}`);
    } catch (err) {
      log('could not change launch at login', { error: String(err) });
    }
  }

  async function onTrayAction(action: TrayAction): Promise<void> {
    switch (action.type) {
      case 'open-plan':
        showWindow(planRoute(action.project, action.version));
        return;
      case 'open-window':
        showWindow();
        return;
      case 'open-about':
        showWindow('#/about');
        return;
      case 'open-schedule':
        showWindow('#/schedule');
        return;
      case 'approve':
      case 'resume-automation': {
        if (!service) return;
        try {
          // "Approve core 1.4.1" is the dashboard's Approve (now); the approver is this user@host, as the CLI records it.
          if (action.type === 'approve') await service.call('approve', { project: action.project, version: action.version, when: 'now' });
          else tray.setSchedule((await service.resumeAutomation({})).schedule);
          tray.setLastError(null);
        } catch (err) {
          tray.setLastError(serializeError(err));
        }
        refreshSchedule();
        return;
      }
      case 'quit':
        app.quit();
        return;
      case 'check-now':
      case 'pause-checks': {
        if (!service) return;
        try {
          if (action.type === 'check-now') await service.call('checkNow', {});
          else tray.setPoller((await service.call('pauseChecks', { paused: action.paused })) as Parameters<TrayService['setPoller']>[0]);
          tray.setLastError(null);
        } catch (err) {
          tray.setLastError(serializeError(err));
        }
        return;
      }
    }
  }

  // ---- Upshift's own updates ----

  /**
   * The updater for a packaged app (electron-updater reads the feed electron-builder baked into app-update.yml);
   * a development build has none, and says so in About. UPSHIFT_SELF_UPDATE=off turns it off (managed installs).
   */
  async function selfUpdateOptions(): Promise<SelfUpdateOptions> {
    const host = { mode: 'app' as const, installPath: app.getAppPath(), electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null };
    if (!app.isPackaged) return { host, disabled: 'This is a development build (npm start), not a packaged app: it has no update feed. Update it with git pull and npm run build.' };
    if (process.env.UPSHIFT_SELF_UPDATE === 'off') return { host, disabled: 'Self-update is turned off (UPSHIFT_SELF_UPDATE=off): whoever installed Upshift updates it.' };
    try {
      return { host, port: createUpdaterPort(await loadElectronUpdater()), log: (message, fields) => log(message, fields) };
    } catch (err) {
      log('could not load the updater', { error: String(err) });
      return { host, disabled: `The updater could not be loaded (${String(err)}); Upshift still works, but will not update itself.` };
    }
  }

  // ---- start and quit ----

  async function start(): Promise<void> {
    denyAllPermissions(session.defaultSession);
    protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.renderer));
    // macOS needs an application menu for copy, paste and Cmd+Q; elsewhere the window has none.
    Menu.setApplicationMenu(
      process.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]) : null,
    );
    // The tray first: Upshift is visibly running while the engine opens (recovering an interrupted upgrade can take a while).
    tray.refresh();
    try {
      // After `ready`: safeStorage can only tell whether the keychain is usable once the app is ready.
      const secretStore = createKeychainStore({ safeStorage, file: join(resolveHome(process.env), TOKEN_FILE), log });
      // The app runs the scheduler (issue 9 §2) unless another app, `serve` or a daemon already leads this state directory.
      service = await UpshiftService.open({ env: process.env, notifier, secretStore, selfUpdate: await selfUpdateOptions(), scheduler: { role: 'app', device: deviceProbe() } });
    } catch (err) {
      const e = serializeError(err);
      log('could not open the engine', { ...e });
      tray.setLastError(e);
      dialog.showErrorBox(
        'Upshift could not start',
        `${e.message}\n\nNothing was changed in your projects. If this mentions a NODE_MODULE_VERSION, better-sqlite3 was built for Node rather than for Electron: start Upshift with \`npm start\`, which rebuilds it for Electron.`,
      );
      quitting = true;
      app.quit();
      return;
    }
    registerContractHandlers({ ipc: ipcMain, service, isTrusted, onRefused });
    registerShellHandler({ ipc: ipcMain, channel: PICK_FOLDER_CHANNEL, isTrusted, onRefused, run: pickFolder });
    service.subscribe(onEvent);
    const state = await service.getState({});
    tray.setProjects(state.projects);
    tray.setPoller(state.poller);
    tray.setSelfUpdate((await service.getAbout({})).selfUpdate);
    refreshSchedule();
    applyLoginItem(state.settings.launchAtLogin);
    ready = true;
    const atLogin = process.argv.includes(HIDDEN_FLAG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
    if (!atLogin || pendingShow) showWindow(pendingShow?.route);
    else if (process.platform === 'darwin') app.dock?.hide();
    pendingShow = null;
  }

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  // The window only hides; should it ever be destroyed, Upshift stays in the tray.
  app.on('window-all-closed', () => undefined);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, devUrl, log));

  app.on('before-quit', (event) => {
    const running = tray.runningOperations();
    if (!quitConfirmed && running > 0 && service) {
      event.preventDefault();
      const choice = dialog.showMessageBoxSync({
        type: 'warning',
        buttons: ['Keep running', 'Quit and roll back'],
        defaultId: 0,
        cancelId: 0,
        message: running === 1 ? 'An upgrade is running.' : `${running} operations are running.`,
        detail: 'Quitting now cancels it: the checkout is rolled back to where it was, and your uncommitted work is kept.',
      });
      if (choice !== 1) return;
      quitConfirmed = true;
    }
    quitting = true;
    if (!service) return;
    // Close the engine cleanly (operations roll back, the database is closed), then quit for real.
    event.preventDefault();
    if (closing) return;
    closing = true;
    const s = service;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
    void Promise.race([s.close(), timeout])
      .catch((err: unknown) => log('closing the engine failed', { error: String(err) }))
      .finally(() => {
        service = null;
        tray.destroy();
        app.quit();
      });
  });

  app.whenReady().then(start, (err: unknown) => log('Electron failed to start', { error: String(err) })).catch((err: unknown) => {
    log('start-up failed', { error: String(err) });
    dialog.showErrorBox('Upshift could not start', String(err));
    quitting = true;
    app.quit();
  });
}
