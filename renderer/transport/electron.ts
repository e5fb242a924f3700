/**
 * Electron transport: the preload exposes the contract as `window.upshift` (IPC underneath). Rejections are turned
 * into UpshiftCallError so every caller sees the same ApiError shape as in browser mode.
 */
import type { UpshiftApi } from '../../shared/api/contract.js';
import { UpshiftCallError, toApiError } from './errors.js';
import type { Transport } from './types.js';

export function createElectronTransport(bridge: UpshiftApi, shell?: { pickFolder?: () => Promise<string | null> }): Transport {
  const api = {} as Record<string, unknown>;
  for (const key of Object.keys(bridge) as Array<keyof UpshiftApi>) {
    if (key === 'subscribe') continue;
    const fn = bridge[key] as (input: unknown) => Promise<unknown>;
    if (typeof fn !== 'function') continue;
    api[key] = async (input: unknown) => {
      try {
        return await fn(input);
      } catch (e) {
        throw new UpshiftCallError(toApiError(e));
      }
    };
  }
  api.subscribe = bridge.subscribe;
  const pick = shell?.pickFolder;
  return {
    mode: 'electron',
    api: api as UpshiftApi,
    onConnection: (listener) => {
      listener({ status: 'open', reconnected: false });
      return () => {};
    },
    pickFolder: pick ? () => pick() : null,
  };
}
