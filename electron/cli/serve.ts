/**
 * `upshift serve`: the dashboard in a browser. Opens the engine service, serves the built renderer and the API on
 * loopback (see electron/host), prints one line with the URL — the token rides in the fragment (`#token=…`),
 * which browsers never send to a server nor put in a Referer — and runs until SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { usageError } from '../core/errors.js';
import { assertUsableToken, createHostServer, isLoopbackHost, type HostApi, type HostServer } from '../host/index.js';
import { createMetricsHandler } from '../host/metrics.js';
import type { MetricsSources } from '../core/telemetry/index.js';
import type { ParsedCommand } from './args.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Style } from './format.js';

/** The engine service as `serve` uses it: the host's api, plus a way to close it. */
export interface ServeService extends HostApi {
  close(): void | Promise<void>;
  /** What `/metrics` reads (the state database, the outbox); without it /metrics is not served. */
  metricsSources?(): MetricsSources;
}

export interface ServeDeps {
  openService(): Promise<ServeService>;
  /** The built renderer; when it holds no index.html the host serves a "not built" page. */
  staticDir: string;
  /** Resolves when the server should stop (SIGINT/SIGTERM in the real command). */
  stopSignal(): Promise<string>;
  openBrowser(url: string, onError: (message: string) => void): void;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  style: Style;
  /** Told the server's address once it listens (tests). */
  onListening?: (server: HostServer) => void;
}

/** The line `serve` prints on stdout; scripts and tests parse it. */
export function dashboardUrl(origin: string, token: string): string {
  return `${origin}/#token=${token}`;
}

function parsePort(raw: string | boolean | undefined): number {
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (typeof raw !== 'string' || !/^\d{1,5}$/.test(raw) || port > 65535) throw usageError('BAD_ARGUMENTS', `--port must be a whole number from 0 to 65535 (0 picks a free port), got "${String(raw)}".`);
  return port;
}

function parseHost(raw: string | boolean | undefined): string {
  if (raw === undefined) return '127.0.0.1';
  const host = String(raw).trim();
  if (isIP(host.replace(/^\[|\]$/g, '')) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host)) {
    throw usageError('BAD_ARGUMENTS', `--host must be an IP address or a host name, got "${host}".`);
  }
  return host.replace(/^\[|\]$/g, '');
}

/**
 * Computes the state once before the URL is printed, so the page's first getState finds the state path warm (its
 * statements prepared, its code compiled, the database pages read): measured on a fresh `serve` of 5 projects, the
 * first getState took 17 ms and the next ones under 1 ms (docs/performance.md). A failure here is the first page's
 * to report, with its own message; serve still starts.
 */
async function warmState(service: ServeService, err: (line: string) => void, style: Style): Promise<void> {
  try {
    await service.call('getState', {});
  } catch (e) {
    err(style.dim(`note: reading the state before the first page failed (${(e as Error)?.message ?? String(e)}); the dashboard will show why.`));
  }
}

export async function serveCommand(cmd: ParsedCommand, deps: ServeDeps): Promise<ExitCodeValue> {
  const port = parsePort(cmd.values.port);
  const host = parseHost(cmd.values.host);
  const given = deps.env.UPSHIFT_SERVE_TOKEN?.trim() || undefined;
  if (given !== undefined) {
    try {
      assertUsableToken(given);
    } catch (err) {
      throw usageError('BAD_TOKEN', `UPSHIFT_SERVE_TOKEN: ${(err as Error).message}`);
    }
  }
  if (!isLoopbackHost(host)) {
    deps.err(deps.style.yellow(`warning: listening on ${host}, not loopback: anyone who can reach this machine on the network and learns the token can control Upshift, and plain HTTP sends the token in clear text. Use --host only on a network you trust.`));
  }
  const metricsToken = deps.env.UPSHIFT_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined) {
    try {
      assertUsableToken(metricsToken);
    } catch (err) {
      throw usageError('BAD_TOKEN', `UPSHIFT_METRICS_TOKEN: ${(err as Error).message}`);
    }
  }
  const metricsNoAuth = cmd.values['metrics-no-auth'] === true || deps.env.UPSHIFT_METRICS_NO_AUTH === '1';
  const service = await deps.openService();
  let server: HostServer;
  try {
    server = await createHostServer({
      api: service,
      staticDir: deps.staticDir,
      host,
      port,
      ...(given ? { token: given } : {}),
      ...(service.metricsSources
        ? { metrics: createMetricsHandler({ sources: () => service.metricsSources!(), tokens: metricsToken ? [metricsToken] : [], allowLoopbackWithoutToken: metricsNoAuth, onError: (m) => deps.err(`${deps.style.red('error:')} ${m}`) }) }
        : {}),
      onError: (message) => deps.err(`${deps.style.red('error:')} ${message}`),
    });
  } catch (err) {
    await service.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw usageError('PORT_IN_USE', `Port ${port} on ${host} is already in use. Pick another with --port, or omit it to get a free one.`);
    if (e.code === 'EACCES') throw usageError('PORT_FORBIDDEN', `Not allowed to listen on port ${port} on ${host}. Pick a port above 1023.`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw usageError('BAD_HOST', `Cannot listen on ${host}: it is not an address of this machine.`);
    throw err;
  }
  await warmState(service, deps.err, deps.style);
  const url = dashboardUrl(server.url, server.token);
  deps.out(`Upshift dashboard: ${url}`);
  deps.onListening?.(server);
  if (!existsSync(join(deps.staticDir, 'index.html'))) {
    deps.err(deps.style.yellow(`note: the dashboard is not built (no ${join(deps.staticDir, 'index.html')}); the page says how to build it. The API works.`));
  }
  deps.err(deps.style.dim('Press Ctrl-C to stop.'));
  if (cmd.values.open === true) deps.openBrowser(url, (m) => deps.err(deps.style.yellow(`warning: ${m}`)));
  const signal = await deps.stopSignal();
  deps.err(deps.style.dim(`Stopping (${signal})…`));
  try {
    await server.close();
  } finally {
    await service.close();
  }
  return ExitCode.ok;
}
