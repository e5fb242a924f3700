import { isIP } from 'node:net';
// Direct files, not the barrel: flags are checked at start-up, before any command's code is loaded.
import { isSafeTagName } from '../../shared/version/safe-tag.js';
import { parseVersion } from '../../shared/version/parse.js';

/**
 * What a CLI flag's value must be. Every string option in COMMANDS names one, so a value is checked the same way
 * for every command, before anything runs: an empty or malformed value is a usage error naming the flag, never
 * read as "no flag" (`upgrade core --to= --yes` once upgraded to the newest release).
 */
export type FlagValueKind = 'version' | 'operation-id' | 'count' | 'port' | 'host' | 'project-name' | 'path' | 'setting' | 'checkout-mode' | 'revision' | 'jobs' | 'hop-failure';

interface FlagValueRule {
  /** What is expected, as the end of "--to expects …". */
  expected: string;
  /** Why `value` (never empty here) is not acceptable, or null when it is. */
  problem(value: string): string | null;
}

/** The shape of `newOperationId()` in core/state/operations.ts: `op_20261121T101500Z_ab12cd`. */
const OPERATION_ID = /^op_\d{8}T\d{6}Z_[0-9a-f]{6}$/;
/** Project names as the engine accepts them (core/engine/projects.ts). */
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
// Control characters have no place in a flag value; a C0 range in a character class is what says so.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const FLAG_VALUE_KINDS: Record<FlagValueKind, FlagValueRule> = {
  version: {
    expected: 'a version such as 1.4.2 (or the release tag, such as v1.4.2)',
    // A tag spelt by another pattern (`core-1.4.2`) is still accepted: the engine matches a release by tag too.
    problem: (v) => (parseVersion(v) !== null || (isSafeTagName(v) && /\d+\.\d+/.test(v)) ? null : 'which is not a version'),
  },
  'operation-id': {
    expected: 'an operation id such as op_20261121T101500Z_ab12cd (`upshift history` lists them)',
    problem: (v) => (OPERATION_ID.test(v) ? null : 'which is not an operation id'),
  },
  count: {
    expected: 'a whole number ≥ 0',
    problem: (v) => (/^\d{1,9}$/.test(v) ? null : 'which is not a whole number ≥ 0'),
  },
  // `--at` of ci/matrix: where a candidate's tree is; git resolves it (electron/core/gate/candidate.ts names what it lacks).
  revision: {
    expected: 'a tag, a commit id (or HEAD), or `worktree` for the working tree',
    problem: (v) => (v === 'worktree' || /^[0-9a-f]{4,64}$/i.test(v) || isSafeTagName(v) ? null : 'which is not a tag, a commit or `worktree`'),
  },
  jobs: {
    expected: 'a whole number from 1 to 64',
    problem: (v) => (/^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 64 ? null : 'which is not a whole number from 1 to 64'),
  },
  port: {
    expected: 'a whole number from 0 to 65535 (0 picks a free port)',
    problem: (v) => (/^\d{1,5}$/.test(v) && Number(v) <= 65535 ? null : 'which is not a port number'),
  },
  host: {
    expected: 'an IP address or a host name, such as 127.0.0.1',
    problem: (v) => (isIP(v.replace(/^\[|\]$/g, '')) !== 0 || HOST_NAME.test(v) ? null : 'which is not an IP address or a host name'),
  },
  'project-name': {
    expected: 'a project name: letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit',
    problem: (v) => (PROJECT_NAME.test(v) ? null : 'which is not a project name'),
  },
  path: {
    expected: 'a path',
    problem: (v) => (CONTROL.test(v) ? 'which holds control characters' : v.trim() === '' ? 'which is only blanks' : null),
  },
  'hop-failure': {
    expected: '"rollback-all" (a failed hop returns the project to where the path started) or "last-good" (the hops that passed stay)',
    problem: (v) => (v === 'rollback-all' || v === 'last-good' ? null : 'which is neither rollback-all nor last-good'),
  },
  'checkout-mode': {
    expected: '"detach" (HEAD detached at the release; the branch stays where it is) or "branch" (a branch follows the upgrade)',
    problem: (v) => (v === 'detach' || v === 'branch' ? null : 'which is neither detach nor branch'),
  },
  // The value of a manifest key (`add --smoke "npm test"`); the engine checks it with the manifest's schema and names the key.
  setting: {
    expected: 'a value for that manifest key (docs/manifest.md)',
    problem: (v) => (v.includes('\u0000') ? 'which holds a NUL character' : v.trim() === '' ? 'which is only blanks' : null),
  },
};

/** `"abc"` for a message: quoted, control characters escaped, long values cut. */
export function shownValue(value: string): string {
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 76)}…"` : s;
}

/**
 * Why `value` given for `--flag` is not acceptable, as a full sentence naming the flag and what it expects; null
 * when it is fine.
 */
export function flagValueProblem(flag: string, kind: FlagValueKind, value: string): string | null {
  const rule = FLAG_VALUE_KINDS[kind];
  if (value === '') return `--${flag} was given an empty value; it expects ${rule.expected}. Leave the flag out for its default.`;
  const problem = rule.problem(value);
  return problem === null ? null : `--${flag} was given ${shownValue(value)}, ${problem}; it expects ${rule.expected}.`;
}
