/**
 * The IPC wire between the preload and the main process: channel names and the envelope every reply travels in.
 * Shared by both sides so a channel cannot be misspelled on one of them. No imports with runtime effects: the
 * sandboxed preload bundles this file.
 */
import { METHOD_LIST, type MethodName } from '../../shared/api/methods.js';
import type { ApiError } from '../../shared/api/types.js';

/** One channel per contract method: `upshift:getState`, `upshift:checkNow`… */
export function methodChannel(method: MethodName): `upshift:${MethodName}` {
  return `upshift:${method}`;
}

/** Main → renderer: every engine event (UpshiftEvent). */
export const EVENT_CHANNEL = 'upshift:event';
/** Renderer → main: the native folder picker ("add project"). */
export const PICK_FOLDER_CHANNEL = 'upshift-shell:pick-folder';
/** Main → renderer: show a view (a hash route such as `#/plan/core?to=1.3.0`), e.g. after a notification click. */
export const NAVIGATE_CHANNEL = 'upshift-shell:navigate';

/**
 * Every invoke reply. Errors travel as plain data: Electron's ipcMain.handle would turn a thrown error into the
 * text "Error invoking remote method …" and drop its code, retryable flag and details.
 */
export type IpcReply<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiError };

/** The methods of the contract (a zod-free list: the schemas stay in the main process, where validation happens). */
export const CONTRACT_METHODS: readonly MethodName[] = METHOD_LIST;

/** Hash routes the main process may ask the window to show; anything else is ignored by the preload. */
export function isShellRoute(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 512 && /^#\/[A-Za-z0-9_\-./?=&%~+]*$/.test(value);
}
