import path from 'node:path';
import type { ApiError } from '../../../shared/api/types.js';

/** One problem in a manifest file, located in the YAML text. */
export interface ManifestIssue {
  /** Absolute path of the manifest file. */
  file: string;
  /** 1-based line of the offending key or value (1 for problems with the whole file). */
  line: number;
  /** 1-based column. */
  column: number;
  /** Dotted path of the field (`smoke.timeoutSeconds`, `snapshot.paths[1]`), or '' for the whole file. */
  field: string;
  /** What is wrong, as a sentence fragment without a trailing period (`expected a number, got "fast"`). */
  problem: string;
}

/**
 * A manifest that cannot be used: unreadable, not YAML, not a mapping, or failing the schema. Loading never
 * changes anything on disk, so every message ends with "Nothing was changed." The top-level location fields
 * repeat the first issue (in file order); `issues` holds all of them.
 */
export class ManifestError extends Error {
  readonly code = 'MANIFEST_INVALID' as const;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly problem: string;
  readonly issues: readonly ManifestIssue[];

  /** @param issues at least one issue; they are sorted by position in the file. */
  constructor(issues: ManifestIssue[]) {
    if (issues.length === 0) throw new TypeError('ManifestError needs at least one issue');
    const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
    super(formatManifestIssues(sorted));
    this.name = 'ManifestError';
    const first = sorted[0] as ManifestIssue;
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.field = first.field;
    this.problem = first.problem;
    this.issues = sorted;
  }

  /** The error as it crosses a boundary (CLI `--json`, IPC). Never retryable: the file must be edited. */
  toApiError(): ApiError {
    return {
      code: this.code,
      message: this.message,
      retryable: false,
      details: {
        file: this.file,
        line: this.line,
        column: this.column,
        field: this.field,
        problem: this.problem,
        issues: this.issues.map((i) => ({ ...i })),
      },
    };
  }
}

/** `upshift.yml:7:3: smoke.timeoutSeconds: expected a number, got "fast"` (no trailing period). */
export function formatManifestIssue(issue: ManifestIssue): string {
  const where = `${path.basename(issue.file)}:${issue.line}:${issue.column}`;
  return issue.field ? `${where}: ${issue.field}: ${issue.problem}` : `${where}: ${issue.problem}`;
}

function formatManifestIssues(issues: ManifestIssue[]): string {
  if (issues.length === 1) return `${formatManifestIssue(issues[0] as ManifestIssue)}. Nothing was changed.`;
  const lines = issues.map((i) => `${formatManifestIssue(i)}.`);
  return `${lines.join('\n')}\n${issues.length} problems in ${path.basename(issues[0]?.file ?? '')}. Nothing was changed.`;
}

/** Renders a path like `['requires', 'core', 'min']` as `requires.core.min`, indices as `[1]`. */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      if (/^[A-Za-z0-9_$-]+$/.test(s)) out += out ? `.${s}` : s;
      else out += `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** Describes a value for "got …" in a problem: `"fast"`, `1.5`, `a list`, `a mapping`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/**
 * The closest known word to a misspelt one, or null when nothing is close: the same word ignoring case,
 * `_` and `-` (`timeout_seconds` → `timeoutSeconds`), or within a small edit distance.
 */
export function didYouMean(word: string, known: readonly string[]): string | null {
  const squash = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  const w = squash(word);
  const exact = known.find((k) => squash(k) === w);
  if (exact !== undefined) return exact;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(w, squash(k));
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  return best !== null && bestDistance <= limit ? best : null;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}
