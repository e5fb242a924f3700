import { appendFileSync } from 'node:fs';

/**
 * Fault injection for the crash-safety tests: named points in the engine where a test can make the process kill
 * itself with SIGKILL, exactly as `kill -9` or a power loss would stop it there.
 *
 * - `UPSHIFT_TEST_CRASH_TRACE=<file>` appends every point reached, one `<name>#<occurrence>` a line, so a test
 *   can first run an operation to the end and learn every point it passes (steps added later appear by themselves).
 * - `UPSHIFT_TEST_CRASH_AT=<name>#<occurrence>` kills the process when that point is reached that many times.
 * - `UPSHIFT_TEST_SIGNAL_AT=<name>#<occurrence>` sends the process a SIGINT there instead (`…=SIGTERM` or `=SIGHUP`
 *   after the point picks another), as a Ctrl-C landing at that moment would.
 *
 * Points sit at every step boundary (the step recorded as running, its action done, its outcome recorded), right
 * before and after every git command that changes the tree, the stash or refs, and after a user command was
 * spawned. With neither variable set a point costs one environment lookup.
 */
const counts = new Map<string, number>();

export function crashPoint(name: string): void {
  const trace = process.env.UPSHIFT_TEST_CRASH_TRACE;
  const at = process.env.UPSHIFT_TEST_CRASH_AT;
  const signalAt = process.env.UPSHIFT_TEST_SIGNAL_AT;
  if (!trace && !at && !signalAt) return;
  const n = (counts.get(name) ?? 0) + 1;
  counts.set(name, n);
  const id = `${name}#${n}`;
  if (trace) appendFileSync(trace, `${id}\n`);
  if (at === id) process.kill(process.pid, 'SIGKILL');
  if (signalAt) {
    const [point, sig = 'SIGINT'] = signalAt.split('=');
    if (point === id && (sig === 'SIGINT' || sig === 'SIGTERM' || sig === 'SIGHUP')) process.kill(process.pid, sig);
  }
}

/** Git verbs that change the work tree, the index, the stash or refs: the ones a crash point surrounds. */
const MUTATING_GIT_VERBS = new Set(['checkout', 'switch', 'restore', 'reset', 'clean', 'stash', 'update-ref', 'tag', 'fetch', 'merge', 'read-tree', 'rm', 'add']);

/** The crash-point name for a git command (`git:stash-push`), or null when the command only reads. */
export function gitCrashPointName(args: readonly string[]): string | null {
  const verb = args[0];
  if (verb === undefined || !MUTATING_GIT_VERBS.has(verb)) return null;
  if (verb === 'stash') {
    const sub = args[1] ?? 'push';
    // `stash list` and `stash show` only read.
    if (sub === 'list' || sub === 'show') return null;
    return `git:stash-${sub}`;
  }
  if (verb === 'tag' && args.some((a) => a === '--list' || a === '-l')) return null;
  return `git:${verb}`;
}
