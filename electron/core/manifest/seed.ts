import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import type { Requirement } from '../../../shared/compat/requirement.js';
import { parseVersion } from '../../../shared/version/index.js';
import { describeValue, didYouMean, ManifestError, type ManifestIssue } from './errors.js';
import { toManifestIssues } from './issues.js';
import { DEFAULT_GATES, DEFAULT_SMOKE_TIMEOUT_SECONDS, SMOKE_TIMEOUT_BOUNDS, versionConstraint } from './schema.js';
import type { ProjectManifest } from './types.js';
import { locate, type ParsedYaml, replaceWithSource } from './yaml-locate.js';

export { SEED_MANIFEST_FILE } from './files.js';
/** The seed format's smoke test, relative to the project root. */
export const SEED_SMOKE_SCRIPT = 'smoke_tests/run.sh';
/** Key under `requires` for the seed requirement when the core's name is not known (no `--core`, no `core:`). */
export const SEED_CORE_PLACEHOLDER = '<core>';

/** The seed contract's bounds for `smoke_tests_timeout`; Upshift accepts its own wider bounds with a warning. */
const SEED_TIMEOUT_RANGE = { min: 60, max: 600 } as const;
/** `status` values in the seed's own JSON Schema. */
const SEED_STATUSES = ['draft', 'active', 'deprecated'];

const compatibilitySchema = z.looseObject({
  min_core_version: versionConstraint('Lowest core version').nullish(),
  max_core_version: versionConstraint('Highest core version').nullish(),
  contracts_major: z.int().min(0).nullish(),
  update_channel: z.enum(['stable', 'beta']).nullish(),
  breaking_changes_allowlist: z.array(z.string().regex(/\S/, 'must not be empty')).nullish(),
  smoke_tests_timeout: z.int().min(SMOKE_TIMEOUT_BOUNDS.min).max(SMOKE_TIMEOUT_BOUNDS.max).nullish(),
});

/** The parts of vertical_manifest.yaml that Upshift uses; everything else is reported and ignored. */
const seedSchema = z.looseObject({
  domain_name: z.string().regex(/\S/, 'must not be empty').nullish(),
  domain_version: z
    .string()
    .refine((v) => parseVersion(v) !== null, 'must be a version such as "0.2.0"')
    .nullish(),
  core: z.string().regex(/\S/, 'must not be empty').nullish(),
  compatibility: compatibilitySchema.nullish(),
});

const USED_KEYS = ['domain_name', 'domain_version', 'core', 'compatibility'];
const USED_COMPATIBILITY_KEYS = Object.keys(compatibilitySchema.shape);

/** Why some seed keys are ignored, beyond "not used by Upshift". */
const IGNORED_REASONS: Record<string, string> = {
  notifications: 'Upshift runs its own update checks and notifications',
  upstream: `releases are read from the project's git remote ("origin" unless an upshift.yml sets source.remote)`,
  schema_version: 'the seed schema version does not change how Upshift reads the file',
  contract_version: 'only compatibility.contracts_major is compared',
};

/**
 * Normalises a parsed seed-format `vertical_manifest.yaml`. Its `compatibility:` block becomes the
 * requirement on the core (named by `opts.core` or `core:`); `smoke_tests/run.sh`, if present, becomes the
 * smoke test with the seed's exit codes (0 pass, 1 fail, 2 error). Keys it does not use become warnings, and
 * so do values outside the seed's own contract that Upshift can still honour. A misspelling of a key it does
 * use (`compatibilty`, `max_core_verison`) is an error, since ignoring it would silently skip a check.
 * @throws ManifestError listing every problem.
 */
export function normalizeSeedManifest(parsed: ParsedYaml, root: string, opts: { core?: string | undefined }): ProjectManifest {
  const data = parsed.data;
  for (const p of [['domain_name'], ['domain_version'], ['core'], ['compatibility', 'min_core_version'], ['compatibility', 'max_core_version']]) {
    replaceWithSource(parsed, p);
  }
  const allow = (data.compatibility as Record<string, unknown> | null | undefined)?.breaking_changes_allowlist;
  if (Array.isArray(allow)) allow.forEach((_, i) => replaceWithSource(parsed, ['compatibility', 'breaking_changes_allowlist', i]));

  const issues: ManifestIssue[] = [];
  const result = seedSchema.safeParse(data);
  if (!result.success) issues.push(...toManifestIssues(parsed, seedSchema, result.error.issues));

  const warnings = [...parsed.warnings];
  const base = path.basename(parsed.file);
  const misspelt = (segments: string[], key: string, known: string[]): void => {
    const suggestion = didYouMean(key, known);
    if (suggestion === null) return;
    issues.push({
      file: parsed.file,
      ...locate(parsed, [...segments, key]),
      field: [...segments, key].join('.'),
      problem: `unknown key (did you mean "${suggestion}"?); Upshift reads "${suggestion}" and would otherwise skip it`,
    });
  };
  for (const [key, value] of Object.entries(data)) {
    if (USED_KEYS.includes(key)) continue;
    // `core` is Upshift's own short key, too close to ordinary words (`code`, `score`) to guess at.
    misspelt([], key, USED_KEYS.filter((k) => k !== 'core'));
    if (key === 'status') {
      warnings.push(
        typeof value === 'string' && !SEED_STATUSES.includes(value)
          ? `status ${describeValue(value)} is not one of ${SEED_STATUSES.map((s) => `"${s}"`).join(', ')}; ignored`
          : `status ${describeValue(value)}: not used by Upshift; ignored`,
      );
    } else {
      const reason = IGNORED_REASONS[key];
      warnings.push(`${key}: not used by Upshift${reason ? ` (${reason})` : ''}; ignored`);
    }
  }
  const compat = data.compatibility;
  if (compat !== null && typeof compat === 'object' && !Array.isArray(compat)) {
    for (const key of Object.keys(compat)) {
      if (USED_COMPATIBILITY_KEYS.includes(key)) continue;
      misspelt(['compatibility'], key, USED_COMPATIBILITY_KEYS);
      warnings.push(`compatibility.${key}: not used by Upshift; ignored`);
    }
  }
  if (issues.length > 0 || !result.success) throw new ManifestError(issues);

  const m = result.data;
  const c = m.compatibility ?? null;
  let core: string | null = m.core ?? null;
  if (opts.core !== undefined) {
    if (core !== null && core !== opts.core) warnings.push(`core: ${base} names "${core}" but --core names "${opts.core}"; using "${opts.core}"`);
    core = opts.core;
  }

  const requires: Record<string, Requirement> = {};
  if (c === null) {
    warnings.push(`compatibility: missing from ${base}, so nothing limits which core versions this project accepts`);
  } else {
    const req: Requirement = {};
    if (c.min_core_version != null) req.min = c.min_core_version;
    if (c.max_core_version != null) req.max = c.max_core_version;
    if (c.contracts_major != null) req.contractsMajor = c.contracts_major;
    if (c.breaking_changes_allowlist != null) req.allowBreaking = [...c.breaking_changes_allowlist];
    if (core === null) {
      requires[SEED_CORE_PLACEHOLDER] = req;
      warnings.push(
        `compatibility: ${base} does not say which project is its core; pass --core <project> (or add "core: <project>" to the file) so this requirement is checked. Until then it is kept under "${SEED_CORE_PLACEHOLDER}"`,
      );
    } else {
      requires[core] = req;
    }
  }

  const timeout = c?.smoke_tests_timeout ?? null;
  const hasSmoke = fs.statSync(path.join(root, SEED_SMOKE_SCRIPT), { throwIfNoEntry: false })?.isFile() === true;
  if (timeout !== null && (timeout < SEED_TIMEOUT_RANGE.min || timeout > SEED_TIMEOUT_RANGE.max)) {
    warnings.push(`compatibility.smoke_tests_timeout ${timeout} is outside the seed contract's ${SEED_TIMEOUT_RANGE.min}..${SEED_TIMEOUT_RANGE.max} seconds; used as is`);
  }
  if (timeout !== null && !hasSmoke) warnings.push(`compatibility.smoke_tests_timeout: there is no ${SEED_SMOKE_SCRIPT}, so no smoke test runs; ignored`);

  return {
    file: 'vertical_manifest.yaml',
    filePath: parsed.file,
    name: m.domain_name ?? null,
    source: { type: 'git', remote: 'origin', tagPattern: 'v{version}' },
    channel: c?.update_channel === 'beta' ? 'prerelease' : 'stable',
    install: null,
    smoke: hasSmoke ? { command: `sh ${SEED_SMOKE_SCRIPT}`, timeoutSeconds: timeout ?? DEFAULT_SMOKE_TIMEOUT_SECONDS, seedExitCodes: true } : null,
    snapshot: { paths: [], mode: 'auto' },
    hooks: { preUpgrade: null, postCheckout: null, postUpgrade: null, onRollback: null },
    requires,
    core,
    gates: { ...DEFAULT_GATES },
    declaredVersion: m.domain_version ?? null,
    seedFormat: true,
    warnings,
  };
}
