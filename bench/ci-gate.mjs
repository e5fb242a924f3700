// `upshift ci` over 100 generated verticals against one candidate (target < 1 s), and `upshift matrix` of 20
// verticals × 10 core versions without smoke runs (target < 3 s), each against the seed's way of doing it in the same
// process: its gate judged one vertical per run, so the baseline spawns the CLI once per vertical (and, for the
// matrix, once per core version). Needs the built CLI:
//   npm run build && node bench/ci-gate.mjs [runs]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchEnv, cli, deadline, git, makeTempDir, ms, performance, printTable, removeTempDir, requireBuild, run, stats, verdict } from './lib.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const VERTICALS = 100;
const MATRIX_VERTICALS = 20;
const VERSIONS = 10;
const TARGET_CI_MS = 1000;
const TARGET_MATRIX_MS = 3000;

requireBuild();
deadline(15 * 60_000, 'ci-gate');

const tmp = makeTempDir('upshift-bench-gate-');
const env = benchEnv({ UPSHIFT_HOME: join(tmp, 'home') });

try {
  // The core: VERSIONS releases 1.0.0 … 1.9.0, each tag carrying release_metadata.json; contracts 1.x, a breaking
  // change every third release.
  const core = join(tmp, 'core');
  mkdirSync(core);
  git(core, ['init', '-q', '-b', 'main']);
  writeFileSync(join(core, 'upshift.yml'), 'name: core\n');
  for (let i = 0; i < VERSIONS; i++) {
    const version = `1.${i}.0`;
    const breaking = i % 3 === 2 ? [`Renamed setting ${i}`] : [];
    writeFileSync(join(core, 'release_metadata.json'), JSON.stringify({ version, release_date: '2026-01-01', contracts_version: `1.${i}.0`, changes: { breaking_changes: breaking } }));
    writeFileSync(join(core, 'VERSION'), `${version}\n`);
    git(core, ['add', '-A']);
    git(core, ['commit', '-q', '-m', `Release ${version}`]);
    git(core, ['tag', `v${version}`]);
  }
  const candidate = `1.${VERSIONS - 1}.0`;

  // Verticals: half in the seed format, half upshift.yml; minimums spread over the releases, some allowing breaks.
  const makeVerticals = (dir, count) => {
    mkdirSync(dir);
    for (let i = 0; i < count; i++) {
      const v = join(dir, `v${String(i).padStart(3, '0')}`);
      mkdirSync(v);
      const min = `1.${i % VERSIONS}.0`;
      if (i % 2 === 0) {
        writeFileSync(
          join(v, 'vertical_manifest.yaml'),
          `domain_name: "vertical-${i}"\ndomain_version: "0.1.0"\ncompatibility:\n  min_core_version: "${min}"\n  max_core_version: "1.x.x"\n  contracts_major: 1\n  breaking_changes_allowlist: ${i % 4 === 0 ? '["*"]' : '[]'}\n`,
        );
      } else {
        writeFileSync(join(v, 'upshift.yml'), `name: vertical-${i}\nrequires:\n  core: { min: "${min}", max: "1.x", contractsMajor: 1${i % 3 === 0 ? ', allowBreaking: ["*"]' : ''} }\n`);
      }
    }
    return dir;
  };
  const many = makeVerticals(join(tmp, 'verticals-100'), VERTICALS);
  const few = makeVerticals(join(tmp, 'verticals-20'), MATRIX_VERTICALS);

  const timed = async (args, okCodes = [0, 1]) => {
    const t0 = performance.now();
    const r = await run(process.execPath, [cli, ...args], { env, cwd: tmp });
    const elapsed = performance.now() - t0;
    if (!okCodes.includes(r.code)) throw new Error(`upshift ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return { elapsed, stdout: r.stdout };
  };

  // Upshift: one process for all 100 verticals.
  const ciArgs = ['ci', '--core', core, '--version', candidate, '--verticals', many, '--json'];
  const first = JSON.parse((await timed(ciArgs)).stdout);
  if (first.total_verticals !== VERTICALS) throw new Error(`expected ${VERTICALS} results, got ${first.total_verticals}`);
  const ciSamples = [];
  for (let i = 0; i < RUNS; i++) ciSamples.push((await timed(ciArgs)).elapsed);
  // Baseline: the seed's gate judged one vertical per run.
  const t0 = performance.now();
  for (let i = 0; i < VERTICALS; i++) await timed(['ci', '--core', core, '--version', candidate, '--verticals', join(many, `v${String(i).padStart(3, '0')}`), '--json']);
  const perVertical = performance.now() - t0;

  // The matrix: 20 verticals × the 10 releases (the newest is the candidate).
  const matrixArgs = ['matrix', '--core', core, '--last', String(VERSIONS), '--version', candidate, '--verticals', few, '--json'];
  const m = JSON.parse((await timed(matrixArgs)).stdout);
  if (m.columns.length !== VERSIONS || m.rows.length !== MATRIX_VERTICALS) throw new Error(`expected ${MATRIX_VERTICALS}×${VERSIONS}, got ${m.rows.length}×${m.columns.length}`);
  const matrixSamples = [];
  for (let i = 0; i < RUNS; i++) matrixSamples.push((await timed(matrixArgs)).elapsed);
  // Baseline: one gate run per core version (the matrix the seed's roadmap proposed: a CI job per version).
  const matrixBaselineSamples = [];
  for (let r = 0; r < Math.min(RUNS, 3); r++) {
    const t1 = performance.now();
    for (let i = 0; i < VERSIONS; i++) await timed(['ci', '--core', core, '--version', `1.${i}.0`, '--verticals', few, '--json']);
    matrixBaselineSamples.push(performance.now() - t1);
  }

  const ci = stats(ciSamples);
  const mx = stats(matrixSamples);
  const mb = stats(matrixBaselineSamples);
  printTable([
    ['measure', 'median', 'min', 'max'],
    [`upshift ci, ${VERTICALS} verticals, one candidate`, ms(ci.median), ms(ci.min), ms(ci.max)],
    [`baseline: upshift ci once per vertical (${VERTICALS} processes)`, ms(perVertical), '', ''],
    [`upshift matrix, ${MATRIX_VERTICALS} verticals × ${VERSIONS} versions`, ms(mx.median), ms(mx.min), ms(mx.max)],
    [`baseline: upshift ci once per version (${VERSIONS} processes)`, ms(mb.median), ms(mb.min), ms(mb.max)],
  ]);
  console.log(`ci over ${VERTICALS} verticals: ${ms(ci.median)} (${(perVertical / ci.median).toFixed(1)}× faster than one process per vertical) (target < ${TARGET_CI_MS} ms) — ${verdict(ci.median < TARGET_CI_MS)}`);
  console.log(`matrix ${MATRIX_VERTICALS}×${VERSIONS}: ${ms(mx.median)} (${(mb.median / mx.median).toFixed(1)}× faster than one gate per version) (target < ${TARGET_MATRIX_MS} ms) — ${verdict(mx.median < TARGET_MATRIX_MS)}`);
} finally {
  removeTempDir(tmp);
}
