// What a batch costs over the upgrades it is made of (issue 9: target ≤ 10 %): `upshift upgrade --all` of 10 projects
// v1.0.0 → v1.1.0 (trivial install and smoke), against the sum of the 10 single `upshift upgrade <p> --to 1.1.0`
// runs a person would type, each set on fresh copies and a fresh UPSHIFT_HOME. The batch plans the joint target
// (every project's releases and manifests read), records the batch and its members, holds every lock, then runs
// each member through the single-project path in one process. Needs the build:
//   npm run build && node bench/batch-overhead.mjs [runs] [projects]
import { join } from 'node:path';
import { benchEnv, cli, deadline, git, makeProjectRepos, makeTempDir, ms, printTable, removeTempDir, requireBuild, runOk, stats, verdict } from './lib.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const COUNT = Number(process.argv[3] ?? 10);
const TARGET = 0.1;

requireBuild();
deadline(20 * 60_000, 'batch-overhead');
const env = benchEnv();

async function world() {
  const dir = makeTempDir('upshift-bench-batch-');
  const projects = makeProjectRepos(dir, COUNT, { tags: ['v1.0.0', 'v1.1.0'], env });
  const runEnv = { ...env, UPSHIFT_HOME: join(dir, 'home') };
  for (const p of projects) await runOk(process.execPath, [cli, 'add', p.path, '--name', p.name, '--json'], { env: runEnv });
  return { dir, projects, runEnv };
}

function assertUpgraded(projects) {
  for (const p of projects) {
    const v = git(p.path, ['describe', '--tags', '--exact-match', 'HEAD'], env);
    if (v !== 'v1.1.0') throw new Error(`${p.name} is at ${v}, expected v1.1.0`);
  }
}

async function batch() {
  const w = await world();
  const r = await runOk(process.execPath, [cli, 'upgrade', '--all', '--yes', '--json'], { env: w.runEnv, timeoutMs: 600_000 });
  const b = JSON.parse(r.stdout).batch;
  if (b?.status !== 'succeeded' || b.members.length !== COUNT) throw new Error(`batch finished as ${b?.status} with ${b?.members.length} members`);
  assertUpgraded(w.projects);
  removeTempDir(w.dir);
  return r.ms;
}

async function singles() {
  const w = await world();
  let total = 0;
  for (const p of w.projects) {
    const r = await runOk(process.execPath, [cli, 'upgrade', p.name, '--to', '1.1.0', '--yes', '--json'], { env: w.runEnv, timeoutMs: 120_000 });
    total += r.ms;
  }
  assertUpgraded(w.projects);
  removeTempDir(w.dir);
  return total;
}

async function planOnly() {
  const w = await world();
  const r = await runOk(process.execPath, [cli, 'plan', '--all', '--json'], { env: w.runEnv });
  removeTempDir(w.dir);
  return r.ms;
}

// One untimed round of each (page cache), then alternate which goes first.
await batch();
await singles();
const batchSamples = [];
const singleSamples = [];
for (let i = 0; i < RUNS; i++) {
  if (i % 2 === 0) {
    batchSamples.push(await batch());
    singleSamples.push(await singles());
  } else {
    singleSamples.push(await singles());
    batchSamples.push(await batch());
  }
}
const plans = [];
for (let i = 0; i < RUNS; i++) plans.push(await planOnly());

const b = stats(batchSamples);
const s = stats(singleSamples);
const overhead = (b.median - s.median) / s.median;
console.log(`batch-overhead: ${COUNT} independent projects v1.0.0 → v1.1.0 (install + smoke = true); ${RUNS} runs each after 1 warm-up, fresh copies per run; node ${process.version}`);
printTable([
  ['', 'median', 'min', 'max'],
  [`upshift upgrade --all --yes (one batch of ${COUNT})`, ms(b.median), ms(b.min), ms(b.max)],
  [`sum of ${COUNT} × upshift upgrade <p> --to 1.1.0 --yes`, ms(s.median), ms(s.min), ms(s.max)],
  ['upshift plan --all (the joint plan alone, context)', ms(stats(plans).median), ms(stats(plans).min), ms(stats(plans).max)],
]);
console.log(`overhead of the batch over the sum of its single upgrades: ${(overhead * 100).toFixed(1)} % (target ≤ ${TARGET * 100} %) ${verdict(overhead <= TARGET)}`);
