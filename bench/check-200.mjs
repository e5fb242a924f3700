// `upshift check` over 200 watched projects against the floor it cannot beat: one `git ls-remote` per remote,
// run from Node with the engine's own parallelism. Each project has its own local bare remote with 30
// lightweight release tags and a working clone at an older tag. Needs the compiled CLI:
//   npx tsc -p tsconfig.node.json && node bench/check-200.mjs [projects] [runs]
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchEnv, cli, deadline, git, gitCounter, makeTempDir, mapLimit, ms, nodeStartupMs, performance, printTable,
  removeTempDir, requireBuild, root, runOk, stats, verdict,
} from './lib.mjs';

const PROJECTS = Number(process.argv[2] ?? 200);
const RUNS = Number(process.argv[3] ?? 5);
const COMMITS = 10;
const TAGS_PER_COMMIT = 3; // 30 tags: v1.0.0 … v1.9.2
const CURRENT_TAG = 'v1.3.2';
const LATEST = '1.9.2';
const TARGET_RATIO = 1.0; // issue 12: a repeat check of local path remotes no slower than git ls-remote itself
const TARGET_RSS_MB = 60;
const ADD_PARALLEL = 4;

requireBuild();
deadline(15 * 60_000, 'check-200');

/** The engine's default check parallelism, read from the built engine so the baseline follows it. */
function engineConcurrency() {
  const src = readFileSync(join(root, 'dist/electron/core/engine/index.js'), 'utf8');
  const m = /opts\.concurrency\s*\?\?\s*(\d+)/.exec(src);
  if (!m) {
    console.error('check-200: could not read the concurrency default from the engine; assuming 8.');
    return 8;
  }
  return Number(m[1]);
}
const CONCURRENCY = engineConcurrency();

const tmp = makeTempDir('upshift-bench-check-');
const home = join(tmp, 'home');
const env = benchEnv({ UPSHIFT_HOME: home });

// ---------------------------------------------------------------------------------------------------------
// Fixtures: one template remote and clone, copied PROJECTS times.

const tBuild = performance.now();
const src = join(tmp, 'template-src');
mkdirSync(src);
git(src, ['init', '-q', '-b', 'main']);
writeFileSync(join(src, 'upshift.yml'), 'install: "true"\nsmoke:\n  command: "true"\n  timeoutSeconds: 60\n');
for (let c = 0; c < COMMITS; c++) {
  writeFileSync(join(src, 'VERSION'), `1.${c}\n`);
  git(src, ['add', '-A']);
  git(src, ['commit', '-q', '-m', `Release 1.${c}`]);
  for (let t = 0; t < TAGS_PER_COMMIT; t++) git(src, ['tag', `v1.${c}.${t}`]);
}
const tplRemote = join(tmp, 'template-remote.git');
const tplClone = join(tmp, 'template-clone');
git(tmp, ['clone', '-q', '--bare', '--no-hardlinks', src, tplRemote]);
git(tmp, ['clone', '-q', tplRemote, tplClone]);
git(tplClone, ['checkout', '-q', '--detach', CURRENT_TAG]);
for (const dir of [tplRemote, join(tplClone, '.git')]) {
  git(dir, ['gc', '-q']);
  rmSync(join(dir, 'hooks'), { recursive: true, force: true });
}

const projects = Array.from({ length: PROJECTS }, (_, i) => {
  const name = `p${String(i).padStart(3, '0')}`;
  return { name, remote: join(tmp, 'remotes', `${name}.git`), path: join(tmp, 'projects', name) };
});
for (const p of projects) {
  cpSync(tplRemote, p.remote, { recursive: true });
  cpSync(tplClone, p.path, { recursive: true });
}
const tCopied = performance.now();

// Registration goes through the real CLI, a few processes at a time (SQLite's busy timeout serialises writes).
await mapLimit(projects, ADD_PARALLEL, async (p) => {
  await runOk('git', ['config', 'remote.origin.url', p.remote], { cwd: p.path, env });
  await runOk(process.execPath, [cli, 'add', p.path, '--name', p.name, '--json'], { env });
});
const listed = JSON.parse((await runOk(process.execPath, [cli, 'list', '--json'], { env })).stdout);
if (listed.projects.length !== PROJECTS) throw new Error(`expected ${PROJECTS} watched projects, list shows ${listed.projects.length}`);
const tAdded = performance.now();

// ---------------------------------------------------------------------------------------------------------
// The two measurements

// Peak RSS as the kernel counts it, printed by the CLI process itself at exit (process.resourceUsage().maxRSS, KiB).
const rssHook = join(tmp, 'rss.cjs');
writeFileSync(rssHook, "process.on('exit', () => process.stderr.write(`maxrss=${process.resourceUsage().maxRSS}\\n`));\n");
const rssSamples = [];

async function upshiftCheck(extraEnv = {}) {
  const r = await runOk(process.execPath, ['--require', rssHook, cli, 'check', '--json'], { env: { ...env, ...extraEnv }, timeoutMs: 300_000 });
  const rss = /maxrss=(\d+)/.exec(r.stderr);
  if (rss) rssSamples.push(Number(rss[1]) / 1024);
  const doc = JSON.parse(r.stdout);
  const bad = doc.projects.filter((p) => !p.updateAvailable || p.error !== null || p.latest?.version !== LATEST);
  if (doc.projects.length !== PROJECTS || bad.length > 0) {
    throw new Error(`check reported ${doc.projects.length} projects, ${bad.length} without the expected update: ${JSON.stringify(bad[0] ?? null)}`);
  }
  return r.ms;
}

async function lsRemoteBatch() {
  const t0 = performance.now();
  await mapLimit(projects, CONCURRENCY, async (p) => {
    const r = await runOk('git', ['ls-remote', '--tags', '--refs', p.remote], { cwd: p.path, env });
    const n = r.stdout.split('\n').filter((l) => l !== '').length;
    if (n !== COMMITS * TAGS_PER_COMMIT) throw new Error(`ls-remote of ${p.remote} listed ${n} tags`);
  });
  return performance.now() - t0;
}

// One round of each first, not in the samples: page cache, SQLite file growth, and the first check reads the
// metadata of every release newer than the current one (cached by commit afterwards). Its time is shown apart.
const firstCheck = await upshiftCheck();
await lsRemoteBatch();

const checkSamples = [];
const baseSamples = [];
for (let i = 0; i < RUNS; i++) {
  if (i % 2 === 0) {
    checkSamples.push(await upshiftCheck());
    baseSamples.push(await lsRemoteBatch());
  } else {
    baseSamples.push(await lsRemoteBatch());
    checkSamples.push(await upshiftCheck());
  }
}
const startup = await nodeStartupMs(10, env);
const cliLoad = [];
for (let i = 0; i < 5; i++) cliLoad.push((await runOk(process.execPath, [cli, '--help'], { env })).ms);

// Untimed diagnostic: how many git processes one check starts.
const counter = gitCounter(join(tmp, 'bin'));
await upshiftCheck({ PATH: counter.pathEnv });
const calls = counter.read();

// ---------------------------------------------------------------------------------------------------------
// Report

const check = stats(checkSamples);
const base = stats(baseSamples);
const ratio = check.median / base.median;
const ratioNoStartup = (check.median - startup.median) / base.median;
const row = (label, s) => [label, ms(s.median), ms(s.min), ms(s.max)];
const gitVersion = git(tmp, ['--version']).replace(/^git version /, '');

console.log(
  `check-200: ${PROJECTS} projects × ${COMMITS * TAGS_PER_COMMIT} tags (local bare remotes), clones at ${CURRENT_TAG}; ` +
    `${RUNS} runs alternating after 1 warm-up; node ${process.version}, git ${gitVersion}`,
);
console.log(
  `fixtures: built+copied in ${ms(tCopied - tBuild)}, ${PROJECTS} × \`upshift add\` (${ADD_PARALLEL} at a time) in ${ms(tAdded - tCopied)}`,
);
printTable([
  ['', 'median', 'min', 'max'],
  row('upshift check --json', check),
  row(`baseline: git ls-remote --tags --refs ×${PROJECTS}, ${CONCURRENCY} at a time`, base),
  ['first check after add (release metadata read, then cached; once)', ms(firstCheck), '', ''],
  row('node -e 0 (startup, context)', startup),
  row('upshift --help (startup + module load, context)', stats(cliLoad)),
  ['upshift check − node startup', ms(check.median - startup.median), '', ''],
]);
console.log(`ratio check / baseline:                    ${ratio.toFixed(2)}×  (target ≤ ${TARGET_RATIO}×: ${verdict(ratio <= TARGET_RATIO)})`);
console.log(`ratio (check − node startup) / baseline:   ${ratioNoStartup.toFixed(2)}×  (context)`);
const repeatRss = stats(rssSamples.slice(1, 1 + RUNS));
console.log(`CLI peak RSS, repeat check: median ${repeatRss.median.toFixed(1)} MB, max ${repeatRss.max.toFixed(1)} MB; first check ${rssSamples[0].toFixed(1)} MB  (target ≤ ${TARGET_RSS_MB} MB: ${verdict(repeatRss.max <= TARGET_RSS_MB)})`);
console.log(
  `git processes started by one check: ${calls.total} (${(calls.total / PROJECTS).toFixed(1)} per project; baseline 1.0): ` +
    calls.verbs.map(([verb, n]) => `${verb} ${n}`).join(', '),
);

removeTempDir(tmp);
