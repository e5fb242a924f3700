/**
 * Version strategies: which of a project's releases may be offered at all. Pure (no Node modules): the engine
 * feeds it the releases, the dates and LTS flags it knows, and reports what was left out and why.
 */
import { compareVersions, parseConstraint, parseVersion, satisfies, versionsEqual, type Release, type Version } from '../version/index.js';

export type StrategyName = 'latest' | 'pinned' | 'range' | 'lts';
export const STRATEGIES: readonly StrategyName[] = ['latest', 'pinned', 'range', 'lts'];

export interface StrategyOptions {
  strategy: StrategyName;
  /** `pinned`: the exact version to stay on or move to. */
  version?: string | null;
  /** `range`: a constraint (`>=2.9 <3`). */
  range?: string | null;
  /** Versions never offered. */
  exclude?: readonly string[];
  /** Days a release must have been out before it is offered. */
  minimumReleaseAge?: number | null;
  now: Date;
  /** Release dates by tag or normalised version; a release missing here has an unknown age. */
  releaseDates?: ReadonlyMap<string, Date>;
  /** LTS flags by tag or normalised version (from release metadata); a release missing here is unknown. */
  lts?: ReadonlyMap<string, boolean>;
  /** Where the pin came from, for the reason text (`UPSHIFT_PIN_CORE`); default the manifest. */
  pinSource?: string | null;
}

export interface StrategyExclusion {
  version: string;
  tag: string;
  reason: string;
  /** When an age exclusion ends (ISO date), for `minimumReleaseAge`. */
  eligibleOn?: string;
}

export interface StrategyResult {
  /** Releases that may be offered, in the order given (newest first). */
  eligible: Release[];
  excluded: StrategyExclusion[];
  /**
   * Eligible releases whose age or LTS flag is not known yet (their tag has not been fetched): judged again
   * once it is (the plan fetches them).
   */
  unjudged: Array<{ version: string; tag: string; reason: string }>;
}

const DAY_MS = 86_400_000;

function lookup<T>(map: ReadonlyMap<string, T> | undefined, r: Release): T | undefined {
  return map?.get(r.tag) ?? map?.get(r.version.normalized);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2026-11-25` */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Splits `releases` into those the strategy offers and those it does not, each with a reason a user can act
 * on. Downgrades are not judged here (the engine never offers them); every release given is judged.
 */
export function applyStrategy(releases: readonly Release[], current: Version | null, opts: StrategyOptions): StrategyResult {
  const eligible: Release[] = [];
  const excluded: StrategyExclusion[] = [];
  const unjudged: StrategyResult['unjudged'] = [];
  const exclude = (opts.exclude ?? []).map((e) => ({ text: e, version: parseVersion(e) }));
  const pin = opts.strategy === 'pinned' && opts.version ? parseVersion(opts.version) : null;
  const range = opts.strategy === 'range' && opts.range ? parseConstraint(opts.range) : null;
  const pinFrom = opts.pinSource ? ` (${opts.pinSource})` : '';
  void current;
  for (const r of releases) {
    const v = r.version.normalized;
    const out = (reason: string, extra: Partial<StrategyExclusion> = {}) => excluded.push({ version: v, tag: r.tag, reason, ...extra });
    const ex = exclude.find((e) => (e.version ? versionsEqual(e.version, r.version) : e.text === r.tag));
    if (ex) {
      out(`${v} is excluded by the manifest (exclude: ${ex.text})`);
      continue;
    }
    if (opts.strategy === 'pinned') {
      if (!pin) {
        out('strategy "pinned" needs a version to pin to');
        continue;
      }
      if (!versionsEqual(pin, r.version)) {
        out(`pinned to ${pin.normalized}${pinFrom}`);
        continue;
      }
    }
    if (range && !satisfies(r.version, range)) {
      out(`outside the range ${opts.range}`);
      continue;
    }
    const pending: string[] = [];
    if (opts.strategy === 'lts') {
      const flag = lookup(opts.lts, r);
      if (flag === false) {
        out(`${v} is not an LTS release`);
        continue;
      }
      if (flag === undefined) pending.push('LTS is judged from its release metadata at plan time');
    }
    const minDays = opts.minimumReleaseAge ?? 0;
    if (minDays > 0) {
      const date = lookup(opts.releaseDates, r);
      if (!date) pending.push('its age is judged from its tag date at plan time');
      else {
        const eligibleAt = new Date(date.getTime() + minDays * DAY_MS);
        if (eligibleAt.getTime() > opts.now.getTime()) {
          const age = Math.max(0, Math.floor((opts.now.getTime() - date.getTime()) / DAY_MS));
          out(`${v} is ${plural(age, 'day')} old (minimumReleaseAge ${plural(minDays, 'day')}); eligible on ${isoDay(eligibleAt)}`, {
            eligibleOn: eligibleAt.toISOString(),
          });
          continue;
        }
      }
    }
    eligible.push(r);
    if (pending.length > 0) unjudged.push({ version: v, tag: r.tag, reason: `${v}: ${pending.join('; ')}` });
  }
  return { eligible, excluded, unjudged };
}

/** `core-api` → `UPSHIFT_PIN_CORE_API`. */
export function pinVariable(project: string): string {
  return `UPSHIFT_PIN_${project.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The strategy after environment overrides: `UPSHIFT_PIN_<NAME>=x.y.z` pins regardless of the manifest. An
 * override that is not a version is reported, not applied.
 */
export function effectiveStrategy(
  project: string,
  manifest: { strategy: StrategyName; version: string | null; range: string | null },
  env: Readonly<Record<string, string | undefined>>,
): { strategy: StrategyName; version: string | null; range: string | null; pinSource: string | null; problem: string | null } {
  const name = pinVariable(project);
  const raw = env[name]?.trim();
  if (raw) {
    const v = parseVersion(raw);
    if (v) return { strategy: 'pinned', version: v.normalized, range: null, pinSource: name, problem: null };
    return { ...manifest, pinSource: null, problem: `${name}=${JSON.stringify(raw)} is not a version; ignored` };
  }
  return { ...manifest, pinSource: manifest.strategy === 'pinned' ? 'manifest' : null, problem: null };
}

/** A pin below the version running now: the strategy cannot be met by an upgrade. */
export function pinBelowCurrent(pin: string | null, current: Version | null): boolean {
  const p = pin ? parseVersion(pin) : null;
  return p !== null && current !== null && compareVersions(p, current) < 0;
}
