/**
 * The crash matrix: runs an operation of the real CLI once with every crash point traced, then again for each
 * point with the process killed there (SIGKILL, from inside, exactly at that point), and checks what the next
 * command leaves. Points come from the trace, so steps and git calls added later are covered without editing
 * the tests (see electron/core/util/crash-points.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import type { HistoryResult, Operation } from '../../shared/api/types.js';
import { CLI, CliHarness, result, type CliResult } from './cli.js';
import { createRemoteWithReleases, git, makeTempDir, type RemoteFixture } from './repos.js';

export interface CrashWorld {
  fx: RemoteFixture;
  cli: CliHarness;
}

/** Everything of the user's that must survive: where HEAD is, and the uncommitted work as git sees it. */
export interface TreeState {
  sha: string;
  branch: string;
  staged: string;
  unstaged: string;
  untracked: Record<string, string>;
  /** The snapshot path (ignored by git), file by file. */
  deps: Record<string, string> | null;
}

const MANIFEST = `install: sh install.sh
smoke:
  command: sh smoke.sh
hooks:
  postCheckout: "echo checked out"
  postUpgrade: "echo upgraded"
  onRollback: "echo rolled back"
snapshot:
  paths: [deps]
  mode: move
`;

/**
 * A core checkout on branch main at v1.0.0 with staged, unstaged, staged-then-edited, added and untracked work,
 * and an ignored dependency directory; the remote has 1.1.0 (good) and 1.2.0 (its smoke test fails) published
 * later. The releases only change VERSION and smoke.sh, so the user's diffs read the same on every version.
 */
export function makeCrashWorld(opts: { manifest?: string } = {}): CrashWorld {
  const fx = createRemoteWithReleases({
    initialFiles: {
      'upshift.yml': opts.manifest ?? MANIFEST,
      '.gitignore': 'deps/\n',
      'install.sh': 'mkdir -p deps && cp VERSION deps/lib.txt\n',
      'smoke.sh': 'true\n',
      VERSION: '1.0.0\n',
      'staged.txt': 'staged: original\n',
      'unstaged.txt': 'unstaged: original\n',
      'both.txt': 'both: original\n',
      'src/app.txt': 'app v1\n',
    },
    releases: [
      { version: '1.0.0' },
      { version: '1.1.0', files: { VERSION: '1.1.0\n' } },
      { version: '1.2.0', files: { VERSION: '1.2.0\n', 'smoke.sh': 'echo "smoke failed" >&2; exit 1\n' } },
    ],
    checkout: 'v1.0.0',
  });
  const w = fx.work;
  mkdirSync(join(w, 'deps/nested'), { recursive: true });
  writeFileSync(join(w, 'deps/lib.txt'), 'installed for 1.0.0 by hand\n');
  writeFileSync(join(w, 'deps/nested/big.bin'), Buffer.alloc(64 * 1024, 7));
  writeFileSync(join(w, 'staged.txt'), 'staged: my edit\n');
  writeFileSync(join(w, 'added.txt'), 'a new file I added\n');
  git(w, 'add', 'staged.txt', 'added.txt');
  writeFileSync(join(w, 'both.txt'), 'both: staged version\n');
  git(w, 'add', 'both.txt');
  writeFileSync(join(w, 'both.txt'), 'both: staged version, then edited again\n');
  writeFileSync(join(w, 'unstaged.txt'), 'unstaged: my edit\n');
  writeFileSync(join(w, 'src/app.txt'), 'app v1 with my fix\n');
  writeFileSync(join(w, 'notes.txt'), 'my untracked notes\n');
  mkdirSync(join(w, 'scratch'));
  writeFileSync(join(w, 'scratch/idea.md'), '# an idea\n');
  const cli = new CliHarness();
  const added = cli.run('add', w, '--name', 'core', '--json');
  if (added.code !== 0) throw new Error(`add failed: ${added.stderr}`);
  return { fx, cli };
}

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

export function treeState(work: string): TreeState {
  const untracked: Record<string, string> = {};
  for (const p of git(work, 'ls-files', '--others', '--exclude-standard').split('\n').filter(Boolean)) untracked[p] = readFileSync(join(work, p), 'utf8');
  return {
    sha: git(work, 'rev-parse', 'HEAD'),
    branch: git(work, 'branch', '--show-current'),
    staged: git(work, 'diff', '--cached', '--binary', 'HEAD'),
    unstaged: git(work, 'diff', '--binary'),
    untracked,
    deps: existsSync(join(work, 'deps')) ? filesUnder(join(work, 'deps')) : null,
  };
}

/**
 * Runs the CLI without blocking the test worker (a synchronous spawn would stall vitest's own messages for the
 * whole matrix); `signal` is set when the process was killed.
 */
export function runCli(cli: CliHarness, args: string[], env: Record<string, string> = {}): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...cli.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ...result(code, stdout, stderr), signal });
    });
  });
}

/** Runs the CLI with crash points traced; returns every point reached, in order. */
export async function tracePoints(cli: CliHarness, args: string[]): Promise<{ points: string[]; result: CliResult }> {
  const trace = join(makeTempDir('upshift-trace-'), 'points.txt');
  const result = await runCli(cli, args, { UPSHIFT_TEST_CRASH_TRACE: trace });
  const points = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
  rmSync(trace, { force: true });
  return { points, result };
}

/** Runs the CLI and expects it to be killed at `point`; fails the test if the point was never reached. */
export async function killAt(cli: CliHarness, args: string[], point: string): Promise<void> {
  const r = await runCli(cli, args, { UPSHIFT_TEST_CRASH_AT: point });
  expect(r.signal, `\`upshift ${args.join(' ')}\` was expected to die at ${point}; it exited ${r.code}:\n${r.stderr}`).toBe('SIGKILL');
}

/** The next command (here `history`) recovers; afterwards nothing is left running and no recovery failed. */
export async function recoverAndReadHistory(cli: CliHarness): Promise<Operation[]> {
  const h = await runCli(cli, ['history', '--json', '--limit', '0']);
  expect(h.code, h.stderr).toBe(0);
  const ops = h.json<HistoryResult>().operations;
  expect(ops.filter((o) => o.status === 'running'), 'operations still running after recovery').toEqual([]);
  const failedRecoveries = ops.filter((o) => o.kind === 'recovery' && o.status === 'failed');
  expect(failedRecoveries.map((o) => `${o.id}: ${o.error}`), 'failed recoveries').toEqual([]);
  return ops;
}

/** Asserts the tree is exactly `old` or exactly `next` (HEAD, branch, the user's work, the snapshot path). */
export function expectOldOrNew(work: string, old: TreeState, next: TreeState | null): 'old' | 'new' {
  const now = treeState(work);
  if (now.sha === old.sha && now.branch === old.branch) {
    expect(now).toEqual(old);
    return 'old';
  }
  expect(next, `HEAD is ${now.branch || 'detached'} at ${now.sha}, which is not the state before the operation`).not.toBeNull();
  expect(now).toEqual(next);
  return 'new';
}

/** `state` with HEAD and the snapshot path replaced: what the tree must look like after an operation succeeded. */
export function movedTo(state: TreeState, sha: string, branch: string, deps: Record<string, string> | null): TreeState {
  return { ...state, sha, branch, deps };
}

export const depsFor = (version: string): Record<string, string> => ({ 'lib.txt': Buffer.from(`${version}\n`).toString('base64') });
