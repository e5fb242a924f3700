/**
 * What the Electron main process gives electron-updater, in plain Node, so the feed test runs electron-updater's
 * real updater classes: an AppAdapter (ElectronAppAdapter's shape over a temp directory, with Electron's `quit`
 * event driven by the test) and an HTTP executor over node:http built on electron-updater's own copy of
 * builder-util-runtime (like builder-util's NodeHttpExecutor, which extends another copy). And a guard that fails
 * the test if anything loads the `electron` package: the point is that none of this needs it.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import Module, { createRequire } from 'node:module';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import type { UpdaterHttpExecutor } from '../../electron/main/self-updater-factory.js';

const requireHere = createRequire(import.meta.url);

/** Every attempt to load `electron` (or `electron/…`) since installElectronGuard; each attempt also throws. */
export const electronLoads: string[] = [];

/**
 * Makes `require('electron')` throw and records it. In this repository `electron` is installed (a devDependency), so
 * without the guard a stray require would quietly return the path of the Electron binary instead of failing.
 */
export function installElectronGuard(): void {
  const mod = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown; __upshiftGuard?: boolean };
  if (mod.__upshiftGuard) return;
  mod.__upshiftGuard = true;
  const load = mod._load;
  mod._load = function guardedLoad(this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    if (request === 'electron' || request.startsWith('electron/')) {
      const from = (parent as { filename?: string } | null)?.filename ?? '?';
      electronLoads.push(`${request} from ${from}`);
      throw new Error(`the electron guard: '${request}' was required by ${from}; this test runs electron-updater without Electron`);
    }
    return load.call(this, request, parent, isMain);
  };
}

/** Modules of the `electron` package in the CommonJS cache (should be none). */
export function electronModulesLoaded(): string[] {
  return Object.keys(requireHere.cache).filter((k) => /[\\/]node_modules[\\/]electron[\\/]/.test(k));
}

type Runtime = typeof import('builder-util-runtime');
type DownloadOptions = import('builder-util-runtime').DownloadOptions;

/** The builder-util-runtime electron-updater itself loads (it may carry its own nested copy). */
const updaterRuntime = createRequire(requireHere.resolve('electron-updater'))('builder-util-runtime') as Runtime;

/**
 * builder-util's NodeHttpExecutor (node:http(s); HttpExecutor follows redirects from the Location header), on
 * electron-updater's copy of HttpExecutor, plus the `download` that only ElectronHttpExecutor has — the same body
 * as Electron's (electron-updater/out/electronHttpExecutor.js): the file is piped through builder-util-runtime's
 * sha512 check by doDownload, whichever executor runs it.
 */
class NodeHttpExecutor extends updaterRuntime.HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return (options.protocol === 'http:' ? httpRequest : httpsRequest)(options, callback);
  }

  async download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: (options.headers ?? undefined) as RequestOptions['headers'] };
      updaterRuntime.configureRequestUrl(url, requestOptions);
      updaterRuntime.configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, callback: (error) => (error == null ? resolve(destination) : reject(error)), responseHandler: null }, 0);
    });
  }
}

export function nodeHttpExecutor(): UpdaterHttpExecutor {
  return new NodeHttpExecutor() as unknown as UpdaterHttpExecutor;
}

/** ElectronAppAdapter's contract over plain paths; `quitApp(code)` is Electron's `quit` event. */
export class NodeAppAdapter implements AppAdapter {
  readonly isPackaged = true;
  readonly name = 'Upshift';
  /** app.quit() calls (BaseUpdater.quitAndInstall asks for one). */
  quitRequests = 0;
  private quitHandlers: Array<(exitCode: number) => void> = [];

  constructor(
    readonly version: string,
    readonly appUpdateConfigPath: string,
    readonly userDataPath: string,
    readonly baseCachePath: string,
  ) {}

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  quit(): void {
    this.quitRequests++;
  }

  relaunch(): void {}

  /** ElectronAppAdapter: app.once('quit', (_, exitCode) => handler(exitCode)). */
  onQuit(handler: (exitCode: number) => void): void {
    this.quitHandlers.push(handler);
  }

  /** The app quits: each `once('quit')` listener runs, with the exit code. Returns how many there were. */
  quitApp(exitCode = 0): number {
    const handlers = this.quitHandlers.splice(0);
    for (const h of handlers) h(exitCode);
    return handlers.length;
  }
}
