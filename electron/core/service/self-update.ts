import type { AboutInfo } from '../../../shared/api/about.js';
import type { SelfUpdateAction, SelfUpdateStatus } from '../../../shared/policy/selfupdate.js';
import { aboutInfo, BROWSER_UPDATE_NOTE, currentBuild, type AboutHost } from '../about/index.js';
import { externalStatus, SelfUpdateController, SelfUpdateStore, type UpdaterPort } from '../selfupdate/index.js';
import type { Clock } from './clock.js';
import { serviceError } from './errors.js';

export interface SelfUpdateOptions {
  /** Who serves the dashboard; default browser mode. */
  host?: AboutHost;
  /** The tray app's updater (electron/main/self-updater.ts over electron-updater). */
  port?: UpdaterPort;
  /** The tray app without an updater (not packaged, no feed): why, in words. */
  disabled?: string;
  /** The running version; default the build's (tests pin it). */
  version?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * The service's side of Upshift updating itself: the controller when the tray app passed an updater, else an
 * honest status that offers nothing (browser mode is updated by whatever installed it). Also answers getAbout.
 */
export class SelfUpdateHub {
  private readonly store: SelfUpdateStore;
  private readonly controller: SelfUpdateController | null;
  private readonly version: string;

  constructor(
    backend: ConstructorParameters<typeof SelfUpdateStore>[0],
    clock: Clock,
    private readonly opts: SelfUpdateOptions,
    hooks: { emit: (status: SelfUpdateStatus) => void; offline: () => boolean },
  ) {
    this.store = new SelfUpdateStore(backend);
    this.version = opts.version ?? currentBuild().version;
    this.controller = opts.port
      ? new SelfUpdateController({ port: opts.port, store: this.store, clock, current: this.version, emit: hooks.emit, offline: hooks.offline, ...(opts.log ? { log: opts.log } : {}) })
      : null;
  }

  start(): void {
    this.controller?.start();
  }

  stop(): void {
    this.controller?.stop();
  }

  status(): SelfUpdateStatus {
    if (this.controller) return this.controller.status();
    const app = this.opts.host?.mode === 'app';
    return externalStatus(this.version, this.store, app ? { managed: 'disabled', note: this.opts.disabled ?? 'This build of the tray app has no update feed.' } : { managed: 'external', note: BROWSER_UPDATE_NOTE });
  }

  about(stateDir: string): AboutInfo {
    const build = currentBuild();
    return aboutInfo(this.opts.version ? { ...build, version: this.opts.version } : build, this.opts.host ?? { mode: 'browser' }, stateDir, this.status());
  }

  async act(action: SelfUpdateAction): Promise<SelfUpdateStatus> {
    if (!this.controller) {
      const status = this.status();
      throw serviceError('SELF_UPDATE_UNMANAGED', `Upshift does not update itself here: ${status.note} Nothing was changed.`, { managed: status.managed });
    }
    return this.controller.act(action);
  }
}
