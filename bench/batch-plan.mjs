// The pure planning layer of issue 9 §4/§5 on large inputs: planBatch over 200 projects (a core with 500 releases and
// 199 dependents; a layered graph of 200 projects; a search that has to lower the core far), planPath over 500
// releases with 50 required stops. Prints figures; asserts nothing about time. Bundles shared/plan with esbuild into a
// temporary file first, so it needs no full build:
//   node bench/batch-plan.mjs [runs]
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'upshift-bench-plan-'));
let planBatch;
let planPath;
try {
  const outfile = join(dir, 'plan.mjs');
  await build({ entryPoints: [join(root, 'shared/plan/index.ts')], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'warning' });
  ({ planBatch, planPath } = await import(pathToFileURL(outfile).href));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const pad = (n) => String(n).padStart(3, '0');
const coreReleases = (n) =>
  Array.from({ length: n }, (_, i) => ({ version: `${1 + Math.floor(i / 100)}.${i % 100}.0`, contractsVersion: `${1 + Math.floor(i / 100)}.0.0` }));

/** A core with 500 releases (1.0.0 … 5.99.0) and 199 dependents, each with 5 releases; a quarter need a bridge release. */
function star() {
  const projects = [{ name: 'core', current: '1.0.0', contractsVersion: '1.0.0', releases: coreReleases(500).slice(1) }];
  for (let d = 0; d < 199; d++) {
    const major = 1 + (d % 4);
    const requires = d >= 20 ? { core: { max: `${major + 1}.x.x` }, [`p${pad(d % 20)}`]: { min: '1.0.0' } } : { core: { max: `${major + 1}.x.x` } };
    projects.push({
      name: `p${pad(d)}`,
      current: '1.0.0',
      core: 'core',
      requires: { core: { max: `${major}.x.x` } },
      releases: Array.from({ length: 5 }, (_, r) => ({ version: `1.${r + 1}.0`, requires })),
    });
  }
  return projects;
}

/** 200 projects in 4 layers of 50, each depending on two of the layer below, 20 releases each; every project moves. */
function layered() {
  const projects = [];
  for (let layer = 0; layer < 4; layer++) {
    for (let i = 0; i < 50; i++) {
      const deps = layer === 0 ? [] : [`l${layer - 1}-${pad(i)}`, `l${layer - 1}-${pad((i + 7) % 50)}`];
      const req = (min) => Object.fromEntries(deps.map((d) => [d, { min, max: '1.x.x' }]));
      projects.push({
        name: `l${layer}-${pad(i)}`,
        current: '1.0.0',
        requires: req('1.0.0'),
        releases: Array.from({ length: 20 }, (_, r) => ({ version: `1.${r + 1}.0`, requires: req(`1.${Math.max(0, r - 2)}.0`) })),
      });
    }
  }
  return projects;
}

/** The core's newest 400 releases are refused by every dependent: the search lowers the core before it settles. */
function lowering() {
  const projects = [{ name: 'core', current: '1.0.0', contractsVersion: '1.0.0', releases: coreReleases(500).slice(1) }];
  for (let d = 0; d < 199; d++) {
    projects.push({
      name: `p${pad(d)}`,
      current: '1.0.0',
      core: 'core',
      requires: { core: { max: '1.x.x' } },
      releases: Array.from({ length: 5 }, (_, r) => ({ version: `1.${r + 1}.0`, requires: { core: { max: '1.x.x', contractsMajor: 1 } } })),
    });
  }
  return projects;
}

/** 500 releases, a required stop every 10th, a contracts major every 100 (its stops coincide with those). */
function longPath() {
  return coreReleases(500).map((r, i) => ({ ...r, requiredStop: i % 10 === 9 }));
}

function time(label, fn, describe) {
  fn(); // warm-up
  const samples = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const p90 = samples[Math.floor(samples.length * 0.9)];
  console.log(
    `${label.padEnd(44)} median ${median.toFixed(2).padStart(8)} ms  p90 ${p90.toFixed(2).padStart(8)} ms  min ${samples[0].toFixed(2).padStart(8)} ms  ${describe(result)}`,
  );
}

console.log(`runs: ${runs} (after 1 warm-up run), node ${process.version}`);
console.log(`cpu: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (a loaded machine inflates medians)`);
const summary = (plan) => {
  const core = plan.members.find((m) => m.project === (plan.root ?? ''));
  return `members ${plan.members.length}, changing ${plan.order.length}${core ? `, core ${core.from}→${core.to}` : ''}, rejected ${plan.rejectedTargets.length}, blocked ${plan.blocked}`;
};
const starInput = star();
const layeredInput = layered();
const loweringInput = lowering();
const pathInput = longPath();
time('planBatch star: core 500 releases + 199', () => planBatch(starInput, { root: 'core' }), summary);
time('planBatch star --all', () => planBatch(starInput, { mode: 'all' }), summary);
time('planBatch layered 4×50, 20 releases each', () => planBatch(layeredInput, { mode: 'all' }), summary);
time('planBatch lowering core past 400 releases', () => planBatch(loweringInput, { root: 'core' }), summary);
time('planPath 500 releases, a stop every 10th', () => planPath({ project: 'core', current: '1.0.0', target: '5.99.0', releases: pathInput }), (p) => `hops ${p.hops.length}, refused ${p.refused?.code ?? 'no'}`);
