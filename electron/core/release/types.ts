import type { Version } from '../../../shared/version/index.js';

/**
 * A release to describe: its tag and the commit it points at. The tag and commit must be present locally
 * (the engine calls `fetchTag` first); nothing here talks to the remote.
 */
export interface ReleaseInput {
  tag: string;
  sha: string;
  /** The normalised version (`1.3.0`) or the parsed Version. */
  version: string | Version;
}

/** A breaking change, attributed to the release that brings it. */
export interface BreakingChange {
  text: string;
  /** Stable identifier a dependent can allow: the metadata entry's `id`, or the commit's 7-character id. */
  id?: string;
  /** The release version (normalised). */
  version: string;
}

/** Release metadata as read from `release_metadata.json` / `releases.json` in the release's tree. */
export interface ReleaseMetadata {
  file: string;
  version: string | null;
  channel: string | null;
  releaseDate: string | null;
  contractsVersion: string | null;
  breaking: Array<{ text: string; id?: string }>;
  features: string[];
  fixes: string[];
  migrationGuideUrl: string | null;
  /** Free text (`notes`, `summary`, `description`). */
  summary: string | null;
  checksum: { type: string; value: string } | null;
  /** Keys present in the entry that Upshift does not use (dotted for nested ones). */
  ignoredKeys: string[];
  /** `lts: true` / `false` in the entry (strategy "lts"); absent when the entry does not say. */
  lts?: boolean;
  /** `required_stop: true`: a multi-hop path from below must stop at this release (shared/plan/path.ts). */
  requiredStop?: boolean;
  /** `eol_date`: the last day this release's line is supported (support windows, shared/policy/support.ts). */
  eolDate?: string;
  /** `replacement`: what to move to once it is end of life (a version, or a project's name). */
  replacement?: string;
  /** `security: true|false`: the release is (not) a security release (issue 9 §1). */
  security?: boolean;
  /** `security_critical: true`: a critical security release. */
  securityCritical?: boolean;
  /** CVE / GHSA ids from `cve`, `cves`, `cve_ids` or `advisories`. */
  advisories?: string[];
}

/**
 * One problem in a release metadata file, located like a manifest problem: `releases.json:12:5: changes.breaking[2]:
 * expected text or {"id", "text"}, got 42`. `file` is the name as the reader knows it (`release_metadata.json`,
 * `1.3.0/release_metadata.json`, `release_metadata.json (release asset)`).
 */
export interface ReleaseMetadataIssue {
  file: string;
  /** 1-based line and column of the offending key or value (1, 1 for the whole file). */
  line: number;
  column: number;
  /** Dotted path of the field in the file (`changes.breaking_changes`, `releases[2].release_date`), '' for the file. */
  field: string;
  /** What is wrong: what was expected and what was found. */
  problem: string;
}

/**
 * Release metadata that is there but cannot be trusted (invalid JSON, wrong shapes). The release is not read as
 * having no breaking changes: the plan blocks it with `reason`, a folder listing skips it, an import refuses it.
 */
export interface InvalidMetadata {
  /** The file as the reader names it (`release_metadata.json`, `release_metadata.json (release asset)`). */
  file: string;
  issues: ReleaseMetadataIssue[];
  /** One sentence naming the file, the release, each field and what was expected. */
  reason: string;
}

export function versionText(v: string | Version): string {
  return typeof v === 'string' ? v : v.normalized;
}
