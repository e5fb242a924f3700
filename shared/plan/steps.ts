import type { PlanStep } from '../api/types.js';

/** What the step list of an upgrade depends on; all of it comes from the manifest and the chosen release. */
export interface UpgradeStepInput {
  remote: string;
  targetTag: string;
  targetSha: string;
  install: string | null;
  smoke: { command: string; timeoutSeconds: number } | null;
  hooks: { preUpgrade: string | null; postCheckout: string | null; postUpgrade: string | null };
  snapshotPaths: string[];
  snapshotMode: 'move' | 'copy';
  seedFormat: boolean;
  stash: boolean;
  /** Health checks after smoke and the postUpgrade hook, described (`http http://…/health`); absent: none. */
  health?: string[];
  /** The watch window after the health checks; absent: none. */
  watch?: { seconds: number; intervalSeconds: number } | null;
}

/** Quotes one word for display in a POSIX shell; the engine itself never builds shell strings from remote data. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The exact steps an upgrade runs, in order, with the command lines a user could type to do the same by hand.
 * The executor runs exactly these ids, so the plan a user approves is the plan that executes.
 */
export function upgradeSteps(input: UpgradeStepInput): PlanStep[] {
  const steps: PlanStep[] = [
    {
      id: 'preflight',
      title: input.stash
        ? 'Check free disk space, take the project lock, stash uncommitted work'
        : 'Refuse a dirty tree, check free disk space, take the project lock',
      command: input.stash ? 'git stash push --include-untracked -m "upshift <operation>"' : 'git status --porcelain',
    },
  ];
  if (input.hooks.preUpgrade) steps.push({ id: 'hook:preUpgrade', title: 'Run the preUpgrade hook', command: input.hooks.preUpgrade });
  const snapshotParts = ['Record HEAD and branch as refs/upshift/snapshots/<operation>'];
  if (input.seedFormat) snapshotParts.push('tag pre-upgrade-YYYYMMDD-HHMMSS');
  if (input.snapshotPaths.length > 0) {
    snapshotParts.push(`${input.snapshotMode === 'move' ? 'move' : 'copy'} ${input.snapshotPaths.join(', ')} aside`);
  }
  steps.push({ id: 'snapshot', title: snapshotParts.join('; '), command: 'git update-ref refs/upshift/snapshots/<operation> HEAD' });
  steps.push({
    id: 'fetch',
    title: `Fetch tag ${input.targetTag} from ${input.remote}`,
    command: `git fetch --no-tags --no-recurse-submodules ${shellQuote(input.remote)} ${shellQuote(`refs/tags/${input.targetTag}:refs/tags/${input.targetTag}`)}`,
  });
  steps.push({
    id: 'checkout',
    title: `Check out ${input.targetTag} by commit (hooks disabled, no submodule recursion)`,
    command: `git -c core.hooksPath=/dev/null checkout --detach --no-recurse-submodules ${input.targetSha}`,
  });
  if (input.hooks.postCheckout) steps.push({ id: 'hook:postCheckout', title: 'Run the postCheckout hook', command: input.hooks.postCheckout });
  if (input.install) steps.push({ id: 'install', title: 'Install dependencies', command: input.install });
  if (input.smoke) {
    steps.push({ id: 'smoke', title: `Run smoke tests (timeout ${input.smoke.timeoutSeconds} s)`, command: input.smoke.command });
  }
  if (input.hooks.postUpgrade) steps.push({ id: 'hook:postUpgrade', title: 'Run the postUpgrade hook', command: input.hooks.postUpgrade });
  const health = input.health ?? [];
  if (health.length > 0) steps.push({ id: 'health', title: `Health checks: ${health.join(', ')}`, command: null });
  if (input.watch && health.length > 0) {
    steps.push({
      id: 'watch',
      title: `Watch for ${input.watch.seconds} s (health checks every ${input.watch.intervalSeconds} s; a failure rolls back)`,
      command: null,
    });
  }
  steps.push({
    id: 'finalize',
    title: input.stash ? 'Give the stashed work back, record the upgrade, release the lock' : 'Record the upgrade, release the lock',
    command: input.stash ? 'git stash pop' : null,
  });
  return steps;
}

/** Median of past durations in seconds, or null with no history: a guess is worse than no number. */
export function estimateSeconds(pastDurationsMs: readonly number[]): number | null {
  if (pastDurationsMs.length === 0) return null;
  const sorted = [...pastDurationsMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(median / 100) / 10;
}
