/**
 * Opens the engine service `serve` exposes (kept apart from serve.ts so tests can hand serveCommand a fake).
 * Opening it recovers operations a crashed process left unfinished, as every CLI command does; those are reported.
 */
import { deviceProbe, UpshiftService } from '../core/service/index.js';
import { headlessDesktop, headlessNotifier } from '../core/notify/desktop.js';
import type { ServeService } from './serve.js';

export async function openServeService(env: NodeJS.ProcessEnv, notice: (line: string) => void): Promise<ServeService> {
  // Without Electron, desktop notifications go through node-notifier; where none can be shown, nothing breaks
  // (UPSHIFT_DESKTOP_NOTIFY=0 turns them off).
  const desktop = env.UPSHIFT_DESKTOP_NOTIFY === '0' ? null : headlessDesktop();
  // `serve` runs the scheduler (issue 9 §2) — or stands by while the tray app or a daemon leads this state directory.
  // UPSHIFT_SCHEDULER=0 leaves it out (a dashboard that must never act on its own).
  const scheduler = env.UPSHIFT_SCHEDULER === '0' ? null : { role: 'serve', device: deviceProbe() };
  const service = await UpshiftService.open({ env, scheduler, ...(desktop ? { notifier: headlessNotifier(desktop), notifyDeps: { desktop } } : {}) });
  for (const r of service.engine.recovery.recovered) {
    notice(`Recovered interrupted operation ${r.interrupted}: ${r.recovery.status === 'succeeded' ? 'done' : 'FAILED'} (${r.recovery.id}).`);
  }
  return service;
}
