/**
 * Opens the engine service `serve` exposes (kept apart from serve.ts so tests can hand serveCommand a fake).
 * Opening it recovers operations a crashed process left unfinished, as every CLI command does; those are reported.
 */
import { UpshiftService } from '../core/service/index.js';
import type { ServeService } from './serve.js';

export async function openServeService(env: NodeJS.ProcessEnv, notice: (line: string) => void): Promise<ServeService> {
  const service = await UpshiftService.open({ env });
  for (const r of service.engine.recovery.recovered) {
    notice(`Recovered interrupted operation ${r.interrupted}: ${r.recovery.status === 'succeeded' ? 'done' : 'FAILED'} (${r.recovery.id}).`);
  }
  return service;
}
