// A plan across a 2,000-commit range (issue 12 §2), cold and warm, against what a person runs by hand for the same
// facts: `git log --oneline A..B` + `git diff --shortstat A B`. Cold: a fresh clone without the target tag and a fresh
// UPSHIFT_HOME (nothing cached): discovery, the tag fetch, the range walk, diffstat and notes. Warm: the same plan
// again (facts served from SQLite by object id), from the CLI and from the dashboard's API (`upshift serve`, getPlan),
// where no process starts at all. Needs the build: npm run build && node bench/plan-range.mjs [runs]
// UPSHIFT_BENCH_OLD_CLI=<another build's dist/upshift.mjs> runs that build's cold and warm plan in every round too, on
// its own copy and home (old against new in one run).
import { cpSync, mkdirSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  benchEnv, cli, deadline, git, makeTempDir, ms, performance, printTable, removeTempDir, requireBuild, runOk, runSyncOk, startServe, stats, verdict,
} from './lib.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const COMMITS = 2000;
const TARGET_COLD_RATIO = 1.5;
const TARGET_WARM_MS = 50;
const OLD_CLI = process.env.UPSHIFT_BENCH_OLD_CLI || null;

requireBuild();
deadline(15 * 60_000, 'plan-range');

const tmp = makeTempDir('upshift-bench-plan-');
const env = benchEnv();

// ---------------------------------------------------------------------------------------------------------
// Fixture: remote.git with v1.0.0 and, 2,000 commits later (touching 400 files), v2.0.0; project/ cloned at v1.0.0
// before v2.0.0 existed. fast-import builds it in one process.

const remote = join(tmp, 'remote.git');
mkdirSync(remote);
git(remote, ['init', '-q', '--bare', '-b', 'main']);
{
  const parts = [];
  let t = 1_700_000_000;
  const commit = (message, files, from) => {
    const body = Buffer.byteLength(message);
    parts.push(`commit refs/heads/main\ncommitter Bench <bench@upshift.invalid> ${t++} +0000\ndata ${body}\n${message}\n${from ? `from ${from}\n` : ''}`);
    for (const [path, content] of Object.entries(files)) parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  };
  commit('Release 1.0.0', { 'upshift.yml': 'install: "true"\nsmoke:\n  command: "true"\n  timeoutSeconds: 60\n', VERSION: '1.0.0\n', 'CHANGELOG.md': '# Changelog\n\n## 1.0.0\n\n- first\n' }, null);
  parts.push(`reset refs/tags/v1.0.0\nfrom refs/heads/main\n\n`);
  for (let i = 1; i < COMMITS; i++) commit(`fix: change ${i} to module ${i % 400}\n\nA body line for commit ${i}.`, { [`src/m${i % 400}.txt`]: `revision ${i}\n` }, null);
  commit('Release 2.0.0', { VERSION: '2.0.0\n', 'CHANGELOG.md': '# Changelog\n\n## 2.0.0\n\n- two thousand changes\n\n## 1.0.0\n\n- first\n' }, null);
  parts.push(`reset refs/tags/v2.0.0\nfrom refs/heads/main\n\ndone\n`);
  execFileSync('git', ['fast-import', '--quiet', '--done'], { cwd: remote, env, input: parts.join('') });
}
const template = join(tmp, 'template');
git(tmp, ['clone', '-q', remote, template]);
git(template, ['checkout', '-q', '--detach', 'v1.0.0']);
git(template, ['tag', '-d', 'v2.0.0']);
const from = git(template, ['rev-parse', 'v1.0.0^{commit}']);
const to = git(remote, ['rev-parse', 'v2.0.0^{commit}']);

let copies = 0;
function freshProject() {
  const dir = join(tmp, `run-${copies++}`);
  cpSync(template, join(dir, 'project'), { recursive: true });
  return { dir, project: join(dir, 'project'), home: join(dir, 'home') };
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

async function planCold(cliPath = cli) {
  const c = freshProject();
  const runEnv = { ...env, UPSHIFT_HOME: c.home };
  await runOk(process.execPath, [cliPath, 'add', c.project, '--name', 'p', '--json'], { env: runEnv });
  const cold = await runOk(process.execPath, [cliPath, 'plan', 'p', '--to', '2.0.0', '--json'], { env: runEnv, timeoutMs: 120_000 });
  const plan = JSON.parse(cold.stdout);
  if (plan.commits.count !== COMMITS || plan.to.sha !== to) throw new Error(`unexpected plan: ${plan.commits.count} commits to ${plan.to.sha}`);
  const warm = await runOk(process.execPath, [cliPath, 'plan', 'p', '--to', '2.0.0', '--json'], { env: runEnv });
  if (JSON.stringify(JSON.parse(warm.stdout).commits) !== JSON.stringify(plan.commits)) throw new Error('the warm plan differs from the cold one');
  return { c, cold: cold.ms, warm: warm.ms };
}

function byHand(project) {
  const o = { cwd: project, env };
  const t0 = performance.now();
  runSyncOk('git', ['log', '--oneline', `${from}..${to}`], o);
  runSyncOk('git', ['diff', '--shortstat', from, to], o);
  return performance.now() - t0;
}

// The hand-run baseline needs the target's objects: fetched once into its own copy (not timed, as the plan's fetch is).
const hand = freshProject();
git(hand.project, ['fetch', '-q', '--no-tags', 'origin', 'refs/tags/v2.0.0:refs/tags/v2.0.0'], env);
byHand(hand.project);

const cold = [];
const warm = [];
const manual = [];
const oldCold = [];
const oldWarm = [];
let last = null;
await planCold(); // warm-up (page cache), not counted
if (OLD_CLI) removeTempDir((await planCold(OLD_CLI)).c.dir);
for (let i = 0; i < RUNS; i++) {
  manual.push(byHand(hand.project));
  // The old build first in odd rounds, second in even ones.
  if (OLD_CLI && i % 2 === 1) {
    const o = await planCold(OLD_CLI);
    oldCold.push(o.cold);
    oldWarm.push(o.warm);
    removeTempDir(o.c.dir);
  }
  const r = await planCold();
  cold.push(r.cold);
  warm.push(r.warm);
  if (OLD_CLI && i % 2 === 0) {
    const o = await planCold(OLD_CLI);
    oldCold.push(o.cold);
    oldWarm.push(o.warm);
    removeTempDir(o.c.dir);
  }
  if (last) removeTempDir(last.dir);
  last = r.c;
}

// The dashboard: `upshift serve` over the last home, getPlan twice (the first fills nothing new: the CLI cached it).
const served = await startServe({ ...env, UPSHIFT_HOME: last.home });
const api = [];
try {
  await served.api('getPlan', { project: 'p', to: '2.0.0' });
  for (let i = 0; i < RUNS * 2; i++) {
    const t0 = performance.now();
    const plan = await served.api('getPlan', { project: 'p', to: '2.0.0' });
    api.push(performance.now() - t0);
    if (plan.commits.count !== COMMITS) throw new Error('dashboard plan has the wrong count');
  }
} finally {
  await served.stop();
}

// ---------------------------------------------------------------------------------------------------------
// Report

const c = stats(cold);
const w = stats(warm);
const m = stats(manual);
const a = stats(api);
const row = (label, s) => [label, ms(s.median), ms(s.min), ms(s.max)];
console.log(`plan-range: v1.0.0 → v2.0.0, ${COMMITS} commits touching 400 files; ${RUNS} runs, fresh clone + home per cold run; node ${process.version}`);
printTable([
  ['', 'median', 'min', 'max'],
  row('upshift plan --json, cold (fetch + walk + diffstat + notes, nothing cached)', c),
  row('upshift plan --json, warm (same home: facts from SQLite)', w),
  row('dashboard getPlan over HTTP, warm (upshift serve, no process started)', a),
  ...(OLD_CLI ? [row(`the same cold with ${OLD_CLI}`, stats(oldCold)), row(`the same warm with ${OLD_CLI}`, stats(oldWarm))] : []),
  row('baseline: git log --oneline A..B + git diff --shortstat A B', m),
]);
console.log(`plan cold / baseline:                        ${(c.median / m.median).toFixed(2)}×  (target ≤ ${TARGET_COLD_RATIO}×: ${verdict(c.median / m.median <= TARGET_COLD_RATIO)})`);
console.log(`plan warm, dashboard (in-process):           ${ms(a.median)}  (target ≤ ${TARGET_WARM_MS} ms: ${verdict(a.median <= TARGET_WARM_MS)})`);
console.log(`plan warm, CLI (Node start-up included):     ${ms(w.median)}  (context: a new process each time)`);

removeTempDir(tmp);
