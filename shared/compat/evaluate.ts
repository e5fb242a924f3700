import type { CompatibilityReport, DependentVerdict } from '../api/types.js';
import {
  atLeast,
  atMost,
  ConstraintError,
  parseConstraint,
  parseVersion,
  satisfies,
  type Constraint,
  type Version,
} from '../version/index.js';
import type { Requirement } from './requirement.js';

/** A breaking change announced by one of the releases between the current version and the target. */
export interface BreakingChange {
  /** Human text, e.g. `Python imports changed: infrastructure.edge → vitruvyan_edge`. */
  text: string;
  /** A stable identifier when the release metadata gives one (`BC-12`, a conventional-commit scope…). */
  id?: string;
  /** The release that carries it (`1.3.0`). */
  version: string;
}

/** The release a core would be upgraded to, with what dependents need to judge it. */
export interface TargetRelease {
  version: string;
  /** The `contracts_version` the release declares, or null when it declares none. */
  contractsVersion: string | null;
  /** Breaking changes of every release after the current one, up to and including the target. */
  breaking: BreakingChange[];
}

/** A project built on the core, and what it requires of it. */
export interface Dependent {
  project: string;
  requirement: Requirement;
}

/**
 * Judges a target release of `coreName` against every dependent. A dependent is compatible when every
 * check passes:
 *
 * - `min`: the target is not below it (a wildcard min `1.x.x` means the 1.x line or later);
 * - `max`: the target is not above it (`max: 1.x.x` admits 1.9.9 and 1.5.0-rc.1, but not 2.0.0-rc.1);
 * - `range`: the target satisfies it;
 * - `contractsMajor`: equals the major of the target's contracts_version. When the target declares no
 *   contracts_version this is not checked and does not block: older releases predate the field, and
 *   blocking on absence would block every such upgrade. The reason says so, so nobody mistakes it for a pass;
 * - every breaking change is allowed by `allowBreaking` (its text, its id, its release version, or `*`).
 *   No `allowBreaking` allows none: a dependent that has not opted in is not assumed to survive a break.
 *
 * Never throws on bad data: an unparseable constraint or target version makes that dependent
 * incompatible with a reason naming the bad text, because a bad manifest must not let an upgrade through.
 *
 * Each verdict's reason is exact and human. When incompatible, every failure is listed, joined with
 * "; ". When compatible, the reason lists what was checked.
 */
export function evaluateDependents(
  coreName: string,
  target: TargetRelease,
  dependents: readonly Dependent[],
): CompatibilityReport {
  const verdicts = dependents.map((d) => evaluateOne(coreName, target, d));
  return { compatible: verdicts.every((v) => v.compatible), dependents: verdicts };
}

function evaluateOne(core: string, target: TargetRelease, dependent: Dependent): DependentVerdict {
  const name = dependent.project;
  const req = dependent.requirement ?? {};
  const version = parseVersion(target.version);
  if (version === null) {
    return {
      project: name,
      compatible: false,
      reason: `Cannot check ${name}: target ${core} version "${target.version}" is not a version`,
    };
  }
  const shown = version.normalized;
  const failures: string[] = [];
  const checked: string[] = [];

  const min = constraintOf(req.min, 'min', name, failures);
  if (min !== null) {
    if (atLeast(version, min)) checked.push(min.kind === 'range' ? `no older than "${min.text}"` : `>= ${min.text}`);
    else if (min.kind === 'range') failures.push(`${name} requires ${core} no older than "${min.text}"; target is ${shown}`);
    else failures.push(`${name} requires ${core} >= ${min.text}; target is ${shown}`);
  }

  const max = constraintOf(req.max, 'max', name, failures);
  if (max !== null) {
    if (atMost(version, max)) checked.push(max.kind === 'range' ? `no newer than "${max.text}"` : `<= ${max.text}`);
    else if (max.kind === 'range') failures.push(`${name} requires ${core} no newer than "${max.text}"; target is ${shown}`);
    else failures.push(`${name} requires ${core} <= ${max.text}; target is ${shown}`);
  }

  const range = constraintOf(req.range, 'range', name, failures);
  if (range !== null) {
    if (satisfies(version, range)) checked.push(range.text);
    else failures.push(`${name} requires ${core} ${range.text}; target is ${shown}`);
  }

  let contractsNote = '';
  if (req.contractsMajor !== undefined) {
    const required = req.contractsMajor;
    if (typeof required !== 'number' || !Number.isInteger(required) || required < 0) {
      failures.push(`${name} has an invalid contracts major "${String(required)}": expected a whole number`);
    } else if (target.contractsVersion === null || target.contractsVersion === undefined) {
      checked.push(`contracts major ${required} (not checked: target declares no contracts_version)`);
    } else {
      const contracts = parseVersion(target.contractsVersion);
      if (contracts === null) {
        failures.push(
          `${core} ${shown} declares contracts_version "${target.contractsVersion}", which is not a version; ${name} requires contracts major ${required}`,
        );
      } else if (contracts.parts[0] !== required) {
        failures.push(
          `Contracts major mismatch: ${core} ${shown} has contracts ${contracts.normalized}, ${name} requires ${required}`,
        );
      } else {
        checked.push(`contracts major ${required}`);
        contractsNote = ` with contracts ${contracts.normalized}`;
      }
    }
  }

  const allowed = req.allowBreaking ?? [];
  let allowedCount = 0;
  for (const change of target.breaking ?? []) {
    if (breakingAllowed(change, allowed)) allowedCount++;
    else failures.push(`${name} does not allow breaking change "${String(change.text)}" (${core} ${displayVersion(change.version)})`);
  }

  if (failures.length > 0) return { project: name, compatible: false, reason: failures.join('; ') };

  const requires = checked.length > 0 ? `${name} requires ${core} ${checked.join(', ')}` : `${name} sets no version requirement on ${core}`;
  const breaking =
    (target.breaking ?? []).length === 0
      ? 'no breaking changes'
      : `${allowedCount} breaking change${allowedCount === 1 ? '' : 's'} allowed`;
  return { project: name, compatible: true, reason: `${requires}; target is ${shown}${contractsNote}; ${breaking}` };
}

/**
 * Parses one requirement field; a malformed one is recorded as a failure (never thrown) and yields null.
 * An absent or blank field yields null without a failure.
 */
function constraintOf(text: string | undefined, field: string, project: string, failures: string[]): Constraint | null {
  if (text === undefined || text === null) return null;
  if (typeof text !== 'string') {
    failures.push(`${project} has an invalid ${field} requirement: expected text, got ${typeof text}`);
    return null;
  }
  if (text.trim() === '') return null;
  try {
    return parseConstraint(text);
  } catch (e) {
    if (e instanceof ConstraintError) {
      failures.push(`${project} has an invalid ${field} requirement: ${e.message}`);
      return null;
    }
    throw e;
  }
}

/** An allowlist entry matches the change's text, its id, its release version (any spelling), or `*`. */
function breakingAllowed(change: BreakingChange, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false;
  const changeVersion: Version | null = typeof change.version === 'string' ? parseVersion(change.version) : null;
  for (const raw of allowed) {
    if (typeof raw !== 'string') continue;
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry === '*' || entry === String(change.text).trim() || (change.id !== undefined && entry === change.id)) return true;
    if (entry === change.version) return true;
    if (changeVersion !== null) {
      const v = parseVersion(entry);
      if (v !== null && v.normalized === changeVersion.normalized) return true;
    }
  }
  return false;
}

function displayVersion(text: string): string {
  return parseVersion(text)?.normalized ?? String(text);
}
