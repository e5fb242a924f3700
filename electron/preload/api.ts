/**
 * The object the preload exposes as `window.upshift`: exactly one function per contract method, plus
 * `subscribe`. Built from two injected functions so it is tested under plain Node; preload.ts passes
 * ipcRenderer-backed ones. Nothing raw leaks to the page: no ipcRenderer, no channel names to choose, no
 * `event` objects (an IpcRendererEvent's `sender` is the ipcRenderer itself).
 */
import type { MethodName, UpshiftApi, UpshiftEvent } from '../../shared/api/contract.js';
import type { ApiError } from '../../shared/api/types.js';
import { CONTRACT_METHODS, EVENT_CHANNEL, NAVIGATE_CHANNEL, PICK_FOLDER_CHANNEL, isShellRoute, methodChannel, type IpcReply } from './channels.js';

/** ipcRenderer.invoke, narrowed. */
export type Invoke = (channel: string, input: unknown) => Promise<unknown>;
/** ipcRenderer.on that hands the listener the payload only, and returns the unsubscribe. */
export type Listen = (channel: string, listener: (payload: unknown) => void) => () => void;

/**
 * What a failed call rejects with. contextBridge copies only an Error's message into the page (its own
 * properties are dropped: https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support),
 * so the message is the ApiError as JSON — the renderer's transport (renderer/transport/errors.ts `toApiError`)
 * reads it back — and the fields are also properties for callers inside the preload's own world.
 */
export class UpshiftIpcError extends Error implements ApiError {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  constructor(error: ApiError) {
    super(JSON.stringify(error));
    this.name = 'UpshiftError';
    this.code = error.code;
    this.retryable = error.retryable;
    this.details = error.details;
  }
}

function isApiError(v: unknown): v is ApiError {
  return typeof v === 'object' && v !== null && typeof (v as ApiError).code === 'string' && typeof (v as ApiError).message === 'string';
}

/** Unwraps a reply from the main process; anything not shaped like one is itself an error. */
export function unwrapReply(reply: unknown): unknown {
  const r = reply as Partial<IpcReply> | null;
  if (r && r.ok === true && 'result' in r) return r.result;
  if (r && r.ok === false && isApiError(r.error)) {
    throw new UpshiftIpcError({ code: r.error.code, message: r.error.message, retryable: Boolean(r.error.retryable), ...(r.error.details ? { details: r.error.details } : {}) });
  }
  throw new UpshiftIpcError({ code: 'IPC_BAD_REPLY', message: 'The Upshift main process sent a reply this window does not understand. Restart Upshift.', retryable: false });
}

export function createPreloadApi(invoke: Invoke, listen: Listen): UpshiftApi {
  const api: Partial<Record<MethodName | 'subscribe', unknown>> = {};
  for (const method of CONTRACT_METHODS) {
    // One fixed channel per function: the page picks a method, never a channel.
    api[method] = async (input: unknown) => unwrapReply(await invoke(methodChannel(method), input === undefined ? {} : input));
  }
  api.subscribe = (listener: (event: UpshiftEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('subscribe(listener): listener must be a function');
    return listen(EVENT_CHANNEL, (payload) => listener(payload as UpshiftEvent));
  };
  return Object.freeze(api) as UpshiftApi;
}

/** Shell-only helpers: `window.upshiftShell`. */
export interface UpshiftShellApi {
  /** The native folder picker; the chosen directory, or null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Calls back with a hash route to show (a tray item or a notification was clicked); returns the unsubscribe. */
  onNavigate(listener: (hash: string) => void): () => void;
}

/**
 * `window.upshiftShell`. Routes from the main process go to the page's onNavigate listeners; while the page has
 * none (still loading, or a renderer without the hook), `fallback` shows the route itself (the preload sets
 * location.hash, which the renderer's router follows).
 */
export function createShellApi(invoke: Invoke, listen: Listen, fallback: (hash: string) => void = () => undefined): UpshiftShellApi {
  const listeners = new Set<(hash: string) => void>();
  listen(NAVIGATE_CHANNEL, (payload) => {
    if (!isShellRoute(payload)) return;
    if (listeners.size === 0) fallback(payload);
    for (const l of [...listeners]) l(payload);
  });
  return Object.freeze({
    pickFolder: async () => {
      const path = unwrapReply(await invoke(PICK_FOLDER_CHANNEL, {}));
      return typeof path === 'string' ? path : null;
    },
    onNavigate: (listener: (hash: string) => void) => {
      if (typeof listener !== 'function') throw new TypeError('onNavigate(listener): listener must be a function');
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  });
}
