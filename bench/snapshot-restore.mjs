// Snapshot + restore of a 50,000-file dependency directory (issue 12 §3) in each mode, against `npm ci` of the same
// project from local tarballs (offline: no registry, no network), the install the snapshot saves a rollback from.
// The dependency directory is what that `npm ci` installs: 100 packages of 500 small files each. Modes measured:
// move (what `auto` does when the install is `npm ci`), copy on this machine's temp file system (a reflink clone
// where it can, else file by file), and copy on a loop-mounted btrfs (reflink) when the machine allows (root,
// mkfs.btrfs, loop devices). Restore is timed to the moment the saved tree is back; removing the tree the failed
// install left (a real `npm ci` runs in between) happens in a detached `rm -rf` after the rollback and is timed apart. Needs the build: npm run build && node bench/snapshot-restore.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEnv, deadline, makeTempDir, ms, performance, printTable, removeTempDir, requireBuild, root, runSyncOk, stats, verdict } from './lib.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const PACKAGES = 100;
const FILES_PER_PACKAGE = 500;
const TARGET_RATIO = 1 / 20;

requireBuild();
deadline(40 * 60_000, 'snapshot-restore');
const { cloneTree } = await import(pathToFileURL(join(root, 'dist/electron/core/executor/clone-tree.js')).href);
const { planSetAside, restoreSetAside, setAside } = await import(pathToFileURL(join(root, 'dist/electron/core/executor/set-aside.js')).href);

const tmp = makeTempDir('upshift-bench-snapshot-');
const env = benchEnv({ npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });

// ---------------------------------------------------------------------------------------------------------
// The project: package.json depending on 100 local tarballs (file: specs), locked once by `npm install`.

function makeProject(base) {
  const tarballs = join(base, 'tarballs');
  const project = join(base, 'project');
  mkdirSync(tarballs, { recursive: true });
  mkdirSync(project, { recursive: true });
  const deps = {};
  for (let p = 0; p < PACKAGES; p++) {
    const name = `dep-${String(p).padStart(3, '0')}`;
    const src = join(base, 'src', name, 'package');
    mkdirSync(join(src, 'lib'), { recursive: true });
    writeFileSync(join(src, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'lib/f0.js' }));
    for (let f = 1; f < FILES_PER_PACKAGE; f++) writeFileSync(join(src, 'lib', `f${f}.js`), `module.exports = ${f}; // ${name}\n`);
    const tgz = join(tarballs, `${name}-1.0.0.tgz`);
    runSyncOk('tar', ['-czf', tgz, '-C', join(base, 'src', name), 'package']);
    deps[name] = `file:../tarballs/${name}-1.0.0.tgz`;
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bench-project', version: '1.0.0', private: true, dependencies: deps }, null, 2));
  runSyncOk('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, env, timeoutMs: 600_000 });
  rmSync(join(base, 'src'), { recursive: true, force: true });
  return project;
}

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  return n;
}

function npmCi(project) {
  const t0 = performance.now();
  runSyncOk('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, env, timeoutMs: 600_000 });
  return performance.now() - t0;
}

/** One snapshot + failed install + restore in `mode`; returns the timings. */
function cycle(project, snapshotDir, mode) {
  rmSync(snapshotDir, { recursive: true, force: true });
  const [entry] = planSetAside(snapshotDir, [{ path: 'node_modules', mode }]);
  const t0 = performance.now();
  const done = setAside(project, entry);
  const snapshotMs = performance.now() - t0;
  // The install runs (a real `npm ci`, untimed) and then the upgrade fails: the restore replaces a full tree.
  npmCi(project);
  const t1 = performance.now();
  restoreSetAside(project, done, { discardInBackground: true });
  const restoreMs = performance.now() - t1;
  // The replaced tree's removal, off the rollback's path (a detached rm -rf): waited for here so runs do not overlap.
  const t2 = performance.now();
  while (readdirSync(snapshotDir).length > 0) spawnSync('sleep', ['0.05']);
  return { method: done.method, snapshotMs, restoreMs, discardMs: performance.now() - t2 };
}

function mountBtrfs(base) {
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('sh', ['-c', 'command -v mkfs.btrfs']).status !== 0) return 'mkfs.btrfs not installed';
  const image = join(base, 'btrfs.img');
  const dir = join(base, 'btrfs');
  mkdirSync(dir);
  for (const [cmd, args] of [['truncate', ['-s', '2G', image]], ['mkfs.btrfs', ['-q', image]], ['mount', ['-o', 'loop', image, dir]]]) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) return `${cmd}: ${(r.stderr || '').trim()}`;
  }
  return { dir, unmount: () => spawnSync('umount', [dir]) };
}

// ---------------------------------------------------------------------------------------------------------

const project = makeProject(join(tmp, 'ext'));
const files = countFiles(join(project, 'node_modules'));
const fsType = spawnSync('df', ['-T', tmp], { encoding: 'utf8' }).stdout.split('\n')[1]?.split(/\s+/)[1] ?? '?';

npmCi(project); // warm-up
const ci = [];
const results = { move: [], copy: [], reflink: [] };
for (let i = 0; i < RUNS; i++) {
  ci.push(npmCi(project));
  results.move.push(cycle(project, join(tmp, 'ext', 'snap'), 'move'));
  results.copy.push(cycle(project, join(tmp, 'ext', 'snap'), 'copy'));
}
const copyMethod = results.copy[0].method;

const btrfs = mountBtrfs(tmp);
let btrfsNote = '';
if (typeof btrfs === 'string') {
  btrfsNote = `reflink on btrfs not measured: ${btrfs}`;
} else {
  try {
    // The project and its tarballs (package.json points at ../tarballs), so the install in each cycle works there too.
    const onBtrfs = join(btrfs.dir, 'project');
    cloneTree(project, onBtrfs, { force: 'copy' });
    cloneTree(join(tmp, 'ext', 'tarballs'), join(btrfs.dir, 'tarballs'), { force: 'copy' });
    for (let i = 0; i < RUNS; i++) results.reflink.push(cycle(onBtrfs, join(btrfs.dir, 'snap'), 'copy'));
    if (results.reflink[0].method !== 'reflink') btrfsNote = `btrfs copy used ${results.reflink[0].method}, not reflink`;
  } finally {
    rmSync(join(btrfs.dir, 'project'), { recursive: true, force: true });
    btrfs.unmount();
  }
}

// ---------------------------------------------------------------------------------------------------------

const ciStats = stats(ci);
console.log(`snapshot-restore: node_modules of ${files.toLocaleString('en')} files (${PACKAGES} packages), ${RUNS} runs; temp file system ${fsType}; node ${process.version}`);
const rows = [['', 'snapshot', 'restore', 'total', 'total / npm ci', 'replaced tree removed (background)']];
const verdicts = [];
for (const [label, list] of [
  ['move (auto with npm ci): rename, rename back', results.move],
  [`copy on ${fsType} (${copyMethod === 'reflink' ? 'reflink' : 'file by file: no reflink here'})`, results.copy],
  ['copy on a loop-mounted btrfs (reflink)', results.reflink],
]) {
  if (list.length === 0) continue;
  const s = stats(list.map((r) => r.snapshotMs));
  const r = stats(list.map((x) => x.restoreMs));
  const total = s.median + r.median;
  rows.push([label, ms(s.median), ms(r.median), ms(total), `1/${(ciStats.median / total).toFixed(0)}`, ms(stats(list.map((x) => x.discardMs)).median)]);
  verdicts.push(`${label}: (snapshot + restore) / npm ci = ${(total / ciStats.median).toFixed(3)}  (target ≤ 1/20: ${verdict(total / ciStats.median <= TARGET_RATIO)})`);
}
rows.push(['baseline: npm ci --offline of the same project', '', '', ms(ciStats.median), '1', '']);
printTable(rows);
for (const v of verdicts) console.log(v);
if (btrfsNote) console.log(btrfsNote);

removeTempDir(tmp);
