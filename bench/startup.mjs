// CLI start-up (issue 12 §2): `upshift --help` and `upshift --version` against `node -e 0`, alternating, with the
// peak resident size of each (GNU time's %M where /usr/bin/time exists). The CLI loads only its entry and the chunks a
// command imports (build/postbuild.mjs splits them), so --help pays for argument parsing and nothing else.
//   npm run build && node bench/startup.mjs [runs]
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { benchEnv, cli, deadline, ms, printTable, requireBuild, runOk, stats, verdict } from './lib.mjs';

const RUNS = Number(process.argv[2] ?? 20);
const TARGET_RATIO = 1.5;
requireBuild();
deadline(5 * 60_000, 'startup');
const env = benchEnv();

const cases = [
  ['node -e 0', ['-e', '0']],
  ['upshift --help', [cli, '--help']],
  ['upshift --version', [cli, '--version']],
];
const samples = new Map(cases.map(([label]) => [label, []]));
for (let i = 0; i < RUNS + 1; i++) {
  for (const [label, args] of i % 2 ? [...cases].reverse() : cases) {
    const r = await runOk(process.execPath, args, { env });
    if (i > 0) samples.get(label).push(r.ms); // the first round only warms the page cache
  }
}
/** Peak RSS in MB of one run, by GNU time; null where it is not installed. */
function peakRss(args) {
  if (!existsSync('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { env, encoding: 'utf8' });
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : null;
}
const rows = [['', 'median', 'min', 'max', 'peak RSS']];
for (const [label, args] of cases) {
  const s = stats(samples.get(label));
  const rss = peakRss(args);
  rows.push([label, ms(s.median), ms(s.min), ms(s.max), rss === null ? '?' : `${rss.toFixed(1)} MB`]);
}
console.log(`startup: ${RUNS} runs each, alternating; node ${process.version}`);
printTable(rows);
const ratio = stats(samples.get('upshift --help')).median / stats(samples.get('node -e 0')).median;
console.log(`upshift --help / node -e 0:                  ${ratio.toFixed(2)}×  (target ≤ ${TARGET_RATIO}×: ${verdict(ratio <= TARGET_RATIO)})`);
