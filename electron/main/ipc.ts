/**
 * The contract over IPC, main-process side: one `ipcMain.handle` per contract method (`upshift:<method>`). Every
 * handler first checks the sender, then calls `service.call(method, input)` — where zod validates the input — and
 * replies with a plain `{ok, result | error}` envelope. Written against a minimal ipcMain shape so tests run it
 * with a fake; main.ts passes the real ipcMain.
 */
import type { ApiError } from '../../shared/api/types.js';
import { toApiError } from '../core/errors.js';
import { CONTRACT_METHODS, methodChannel, type IpcReply } from '../preload/channels.js';

/** The part of Electron's ipcMain this module uses. */
export interface IpcRegistrar<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

/** The engine service, as far as IPC needs it. */
export interface ContractCaller {
  call(method: string, input: unknown): Promise<unknown>;
}

export const FORBIDDEN_SENDER: ApiError = {
  code: 'FORBIDDEN_SENDER',
  message: 'This request did not come from the Upshift window, so it was refused. Nothing was changed.',
  retryable: false,
};

/**
 * Any failure as a plain ApiError that survives structured cloning: no Error instance, no functions, details
 * reduced to JSON (a value that cannot be represented is dropped rather than failing the reply).
 */
export function serializeError(err: unknown): ApiError {
  const e = toApiError(err);
  const out: ApiError = { code: String(e.code), message: String(e.message), retryable: Boolean(e.retryable) };
  if (e.details) {
    try {
      out.details = JSON.parse(JSON.stringify(e.details)) as Record<string, unknown>;
    } catch {
      // Circular or otherwise unserialisable details: the code and message still say what happened.
    }
  }
  return out;
}

/** Runs one call and wraps its outcome; never throws. */
export async function replyTo(caller: ContractCaller, method: string, input: unknown): Promise<IpcReply> {
  try {
    return { ok: true, result: await caller.call(method, input) };
  } catch (err) {
    return { ok: false, error: serializeError(err) };
  }
}

export interface RegisterOptions<E> {
  ipc: IpcRegistrar<E>;
  service: ContractCaller;
  /** The sender check (security.ts isTrustedSender over the event). */
  isTrusted: (event: E) => boolean;
  /** Told about every refused sender. */
  onRefused?: (channel: string, event: E) => void;
}

/** Registers every contract method; returns a function that removes them all. */
export function registerContractHandlers<E>(opts: RegisterOptions<E>): () => void {
  const channels: string[] = [];
  for (const method of CONTRACT_METHODS) {
    const channel = methodChannel(method);
    opts.ipc.handle(channel, async (event, ...args) => {
      if (!opts.isTrusted(event)) {
        opts.onRefused?.(channel, event);
        return { ok: false, error: FORBIDDEN_SENDER } satisfies IpcReply;
      }
      // One argument, the input; anything more is a caller bug, refused like a bad input.
      if (args.length > 1) {
        return { ok: false, error: { code: 'BAD_INPUT', message: `${method}: takes one argument, the input object.`, retryable: false } } satisfies IpcReply;
      }
      return replyTo(opts.service, method, args[0]);
    });
    channels.push(channel);
  }
  return () => {
    for (const channel of channels) opts.ipc.removeHandler(channel);
  };
}

/** Registers one extra, sender-checked handler (the folder picker) with the same envelope. */
export function registerShellHandler<E>(opts: Omit<RegisterOptions<E>, 'service'> & { channel: string; run: (event: E) => Promise<unknown> }): () => void {
  opts.ipc.handle(opts.channel, async (event) => {
    if (!opts.isTrusted(event)) {
      opts.onRefused?.(opts.channel, event);
      return { ok: false, error: FORBIDDEN_SENDER } satisfies IpcReply;
    }
    try {
      return { ok: true, result: await opts.run(event) } satisfies IpcReply;
    } catch (err) {
      return { ok: false, error: serializeError(err) } satisfies IpcReply;
    }
  });
  return () => opts.ipc.removeHandler(opts.channel);
}
