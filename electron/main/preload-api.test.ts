// The preload's API (electron/preload/api.ts), tested here with the rest of the shell: `window.upshift` must have
// exactly the contract's methods, each on its own channel, and expose nothing raw.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type UpshiftEvent } from '../../shared/api/contract.js';
import { createPreloadApi, createShellApi, unwrapReply, UpshiftIpcError } from '../preload/api.js';
import { CONTRACT_METHODS, EVENT_CHANNEL, NAVIGATE_CHANNEL, PICK_FOLDER_CHANNEL, isShellRoute } from '../preload/channels.js';

function fakeIpc(reply: (channel: string, input: unknown) => unknown = (_c, input) => ({ ok: true, result: input })) {
  const invoked: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  return {
    invoked,
    listeners,
    invoke: async (channel: string, input: unknown) => {
      invoked.push([channel, input]);
      return reply(channel, input);
    },
    listen: (channel: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => void set.delete(listener);
    },
    emit: (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload)),
  };
}

describe('createPreloadApi', () => {
  it('exposes exactly the contract methods plus subscribe, all functions', () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc.invoke, ipc.listen);
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, 'subscribe'].sort());
    for (const v of Object.values(api)) expect(typeof v).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('keeps its own list of method names in step with the contract', () => {
    expect([...CONTRACT_METHODS].sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('calls each method on its own channel with the input, and returns the result', async () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc.invoke, ipc.listen);
    for (const method of METHOD_NAMES) {
      const fn = api[method] as (input: unknown) => Promise<unknown>;
      expect(await fn({ probe: method })).toEqual({ probe: method });
    }
    expect(ipc.invoked.map(([c]) => c)).toEqual(METHOD_NAMES.map((m) => `upshift:${m}`));
  });

  it('sends {} when called without input', async () => {
    const ipc = fakeIpc();
    await createPreloadApi(ipc.invoke, ipc.listen).getState(undefined as never);
    expect(ipc.invoked).toEqual([['upshift:getState', {}]]);
  });

  it('throws an Error carrying the code and message, readable after contextBridge drops its fields', async () => {
    const error = { code: 'PROJECT_NOT_FOUND', message: 'No project "x".', retryable: false, details: { field: 'project' } };
    const ipc = fakeIpc(() => ({ ok: false, error }));
    const api = createPreloadApi(ipc.invoke, ipc.listen);
    const caught = await api.getPlan({ project: 'x' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toBeInstanceOf(UpshiftIpcError);
    const e = caught as UpshiftIpcError;
    expect([e.code, e.retryable, e.details]).toEqual(['PROJECT_NOT_FOUND', false, { field: 'project' }]);
    // contextBridge keeps only the message: the ApiError must be recoverable from it alone.
    expect(JSON.parse(e.message)).toEqual(error);
  });

  it('treats a malformed reply as an error', () => {
    for (const bad of [undefined, null, 'x', { ok: 'yes' }, { ok: false, error: 'nope' }, { ok: true }]) {
      expect(() => unwrapReply(bad)).toThrow(/does not understand/);
    }
  });

  it('subscribe delivers event payloads only and unsubscribes', () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc.invoke, ipc.listen);
    const got: UpshiftEvent[] = [];
    const off = api.subscribe((e) => got.push(e));
    ipc.emit(EVENT_CHANNEL, { type: 'history-changed' });
    off();
    ipc.emit(EVENT_CHANNEL, { type: 'history-changed' });
    expect(got).toEqual([{ type: 'history-changed' }]);
    expect(() => api.subscribe('nope' as never)).toThrow(TypeError);
  });

  it('has no way to reach ipcRenderer, invoke, send or on', () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc.invoke, ipc.listen) as unknown as Record<string, unknown>;
    for (const key of ['invoke', 'send', 'on', 'once', 'ipcRenderer', 'removeListener', 'sendSync', 'postMessage']) expect(api[key], key).toBeUndefined();
  });
});

describe('createShellApi', () => {
  it('exposes pickFolder and onNavigate only; the picker has its own channel', async () => {
    const ipc = fakeIpc(() => ({ ok: true, result: '/src/core' }));
    const shell = createShellApi(ipc.invoke, ipc.listen);
    expect(Object.keys(shell).sort()).toEqual(['onNavigate', 'pickFolder']);
    expect(await shell.pickFolder()).toBe('/src/core');
    expect(ipc.invoked).toEqual([[PICK_FOLDER_CHANNEL, {}]]);
  });

  it('returns null when the picker was cancelled', async () => {
    const ipc = fakeIpc(() => ({ ok: true, result: null }));
    expect(await createShellApi(ipc.invoke, ipc.listen).pickFolder()).toBeNull();
  });

  it('hands routes to onNavigate listeners, or to the fallback while there are none; ignores anything else', () => {
    const ipc = fakeIpc();
    const fallback: string[] = [];
    const shell = createShellApi(ipc.invoke, ipc.listen, (h) => fallback.push(h));
    ipc.emit(NAVIGATE_CHANNEL, '#/plan/core?to=1.1.0');
    expect(fallback).toEqual(['#/plan/core?to=1.1.0']);
    const seen: string[] = [];
    const off = shell.onNavigate((h) => seen.push(h));
    ipc.emit(NAVIGATE_CHANNEL, '#/history');
    ipc.emit(NAVIGATE_CHANNEL, 'javascript:alert(1)');
    ipc.emit(NAVIGATE_CHANNEL, { hash: '#/x' });
    off();
    ipc.emit(NAVIGATE_CHANNEL, '#/settings');
    expect(seen).toEqual(['#/history']);
    expect(fallback).toEqual(['#/plan/core?to=1.1.0', '#/settings']);
  });
});

describe('isShellRoute', () => {
  it('accepts the renderer hash routes only', () => {
    expect(isShellRoute('#/plan/core?to=1.3.0')).toBe(true);
    expect(isShellRoute('#/plan/my%20project?to=1.0.0-rc.1')).toBe(true);
    expect(isShellRoute('#/updates')).toBe(true);
    for (const bad of ['javascript:alert(1)', 'https://evil.example/', '#/x"><img>', '/plan/core', '#/a b', 42, null, `#/${'a'.repeat(600)}`]) {
      expect(isShellRoute(bad), String(bad)).toBe(false);
    }
  });
});

describe('preload.ts', () => {
  const source = readFileSync(new URL('../preload/preload.ts', import.meta.url), 'utf8');

  it('exposes only window.upshift and window.upshiftShell', () => {
    const exposed = [...source.matchAll(/exposeInMainWorld\('([^']+)'/g)].map((m) => m[1]);
    expect(exposed).toEqual(['upshift', 'upshiftShell']);
  });

  it('never hands ipcRenderer itself to the page', () => {
    expect(source).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
