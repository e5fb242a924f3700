/**
 * The preload: runs sandboxed and context-isolated before the page, and exposes the contract as `window.upshift`
 * and the shell helpers as `window.upshiftShell`. Bundled to CommonJS (build/electron.mjs) because a sandboxed
 * preload can only `require('electron')` and a few built-ins.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createPreloadApi, createShellApi, type Listen } from './api.js';

const invoke = (channel: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(channel, input);

const listen: Listen = (channel, listener) => {
  // The page gets the payload only: an IpcRendererEvent carries `sender`, the ipcRenderer itself.
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
};

/** Shows a route when the page has no onNavigate listener: the preload shares `location` with the page. */
function setHash(route: string): void {
  const loc = (globalThis as unknown as { location: { hash: string } }).location;
  if (loc.hash !== route) loc.hash = route;
}

contextBridge.exposeInMainWorld('upshift', createPreloadApi(invoke, listen));
contextBridge.exposeInMainWorld('upshiftShell', createShellApi(invoke, listen, setHash));
