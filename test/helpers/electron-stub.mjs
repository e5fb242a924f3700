// Runs the bundled Electron main process (dist/electron-main/main.cjs) under plain Node with a stand-in for the
// 'electron' module, and drives it the way Electron and a page would: IPC from trusted and untrusted frames,
// app:// requests, navigation, window close, tray clicks, a notification click and quit. Used where no Electron
// binary can be downloaded; prints one JSON report on stdout. Run: node test/helpers/electron-stub.mjs <main.cjs>
import { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import Module from 'node:module';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';

const { Request } = globalThis;

const rec = { loaded: [], sent: [], opened: [], errorBoxes: [], loginItems: [], notifications: [], quit: false, trays: [], windows: [] };
const ipcHandlers = new Map();
const protocolHandlers = new Map();
let nextId = 1;

class WebContents extends EventEmitter {
  id = nextId++;
  windowOpenHandler = null;
  isLoading() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  send(channel, payload) {
    rec.sent.push({ channel, payload: JSON.parse(JSON.stringify(payload)) });
  }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
}

class App extends EventEmitter {
  isPackaged = false;
  dock = undefined;
  setName() {}
  setAppUserModelId() {}
  // Electron's app.getAppPath(): the folder of the app's package.json (here, the bundle's folder).
  getAppPath() {
    return process.cwd();
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  getLoginItemSettings() {
    return { wasOpenedAtLogin: false };
  }
  setLoginItemSettings(s) {
    rec.loginItems.push(s);
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) rec.quit = true;
  }
  exit() {
    rec.quit = true;
  }
}
const app = new App();

class BrowserWindow extends EventEmitter {
  visible = false;
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    rec.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    rec.loaded.push(url);
    setImmediate().then(() => this.emit('ready-to-show'));
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return false;
  }
  close() {
    const event = { defaultPrevented: false, preventDefault() {
      this.defaultPrevented = true;
    } };
    this.emit('close', event);
    return event.defaultPrevented;
  }
}

class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image.path;
    rec.trays.push(this);
  }
  setImage(image) {
    this.image = image.path;
  }
  setToolTip(text) {
    this.tooltip = text;
  }
  setContextMenu(menu) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    rec.notifications.push(this);
  }
}

// Reversible but not the identity, so a test can tell ciphertext from plain text on disk.
const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (text) => Buffer.from(`stub:${Buffer.from(text, 'utf8').toString('base64')}`),
  decryptString: (data) => Buffer.from(data.toString().replace(/^stub:/, ''), 'base64').toString('utf8'),
};

const session = { setPermissionRequestHandler: (fn) => (session.request = fn), setPermissionCheckHandler: (fn) => (session.check = fn), setDevicePermissionHandler: () => {} };

const electron = {
  app,
  BrowserWindow,
  Tray,
  Notification,
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu: () => {} },
  nativeImage: { createFromPath: (path) => ({ path, setTemplateImage() {} }) },
  ipcMain: { handle: (ch, fn) => ipcHandlers.set(ch, fn), removeHandler: (ch) => ipcHandlers.delete(ch) },
  protocol: { registerSchemesAsPrivileged: (s) => (rec.schemes = s), handle: (scheme, fn) => protocolHandlers.set(scheme, fn) },
  session: { defaultSession: session },
  safeStorage,
  shell: { openExternal: async (url) => void rec.opened.push(url) },
  dialog: {
    showOpenDialog: async () => ({ canceled: false, filePaths: ['/picked/folder'] }),
    showErrorBox: (title, body) => rec.errorBoxes.push({ title, body }),
    showMessageBoxSync: () => 1,
  },
};

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron') return electron;
  return originalLoad.call(this, request, parent, isMain);
};

// ---- drive it ----

const mainPath = process.argv[2];
await import(mainPath);
for (let i = 0; i < 400 && rec.windows.length === 0; i++) await sleep(25);
const report = { errorBoxes: rec.errorBoxes };
const win = rec.windows[0];
const frame = (url, parent = null) => ({ url, parent });
const event = (url, o = {}) => ({ sender: { id: o.senderId ?? win.webContents.id }, senderFrame: url === null ? null : frame(url, o.parent ?? null) });
const call = (channel, ev, ...args) => ipcHandlers.get(channel)(ev, ...args);

report.channels = [...ipcHandlers.keys()].sort();
report.schemes = rec.schemes;
report.webPreferences = win.options.webPreferences;
report.loaded = rec.loaded;
report.windowVisible = win.visible;
report.getState = await call('upshift:getState', event('app://upshift/index.html'), {});
report.fromEvil = await call('upshift:getState', event('https://evil.example/'), {});
report.fromSubframe = await call('upshift:getState', event('app://upshift/index.html', { parent: frame('app://upshift/index.html') }), {});
report.fromOtherContents = await call('upshift:getState', event('app://upshift/index.html', { senderId: 999 }), {});
report.badInput = await call('upshift:getPlan', event('app://upshift/index.html'), { project: 42 });
report.about = await call('upshift:getAbout', event('app://upshift/index.html#/about'), {});
report.selfUpdateCheck = await call('upshift:selfUpdate', event('app://upshift/index.html#/about'), { action: 'check' });
report.pickFolder = await call('upshift-shell:pick-folder', event('app://upshift/index.html#/settings'), {});
// The GitHub token through the app's keychain store (safeStorage above): saved, reported by source, removed.
const trusted = event('app://upshift/index.html');
report.tokenBefore = await call('upshift:githubTokenStatus', trusted, {});
report.tokenSet = await call('upshift:setGithubToken', trusted, { token: 'ghp_stubToken1234567890' });
report.tokenBad = await call('upshift:setGithubToken', trusted, { token: 'two words' });
report.tokenCleared = await call('upshift:clearGithubToken', trusted, {});
report.pickFolderEvil = await call('upshift-shell:pick-folder', event('file:///tmp/x.html'), {});

const page = await protocolHandlers.get('app')(new Request('app://upshift/index.html'));
report.page = { status: page.status, csp: page.headers.get('content-security-policy') };

const nav = (url) => {
  let prevented = false;
  win.webContents.emit('will-navigate', { url, preventDefault: () => (prevented = true) });
  return prevented;
};
report.navigation = { https: nav('https://example.com/notes'), js: nav('javascript:alert(1)'), app: nav('app://upshift/index.html') };
report.windowOpen = [win.webContents.windowOpenHandler({ url: 'https://example.org/x' }), win.webContents.windowOpenHandler({ url: 'file:///etc/passwd' })];
await sleep(10);
report.opened = rec.opened;
report.permission = await new Promise((resolve) => session.request(win.webContents, 'media', resolve));

report.closePrevented = win.close();
report.visibleAfterClose = win.visible;
const tray = rec.trays[0];
report.tray = { image: tray.image, tooltip: tray.tooltip, menu: tray.menu.map((i) => i.label ?? '---') };
tray.menu.find((i) => i.label === 'Open Upshift').click();
report.visibleAfterOpen = win.visible;

// A notification click opens that plan in the (existing) window.
rec.sent.length = 0;
const notifier = rec.notifications;
report.notificationsBefore = notifier.length;
tray.menu.find((i) => i.label === 'Pause checks').click();
await sleep(50);
report.trayAfterPause = { tooltip: tray.tooltip, menu: tray.menu.map((i) => i.label ?? '---') };
report.events = rec.sent.map((s) => `${s.channel} ${s.payload.type ?? s.payload}`);

// With --with-updates (UPSHIFT_HOME holds the demo workspace): the start-up check finds core's releases, a native
// notification is shown, and clicking it or the tray item opens that plan in the window.
if (process.argv.includes('--with-updates')) {
  for (let i = 0; i < 600 && (rec.notifications.length === 0 || !/update/.test(tray.tooltip)); i++) await sleep(25);
  rec.sent.length = 0;
  const n = rec.notifications[0];
  report.notification = n ? { title: n.options.title, body: n.options.body } : null;
  n?.emit('click');
  report.trayWithUpdates = { image: tray.image, tooltip: tray.tooltip, menu: tray.menu.map((i) => i.label ?? '---') };
  tray.menu.find((i) => /^Upgrade core/.test(i.label ?? ''))?.click();
  report.navigations = rec.sent.filter((s) => s.channel === 'upshift-shell:navigate').map((s) => s.payload);
}

app.quit();
for (let i = 0; i < 200 && !rec.quit; i++) await sleep(25);
report.quit = rec.quit;
report.trayDestroyed = tray.destroyed === true;
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
