import { readFileSync } from 'node:fs';

/**
 * Process identity for liveness checks. A pid alone is not an identity: pids are reused. On Linux the start
 * time (field 22 of /proc/<pid>/stat, clock ticks since boot) together with the boot id names one process.
 */

interface ProcStat {
  state: string;
  startTime: number;
}

function readProcStat(pid: number): ProcStat | null {
  if (process.platform !== 'linux') return null;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Field 2 (comm) is in parentheses and may itself contain spaces and ')': split after the LAST ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const start = rest[22 - 3];
  if (state === undefined || start === undefined) return null;
  const startTime = Number(start);
  return Number.isSafeInteger(startTime) ? { state, startTime } : null;
}

/** Start time of a process in clock ticks since boot (Linux: /proc/<pid>/stat field 22); null elsewhere or when unknown. */
export function processStartTime(pid: number): number | null {
  if (!isValidPid(pid)) return null;
  return readProcStat(pid)?.startTime ?? null;
}

let bootIdCache: string | null | undefined;

/** This boot's id (Linux: /proc/sys/kernel/random/boot_id); null elsewhere. Start times only compare within one boot. */
export function currentBootId(): string | null {
  if (bootIdCache !== undefined) return bootIdCache;
  try {
    bootIdCache = process.platform === 'linux' ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null : null;
  } catch {
    bootIdCache = null;
  }
  return bootIdCache;
}

function isValidPid(pid: number): boolean {
  return Number.isSafeInteger(pid) && pid > 0;
}

/**
 * Whether the process `pid` is still running, and is the same process that was recorded: when `startTime` is
 * given (and the platform can tell), a different start time means the pid was reused and the recorded owner is
 * gone. When `bootId` is given and differs from this boot's, the machine rebooted since: the owner is gone.
 * Zombies count as dead. A process owned by another user (EPERM) counts as alive.
 */
export function isProcessAlive(pid: number, startTime?: number | null, bootId?: string | null): boolean {
  if (!isValidPid(pid)) return false;
  if (bootId) {
    const now = currentBootId();
    if (now !== null && now !== bootId) return false;
  }
  let otherUser = false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
    otherUser = true;
  }
  const stat = readProcStat(pid);
  if (stat === null) {
    // Not on Linux, or /proc hides another user's process (hidepid): the signal check is all we have.
    // Otherwise the process exited between the two checks.
    return process.platform !== 'linux' || otherUser;
  }
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  if (startTime !== undefined && startTime !== null && stat.startTime !== startTime) return false;
  return true;
}
