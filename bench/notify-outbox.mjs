// Notification channels (issue 10 §1): (1) what a channel costs the upgrade path — `upshift upgrade` with no channel,
// with a dead one (connection refused) and with one that never answers (a black hole: the CLI's flush gives up after
// its 2 s budget) — the operation's own duration and the command's wall time; (2) the outbox under a failing channel:
// enqueue cost (the one INSERT an upgrade pays) and delivery throughput to a healthy channel while a failing one
// keeps failing. Needs the compiled tree: npm run build && node bench/notify-outbox.mjs [runs]
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEnv, cli, deadline, git, makeTempDir, ms, performance, printTable, removeTempDir, requireBuild, root, runOk, stats, verdict } from './lib.mjs';

const RUNS = Number(process.argv[2] ?? 5);
requireBuild();
deadline(10 * 60_000, 'notify-outbox');
const tmp = makeTempDir('upshift-bench-notify-');
const env = benchEnv();

// ---- (1) the upgrade path: the fixture of upgrade-overhead.mjs (v1.0.0 → v1.1.0, trivial install and smoke)
const fixture = join(tmp, 'fixture');
const src = join(tmp, 'src');
mkdirSync(fixture);
mkdirSync(src);
git(src, ['init', '-q', '-b', 'main']);
writeFileSync(join(src, 'upshift.yml'), 'install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 60\n');
writeFileSync(join(src, 'install.sh'), 'echo installed\n');
writeFileSync(join(src, 'smoke.sh'), 'echo smoke ok\n');
writeFileSync(join(src, 'VERSION'), '1.0.0\n');
git(src, ['add', '-A']);
git(src, ['commit', '-q', '-m', 'Release 1.0.0']);
git(src, ['tag', 'v1.0.0']);
git(tmp, ['clone', '-q', '--bare', '--no-hardlinks', src, join(fixture, 'remote.git')]);
git(fixture, ['clone', '-q', join(fixture, 'remote.git'), 'project']);
writeFileSync(join(src, 'VERSION'), '1.1.0\n');
git(src, ['commit', '-q', '-am', 'feat: release 1.1.0']);
git(src, ['tag', 'v1.1.0']);
git(src, ['push', '-q', join(fixture, 'remote.git'), 'main', 'v1.1.0']);

// A black hole: accepts connections and never answers.
const hole = http.createServer(() => undefined);
await new Promise((r) => hole.listen(0, '127.0.0.1', r));
// A dead port: bound then closed, so connections are refused.
const dead = http.createServer();
await new Promise((r) => dead.listen(0, '127.0.0.1', r));
const deadPort = dead.address().port;
await new Promise((r) => dead.close(r));

let copies = 0;
async function upgrade(urls) {
  const dir = join(tmp, `run-${copies++}`);
  cpSync(fixture, dir, { recursive: true });
  git(join(dir, 'project'), ['config', 'remote.origin.url', join(dir, 'remote.git')], env);
  const runEnv = { ...env, UPSHIFT_HOME: join(dir, 'home'), ...(urls ? { UPSHIFT_NOTIFY_URLS: urls } : {}) };
  await runOk(process.execPath, [cli, 'add', join(dir, 'project'), '--name', 'core', '--json'], { env: runEnv });
  const r = await runOk(process.execPath, [cli, 'upgrade', 'core', '--to', '1.1.0', '--yes', '--json'], { env: runEnv, timeoutMs: 120_000 });
  const op = JSON.parse(r.stdout).operation;
  if (op?.status !== 'succeeded') throw new Error(`upgrade finished as ${op?.status}`);
  removeTempDir(dir);
  return { wall: r.ms, op: op.durationMs };
}

const cases = [
  ['no channel', null],
  ['a dead channel (connection refused)', `json://127.0.0.1:${deadPort}/hook`],
  ['a black-hole channel (never answers)', `json://127.0.0.1:${hole.address().port}/hook`],
];
// A failing upgrade (in-flight work elsewhere in the checkout) must not hide part (2): say so and go on.
try {
  const samples = new Map(cases.map(([label]) => [label, { wall: [], op: [] }]));
  await upgrade(null); // warm-up
  for (let i = 0; i < RUNS; i++) {
    for (const [label, urls] of i % 2 === 0 ? cases : [...cases].reverse()) {
      const r = await upgrade(urls);
      samples.get(label).wall.push(r.wall);
      samples.get(label).op.push(r.op);
    }
  }
  console.log(`notify-outbox (1): upshift upgrade v1.0.0 → v1.1.0, ${RUNS} runs per case after a warm-up, alternating; node ${process.version}`);
  const rows = [['', 'operation (median)', 'command wall (median)', 'wall min', 'wall max']];
  for (const [label] of cases) {
    const s = samples.get(label);
    const w = stats(s.wall);
    rows.push([label, ms(stats(s.op).median), ms(w.median), ms(w.min), ms(w.max)]);
  }
  printTable(rows);
  const base = stats(samples.get('no channel').op).median;
  const withDead = stats(samples.get('a dead channel (connection refused)').op).median;
  const deadWall = stats(samples.get('a dead channel (connection refused)').wall).median - stats(samples.get('no channel').wall).median;
  const holeWall = stats(samples.get('a black-hole channel (never answers)').wall).median - stats(samples.get('no channel').wall).median;
  console.log(`operation with a dead channel − without: ${ms(withDead - base)} (the upgrade path is not slowed; target ≤ 50 ms: ${verdict(withDead - base <= 50)})`);
  console.log(`command exit with a dead channel: +${ms(deadWall)}; with a black hole: +${ms(holeWall)} (the flush budget is 2 s; target ≤ 2,500 ms: ${verdict(holeWall <= 2500)})`);
} catch (err) {
  console.log(`notify-outbox (1) could not run: ${err.message.split('\n')[0]}`);
}
hole.closeAllConnections();
hole.close();

// ---- (2) the outbox in process: enqueue cost and throughput beside a failing channel
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { StateStore } = await dist('electron/core/state/index.js');
const { NotifyHub } = await dist('electron/core/notify/hub.js');
const ok = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
await new Promise((r) => ok.listen(0, '127.0.0.1', r));
const failing = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(503);
    res.end('down');
  });
});
await new Promise((r) => failing.listen(0, '127.0.0.1', r));
const home = join(tmp, 'outbox-home');
const store = StateStore.open(home);
let now = Date.parse('2026-03-02T08:00:00Z');
const clock = { now: () => now, setTimeout: () => null, clearTimeout: () => undefined };
const urls = [`json://127.0.0.1:${ok.address().port}/ok?rate=600`, `json://127.0.0.1:${failing.address().port}/fail?rate=600`];
const hub = new NotifyHub({ db: store.database, clock, random: () => 0.5, sources: { settings: () => urls, env: {}, manifest: () => [], projects: () => [] } });
const N = 500;
const enq = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  hub.emit({ id: `e${i}`, type: 'upgraded', project: 'core', title: `core upgraded ${i}`, body: 'x' });
  enq.push(performance.now() - t0);
}
const t0 = performance.now();
let delivered = 0;
let rounds = 0;
while (delivered < N && rounds < 10 * N) {
  delivered += await hub.loop.tick();
  now += 100; // the healthy channel's spacing at 600 a minute
  rounds++;
}
const elapsed = performance.now() - t0;
const failingRows = hub.outbox.rows().filter((r) => r.target.includes('/fail'));
const e = stats(enq);
console.log(`\nnotify-outbox (2): ${N} events × 2 channels (one healthy, one answering 503), clock driven by hand, real HTTP on loopback`);
printTable([
  ['', 'median', 'p95', 'max'],
  ['emit (route + one INSERT of 2 rows)', `${e.median.toFixed(3)} ms`, `${[...enq].sort((a, b) => a - b)[Math.floor(enq.length * 0.95)].toFixed(3)} ms`, `${e.max.toFixed(3)} ms`],
]);
console.log(`delivered ${delivered}/${N} to the healthy channel in ${ms(elapsed)} of wall time: ${Math.round((delivered / elapsed) * 1000)} messages/s, while the failing channel made ${failingRows.reduce((a, r) => a + r.attempts, 0)} attempts (each message tried, then backing off) and still holds ${failingRows.filter((r) => r.status === 'pending').length} pending`);
console.log(`emit median ${e.median.toFixed(3)} ms: one durable SQLite commit (WAL, synchronous=FULL) (target ≤ 5 ms: ${verdict(e.median <= 5)})`);
store.close();
ok.close();
failing.close();
removeTempDir(tmp);
