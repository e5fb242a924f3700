import type { BumpType, Risk, RiskLevel } from '../api/types.js';
import type { NumericBump } from './bump.js';

export interface RiskInput {
  bump: BumpType;
  /** For a prerelease: the numeric bump it crosses (crossedBump), so that a prerelease of a new major is high. */
  crosses?: NumericBump | null;
  /** Breaking changes announced by the releases being skipped over, as text. */
  breaking: string[];
  /** Names of dependents the target is incompatible with. */
  incompatibleDependents: string[];
  hasSmokeTests: boolean;
  /** The target fixes a security problem. */
  security?: boolean;
  /** HEAD has commits the target lacks (the target is not a descendant of HEAD): how many, and how many only exist here. */
  diverged?: { count: number; localOnly: number; target: string } | null;
}

const ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

const BUMP: Record<BumpType, { level: RiskLevel; reason: string }> = {
  patch: { level: 'low', reason: 'Patch release: by convention only bug fixes.' },
  minor: { level: 'medium', reason: 'Minor release: new features that should stay backward compatible.' },
  major: { level: 'high', reason: 'Major release: may contain incompatible changes.' },
  prerelease: { level: 'medium', reason: 'Prerelease: not a final release and may be unstable.' },
  none: { level: 'low', reason: 'Same version: nothing would change.' },
  downgrade: {
    level: 'high',
    reason: 'Downgrade: moves to an older version, which may not read data written by the newer one.',
  },
};

/**
 * How risky an upgrade is, with one human sentence per factor. The level is the highest any factor
 * reaches:
 *
 * - the bump: patch low, minor medium, major high, prerelease medium (a prerelease is never low), a
 *   downgrade high; a prerelease is at least as risky as the bump it crosses (`crosses`): across a major, high;
 * - breaking changes: high without smoke tests (nothing would notice the break), at least medium with them;
 * - dependents the target is incompatible with: high;
 * - no smoke tests at all: at least medium, since a broken upgrade would only be noticed by hand;
 * - HEAD has commits the target lacks (`diverged`): high, whatever the bump — the upgrade takes them out of the
 *   working tree (node_exporter's master, 25 commits past v1.12.0, "upgraded" to v1.12.1 on its release branch);
 * - `security` adds a sentence but never lowers the level: a security fix is urgent, not safer, and
 *   still passes through the same gates (the seed that auto-installed breaking security fixes was wrong).
 */
export function assessRisk(input: RiskInput): Risk {
  const reasons: string[] = [];
  let level: RiskLevel = 'low';
  const raise = (to: RiskLevel) => {
    if (ORDER[to] > ORDER[level]) level = to;
  };

  const bump = BUMP[input.bump] ?? { level: 'high' as const, reason: `Unknown kind of change "${String(input.bump)}".` };
  raise(bump.level);
  reasons.push(bump.reason);
  if (input.bump === 'prerelease' && (input.crosses === 'major' || input.crosses === 'minor')) {
    const crossed = BUMP[input.crosses];
    raise(crossed.level);
    reasons.push(`It leads to a new ${input.crosses} version: ${crossed.reason.slice(crossed.reason.indexOf(':') + 2)}`);
  }

  const breaking = (input.breaking ?? []).filter((b) => typeof b === 'string' && b.trim() !== '');
  if (breaking.length > 0) {
    const list = breaking.map((b) => `"${clip(b.trim())}"`).join(', ');
    const count = breaking.length === 1 ? '1 breaking change' : `${breaking.length} breaking changes`;
    if (input.hasSmokeTests) {
      raise('medium');
      reasons.push(`${count} announced (${list}); smoke tests will check the result.`);
    } else {
      raise('high');
      reasons.push(`${count} announced (${list}) and no smoke tests to catch what breaks.`);
    }
  }

  const incompatible = input.incompatibleDependents ?? [];
  if (incompatible.length > 0) {
    raise('high');
    const who = incompatible.length === 1 ? 'dependent' : 'dependents';
    reasons.push(`Incompatible with ${incompatible.length} ${who}: ${incompatible.join(', ')}.`);
  }

  if (!input.hasSmokeTests) {
    raise('medium');
    reasons.push('No smoke tests configured: a broken upgrade would only be noticed by hand.');
  }

  const apart = input.diverged;
  if (apart && apart.count > 0) {
    raise('high');
    const commits = apart.count === 1 ? '1 commit' : `${apart.count} commits`;
    const local = apart.localOnly === 0 ? '' : apart.localOnly === apart.count ? (apart.count === 1 ? ', which exists only in this clone' : ', all of them only in this clone') : `, ${apart.localOnly} of them only in this clone`;
    reasons.push(`Not a descendant of the current checkout: HEAD has ${commits} that ${apart.target} does not contain${local}; the upgrade takes them out of the working tree.`);
  }

  if (input.security === true) {
    reasons.push('Security fix: worth applying soon, but that does not make it any less risky.');
  }

  return { level, reasons };
}

/** Keeps one breaking-change text readable inside a sentence. */
function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= 120 ? oneLine : `${oneLine.slice(0, 119)}…`;
}
