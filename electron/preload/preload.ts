/**
 * The preload: runs sandboxed and context-isolated before the page, and exposes the contract as `window.upshift`
 * and the shell helpers as `window.upshiftShell`. Bundled to CommonJS (build/electron.mjs) because a sandboxed
 * preload can only `require('electron')` and a few built-ins.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createPreloadApi, createShellApi, type Listen } from './api.js';
import { NAVIGATE_CHANNEL, isShellRoute } from './channels.js';

const invoke = (channel: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(channel, input);

const listen: Listen = (channel, listener) => {
  // The page gets the payload only: an IpcRendererEvent carries `sender`, the ipcRenderer itself.
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
};

contextBridge.exposeInMainWorld('upshift', createPreloadApi(invoke, listen));
contextBridge.exposeInMainWorld('upshiftShell', createShellApi(invoke));

// The main process shows a view (a notification or a tray item was clicked) by changing the hash route, which
// the renderer's router follows. The preload shares `location` with the page, so the page needs no extra API.
ipcRenderer.on(NAVIGATE_CHANNEL, (_event, route: unknown) => {
  if (!isShellRoute(route)) return;
  const loc = (globalThis as unknown as { location: { hash: string } }).location;
  if (loc.hash !== route) loc.hash = route;
});
