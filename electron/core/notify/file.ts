/** The log-file channel: one JSON object per line (JSON Lines), appended; the directory is created when missing. */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NotifyEvent, SendOutcome } from './types.js';

export async function sendFile(target: { path: string }, event: NotifyEvent, key: string): Promise<SendOutcome> {
  try {
    await mkdir(path.dirname(target.path), { recursive: true });
    await appendFile(target.path, `${JSON.stringify({ key, ...event })}\n`, { mode: 0o600 });
    return { ok: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // A full disk may free up; a missing permission or a directory in the way will not.
    const permanent = e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EISDIR' || e.code === 'ENOTDIR' || e.code === 'EROFS';
    return { ok: false, permanent, error: `${e.code ?? 'error'}: cannot append to ${target.path}`, retryAfterMs: null };
  }
}
