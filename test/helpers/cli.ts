import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeTempDir, testGitEnv } from './repos.js';

/** The built CLI; `npm test` builds before running the tests. */
export const CLI = fileURLToPath(new URL('../../dist/upshift.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as exactly one JSON document (throws otherwise). */
  json<T = Record<string, unknown>>(): T;
}

/** A throwaway $UPSHIFT_HOME and a way to run `upshift` in it, with a fixed git identity and no colour. */
export class CliHarness {
  readonly home = makeTempDir('upshift-home-');
  readonly env: NodeJS.ProcessEnv;

  constructor(extraEnv: Record<string, string> = {}) {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    this.env = { ...testGitEnv(), UPSHIFT_HOME: this.home, NO_COLOR: '1', ...extraEnv };
  }

  run(...args: string[]): CliResult {
    const r = spawnSync(process.execPath, [CLI, ...args], { env: this.env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return result(r.status, r.stdout, r.stderr);
  }

  /** `run` with `cwd` as the current directory (commands infer the project from it). */
  runIn(cwd: string, ...args: string[]): CliResult {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: this.env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return result(r.status, r.stdout, r.stderr);
  }

  /** Starts `upshift` without waiting; resolve `done` for its result. Killed when the test process exits, should the test fail first. */
  start(...args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
    const child = spawn(process.execPath, [CLI, ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve(result(code, stdout, stderr))));
    return { child, done };
  }
}

/**
 * Every started CLI still running. A test that fails before it stops a `daemon` or `serve` would otherwise leave it
 * running after the suite (seen: three daemons left busy by failed runs); they get SIGKILL when the test process exits.
 */
const running = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  if (running.size === 0 && !tracking) {
    tracking = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}
let tracking = false;

export function result(code: number | null, stdout: string, stderr: string): CliResult {
  return {
    code,
    stdout,
    stderr,
    json<T>() {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout is not one JSON document (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}

/** Polls `predicate` every 25 ms until it holds or `timeoutMs` passes. */
export async function waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
