/** Chooses the transport once, at start: the Electron preload's `window.upshift` when present, else HTTP + SSE. */
import type { UpshiftApi } from '../../shared/api/contract.js';
import { createElectronTransport } from './electron.js';
import { createHttpTransport } from './http.js';
import { takeToken } from './token.js';
import type { Transport } from './types.js';

declare global {
  interface Window {
    /** The contract, exposed by the Electron preload through contextBridge. */
    upshift?: UpshiftApi;
    /** Shell-only helpers the preload may add. */
    upshiftShell?: {
      pickFolder?: () => Promise<string | null>;
      /** Calls back with a hash route (e.g. "#/plan/core?to=1.3.0") to show; returns the unsubscribe function. */
      onNavigate?: (listener: (hash: string) => void) => () => void;
    };
  }
}

export function chooseTransport(): Transport {
  if (window.upshift) return createElectronTransport(window.upshift, window.upshiftShell);
  const token = takeToken();
  return createHttpTransport({
    token,
    baseUrl: location.href,
    fetch: (url, init) => fetch(url, { ...init, credentials: 'same-origin', cache: 'no-store' }),
    eventSource: (url) => new EventSource(url),
  });
}

export type { Transport, ConnectionChange, ConnectionStatus } from './types.js';
export { UpshiftCallError, toApiError } from './errors.js';
