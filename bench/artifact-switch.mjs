// kind: artifact — what switching versions of a 100 MB install costs. Two releases of a tool (100 files of 1 MiB of
// random bytes each) sit in an offline release folder; Upshift installs 1.0.0, upgrades to 1.1.0, then rolls back
// and forward again and again through the engine (in process: no Node start-up in the figure). The baseline is what
// an in-place rollback would have to do instead: copy the 100 MB of the old version back over the install.
//   npm run build && node bench/artifact-switch.mjs [runs]
import { execFileSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deadline, makeTempDir, ms, performance, printTable, removeTempDir, root, stats, verdict } from './lib.mjs';

const RUNS = Number(process.argv[2] ?? 9);
const FILES = 100;
const FILE_BYTES = 1024 * 1024;
const TARGET_ROLLBACK_MS = 100;

const engineFile = join(root, 'dist/electron/core/engine/index.js');
if (!existsSync(engineFile)) {
  console.error(`Missing ${engineFile}: build first with "npm run build".`);
  process.exit(2);
}
deadline(15 * 60_000, 'artifact-switch');
const { Engine } = await import(pathToFileURL(engineFile).href);
const { switchCurrentLink } = await import(pathToFileURL(join(root, 'dist/electron/core/kinds/artifact-layout.js')).href);

const tmp = makeTempDir('upshift-bench-artifact-');
try {
  // ---------------------------------------------------------------------------------------------------------
  // Fixture: <tmp>/releases/<v>/{tool-<v>.tar, SHA256SUMS, release_metadata.json}, and the project directory.
  const folder = join(tmp, 'releases');
  for (const v of ['1.0.0', '1.1.0']) {
    const build = join(tmp, 'build', `tool-${v}`);
    mkdirSync(build, { recursive: true });
    for (let i = 0; i < FILES; i++) writeFileSync(join(build, `part-${String(i).padStart(3, '0')}.bin`), randomBytes(FILE_BYTES));
    writeFileSync(join(build, 'tool'), `#!/bin/sh\necho tool ${v}\n`, { mode: 0o755 });
    const dir = join(folder, v);
    mkdirSync(dir, { recursive: true });
    const tar = join(dir, `tool-${v}.tar`);
    execFileSync('tar', ['-cf', tar, '-C', join(tmp, 'build'), `tool-${v}`]);
    writeFileSync(join(dir, 'release_metadata.json'), JSON.stringify({ version: v, tag: `v${v}`, notes: `Tool ${v}` }));
    const sum = (f) => createHash('sha256').update(execFileSync('cat', [f], { maxBuffer: 256 * 1024 * 1024 })).digest('hex');
    writeFileSync(join(dir, 'SHA256SUMS'), `${sum(tar)}  tool-${v}.tar\n${sum(join(dir, 'release_metadata.json'))}  release_metadata.json\n`);
  }
  const project = join(tmp, 'tool');
  mkdirSync(project);
  writeFileSync(
    join(project, 'upshift.yml'),
    `name: tool\nkind: artifact\nsource:\n  type: folder\n  path: ${folder}\nartifact:\n  asset: tool-{version}.tar\n  strip: 1\n  keep: 3\n`,
  );

  const engine = await Engine.open({ home: join(tmp, 'home') });
  try {
    await engine.addProject(project);
    const timed = async (fn) => {
      const t0 = performance.now();
      const op = await fn();
      const total = performance.now() - t0;
      if (!op || op.status !== 'succeeded') throw new Error(`operation ${op?.id} ${op?.status}: ${op?.error}`);
      return { op, total, switchMs: op.steps.find((s) => s.id === 'switch')?.durationMs ?? NaN };
    };
    const install = await timed(() => engine.upgrade('tool', { to: '1.0.0' }));
    const upgrade = await timed(() => engine.upgrade('tool', { to: '1.1.0' }));
    if (readlinkSync(join(project, 'current')) !== 'versions/1.1.0') throw new Error('current is not on 1.1.0 after the upgrade');

    // Alternate: roll back (to 1.0.0), roll that rollback back (to 1.1.0), and the baseline copy, RUNS times each.
    const rollback = [];
    const forward = [];
    const rollbackSwitch = [];
    const linkOnly = [];
    const copy = [];
    let last = upgrade.op;
    for (let i = 0; i < RUNS; i++) {
      const back = await timed(() => engine.rollback('tool', { to: last.id }));
      rollback.push(back.total);
      rollbackSwitch.push(back.switchMs);
      if (readlinkSync(join(project, 'current')) !== 'versions/1.0.0') throw new Error('rollback did not switch to 1.0.0');
      const again = await timed(() => engine.rollback('tool', { to: back.op.id }));
      forward.push(again.total);
      last = again.op;
      linkOnly.push(switchCurrentLink(project, 'versions/1.0.0'));
      switchCurrentLink(project, 'versions/1.1.0');

      const target = join(tmp, `copy-${i}`);
      const t0 = performance.now();
      cpSync(join(project, 'versions/1.0.0'), target, { recursive: true });
      execFileSync('sync');
      copy.push(performance.now() - t0);
      rmSync(target, { recursive: true, force: true });
    }

    const r = stats(rollback);
    const c = stats(copy);
    console.log(`\nkind: artifact, ${FILES} files x ${FILE_BYTES / 1048576} MiB per version (${(FILES * FILE_BYTES) / 1048576} MiB), ${RUNS} runs each`);
    printTable([
      ['', 'median', 'min', 'max'],
      ['first install (verify + unpack + switch)', ms(install.total), '', ''],
      ['upgrade 1.0.0 -> 1.1.0 (verify + unpack + switch)', ms(upgrade.total), '', ''],
      ['  of which the switch step', ms(upgrade.switchMs), '', ''],
      ['rollback operation (engine, recorded, journalled)', ms(r.median), ms(r.min), ms(r.max)],
      ['  of which the switch step', ms(stats(rollbackSwitch).median), ms(stats(rollbackSwitch).min), ms(stats(rollbackSwitch).max)],
      ['roll forward again (rollback of the rollback)', ms(stats(forward).median), ms(stats(forward).min), ms(stats(forward).max)],
      ['the link switch alone (symlink + rename + fsync)', ms(stats(linkOnly).median), ms(stats(linkOnly).min), ms(stats(linkOnly).max)],
      ['baseline: copy the old 100 MiB back in place', ms(c.median), ms(c.min), ms(c.max)],
    ]);
    console.log(`\nrollback ${ms(r.median)} vs baseline copy ${ms(c.median)}: ${(c.median / r.median).toFixed(1)}x faster`);
    console.log(`rollback of a 100 MB artifact install: ${ms(r.median)} (target < ${TARGET_ROLLBACK_MS} ms) — ${verdict(r.median < TARGET_ROLLBACK_MS)}`);
  } finally {
    engine.close();
  }
} finally {
  removeTempDir(tmp);
}
