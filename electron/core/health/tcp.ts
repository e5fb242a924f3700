import net from 'node:net';

/** Connects to host:port and closes at once; ok when the connection was accepted within the deadline. */
export function probeTcp(host: string, port: number, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host, port });
    const done = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ok, detail });
    };
    const onAbort = () => done(false, 'cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => done(false, `no connection to ${host}:${port} within ${opts.timeoutMs} ms`), opts.timeoutMs);
    socket.once('connect', () => done(true, `${host}:${port} accepts connections`));
    socket.once('error', (err) => done(false, err.message));
  });
}
