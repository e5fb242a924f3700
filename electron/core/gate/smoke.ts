/**
 * Smoke runs for the matrix (`--run-smoke`): each cell runs its vertical's smoke command with the core checked out at
 * that column's version, both in throwaway git worktrees, at most `jobs` cells at once. Nothing in the user's
 * checkouts moves: worktrees are detached (no branch made or moved) and removed after the cell — after a failure, a
 * timeout or a cancellation (Ctrl-C) too.
 *
 * How the vertical finds the core: the smoke command runs in the vertical's worktree with
 *   UPSHIFT_CORE_PATH     the core's worktree, at the column's version
 *   UPSHIFT_CORE_VERSION  that version (`1.4.0`)
 *   UPSHIFT_CORE_REF      its tag, or its commit for a commit or the working tree
 *   UPSHIFT_CORE_SHA      its commit (for the working tree: a commit of its tracked changes, `git stash create`)
 *   UPSHIFT_CORE_NAME     the core's name
 *   UPSHIFT_VERTICAL_NAME / UPSHIFT_VERTICAL_PATH  the vertical and the directory the command runs in
 * (docs/ci-gate.md). The seed's exit codes apply to a seed manifest's `smoke_tests/run.sh`: 0 pass, 1 fail, 2 error.
 */
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { headSha, isGitError, stashCreate, topLevel } from '../git/index.js';
import { addDetachedWorktree, removeWorktree } from '../git/worktree-add.js';
import { formatExitReason, runCommand } from '../process/index.js';
import { mapLimit } from '../util/map-limit.js';
import type { GateCore } from './core-project.js';
import type { MatrixColumn, SmokeResult } from './types.js';
import type { VerticalManifest } from './verticals.js';

/** One cell to run: a vertical (row) against a core version (column). */
export interface SmokeCell {
  row: number;
  col: number;
  vertical: VerticalManifest;
  column: MatrixColumn;
}

export interface SmokeOptions {
  /** At most this many cells at once (≥ 1). */
  jobs: number;
  /** Aborting stops running commands (their process group) and starts no more; worktrees are still removed. */
  signal?: AbortSignal;
  /** Where the worktrees go (default: the system's temp directory); a directory is made in it and removed after. */
  tmpRoot?: string;
  /** Called as each cell ends (progress for a person). */
  onCell?: (cell: SmokeCell, result: SmokeResult) => void;
}

function result(status: SmokeResult['status'], command: string | null, excerpt: string, durationMs = 0, exitCode: number | null = null): SmokeResult {
  return { status, command, exitCode, durationMs, excerpt };
}

/**
 * Runs every cell's smoke command; results in the cells' order. Cells whose vertical has no smoke command are
 * `skipped`; cells not started when `signal` aborts are `cancelled`.
 */
export async function runSmokeCells(core: GateCore, cells: readonly SmokeCell[], opts: SmokeOptions): Promise<SmokeResult[]> {
  const base = mkdtempSync(path.join(realpathSync(opts.tmpRoot ?? tmpdir()), 'upshift-matrix-'));
  // The working tree as a commit of its tracked changes, made once: every cell of that column checks it out.
  const worktreeCommit = new Map<string, Promise<string | null>>();
  const commitOf = (column: MatrixColumn): Promise<string | null> => {
    if (column.kind !== 'worktree') return Promise.resolve(column.sha);
    let p = worktreeCommit.get(column.label);
    if (!p) {
      p = stashCreate(core.path, `upshift matrix: the working tree as ${column.version}`).then((s) => s ?? column.sha);
      worktreeCommit.set(column.label, p);
    }
    return p;
  };
  try {
    return await mapLimit(cells, Math.max(1, opts.jobs), async (cell) => {
      const r = await runCell(core, cell, base, commitOf, opts.signal);
      try {
        opts.onCell?.(cell, r);
      } catch {
        // progress printing must not fail the run
      }
      return r;
    });
  } finally {
    rmSync(base, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function runCell(core: GateCore, cell: SmokeCell, base: string, commitOf: (c: MatrixColumn) => Promise<string | null>, signal: AbortSignal | undefined): Promise<SmokeResult> {
  const smoke = cell.vertical.manifest.smoke;
  if (!smoke) return result('skipped', null, `${cell.vertical.name} has no smoke command in its manifest`);
  if (signal?.aborted) return result('cancelled', smoke.command, 'not started: cancelled');
  const dir = path.join(base, `c${cell.col}-r${cell.row}`);
  mkdirSync(dir);
  const made: Array<{ repo: string; dir: string }> = [];
  const started = Date.now();
  try {
    const sha = await commitOf(cell.column);
    if (sha === null) return result('error', smoke.command, `${core.name} ${cell.column.version} has no commit to check out (${cell.column.label})`);
    const coreDir = path.join(dir, `core-${cell.col}-${cell.row}`);
    await addDetachedWorktree(core.path, coreDir, sha);
    made.push({ repo: core.path, dir: coreDir });
    const cwd = await verticalTree(cell.vertical, path.join(dir, `vertical-${cell.col}-${cell.row}`), made);
    const run = await runCommand(smoke.command, {
      cwd,
      timeoutMs: smoke.timeoutSeconds * 1000,
      ...(signal ? { signal } : {}),
      env: {
        UPSHIFT_CORE_PATH: coreDir,
        UPSHIFT_CORE_VERSION: cell.column.version,
        UPSHIFT_CORE_REF: cell.column.tag ?? sha,
        UPSHIFT_CORE_SHA: sha,
        UPSHIFT_CORE_NAME: core.name,
        UPSHIFT_VERTICAL_NAME: cell.vertical.name,
        UPSHIFT_VERTICAL_PATH: cwd,
      },
    });
    const status: SmokeResult['status'] = run.aborted
      ? 'cancelled'
      : run.timedOut
        ? 'timeout'
        : run.exitCode === 0
          ? 'passed'
          : smoke.seedExitCodes && run.exitCode === 2
            ? 'error'
            : 'failed';
    const excerpt = status === 'passed' ? run.excerpt : `${smoke.command} ${formatExitReason(run)}${run.excerpt ? `\n${run.excerpt}` : ''}`;
    return result(status, smoke.command, excerpt, run.durationMs, run.exitCode);
  } catch (err) {
    return result('error', smoke.command, `could not prepare the cell: ${(err as Error).message}`, Date.now() - started);
  } finally {
    for (const m of made.reverse()) await removeWorktree(m.repo, m.dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * The vertical's tree for one cell: a detached worktree of its repository's HEAD (its committed state), or — when it
 * is not in a git checkout — a copy of its directory. Returns where the smoke command runs (the vertical's own
 * directory inside that tree, for a vertical in a sub-directory of a repository).
 */
async function verticalTree(v: VerticalManifest, dir: string, made: Array<{ repo: string; dir: string }>): Promise<string> {
  let top: string | null = null;
  try {
    top = realpathSync(await topLevel(v.root));
  } catch (err) {
    if (!isGitError(err)) throw err;
  }
  const sha = top ? await headSha(top) : null;
  if (top === null || sha === null) {
    cpSync(v.root, dir, { recursive: true });
    return dir;
  }
  await addDetachedWorktree(top, dir, sha);
  made.push({ repo: top, dir });
  return path.join(dir, path.relative(top, realpathSync(v.root)));
}
