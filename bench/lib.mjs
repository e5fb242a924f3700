// Shared helpers for the benchmarks in bench/: temp dirs that are always removed, a hermetic git environment
// with a fixed identity, spawning with a deadline, medians and a small table printer. Not a benchmark itself.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { URLSearchParams, fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { clearTimeout } from 'node:timers';

export { performance };

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(root, 'dist/upshift.mjs');

/** Exits with a clear message when the CLI has not been built. */
export function requireBuild() {
  if (!existsSync(cli)) {
    console.error(`Missing ${cli}: build first with "npx tsc -p tsconfig.node.json" (or run "npm run bench").`);
    process.exit(2);
  }
}

/** What `git rev-parse --local-env-vars` lists: inherited from a parent git (a hook) they would redirect git. */
const REPOSITORY_LOCAL_VARS = [
  'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_CONFIG', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT', 'GIT_OBJECT_DIRECTORY',
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_IMPLICIT_WORK_TREE', 'GIT_GRAFT_FILE', 'GIT_INDEX_FILE', 'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE', 'GIT_PREFIX', 'GIT_INTERNAL_SUPER_PREFIX', 'GIT_SHALLOW_FILE', 'GIT_COMMON_DIR', 'GIT_NAMESPACE',
];

/**
 * The environment for everything a benchmark runs (git for fixtures, upshift, and the baselines alike): a fixed
 * identity so commits work on a machine with none, and no global/system git config, so figures do not depend
 * on the machine's settings (hooks, gpg signing, fsmonitor).
 */
export function benchEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of REPOSITORY_LOCAL_VARS) delete env[k];
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Upshift Bench',
    GIT_AUTHOR_EMAIL: 'bench@upshift.invalid',
    GIT_COMMITTER_NAME: 'Upshift Bench',
    GIT_COMMITTER_EMAIL: 'bench@upshift.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Runs git synchronously for fixture building; returns stdout without its final newline, throws with stderr. */
export function git(cwd, args, env = benchEnv()) {
  try {
    return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).replace(/\n$/, '');
  } catch (e) {
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${e.stderr ?? e.message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Temp dirs and deadlines

const liveDirs = new Set();
const liveChildren = new Set();

function cleanup() {
  for (const child of liveChildren) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const dir of liveDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // best effort
    }
  }
  liveDirs.clear();
}
process.once('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    cleanup();
    process.exit(130);
  });
}

/** A new directory under os.tmpdir() (real path), removed by removeTempDir or at exit, whatever happens. */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(realpathSync(tmpdir()), prefix));
  liveDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  liveDirs.delete(dir);
}

/** Ends the process (cleaning up) if the benchmark runs longer than `ms`. */
export function deadline(ms, name) {
  const t = setTimeout(() => {
    console.error(`${name}: gave up after ${Math.round(ms / 1000)} s (deadline); temp files removed.`);
    cleanup();
    process.exit(1);
  }, ms);
  t.unref();
}

// ---------------------------------------------------------------------------------------------------------
// Running and timing

/**
 * Spawns a command (no shell), collects its output, kills it (its whole process group) after `timeoutMs`.
 * Resolves with { code, signal, stdout, stderr, ms }; `ms` is wall time from spawn to exit.
 */
export function run(cmd, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    liveChildren.add(child);
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      liveChildren.delete(child);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms`));
      else resolvePromise({ code, signal, stdout, stderr, ms });
    });
  });
}

/** Like run, but throws unless the exit code is 0. */
export async function runOk(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

/** spawnSync that throws unless the exit code is 0. */
export function runSyncOk(cmd, args, { cwd, env, timeoutMs = 60_000 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Runs `fn` over `items`, at most `limit` at once (like the engine's mapLimit). */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Median wall time of `node -e 0`: the cost of starting Node at all. */
export async function nodeStartupMs(runs = 10, env = benchEnv()) {
  const samples = [];
  for (let i = 0; i < runs + 1; i++) {
    const r = await runOk(process.execPath, ['-e', '0'], { env });
    if (i > 0) samples.push(r.ms); // the first run only warms the page cache
  }
  return stats(samples);
}

export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

export const ms = (v) => `${v.toFixed(1)} ms`;

/** Prints rows (arrays of cells) as aligned columns; the first column is left-aligned, the rest right-aligned. */
export function printTable(rows) {
  const widths = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  for (const r of rows) {
    console.log(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd());
  }
}

export function verdict(met) {
  return met ? 'target met' : 'target missed';
}

// ---------------------------------------------------------------------------------------------------------
// Counting git processes (untimed diagnostic runs)

/**
 * A directory holding a `git` wrapper that logs each invocation's arguments to `log` and then runs the real
 * git; put it first on PATH to count the git processes a command starts (top-level ones: git's own children,
 * such as upload-pack, are not counted).
 */
export function gitCounter(dir) {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'git-calls.log');
  const wrapper = join(dir, 'git');
  writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  writeFileSync(log, '');
  return {
    pathEnv: `${dir}:${process.env.PATH ?? ''}`,
    /** Invocations so far, grouped by verb (the first argument that is not an option or a -c value). */
    read() {
      const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
      const verbs = new Map();
      for (const line of lines) {
        const words = line.split(' ');
        let i = 0;
        while (i < words.length && words[i].startsWith('-')) i += words[i] === '-c' || words[i] === '-C' ? 2 : 1;
        const verb = words[i] ?? '?';
        verbs.set(verb, (verbs.get(verb) ?? 0) + 1);
      }
      return { total: lines.length, verbs: [...verbs].sort((a, b) => b[1] - a[1]) };
    },
    reset() {
      writeFileSync(log, '');
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Dashboard fixtures: small watched projects, the state store, and `upshift serve`

/** The compiled state store (dist/electron/core/state), for seeding a home directly in one transaction. */
export async function importStateStore() {
  const file = join(root, 'dist/electron/core/state/index.js');
  if (!existsSync(file)) {
    console.error(`Missing ${file}: build first with "npm run build".`);
    process.exit(2);
  }
  return import(pathToFileURL(file).href);
}

/**
 * `count` tiny watched projects under `dir`: each a clone (checked out at `current`) of its own local bare remote
 * holding `tags` (one commit each), with an upshift.yml whose install and smoke are `true`. One template is
 * built with git and copied, so twenty projects cost a handful of git processes. Returns [{ name, path, remote }].
 */
export function makeProjectRepos(dir, count, { tags = ['v1.0.0', 'v1.1.0', 'v1.2.0'], current = tags[0], env = benchEnv() } = {}) {
  const src = join(dir, 'template-src');
  mkdirSync(src, { recursive: true });
  git(src, ['init', '-q', '-b', 'main'], env);
  writeFileSync(join(src, 'upshift.yml'), 'install: "true"\nsmoke:\n  command: "true"\n  timeoutSeconds: 60\n');
  for (const tag of tags) {
    writeFileSync(join(src, 'VERSION'), `${tag.replace(/^v/, '')}\n`);
    git(src, ['add', '-A'], env);
    git(src, ['commit', '-q', '-m', `Release ${tag}`], env);
    git(src, ['tag', tag], env);
  }
  const tplRemote = join(dir, 'template-remote.git');
  const tplClone = join(dir, 'template-clone');
  git(dir, ['clone', '-q', '--bare', '--no-hardlinks', src, tplRemote], env);
  git(dir, ['clone', '-q', tplRemote, tplClone], env);
  git(tplClone, ['checkout', '-q', '--detach', current], env);
  for (const d of [tplRemote, join(tplClone, '.git')]) rmSync(join(d, 'hooks'), { recursive: true, force: true });
  const projects = Array.from({ length: count }, (_, i) => {
    const name = `p${String(i).padStart(2, '0')}`;
    return { name, remote: join(dir, 'remotes', `${name}.git`), path: join(dir, 'projects', name) };
  });
  for (const p of projects) {
    cpSync(tplRemote, p.remote, { recursive: true });
    cpSync(tplClone, p.path, { recursive: true });
    git(p.path, ['config', 'remote.origin.url', p.remote], env);
  }
  return projects;
}

/** Registers projects made by makeProjectRepos in an open StateStore (what `upshift add` records for them). */
export function registerProjects(store, projects) {
  store.database.transaction(() => {
    for (const p of projects) store.addProject({ name: p.name, path: p.path, manifest: 'upshift.yml', channel: 'stable' });
  })();
}

/**
 * Starts `upshift serve --port 0` (its own process group, killed at exit whatever happens) and resolves once it
 * printed its URL: { url, origin, token, pid, child, api(method, input), stop() }. `cliPath`: another build's
 * dist/upshift.mjs (an A/B against a copy of an older dist/).
 */
export function startServe(env, { timeoutMs = 30_000, cliPath = cli } = {}) {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  liveChildren.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString('utf8')));
  const stop = () =>
    new Promise((resolvePromise) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        liveChildren.delete(child);
        return resolvePromise();
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        liveChildren.delete(child);
        resolvePromise();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve printed no URL in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before printing its URL; stderr:\n${stderr}`));
    });
    child.stdout.on('data', (d) => {
      out += d.toString('utf8');
      const m = /Upshift dashboard: (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = new URL(m[1]);
      const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
      const api = async (method, input = {}) => {
        const res = await globalThis.fetch(`${url.origin}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(input),
        });
        const body = await res.json();
        if (!res.ok) throw new Error(`${method}: HTTP ${res.status} ${body.error?.message ?? ''}`);
        return body.result;
      };
      resolvePromise({ url: m[1], origin: url.origin, token, pid: child.pid, child, api, stop, stderr: () => stderr });
    });
  });
}

/** Resolves once the serve's first background check (the poller's check at start) has finished. */
export async function waitForFirstCheck(served, timeoutMs = 60_000) {
  const t0 = performance.now();
  for (;;) {
    const state = await served.api('getState');
    if (state.poller.lastCheckAt !== null) return state;
    if (performance.now() - t0 > timeoutMs) throw new Error(`the first background check did not finish in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Exits with a message when /proc is missing (the sampling below is Linux only). */
export function requireProcfs(name) {
  if (existsSync('/proc/self/stat')) return;
  console.error(`${name}: needs Linux /proc.`);
  process.exit(2);
}

/** Clock ticks per second, the unit of the CPU times in /proc/<pid>/stat. */
export const clockTicks = () => Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * A live process from /proc: CPU time (user + system, in clock ticks) of all its threads and of its main thread,
 * resident memory and threads (kB / count), and context switches (its wake-ups).
 */
export function procSample(pid) {
  const ticksOf = (file) => {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    return Number(fields[11]) + Number(fields[12]);
  };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    ticks: ticksOf(`/proc/${pid}/stat`),
    mainTicks: ticksOf(`/proc/${pid}/task/${pid}/stat`),
    rssKb: kb('VmRSS'),
    threads: kb('Threads'),
    wakeups: kb('voluntary_ctxt_switches') + kb('nonvoluntary_ctxt_switches'),
  };
}

/**
 * A temp dir with `count` watched projects (makeProjectRepos) registered in a state home, for the benches that
 * start `upshift serve` on it; `seed(store)` may add more to the state before it is closed.
 * Returns { tmp, env, projects, home }; remove `tmp` at the end.
 */
export async function watchedWorkspace(prefix, count, { tags, seed } = {}) {
  const tmp = makeTempDir(prefix);
  const env = benchEnv();
  const fixtures = join(tmp, 'fixtures');
  mkdirSync(fixtures);
  const projects = makeProjectRepos(fixtures, count, { tags, current: tags?.[0], env });
  const home = join(tmp, 'home');
  const { StateStore } = await importStateStore();
  const store = StateStore.open(home);
  try {
    registerProjects(store, projects);
    seed?.(store, projects);
  } finally {
    store.close();
  }
  return { tmp, env, projects, home };
}
