// Release discovery without a process per project (issue 12 §1), measured side by side in one run:
//   1. `upshift check` of N projects whose remotes are served over smart HTTP by `git http-backend` (a small CGI
//      server on 127.0.0.1 started here) vs `git ls-remote --tags <url>` ×N at the engine's parallelism;
//   2. `upshift check` of N local path remotes vs `git ls-remote --tags --refs` ×N, a repeat check (every remote
//      unchanged) and one where every remote gained a tag since the last check;
//   3. 1,000 unchanged projects: the second check vs the first;
//   4. the CLI's peak RSS during the N-project check;
//   5. how check time grows from 10 to 1,000 projects.
// Needs the compiled CLI:  npm run build && node bench/discovery.mjs [projects] [runs] [big]
// DISCOVERY_PARTS=http,path,big (default all) runs only those parts (path includes the RSS rows; big the 1,000-project
// second check and the growth table). UPSHIFT_BENCH_OLD_CLI=<another build's dist/upshift.mjs> adds that build to the
// path part, alternating with this one on its own copy of the state (the memos are per build): old against new in one run.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHttpBackend } from './http-backend.mjs';
import {
  benchEnv, cli, deadline, git, gitCounter, importStateStore, makeTempDir, mapLimit, ms, performance, printTable,
  removeTempDir, requireBuild, runOk, stats, verdict,
} from './lib.mjs';

const N = Number(process.argv[2] ?? 200);
const RUNS = Number(process.argv[3] ?? 5);
const BIG = Number(process.argv[4] ?? 1000);
const GROWTH = [10, 50, 200, 1000].filter((n) => n <= BIG);
const CONCURRENCY = 8; // the engine's default (Engine.open concurrency)
const TAGS = 30;
const CURRENT = 'v1.3.2';
const LATEST = '1.9.2';

const PARTS = new Set((process.env.DISCOVERY_PARTS ?? 'http,path,big').split(',').map((p) => p.trim()));
const OLD_CLI = process.env.UPSHIFT_BENCH_OLD_CLI || null;

requireBuild();
deadline(40 * 60_000, 'discovery');

const tmp = makeTempDir('upshift-bench-discovery-');
const env = benchEnv();
const { StateStore } = await importStateStore();
// The old build's own state module writes its home: a newer schema would make the old CLI refuse it (STATE_TOO_NEW).
const OldStateStore = OLD_CLI ? (await import(pathToFileURL(join(dirname(OLD_CLI), 'electron/core/state/index.js')).href)).StateStore : null;

// ---------------------------------------------------------------------------------------------------------
// Fixtures: one template remote (30 tags on 10 commits, packed) and a clone at v1.3.2, copied per project.

const src = join(tmp, 'template-src');
mkdirSync(src);
git(src, ['init', '-q', '-b', 'main']);
writeFileSync(join(src, 'upshift.yml'), 'install: "true"\nsmoke:\n  command: "true"\n  timeoutSeconds: 60\n');
for (let c = 0; c < TAGS / 3; c++) {
  writeFileSync(join(src, 'VERSION'), `1.${c}\n`);
  git(src, ['add', '-A']);
  git(src, ['commit', '-q', '-m', `Release 1.${c}`]);
  for (let t = 0; t < 3; t++) git(src, ['tag', `v1.${c}.${t}`]);
}
const tplRemote = join(tmp, 'template-remote.git');
const tplClone = join(tmp, 'template-clone');
git(tmp, ['clone', '-q', '--bare', '--no-hardlinks', src, tplRemote]);
git(tmp, ['clone', '-q', tplRemote, tplClone]);
git(tplClone, ['checkout', '-q', '--detach', CURRENT]);
for (const dir of [tplRemote, join(tplClone, '.git')]) {
  git(dir, ['gc', '-q']);
  rmSync(join(dir, 'hooks'), { recursive: true, force: true });
}
const tipSha = git(tplRemote, ['rev-parse', 'refs/heads/main']);

const remotesRoot = join(tmp, 'remotes');
function makeProjects(prefix, count, url) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}${String(i).padStart(4, '0')}`;
    const remote = join(remotesRoot, `${name}.git`);
    const path = join(tmp, 'projects', name);
    cpSync(tplRemote, remote, { recursive: true });
    cpSync(tplClone, path, { recursive: true });
    const remoteUrl = url ? `${url}/${name}.git` : remote;
    // The clone's config names its remote (what `git remote set-url` writes), without a git process per project.
    writeFileSync(join(path, '.git', 'config'), `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote "origin"]\n\turl = ${remoteUrl}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`);
    out.push({ name, path, remote, url: remoteUrl });
  }
  return out;
}

/** A home with `projects` registered (what `upshift add` records), written directly in one transaction. */
function homeWith(label, projects, Store = StateStore) {
  const home = join(tmp, `home-${label}`);
  const store = Store.open(home);
  store.database.transaction(() => {
    for (const p of projects) store.addProject({ name: p.name, path: p.path, manifest: 'upshift.yml', channel: 'stable' });
  })();
  store.close();
  return home;
}

const t0 = performance.now();
const server = PARTS.has('http') ? await startHttpBackend({ root: remotesRoot }) : null;
const httpProjects = server ? makeProjects('h', N, server.url) : [];
const pathProjects = PARTS.has('path') ? makeProjects('l', N, null) : [];
const bigProjects = PARTS.has('big') ? makeProjects('b', BIG, null) : [];
const homes = { http: homeWith('http', httpProjects), path: homeWith('path', pathProjects), pathOld: OLD_CLI ? homeWith('path-old', pathProjects, OldStateStore) : null, big: homeWith('big', bigProjects) };
console.log(`fixtures: ${httpProjects.length} HTTP + ${pathProjects.length} path + ${bigProjects.length} path projects built in ${ms(performance.now() - t0)}`);

// ---------------------------------------------------------------------------------------------------------
// Runners

async function check(home, expected, extraEnv = {}, cliPath = cli) {
  const r = await runOk(process.execPath, ['--require', join(tmp, 'rss.cjs'), cliPath, 'check', '--json'], { env: { ...env, UPSHIFT_HOME: home, ...extraEnv }, timeoutMs: 600_000 });
  const doc = JSON.parse(r.stdout);
  const bad = doc.projects.filter((p) => p.error !== null || p.latest?.version !== (p.name.startsWith('l') && bumped ? bumpedLatest : LATEST));
  if (doc.projects.length !== expected || bad.length > 0) throw new Error(`check: ${doc.projects.length} projects, ${bad.length} unexpected: ${JSON.stringify(bad[0] ?? null).slice(0, 600)}`);
  const rss = /maxrss=(\d+)/.exec(r.stderr);
  return { ms: r.ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}
// Peak RSS as the kernel counts it, printed by the CLI process itself at exit.
writeFileSync(join(tmp, 'rss.cjs'), "process.on('exit', () => process.stderr.write(`maxrss=${process.resourceUsage().maxRSS}\\n`));\n");

async function lsRemote(projects, args) {
  const start = performance.now();
  await mapLimit(projects, CONCURRENCY, async (p) => {
    const r = await runOk('git', ['ls-remote', ...args, p.url], { cwd: tmp, env });
    if (r.stdout.split('\n').filter((l) => l.includes('refs/tags/')).length < TAGS) throw new Error(`ls-remote ${p.url}: ${r.stdout.slice(0, 200)}`);
  });
  return performance.now() - start;
}

let bumped = false;
let bumpedLatest = LATEST;
let bumpCount = 0;
/** A new release tag on every path remote (a loose ref, as a push writes it): every advertisement changes. */
function bumpPathRemotes() {
  bumpCount++;
  bumped = true;
  bumpedLatest = `1.9.${2 + bumpCount}`;
  for (const p of pathProjects) writeFileSync(join(p.remote, 'refs', 'tags', `v${bumpedLatest}`), `${tipSha}\n`);
}

async function alternate(a, b) {
  const as = [];
  const bs = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  return [as, bs];
}

// ---------------------------------------------------------------------------------------------------------
// 1. Smart HTTP

let httpFirst = null;
let httpChecks = [];
let httpBase = [];
const httpRecompute = [];
const httpGitRoute = [];
let cgiPerRun = 0;
if (server) {
  httpFirst = await check(homes.http, N);
  await lsRemote(httpProjects, ['--tags']);
  [httpChecks, httpBase] = await alternate(async () => (await check(homes.http, N)).ms, () => lsRemote(httpProjects, ['--tags']));
  for (let i = 0; i < RUNS; i++) httpRecompute.push((await check(homes.http, N, { UPSHIFT_DISCOVERY_MEMO: 'off' })).ms);
  for (let i = 0; i < Math.min(RUNS, 3); i++) httpGitRoute.push((await check(homes.http, N, { UPSHIFT_DISCOVERY: 'git' })).ms);
  cgiPerRun = server.stats.cgi;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Local path remotes, repeat and all-changed

let pathFirst = null;
let pathChecks = [];
let pathBase = [];
const oldChecks = [];
const oldRss = [];
const newRss = [];
const changed = [];
const changedBase = [];
const rss = [];
let rssChanged = NaN;
let repeatGit = null;
let changedGit = null;
if (PARTS.has('path')) {
  pathFirst = await check(homes.path, N);
  if (OLD_CLI) await check(homes.pathOld, N, {}, OLD_CLI);
  await lsRemote(pathProjects, ['--tags', '--refs']);
  // With an old build: new, baseline and old in turn (the order rotating), each on its own state directory.
  const newCheck = async () => {
    const r = await check(homes.path, N);
    newRss.push(r.rssMb);
    return r.ms;
  };
  const baseline = () => lsRemote(pathProjects, ['--tags', '--refs']);
  if (OLD_CLI) {
    const fns = [newCheck, baseline, async () => {
      const r = await check(homes.pathOld, N, {}, OLD_CLI);
      oldRss.push(r.rssMb);
      return r.ms;
    }];
    const out = [[], [], []];
    for (let i = 0; i < RUNS; i++) for (let k = 0; k < 3; k++) out[(i + k) % 3].push(await fns[(i + k) % 3]());
    [pathChecks, pathBase] = out;
    oldChecks.push(...out[2]);
  } else {
    [pathChecks, pathBase] = await alternate(newCheck, baseline);
  }
  for (let i = 0; i < RUNS; i++) {
    bumpPathRemotes();
    changed.push((await check(homes.path, N)).ms);
    changedBase.push(await lsRemote(pathProjects, ['--tags', '--refs']));
  }
  for (let i = 0; i < 3; i++) rss.push((await check(homes.path, N)).rssMb);
  bumpPathRemotes();
  rssChanged = (await check(homes.path, N)).rssMb;
  const counter = gitCounter(join(tmp, 'bin'));
  await check(homes.path, N, { PATH: counter.pathEnv });
  repeatGit = counter.read();
  counter.reset();
  bumpPathRemotes();
  await check(homes.path, N, { PATH: counter.pathEnv });
  changedGit = counter.read();
}

// ---------------------------------------------------------------------------------------------------------
// 3. 1,000 unchanged projects: second check vs first

const bigFirst = PARTS.has('big') ? await check(homes.big, BIG) : null;
const bigSecond = [];
if (bigFirst) for (let i = 0; i < 3; i++) bigSecond.push((await check(homes.big, BIG)).ms);

// ---------------------------------------------------------------------------------------------------------
// 4. Growth 10 → 1,000 (path remotes; first check, repeat check, and git ls-remote at the same parallelism)

const growth = [];
const big2Stats = () => stats(bigSecond);
for (const n of bigFirst ? GROWTH : []) {
  const subset = bigProjects.slice(0, n);
  // The full set is the 1,000-project home measured above.
  const home = n === BIG ? homes.big : homeWith(`g${n}`, subset);
  const first = n === BIG ? bigFirst : await check(home, n);
  const repeat = n === BIG ? big2Stats() : stats([(await check(home, n)).ms, (await check(home, n)).ms, (await check(home, n)).ms]);
  const base = stats([await lsRemote(subset, ['--tags', '--refs']), await lsRemote(subset, ['--tags', '--refs'])]);
  growth.push([n, first.ms, repeat.median, base.median]);
}
await server?.close();

// ---------------------------------------------------------------------------------------------------------
// Report

const gitVersion = git(tmp, ['--version']).replace(/^git version /, '');
const row = (label, s) => [label, ms(s.median), ms(s.min), ms(s.max)];
console.log(`discovery: ${N} projects × ${TAGS} tags; ${RUNS} runs alternating after 1 warm-up; parallelism ${CONCURRENCY}; node ${process.version}, git ${gitVersion}`);
const verbs = (g) => g.verbs.map(([v, n]) => `${v} ${n}`).join(', ') || 'none';
if (server) {
  const hc = stats(httpChecks);
  const hb = stats(httpBase);
  printTable([
    ['', 'median', 'min', 'max'],
    row(`upshift check, ${N} smart-HTTP remotes (repeat: unchanged)`, hc),
    row(`upshift check, ${N} smart-HTTP remotes, memo off (every project judged)`, stats(httpRecompute)),
    row(`upshift check, ${N} smart-HTTP remotes, UPSHIFT_DISCOVERY=git (before)`, stats(httpGitRoute)),
    row(`baseline: git ls-remote --tags <http url> ×${N}, ${CONCURRENCY} at a time`, hb),
    ['first check after add (HTTP, metadata read once)', ms(httpFirst.ms), '', ''],
  ]);
  const r1 = hc.median / hb.median;
  console.log(`ratio check / git ls-remote, smart HTTP (repeat):        ${r1.toFixed(2)}×  (target ≤ 0.5×: ${verdict(r1 <= 0.5)})`);
  console.log(`ratio check / git ls-remote, smart HTTP (memo off):      ${(stats(httpRecompute).median / hb.median).toFixed(2)}×  (context)`);
  console.log(`git http-backend CGI runs during the HTTP part: ${cgiPerRun}`);
}
if (PARTS.has('path')) {
  const pc = stats(pathChecks);
  const pb = stats(pathBase);
  const cc = stats(changed);
  const cb = stats(changedBase);
  printTable([
    ['', 'median', 'min', 'max'],
    row(`upshift check, ${N} path remotes (repeat: unchanged)`, pc),
    ...(OLD_CLI ? [row(`the same with ${OLD_CLI} (repeat, its own state)`, stats(oldChecks))] : []),
    row(`baseline: git ls-remote --tags --refs ×${N}, ${CONCURRENCY} at a time`, pb),
    row(`upshift check, ${N} path remotes, each gained a tag since the last check`, cc),
    row('baseline for that run: git ls-remote --tags --refs', cb),
    ['first check after add (path)', ms(pathFirst.ms), '', ''],
  ]);
  const r2 = pc.median / pb.median;
  console.log(`ratio check / git ls-remote --refs, path (repeat):       ${r2.toFixed(2)}×  (target ≤ 1.0×: ${verdict(r2 <= 1.0)})`);
  if (OLD_CLI) console.log(`ratio old build / git ls-remote --refs, path (repeat):   ${(stats(oldChecks).median / pb.median).toFixed(2)}×  (context)`);
  console.log(`ratio check / git ls-remote --refs, path (all changed):  ${(cc.median / cb.median).toFixed(2)}×  (context)`);
  const peak = Math.max(...rss, rssChanged);
  // The repeat rounds above (30 tags per remote) and the rounds after every remote gained tags (more releases per check).
  console.log(`CLI peak RSS during a ${N}-project check: repeat median ${stats(newRss).median.toFixed(1)} MB (max ${Math.max(...newRss).toFixed(1)}); after ${bumpCount - 1} new tags per remote ${Math.max(...rss).toFixed(1)} MB repeat, ${rssChanged.toFixed(1)} MB all changed  (target ≤ 60 MB: ${verdict(peak <= 60)})`);
  if (OLD_CLI) console.log(`old build's peak RSS, the same repeat rounds: median ${stats(oldRss).median.toFixed(1)} MB (max ${Math.max(...oldRss).toFixed(1)})`);
  console.log(`git processes per ${N}-project check: repeat ${repeatGit.total} (${verbs(repeatGit)}); all changed ${changedGit.total} (${verbs(changedGit)})`);
}
if (bigFirst) {
  const big2 = stats(bigSecond);
  printTable([
    ['', 'median', 'min', 'max'],
    [`upshift check, ${BIG} path remotes, first`, ms(bigFirst.ms), '', ''],
    row(`upshift check, ${BIG} path remotes, second (unchanged)`, big2),
  ]);
  const r3 = big2.median / bigFirst.ms;
  console.log(`ratio ${BIG} unchanged, second / first check:            ${r3.toFixed(2)}×  (target ≤ 0.2×: ${verdict(r3 <= 0.2)})`);
  console.log('growth (path remotes):');
  printTable([['projects', 'first check', 'repeat check', 'git ls-remote ×n', 'repeat / ls-remote'], ...growth.map(([n, f, r, b]) => [n, ms(f), ms(r), ms(b), `${(r / b).toFixed(2)}×`])]);
}

removeTempDir(tmp);
