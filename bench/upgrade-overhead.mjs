// What `upshift upgrade` costs on top of the work it has to do: one upgrade v1.0.0 → v1.1.0 of a project with a
// trivial install and smoke test, against the same git commands and scripts run by hand, one after another.
// Every run starts from a fresh copy of the fixture (and a fresh UPSHIFT_HOME). Needs the compiled CLI:
//   npm run build && node bench/upgrade-overhead.mjs [runs] [--against <another build's upshift.mjs>]
// With --against (a copy of an earlier dist/ kept inside the checkout, so it finds node_modules), that build's upgrade
// is measured in the same rounds, alternating, and its git processes are counted too: an A/B on one loaded machine.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchEnv, cli, deadline, git, gitCounter, makeTempDir, ms, nodeStartupMs, performance, printTable, removeTempDir,
  requireBuild, runOk, runSyncOk, stats, verdict,
} from './lib.mjs';

const args = process.argv.slice(2);
const againstAt = args.indexOf('--against');
const against = againstAt >= 0 ? args.splice(againstAt, 2)[1] : null;
if (againstAt >= 0 && !against) throw new Error('--against needs the path of another build\'s upshift.mjs');
const RUNS = Number(args[0] ?? 7);
// Issue 12 §2: ≤ 100 ms over the same commands by hand, with at most 6 git processes for a plain git upgrade.
const TARGET_OVERHEAD_MS = 100;
const TARGET_GIT_PROCESSES = 6;

requireBuild();
deadline(10 * 60_000, 'upgrade-overhead');

const tmp = makeTempDir('upshift-bench-upgrade-');
const env = benchEnv();

// ---------------------------------------------------------------------------------------------------------
// Fixture: fixture/remote.git (v1.0.0, v1.1.0) and fixture/project, a clone made when only v1.0.0 existed.

const fixture = join(tmp, 'fixture');
const src = join(tmp, 'src');
mkdirSync(fixture);
mkdirSync(src);
git(src, ['init', '-q', '-b', 'main']);
writeFileSync(join(src, 'upshift.yml'), 'install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 60\n');
writeFileSync(join(src, 'install.sh'), 'echo installed\n');
writeFileSync(join(src, 'smoke.sh'), 'test -f VERSION && echo smoke ok\n');
writeFileSync(join(src, 'VERSION'), '1.0.0\n');
git(src, ['add', '-A']);
git(src, ['commit', '-q', '-m', 'Release 1.0.0']);
git(src, ['tag', 'v1.0.0']);
const remoteTemplate = join(fixture, 'remote.git');
git(tmp, ['clone', '-q', '--bare', '--no-hardlinks', src, remoteTemplate]);
git(fixture, ['clone', '-q', remoteTemplate, 'project']);
writeFileSync(join(src, 'VERSION'), '1.1.0\n');
git(src, ['commit', '-q', '-am', 'feat: release 1.1.0']);
git(src, ['tag', 'v1.1.0']);
git(src, ['push', '-q', remoteTemplate, 'main', 'v1.1.0']);
const targetSha = git(src, ['rev-parse', 'v1.1.0^{commit}']);

/** A fresh copy of the fixture whose clone points at its own copy of the remote. */
let copies = 0;
function freshCopy() {
  const dir = join(tmp, `run-${copies++}`);
  cpSync(fixture, dir, { recursive: true });
  const project = join(dir, 'project');
  git(project, ['config', 'remote.origin.url', join(dir, 'remote.git')], env);
  return { dir, project, home: join(dir, 'home') };
}

function assertAtTarget(project, what) {
  const head = git(project, ['rev-parse', 'HEAD'], env);
  if (head !== targetSha) throw new Error(`${what}: HEAD is ${head}, expected v1.1.0 (${targetSha})`);
}

// ---------------------------------------------------------------------------------------------------------
// The two measurements

async function upshiftUpgrade(extraEnv = {}, build = cli) {
  const c = freshCopy();
  const runEnv = { ...env, UPSHIFT_HOME: c.home, ...extraEnv };
  await runOk(process.execPath, [build, 'add', c.project, '--name', 'core', '--json'], { env: runEnv });
  const r = await runOk(process.execPath, [build, 'upgrade', 'core', '--to', '1.1.0', '--yes', '--json'], { env: runEnv, timeoutMs: 120_000 });
  const op = JSON.parse(r.stdout).operation;
  if (op?.status !== 'succeeded') throw new Error(`upgrade finished as ${op?.status}: ${r.stdout}`);
  assertAtTarget(c.project, 'upshift upgrade');
  removeTempDir(c.dir);
  return r.ms;
}

function manualUpgrade() {
  const c = freshCopy();
  const o = { cwd: c.project, env };
  const t0 = performance.now();
  const dirty = runSyncOk('git', ['status', '--porcelain'], o);
  if (dirty.trim() !== '') throw new Error(`fixture is dirty: ${dirty}`);
  runSyncOk('git', ['update-ref', 'refs/upshift/snapshots/x', 'HEAD'], o);
  runSyncOk('git', ['fetch', '--no-tags', '--no-recurse-submodules', 'origin', 'refs/tags/v1.1.0:refs/tags/v1.1.0'], o);
  runSyncOk('git', ['-c', 'core.hooksPath=/dev/null', 'checkout', '--detach', '--no-recurse-submodules', targetSha], o);
  runSyncOk('sh', ['-c', 'sh install.sh'], o);
  runSyncOk('sh', ['-c', 'sh smoke.sh'], o);
  const elapsed = performance.now() - t0;
  assertAtTarget(c.project, 'manual commands');
  removeTempDir(c.dir);
  return elapsed;
}

// One untimed round of each first (page cache), then alternate which goes first.
await upshiftUpgrade();
manualUpgrade();
if (against) await upshiftUpgrade({}, against);
const upgradeSamples = [];
const againstSamples = [];
const manualSamples = [];
// The structured log (electron/core/telemetry) is on by default at info; `silent` never loads pino.
const silentSamples = [];
for (let i = 0; i < RUNS; i++) {
  if (i % 2 === 0) {
    upgradeSamples.push(await upshiftUpgrade());
    manualSamples.push(manualUpgrade());
    silentSamples.push(await upshiftUpgrade({ UPSHIFT_LOG_LEVEL: 'silent' }));
    if (against) againstSamples.push(await upshiftUpgrade({}, against));
  } else {
    if (against) againstSamples.push(await upshiftUpgrade({}, against));
    silentSamples.push(await upshiftUpgrade({ UPSHIFT_LOG_LEVEL: 'silent' }));
    manualSamples.push(manualUpgrade());
    upgradeSamples.push(await upshiftUpgrade());
  }
}
const startup = await nodeStartupMs(10, env);
const cliLoad = [];
for (let i = 0; i < 5; i++) cliLoad.push((await runOk(process.execPath, [cli, '--help'], { env })).ms);

// Untimed diagnostic: the git processes one upgrade starts (the `add` before it is counted separately).
const counter = gitCounter(join(tmp, 'bin'));
async function countColdUpgrade(build) {
  const c = freshCopy();
  const runEnv = { ...env, UPSHIFT_HOME: c.home, PATH: counter.pathEnv };
  await runOk(process.execPath, [build, 'add', c.project, '--name', 'core', '--json'], { env: runEnv });
  counter.reset();
  await runOk(process.execPath, [build, 'upgrade', 'core', '--to', '1.1.0', '--yes', '--json'], { env: runEnv });
  removeTempDir(c.dir);
  return counter.read();
}
const againstCalls = against ? await countColdUpgrade(against) : null;
const calls = await countColdUpgrade(cli);
// And after a `plan` of the same target (its facts cached by object id): what `upgrade --yes` still starts.
let afterPlan;
{
  const c = freshCopy();
  const runEnv = { ...env, UPSHIFT_HOME: c.home, PATH: counter.pathEnv };
  await runOk(process.execPath, [cli, 'add', c.project, '--name', 'core', '--json'], { env: runEnv });
  await runOk(process.execPath, [cli, 'plan', 'core', '--to', '1.1.0', '--json'], { env: runEnv });
  counter.reset();
  await runOk(process.execPath, [cli, 'upgrade', 'core', '--to', '1.1.0', '--yes', '--json'], { env: runEnv });
  afterPlan = counter.read();
  removeTempDir(c.dir);
}

// ---------------------------------------------------------------------------------------------------------
// Report

const up = stats(upgradeSamples);
const man = stats(manualSamples);
const overhead = up.median - man.median;
const row = (label, s) => [label, ms(s.median), ms(s.min), ms(s.max)];
console.log(`upgrade-overhead: v1.0.0 → v1.1.0, install + smoke = trivial sh scripts; ${RUNS} runs each, alternating after 1 warm-up, fresh copy per run; node ${process.version}`);
printTable([
  ['', 'median', 'min', 'max'],
  row('upshift upgrade core --to 1.1.0 --yes --json (log at info, the default)', up),
  row('the same with UPSHIFT_LOG_LEVEL=silent (no log file, pino not loaded)', stats(silentSamples)),
  ...(against ? [row(`the same upgrade by ${against} (--against)`, stats(againstSamples))] : []),
  row('baseline: the same git commands + install + smoke by hand', man),
  row('node -e 0 (startup, context)', startup),
  row('upshift --help (startup + module load, context)', stats(cliLoad)),
]);
console.log(`overhead upgrade − baseline:                 ${ms(overhead)}  (target ≤ ${TARGET_OVERHEAD_MS} ms: ${verdict(overhead <= TARGET_OVERHEAD_MS)})`);
console.log(`logging cost (info − silent, medians):       ${ms(up.median - stats(silentSamples).median)}`);
console.log(`overhead beyond node startup:                ${ms(overhead - startup.median)}  (context)`);
console.log(
  `git processes started by one upgrade: ${calls.total} (baseline 4; target ≤ ${TARGET_GIT_PROCESSES}: ${verdict(calls.total <= TARGET_GIT_PROCESSES)}): ` +
    calls.verbs.map(([verb, n]) => `${verb} ${n}`).join(', '),
);
console.log(`git processes of an upgrade --yes after a plan: ${afterPlan.total}: ` + afterPlan.verbs.map(([verb, n]) => `${verb} ${n}`).join(', '));
if (against) {
  console.log(`overhead of --against − baseline:            ${ms(stats(againstSamples).median - man.median)}`);
  console.log(`git processes of one upgrade by --against: ${againstCalls.total}: ` + againstCalls.verbs.map(([verb, n]) => `${verb} ${n}`).join(', '));
}

removeTempDir(tmp);
