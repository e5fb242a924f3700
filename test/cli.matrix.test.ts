/**
 * `upshift matrix` through the real CLI: verticals × the core's last releases and a candidate, as JSON, a table and
 * an HTML page (escaped), and --run-smoke in throwaway worktrees: a passing and a failing cell, the core at each
 * column's version, the bound on parallel cells, and every worktree removed afterwards — after Ctrl-C too.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MatrixReport } from '../electron/core/gate/types.js';
import { CliHarness, waitFor } from './helpers/cli.js';
import { makeGateCore, makeVertical, realVerticalsDir } from './helpers/gate-fixture.js';
import { git, makeTempDir, writeFiles } from './helpers/repos.js';

/** `git worktree list` of a repository: only the main worktree when nothing was left behind. */
function worktrees(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '));
}

describe('upshift matrix over the real manifests and generated verticals', () => {
  const core = makeGateCore();
  const parent = makeTempDir();
  const verticals = realVerticalsDir(parent);
  makeVertical(verticals, { name: 'billing', min: '1.2.0', max: '2.x', allow: ['*'] });
  const cli = new CliHarness();

  it('the last 3 releases and a working-tree candidate: one cell per vertical and version, the candidate last; exit 1 when its column fails', () => {
    writeFiles(core.path, { 'release_metadata.json': '{"version": "2.1.0", "release_date": "2026-05-01", "contracts_version": "2.1.0"}\n' });
    const r = cli.run('matrix', '--core', core.path, '--last', '3', '--version', '2.1.0', '--at', 'worktree', '--verticals', verticals, '--json');
    expect(r.code, r.stderr).toBe(1);
    const m = r.json<MatrixReport>();
    expect(m.columns.map((c) => [c.version, c.kind, c.candidate])).toEqual([
      ['1.3.0', 'tag', false],
      ['1.4.0', 'tag', false],
      ['2.0.0', 'tag', false],
      ['2.1.0', 'worktree', true],
    ]);
    expect(m.columns.map((c) => [c.contractsVersion, c.breakingChanges])).toEqual([
      [null, 2],
      ['1.2.0', 0],
      ['2.0.0', 1],
      ['2.1.0', 0],
    ]);
    const grid = Object.fromEntries(m.rows.map((row) => [`${row.name}:${path.basename(row.manifest)}`, row.cells.map((c) => c.compatible)]));
    expect(grid).toEqual({
      'billing:upshift.yml': [true, true, true, true],
      'enterprise:enterprise.vertical_manifest.yaml': [false, true, false, false],
      'finance:finance.vertical_manifest.yaml': [false, true, false, false],
      'finance:root.vertical_manifest.yaml': [false, true, false, false],
    });
    expect(m.candidateBlocked).toBe(true);
    expect(m.rows.find((row) => row.name === 'enterprise')!.cells[2]!.reasons[0]).toBe(
      'enterprise requires core <= 1.x.x; target is 2.0.0; Contracts major mismatch: core 2.0.0 has contracts 2.0.0, enterprise requires 1; enterprise does not allow breaking change "Removed the v1 plugin API" (core 2.0.0)',
    );
    git(core.path, 'checkout', '-q', '--', 'release_metadata.json');
  });

  it('releases only (no candidate): a human table with the versions across and the failures below; exit 0', () => {
    const r = cli.run('matrix', '--core', core.path, '--last', '2', '--verticals', verticals);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Compatibility of 4 verticals with core (${core.path}):`);
    expect(lines[2]).toMatch(/^vertical\s+1\.4\.0\s+2\.0\.0$/);
    expect(lines.find((l) => l.startsWith('billing'))).toMatch(/^billing\s+✓\s+✓$/);
    expect(lines.find((l) => l.startsWith('enterprise'))).toMatch(/^enterprise\s+✓\s+✗$/);
    expect(r.stdout).toContain('Failures:\n  enterprise × 2.0.0: enterprise requires core <= 1.x.x; target is 2.0.0');
  });

  it('the HTML page is self-contained and escaped: a vertical named <script> is text, no script, inline style, a legend', () => {
    const hostileParent = makeTempDir();
    makeVertical(hostileParent, { name: '<script>alert("pwned")</script>', seed: true, min: '1.0.0', max: '1.x.x', contractsMajor: 1 }, 'hostile');
    const file = path.join(makeTempDir(), 'out', 'matrix.html');
    const r = cli.run('matrix', '--core', core.path, '--last', '2', '--version', '1.4.0', '--verticals', hostileParent, '--verticals', verticals, '--html', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toMatch(/<style>[^<]*td\.ok \{ background: var\(--ok-bg\)/);
    expect(html).not.toMatch(/<link|src=|href=/);
    expect(html).toContain('<h2>Legend</h2>');
    expect(html).toContain('✓ compatible');
    expect(html).toContain('1.4.0 <small>candidate</small>');
    // The candidate 1.4.0 is one of the last releases: marked in place, not added twice.
    expect(r.json<MatrixReport>().columns.map((c) => [c.version, c.candidate])).toEqual([
      ['1.4.0', true],
      ['2.0.0', false],
    ]);
  });
});

describe('upshift matrix --run-smoke', () => {
  it('runs each cell with the core checked out at its version, a passing and a failing vertical, at most --jobs at once, and removes every worktree', () => {
    const core = makeGateCore();
    const parent = makeTempDir();
    const tmp = makeTempDir('upshift-tmpdir-');
    const log = path.join(parent, 'seen.log');
    const running = path.join(parent, 'running');
    mkdirSync(running);
    // Records what it saw (the core's VERSION file at UPSHIFT_CORE_PATH) and how many cells ran at once.
    const probe = `echo "$UPSHIFT_VERTICAL_NAME $UPSHIFT_CORE_VERSION $(cat "$UPSHIFT_CORE_PATH/VERSION") $UPSHIFT_CORE_REF" >> ${log}; touch ${running}/$$; sleep 0.3; ls ${running} | wc -l >> ${log}.max; rm ${running}/$$`;
    const good = makeVertical(parent, { name: 'good', min: '1.0.0', max: '2.x', allow: ['*'], smoke: `${probe}; test -f upshift.yml`, git: true });
    const bad = makeVertical(parent, { name: 'bad', seed: true, min: '1.0.0', max: '1.x.x', allow: ['*'], smoke: `${probe}; echo "plugin API missing" >&2; exit 1`, git: true });
    const cli = new CliHarness({ TMPDIR: tmp });
    const r = cli.run('matrix', '--core', core.path, '--last', '2', '--verticals', good, '--verticals', bad, '--run-smoke', '--jobs', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const m = r.json<MatrixReport>();
    expect(m.smoke).toBe(true);
    const good_ = m.rows.find((row) => row.name === 'good')!;
    const bad_ = m.rows.find((row) => row.name === 'bad')!;
    expect(good_.cells.map((c) => c.smoke?.status)).toEqual(['passed', 'passed']);
    expect(bad_.cells.map((c) => c.smoke?.status)).toEqual(['failed', 'failed']);
    expect(bad_.cells[0]!.smoke).toMatchObject({ command: 'sh smoke_tests/run.sh', exitCode: 1 });
    expect(bad_.cells[0]!.smoke!.excerpt).toContain('plugin API missing');
    expect(bad_.cells.map((c) => c.compatible)).toEqual([true, false]);

    const seen = readFileSync(log, 'utf8').trim().split('\n').sort();
    expect(seen).toEqual(['bad 1.4.0 1.4.0 v1.4.0', 'bad 2.0.0 2.0.0 v2.0.0', 'good 1.4.0 1.4.0 v1.4.0', 'good 2.0.0 2.0.0 v2.0.0']);
    const concurrency = readFileSync(`${log}.max`, 'utf8').trim().split('\n').map(Number);
    expect(Math.max(...concurrency)).toBeLessThanOrEqual(2);

    for (const repo of [core.path, good, bad]) expect(worktrees(repo)).toEqual([`worktree ${repo}`]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(git(core.path, 'status', '--porcelain')).toBe('');
  });

  it('Ctrl-C stops the running smoke commands, removes their worktrees and exits 130', async () => {
    const core = makeGateCore();
    const parent = makeTempDir();
    const tmp = makeTempDir('upshift-tmpdir-');
    const started = path.join(parent, 'started');
    const slow = makeVertical(parent, { name: 'slow', min: '1.0.0', max: '2.x', allow: ['*'], smoke: `touch ${started}; sleep 60`, git: true });
    const cli = new CliHarness({ TMPDIR: tmp });
    const { child, done } = cli.start('matrix', '--core', core.path, '--last', '3', '--verticals', slow, '--run-smoke', '--jobs', '2');
    await waitFor(() => existsSync(started), 30_000, 'a smoke command to start');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping the smoke runs and removing their worktrees');
    for (const repo of [core.path, slow]) expect(worktrees(repo)).toEqual([`worktree ${repo}`]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(r.stdout).toMatch(/slow\s+✓ smoke –/);
  });
});
