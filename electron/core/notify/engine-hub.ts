/**
 * The notification hub over one engine's state: channels from the app's settings, the environment, each project's
 * manifest and its list of projects. The one construction the CLI (notify/upgrade/rollback/batches, the daemon)
 * and the service (tray app, `upshift serve`) share, so both route an event to the same channels.
 */
import type { Engine } from '../engine/index.js';
import type { Clock } from '../service/clock.js';
import { SETTINGS_KEY, type ChannelEntry } from './channels.js';
import { NotifyHub } from './hub.js';
import type { ChannelDeps } from './types.js';

export interface EngineHubOptions {
  clock: Clock;
  env: NodeJS.ProcessEnv;
  random?: (() => number) | undefined;
  deps?: ChannelDeps | undefined;
}

export function engineNotifyHub(engine: Engine, opts: EngineHubOptions): NotifyHub {
  return new NotifyHub({
    db: engine.store.database,
    clock: opts.clock,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.deps ? { deps: opts.deps } : {}),
    sources: {
      settings: () => engine.store.getSettings()[SETTINGS_KEY],
      env: opts.env,
      manifest: (p) => (engine.context(p).manifest.notify ?? []) as ChannelEntry[],
      projects: () => engine.store.listProjects().map((r) => r.name),
    },
  });
}
