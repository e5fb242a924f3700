import { afterEach, describe, expect, it } from 'vitest';
import { closeServices, openService } from '../../test/helpers/service.js';
import { METHOD_NAMES } from '../../shared/api/contract.js';
import { UpshiftError } from '../core/errors.js';
import { ServiceError } from '../core/service/index.js';
import { PICK_FOLDER_CHANNEL } from '../preload/channels.js';
import { FORBIDDEN_SENDER, registerContractHandlers, registerShellHandler, serializeError, type IpcRegistrar } from './ipc.js';

interface FakeEvent {
  trusted: boolean;
}

class FakeIpcMain implements IpcRegistrar<FakeEvent> {
  handlers = new Map<string, (event: FakeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: FakeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: FakeEvent, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return Promise.resolve(h(event, ...args));
  }
}

function setup(call: (method: string, input: unknown) => Promise<unknown> = async (m, i) => ({ method: m, input: i })) {
  const ipc = new FakeIpcMain();
  const calls: Array<[string, unknown]> = [];
  const refused: string[] = [];
  const dispose = registerContractHandlers({
    ipc,
    service: {
      call: (method, input) => {
        calls.push([method, input]);
        return call(method, input);
      },
    },
    isTrusted: (e) => e.trusted,
    onRefused: (channel) => refused.push(channel),
  });
  return { ipc, calls, refused, dispose };
}

const trusted = { trusted: true };
const untrusted = { trusted: false };

describe('registerContractHandlers', () => {
  it('registers exactly one handler per contract method, named upshift:<method>', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `upshift:${m}`).sort());
  });

  it('calls the service with the method and the raw input, and wraps the result', async () => {
    const { ipc, calls } = setup();
    const reply = await ipc.invoke('upshift:getPlan', trusted, { project: 'core', to: '1.3.0' });
    expect(reply).toEqual({ ok: true, result: { method: 'getPlan', input: { project: 'core', to: '1.3.0' } } });
    expect(calls).toEqual([['getPlan', { project: 'core', to: '1.3.0' }]]);
  });

  it('checks the sender before anything else: an untrusted call never reaches the service', async () => {
    const { ipc, calls, refused } = setup();
    for (const method of METHOD_NAMES) {
      expect(await ipc.invoke(`upshift:${method}`, untrusted, {})).toEqual({ ok: false, error: FORBIDDEN_SENDER });
    }
    expect(calls).toEqual([]);
    expect(refused).toHaveLength(METHOD_NAMES.length);
  });

  it('returns service failures as plain ApiError objects (validation happens in the service)', async () => {
    const { ipc } = setup(async () => {
      throw new ServiceError({ code: 'BAD_INPUT', message: 'getPlan: project: Required.', retryable: false, details: { field: 'project' } });
    });
    const reply = await ipc.invoke('upshift:getPlan', trusted, { nope: 1 });
    expect(reply).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: 'getPlan: project: Required.', retryable: false, details: { field: 'project' } } });
    // Structured-clone safe: no Error instance anywhere in the reply.
    expect(structuredClone(reply)).toEqual(reply);
    expect((reply as { error: unknown }).error).not.toBeInstanceOf(Error);
  });

  it('refuses extra arguments', async () => {
    const { ipc, calls } = setup();
    const reply = (await ipc.invoke('upshift:getState', trusted, {}, 'extra')) as { ok: boolean; error: { code: string } };
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('BAD_INPUT');
    expect(calls).toEqual([]);
  });

  it('removes every handler on dispose', () => {
    const { ipc, dispose } = setup();
    dispose();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('GitHub token methods over IPC (the real service, an in-memory keychain)', () => {
  afterEach(closeServices);

  it('checks the sender, validates the token, stores it, and never answers with it', async () => {
    const token = 'ghp_ipcTEST0123456789abcdef';
    let value: string | null = null;
    const secretStore = { available: () => true, unavailableReason: () => null, get: async () => value, set: async (t: string) => void (value = t), clear: async () => void (value = null) };
    const { service } = await openService({ env: { PATH: '' }, secretStore });
    const ipc = new FakeIpcMain();
    registerContractHandlers({ ipc, service, isTrusted: (e: FakeEvent) => e.trusted });

    expect(await ipc.invoke('upshift:setGithubToken', untrusted, { token })).toEqual({ ok: false, error: FORBIDDEN_SENDER });
    expect(value).toBeNull();
    for (const bad of [{ token: 'ghp two' }, { token: '' }, { token: 42 }, {}, { token: 'x'.repeat(256) }]) {
      const reply = (await ipc.invoke('upshift:setGithubToken', trusted, bad)) as { ok: boolean; error: { code: string; details: { field: string } } };
      expect(reply, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', details: { field: 'token' } } });
    }
    expect(value).toBeNull();

    const saved = await ipc.invoke('upshift:setGithubToken', trusted, { token });
    expect(saved).toEqual({ ok: true, result: { source: 'keychain', keychainAvailable: true, canStore: true, stored: true, reason: null } });
    expect(value).toBe(token);
    const status = await ipc.invoke('upshift:githubTokenStatus', trusted, {});
    expect(JSON.stringify(status)).not.toContain(token);
    expect(await ipc.invoke('upshift:clearGithubToken', trusted, {})).toMatchObject({ ok: true, result: { source: null, stored: false } });
    expect(value).toBeNull();
  });
});

describe('registerShellHandler', () => {
  it('checks the sender and wraps the result', async () => {
    const ipc = new FakeIpcMain();
    let runs = 0;
    registerShellHandler({
      ipc,
      channel: PICK_FOLDER_CHANNEL,
      isTrusted: (e) => e.trusted,
      run: async () => {
        runs++;
        return '/home/me/src/core';
      },
    });
    expect(await ipc.invoke(PICK_FOLDER_CHANNEL, untrusted)).toEqual({ ok: false, error: FORBIDDEN_SENDER });
    expect(runs).toBe(0);
    expect(await ipc.invoke(PICK_FOLDER_CHANNEL, trusted)).toEqual({ ok: true, result: '/home/me/src/core' });
  });

  it('wraps a failure', async () => {
    const ipc = new FakeIpcMain();
    registerShellHandler({ ipc, channel: 'x', isTrusted: () => true, run: () => Promise.reject(new Error('no display')) });
    expect(await ipc.invoke('x', trusted)).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'no display', retryable: false } });
  });
});

describe('serializeError', () => {
  it('keeps the engine error fields', () => {
    const e = new UpshiftError('PROJECT_NOT_FOUND', 'No project "x".', { retryable: false, details: { name: 'x' } });
    expect(serializeError(e)).toEqual({ code: 'PROJECT_NOT_FOUND', message: 'No project "x".', retryable: false, details: { name: 'x' } });
  });

  it('turns anything else into INTERNAL', () => {
    expect(serializeError('boom')).toEqual({ code: 'INTERNAL', message: 'boom', retryable: false });
  });

  it('drops details that cannot be serialised instead of failing the reply', () => {
    const details: Record<string, unknown> = {};
    details.self = details;
    const out = serializeError(new ServiceError({ code: 'X', message: 'm', retryable: true, details }));
    expect(out).toEqual({ code: 'X', message: 'm', retryable: true });
  });
});
