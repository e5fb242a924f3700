import type { PlanStep } from '../api/types.js';
import { describeSnapshotModes, snapshotModes, type SnapshotModeSetting } from './snapshot-mode.js';

/** What the step list of an upgrade depends on; all of it comes from the manifest and the chosen release. */
export interface UpgradeStepInput {
  remote: string;
  targetTag: string;
  targetSha: string;
  install: string | null;
  smoke: { command: string; timeoutSeconds: number } | null;
  hooks: { preUpgrade: string | null; postCheckout: string | null; postUpgrade: string | null };
  snapshotPaths: string[];
  /** How the paths are set aside (snapshot-mode.ts decides each path's mode, and the plan says which and why). */
  snapshotMode: SnapshotModeSetting;
  seedFormat: boolean;
  stash: boolean;
  /** Health checks after smoke and the postUpgrade hook, described (`http http://…/health`); absent: none. */
  health?: string[];
  /** The watch window after the health checks; absent: none. */
  watch?: { seconds: number; intervalSeconds: number } | null;
  /** The checkout step as the plan decided it (what happens to the branch); absent: a detached checkout. */
  checkout?: { title: string; command: string };
  /** With `verify:` in the manifest: the allowed signers, described; the tag's signature is checked before checkout. */
  verify?: string;
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
    snapshotParts.push(describeSnapshotModes(snapshotModes(input.snapshotMode, input.snapshotPaths, input.install)));
  }
  steps.push({ id: 'snapshot', title: snapshotParts.join('; '), command: 'git update-ref refs/upshift/snapshots/<operation> HEAD' });
  steps.push({
    id: 'fetch',
    title: `Fetch tag ${input.targetTag} from ${input.remote}`,
    command: `git fetch --no-tags --no-recurse-submodules ${shellQuote(input.remote)} ${shellQuote(`refs/tags/${input.targetTag}:refs/tags/${input.targetTag}`)}`,
  });
  if (input.verify) {
    steps.push({ id: 'verify', title: `Verify the signature of tag ${input.targetTag} (allowed: ${input.verify})`, command: `git verify-tag --raw ${shellQuote(input.targetTag)}` });
  }
  steps.push({
    id: 'checkout',
    title: input.checkout?.title ?? `Check out ${input.targetTag} by commit (hooks disabled, no submodule recursion)`,
    command: input.checkout?.command ?? `git -c core.hooksPath=/dev/null checkout --detach --no-recurse-submodules ${input.targetSha}`,
  });
  if (input.hooks.postCheckout) steps.push({ id: 'hook:postCheckout', title: 'Run the postCheckout hook', command: input.hooks.postCheckout });
  if (input.install) steps.push({ id: 'install', title: 'Install dependencies', command: input.install });
  steps.push(...verificationSteps(input));
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

/** What every kind runs after the change: smoke tests, the postUpgrade hook, health checks, the watch window. */
export interface VerificationInput {
  smoke: { command: string; timeoutSeconds: number } | null;
  hooks: { postUpgrade: string | null };
  health?: string[];
  watch?: { seconds: number; intervalSeconds: number } | null;
}

export function verificationSteps(input: VerificationInput): PlanStep[] {
  const steps: PlanStep[] = [];
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
  return steps;
}

/** The steps of an artifact upgrade: the new version is unpacked beside the old one, and `current` switched. */
export interface ArtifactStepInput extends VerificationInput {
  version: string;
  asset: string;
  checksums: string;
  /** Where the asset comes from: a URL, or a file of the offline release folder. */
  from: { url: string } | { file: string };
  unpack: { archive: boolean; strip: number };
  restart: string | null;
  hooks: { preUpgrade: string | null; postUpgrade: string | null };
  keep: number;
  keepDays: number | null;
}

export function artifactSteps(input: ArtifactStepInput): PlanStep[] {
  const dir = `versions/${input.version}`;
  const steps: PlanStep[] = [{ id: 'preflight', title: 'Check free disk space and that `current` is a symlink Upshift can switch, take the project lock', command: null }];
  if (input.hooks.preUpgrade) steps.push({ id: 'hook:preUpgrade', title: 'Run the preUpgrade hook', command: input.hooks.preUpgrade });
  steps.push({ id: 'snapshot', title: 'Record where `current` points now', command: 'readlink current' });
  if ('url' in input.from) {
    steps.push({ id: 'download', title: `Download ${input.asset} and ${input.checksums}`, command: `curl -fLO ${shellQuote(input.from.url)}` });
  }
  steps.push({
    id: 'verify',
    title: `Verify ${'file' in input.from ? input.from.file : input.asset} against ${input.checksums} (SHA-256)`,
    command: `sha256sum --check --ignore-missing ${shellQuote(input.checksums)}`,
  });
  steps.push({
    id: 'unpack',
    title: input.unpack.archive
      ? `Unpack into ${dir} (entries escaping it refused before anything is written${input.unpack.strip > 0 ? `; strip ${input.unpack.strip}` : ''}; an identical earlier install is reused)`
      : `Install ${input.asset} into ${dir}`,
    command: input.unpack.archive ? `tar -xf ${shellQuote(input.asset)} -C ${shellQuote(dir)}${input.unpack.strip > 0 ? ` --strip-components=${input.unpack.strip}` : ''}` : null,
  });
  steps.push({ id: 'switch', title: `Switch \`current\` to ${dir} (atomic rename of a new symlink)`, command: `ln -sfn ${shellQuote(dir)} current` });
  if (input.restart) steps.push({ id: 'restart', title: 'Run the restart command', command: input.restart });
  steps.push(...verificationSteps(input));
  const retention = `keep ${input.keep}${input.keepDays !== null ? ` and any used within ${input.keepDays} days` : ''}`;
  steps.push({ id: 'finalize', title: `Record the upgrade, prune old versions (${retention}), release the lock`, command: null });
  return steps;
}

/** A user command as the plan shows it: argv quoted for a shell, or the shell string with the version it reads. */
export function displayUserCommand(c: { argv: string[] } | { shell: string }, version: string | null): string {
  if ('argv' in c) return c.argv.map((a) => shellQuote(version === null ? a : a.replaceAll('{version}', version))).join(' ');
  return version === null ? c.shell : `UPSHIFT_VERSION=${shellQuote(version)} sh -c ${shellQuote(c.shell)}`;
}

/** The steps of a command-driven upgrade: the user's apply command, then its `current` must report the target. */
export interface CommandStepInput extends VerificationInput {
  version: string;
  apply: { argv: string[] } | { shell: string };
  current: { argv: string[] } | { shell: string };
  hooks: { preUpgrade: string | null; postUpgrade: string | null };
}

export function commandSteps(input: CommandStepInput): PlanStep[] {
  const steps: PlanStep[] = [{ id: 'preflight', title: 'Check that the installed version is still the one planned from, take the project lock', command: displayUserCommand(input.current, null) }];
  if (input.hooks.preUpgrade) steps.push({ id: 'hook:preUpgrade', title: 'Run the preUpgrade hook', command: input.hooks.preUpgrade });
  steps.push({ id: 'snapshot', title: 'Record the installed version (what a rollback returns to)', command: null });
  steps.push({ id: 'apply', title: `Apply ${input.version} (the version is passed as an argument, never as shell text)`, command: displayUserCommand(input.apply, input.version) });
  steps.push({ id: 'verify-version', title: `Check that the installed version is now ${input.version}`, command: displayUserCommand(input.current, null) });
  steps.push(...verificationSteps(input));
  steps.push({ id: 'finalize', title: 'Record the upgrade, release the lock', command: null });
  return steps;
}
