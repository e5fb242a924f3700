import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let identity: string | null = null;

/**
 * This build of the engine (its file's size and modification time): a new Upshift may judge the same inputs
 * differently, so what is remembered from one build (engine/check-memo.ts, manifest/memo.ts) is keyed by it.
 */
export function buildIdentity(): string {
  if (identity === null) {
    try {
      const s = statSync(fileURLToPath(import.meta.url));
      identity = `${s.size}:${s.mtimeMs}`;
    } catch {
      identity = 'unknown';
    }
  }
  return identity;
}
