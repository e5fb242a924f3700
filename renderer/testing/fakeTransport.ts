/** A scriptable Transport for store and view tests: every method resolves from `handlers` and is recorded. */
import type { MethodName, UpshiftApi, UpshiftEvent } from '../../shared/api/contract.js';
import { UpshiftCallError } from '../transport/errors.js';
import type { ConnectionChange, Transport } from '../transport/types.js';

export type Handlers = Partial<Record<MethodName, (input: never) => unknown>>;

export interface FakeTransport extends Transport {
  calls: Array<{ method: MethodName; input: unknown }>;
  handlers: Handlers;
  emit(event: UpshiftEvent): void;
  connection(change: ConnectionChange): void;
}

export function apiError(code: string, message = code, retryable = false): UpshiftCallError {
  return new UpshiftCallError({ code, message, retryable });
}

export function fakeTransport(handlers: Handlers = {}, mode: Transport['mode'] = 'browser'): FakeTransport {
  const listeners = new Set<(e: UpshiftEvent) => void>();
  const connectionListeners = new Set<(c: ConnectionChange) => void>();
  const t: FakeTransport = {
    mode,
    calls: [],
    handlers,
    pickFolder: null,
    api: new Proxy({} as UpshiftApi, {
      get(_target, prop: string) {
        if (prop === 'subscribe') {
          return (l: (e: UpshiftEvent) => void) => {
            listeners.add(l);
            return () => listeners.delete(l);
          };
        }
        return async (input: unknown) => {
          t.calls.push({ method: prop as MethodName, input });
          const h = t.handlers[prop as MethodName] as ((i: unknown) => unknown) | undefined;
          if (!h) throw new UpshiftCallError({ code: 'NOT_MOCKED', message: `${prop} not mocked`, retryable: false });
          return h(input);
        };
      },
    }),
    onConnection(l) {
      connectionListeners.add(l);
      return () => connectionListeners.delete(l);
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
    connection(c) {
      for (const l of connectionListeners) l(c);
    },
  };
  return t;
}

/** Resolves after pending promise callbacks have run. */
export function flush(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}
