/**
 * Opens the engine service `serve` exposes. Kept apart from serve.ts so tests can hand serveCommand a fake.
 */
import { UpshiftError } from '../core/errors.js';
import type { ServeService } from './serve.js';

export async function openServeService(_env: NodeJS.ProcessEnv): Promise<ServeService> {
  // Until electron/core/service lands, browser mode has no engine behind it.
  throw new UpshiftError('NOT_AVAILABLE', 'The engine service for browser mode is not part of this build yet.', { category: 'usage' });
}
