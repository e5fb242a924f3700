import type { UpshiftApi } from '../../shared/api/contract.js';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting';

export interface ConnectionChange {
  status: ConnectionStatus;
  /** True on the first 'open' after a lost connection: events may have been missed, state must be re-read. */
  reconnected: boolean;
}

/** The one way the renderer reaches the engine, chosen once at start. */
export interface Transport {
  mode: 'electron' | 'browser';
  api: UpshiftApi;
  /** Live event-stream status (Electron IPC is always 'open'). Returns the unsubscribe function. */
  onConnection(listener: (change: ConnectionChange) => void): () => void;
  /** Reopens a lost event stream now instead of at the next backoff step (after Retry). */
  reconnect?: () => void;
  /** A native folder picker, when the shell offers one. */
  pickFolder: (() => Promise<string | null>) | null;
}
