// Release selection over vim's 19,877 real tags: Upshift's selectReleases / latestRelease against a naive
// semver.coerce + semver.rcompare loop, in the same process. Needs the compiled JS:
//   npx tsc -p tsconfig.node.json && node bench/version-select.mjs [path/to/vim.tsv] [runs]
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import semver from 'semver';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist/shared/version/index.js');
if (!existsSync(built)) {
  console.error(`Missing ${built}: build first with "npx tsc -p tsconfig.node.json".`);
  process.exit(2);
}
const { compileTagPattern, latestRelease, selectReleases } = await import(built);

const tsv = process.argv[2] ?? resolve(root, 'test/fixtures/real/tags/vim.tsv');
const runs = Number(process.argv[3] ?? 50);
const refs = readFileSync(tsv, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => {
    const [tag, object, peeled] = line.split('\t');
    return { tag, sha: peeled || object };
  });

const pattern = compileTagPattern('v{version}');

/** The approach Upshift replaces: coerce every tag, sort with semver. */
function naiveLatest(list) {
  const parsed = [];
  for (const ref of list) {
    const v = semver.coerce(ref.tag, { includePrerelease: true });
    if (v !== null && v.prerelease.length === 0) parsed.push({ ref, v });
  }
  parsed.sort((a, b) => semver.rcompare(a.v, b.v));
  return parsed[0]?.ref ?? null;
}

function time(label, fn) {
  for (let i = 0; i < 10; i++) fn(); // warm-up: let the JIT settle
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
  return { label, median, p90, min: samples[0], result };
}

const results = [
  time('latestRelease (stable)', () => latestRelease(refs, pattern, { channel: 'stable' })),
  time('selectReleases (stable) + [0]', () => selectReleases(refs, pattern, { channel: 'stable' })[0]),
  time('selectReleases (prerelease) + [0]', () => selectReleases(refs, pattern, { channel: 'prerelease' })[0]),
  time('naive semver.coerce + rcompare', () => naiveLatest(refs)),
];

const baseline = results[results.length - 1];
console.log(`vim tags: ${refs.length}, runs: ${runs} (after 10 warm-up runs), node ${process.version}`);
console.log(
  `cpu: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (a loaded machine inflates medians; min shows the unloaded cost)`,
);
for (const r of results) {
  const tag = r.result?.tag ?? 'none';
  const ratio = (baseline.median / r.median).toFixed(1);
  console.log(
    `${r.label.padEnd(36)} median ${r.median.toFixed(3).padStart(7)} ms  p90 ${r.p90.toFixed(3).padStart(7)} ms  ` +
      `min ${r.min.toFixed(3).padStart(7)} ms  latest=${tag}  ${r === baseline ? '(baseline)' : `${ratio}x faster`}`,
  );
}
const all = selectReleases(refs, pattern, { channel: 'prerelease' });
console.log(`releases found: ${all.length} (of ${refs.length} tags)`);
const latest = results[0];
console.log(
  `latest-selection budget 5 ms: median ${latest.median.toFixed(3)} ms -> ${latest.median <= 5 ? 'within' : 'OVER'} budget` +
    `; naive baseline picks ${baseline.result?.tag} (semver.coerce drops vim's zero-padded patch numbers)`,
);
