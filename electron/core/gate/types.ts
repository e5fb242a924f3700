/**
 * The shapes `upshift ci` and `upshift matrix` print with --json (and write as JUnit and HTML). The CI report keeps
 * the seed gate's keys (`blocked`, `reason`, `failing_verticals`, `total_verticals`) so scripts written for it still
 * read it, and adds what the seed left out: the candidate, and a result per vertical with its reasons.
 */
import type { Requirement } from '../../../shared/compat/requirement.js';
import type { BreakingChange } from '../release/types.js';

/** Where the candidate's tree comes from. */
export type CandidateKind = 'tag' | 'commit' | 'worktree';

/** The release being judged: a tag, a commit or the core's working tree, and what its metadata says. */
export interface CandidateInfo {
  version: string;
  kind: CandidateKind;
  /** The tag, when the candidate is one. */
  tag: string | null;
  /** The commit (for the working tree: HEAD under the uncommitted changes; null in a repository without commits). */
  sha: string | null;
  /** `tag v1.4.0`, `commit 1a2b3c4d5e6f`, `working tree of /src/core`. */
  label: string;
  contractsVersion: string | null;
  /** The breaking changes of this release: its metadata's and conventional-commit ones since `previous`. */
  breakingChanges: BreakingChange[];
  /** The metadata file that was read (`release_metadata.json`, `releases.json`), or null when there is none. */
  metadataFile: string | null;
  /** The release before it (the start of the commit range read for breaking changes), when there is one. */
  previous: { version: string; tag: string } | null;
  /** Why its metadata cannot be used (invalid file): every vertical is then failed with this reason. */
  unread: string | null;
  warnings: string[];
}

/** The manifest format a vertical was read from. */
export type VerticalFormat = 'vertical_manifest.yaml' | 'upshift.yml' | 'none';

/** One vertical judged against one core version. */
export interface VerticalResult {
  name: string;
  /** The manifest file that was read (absolute). */
  manifest: string;
  format: VerticalFormat;
  compatible: boolean;
  /**
   * The verdict in words (shared/compat's reason: when compatible, what was checked; when not, every failure), plus
   * why the candidate's metadata could not be used when that is so, and which of the manifest's requirements was read.
   */
  reasons: string[];
  /** What the vertical requires of the core (null: it declares nothing about this core). */
  requirement: Requirement | null;
  /** What the manifest loader reported about the file (keys it does not use, values outside the seed's contract). */
  warnings: string[];
}

/** `upshift ci --json`. Exit 1 when `blocked`. */
export interface CiReport {
  blocked: boolean;
  /** One sentence: what was judged and the outcome. */
  reason: string;
  /** Names of the verticals that are not compatible (the seed's key). */
  failing_verticals: string[];
  total_verticals: number;
  core: { name: string; path: string };
  candidate: CandidateInfo;
  results: VerticalResult[];
}

/** A smoke run in one cell of the matrix. */
export interface SmokeResult {
  /** passed: exit 0; failed: exit 1 (or any other non-zero without the seed's codes); error: the seed's exit 2, or the worktrees could not be made; timeout; cancelled (Ctrl-C); skipped: the vertical has no smoke command. */
  status: 'passed' | 'failed' | 'error' | 'timeout' | 'cancelled' | 'skipped';
  command: string | null;
  exitCode: number | null;
  durationMs: number;
  /** The last lines of output, or why it did not run. */
  excerpt: string;
}

export interface MatrixCell {
  compatible: boolean;
  reasons: string[];
  smoke?: SmokeResult;
}

/** A column of the matrix: one core version. */
export interface MatrixColumn {
  version: string;
  kind: CandidateKind;
  tag: string | null;
  sha: string | null;
  label: string;
  /** The candidate given with --version (the last column), as opposed to a past release. */
  candidate: boolean;
  contractsVersion: string | null;
  breakingChanges: number;
  unread: string | null;
}

export interface MatrixRow {
  name: string;
  manifest: string;
  format: VerticalFormat;
  requirement: Requirement | null;
  /** One cell per column, in the columns' order. */
  cells: MatrixCell[];
}

/** `upshift matrix --json`. */
export interface MatrixReport {
  core: { name: string; path: string };
  columns: MatrixColumn[];
  rows: MatrixRow[];
  /** Whether smoke tests ran (--run-smoke). */
  smoke: boolean;
  /** The candidate column has an incompatible cell or a failing smoke run (exit 1); false without a candidate. */
  candidateBlocked: boolean;
}
