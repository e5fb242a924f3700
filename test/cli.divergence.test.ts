/**
 * Diverged and ahead checkouts (issue 8 §1), on real repositories through the real CLI: a release on a branch that
 * is not a descendant of HEAD (node_exporter's master is v1.12.0 plus 25 commits, v1.12.1 on release-1.12), a local
 * commit on a tag, local-only against pushed commits, and `checkout: branch` (the current branch fast-forwarded,
 * `upshift/<project>` created, a branch with commits of its own never rewritten), with rollback from history.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, HistoryResult, OperationResult, ProjectCheck, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, commitFiles, createRemoteWithReleases, git, pushTag } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const MANIFEST = 'smoke:\n  command: "true"\n';

/** A clone on `main` at v1.0.0; `later` releases are published on main afterwards. */
function world(opts: { manifest?: string; later?: string[] } = {}) {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': opts.manifest ?? MANIFEST, 'app.txt': 'v0\n' },
    releases: [{ version: '1.0.0', files: { 'app.txt': '1.0.0\n' } }, ...(opts.later ?? []).map((v) => ({ version: v, files: { 'app.txt': `${v}\n` } }))],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  const added = cli.run('add', fx.work, '--name', 'core', '--json');
  if (added.code !== 0) throw new Error(`add failed: ${added.stderr}`);
  return { fx, cli, w: fx.work };
}

/**
 * The node_exporter shape: main is v1.0.0 plus three pushed commits (8 lines of work among them); v1.0.1 is released
 * on a maintenance branch forked at v1.0.0, so it lacks those commits.
 */
function divergedWorld(manifest?: string) {
  const x = world(manifest ? { manifest } : {});
  for (let i = 1; i <= 3; i++) commitFiles(x.w, { [`feature-${i}.txt`]: 'a\nb\nc\n'.repeat(i) }, `feature ${i}`);
  git(x.w, 'push', '-q', 'origin', 'main');
  pushTag(x.fx.remote, 'v1.0.1', { 'app.txt': '1.0.1\n' }, { parent: 'v1.0.0' });
  return { ...x, head: git(x.w, 'rev-parse', 'HEAD'), release: () => git(x.fx.remote, 'rev-parse', 'v1.0.1^{commit}') };
}

const checkOf = (cli: CliHarness): ProjectCheck => {
  const r = cli.run('check', 'core', '--json');
  expect(r.code, r.stderr).toBe(0);
  return r.json<CheckResult>().projects[0]!;
};
const planOf = (cli: CliHarness, ...args: string[]): UpgradePlan => {
  const r = cli.run('plan', 'core', '--json', ...args);
  expect([0, 3], r.stderr).toContain(r.code);
  return r.json<UpgradePlan>();
};
const branches = (w: string) => git(w, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/');
const where = (w: string) => ({ sha: git(w, 'rev-parse', 'HEAD'), branch: git(w, 'branch', '--show-current'), branches: branches(w) });

describe('a release that is not a descendant of HEAD (the node_exporter shape)', () => {
  it('check and plan say so first, from is the describe form, risk is high, the gate manual, and they agree', () => {
    const { cli, head } = divergedWorld();
    const check = checkOf(cli);
    expect(check.current).toMatchObject({ version: '1.0.0', tag: null, source: 'describe', branch: 'main' });
    expect(check.current.ahead).toMatchObject({ tag: 'v1.0.0', count: 3, localOnly: 0, remoteBranches: ['origin/main'] });
    expect(check.current.ahead!.describe).toMatch(new RegExp(`^v1\\.0\\.0-3-g${head.slice(0, 7)}`));
    const said = '3 commits on `main` are not in v1.0.1; after the upgrade they stay on `main` but leave the working tree';
    expect(check.latest?.version).toBe('1.0.1');
    expect(check.bump).toBe('patch');
    expect(check.gate).toBe('manual');
    expect(check.risk?.level).toBe('high');
    expect(check.risk?.reasons.join('\n')).toMatch(/not a descendant of the current checkout: HEAD has 3 commits that v1\.0\.1 does not contain/i);
    expect(check.divergence).toEqual({ count: 3, localOnly: 0, branch: 'main', message: said });
    expect(check.blockers[0]).toBe(said);
    // Never offered without an explicit choice.
    expect(check.offered ?? null).toBeNull();
    expect(check.explicitChoice?.version).toBe('1.0.1');

    const plan = planOf(cli, '--to', '1.0.1');
    expect(plan.from).toMatchObject({ version: '1.0.0', tag: null, sha: head, branch: 'main' });
    expect(plan.from.ahead).toEqual(check.current.ahead);
    expect(plan.warnings?.[0]).toBe(said);
    expect(plan.divergence).toEqual(check.divergence);
    expect(plan.gate).toBe(check.gate);
    expect(plan.risk).toEqual(check.risk);
    expect(plan.blocked).toBe(false);
    // The default checkout says what happens to the branch, in the step and in a note.
    expect(plan.checkout).toMatchObject({ mode: 'detach', fromBranch: 'main', branch: null, move: null });
    expect(plan.warnings?.[1]).toBe(plan.checkout!.note);
    expect(plan.checkout!.note).toContain(`HEAD leaves branch \`main\`, which stays at ${head.slice(0, 12)} with its 3 commits not in v1.0.1`);
    expect(plan.steps.find((s) => s.id === 'checkout')!.title).toContain(`branch main stays at ${head.slice(0, 12)}`);

    // The human plan puts it first too.
    const human = cli.run('plan', 'core', '--to', '1.0.1');
    expect(human.stdout).toMatch(/From v1\.0\.0-3-g[0-9a-f]+: 3 commits after v1\.0\.0, on origin\/main, on branch main\n! 3 commits on `main` are not in v1\.0\.1/);
  });

  it('upgrade --yes alone never installs it; with --to it does, leaving main and its commits where they were', () => {
    const { cli, w, head, release } = divergedWorld();
    const before = where(w);
    const refused = cli.run('upgrade', 'core', '--yes', '--json');
    expect(refused.code, refused.stdout + refused.stderr).toBe(3);
    expect(where(w)).toEqual(before);
    const up = cli.run('upgrade', 'core', '--to', '1.0.1', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(up.json<OperationResult>().operation.from).toMatchObject({ version: '1.0.0', sha: head });
    expect(where(w)).toEqual({ sha: release(), branch: '', branches: before.branches });
    const back = cli.run('rollback', 'core', '--yes', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(where(w)).toEqual(before);
  });
});

describe('a checkout with commits after its tag', () => {
  it('one local commit on a tag is not that tag: ahead, local only, and a release without it diverges; pushed, it is on the remote', () => {
    const { cli, w, fx } = world({ later: ['1.1.0'] });
    commitFiles(w, { 'mine.txt': 'my change\n' }, 'my local change');
    const check = checkOf(cli);
    expect(check.current).toMatchObject({ version: '1.0.0', tag: null, source: 'describe' });
    expect(check.current.ahead).toMatchObject({ tag: 'v1.0.0', count: 1, localOnly: 1, remoteBranches: [] });
    const said = '1 commit on `main` is not in v1.1.0 (it exists only in this clone); after the upgrade it stays on `main` but leaves the working tree';
    expect(check.divergence).toEqual({ count: 1, localOnly: 1, branch: 'main', message: said });
    expect(check.gate).toBe('manual');
    const plan = planOf(cli, '--to', '1.1.0');
    expect(plan.warnings?.[0]).toBe(said);
    expect([plan.gate, plan.risk.level]).toEqual(['manual', 'high']);

    // Pushed (to a branch of its own: main moved on with 1.1.0): on origin/mine now, and check says so (the
    // remote-tracking refs are part of the cache key).
    git(w, 'push', '-q', 'origin', 'HEAD:refs/heads/mine');
    const pushed = checkOf(cli);
    expect(pushed.current.ahead).toMatchObject({ count: 1, localOnly: 0, remoteBranches: ['origin/mine'] });
    expect(pushed.divergence?.message).toBe('1 commit on `main` is not in v1.1.0; after the upgrade it stays on `main` but leaves the working tree');
    expect(fx.sha('v1.1.0')).toBeTruthy();
  });

  it('a checkout exactly at its tag with a descendant release is neither ahead nor diverged', () => {
    const { cli } = world({ later: ['1.0.1'] });
    const check = checkOf(cli);
    expect(check.current).toMatchObject({ tag: 'v1.0.0', source: 'tag', branch: 'main' });
    expect(check.current.ahead).toBeUndefined();
    expect(check.divergence ?? null).toBeNull();
    expect(check.gate).toBe('auto');
    const plan = planOf(cli);
    expect(plan.divergence).toBeNull();
    expect(plan.gate).toBe('auto');
  });
});

describe('checkout: branch', () => {
  it('fast-forwards the current branch to the release and keeps it checked out; rollback puts the branch back', () => {
    const { cli, w, fx } = world({ later: ['1.1.0'], manifest: `${MANIFEST}checkout: branch\n` });
    const before = where(w);
    const plan = planOf(cli);
    expect(plan.checkout).toMatchObject({ mode: 'branch', fromBranch: 'main', branch: 'main', move: { branch: 'main', from: before.sha, to: fx.sha('v1.1.0') } });
    expect(plan.steps.find((s) => s.id === 'checkout')!.title).toMatch(/^Fast-forward branch main to v1\.1\.0/);
    expect(plan.settings?.find((s) => s.key === 'checkout')).toMatchObject({ value: 'branch', source: 'manifest' });
    const up = cli.run('upgrade', 'core', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(where(w)).toEqual({ sha: fx.sha('v1.1.0'), branch: 'main', branches: `main ${fx.sha('v1.1.0')}` });
    const back = cli.run('rollback', 'core', '--yes', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(where(w)).toEqual(before);
  });

  it('diverged: upshift/<project> is created at the release and checked out, main keeps its commits; rollback deletes it again', () => {
    const { cli, w, head, release } = divergedWorld();
    const before = where(w);
    const plan = planOf(cli, '--to', '1.0.1', '--checkout', 'branch');
    expect(plan.checkout).toMatchObject({ mode: 'branch', fromBranch: 'main', branch: 'upshift/core', move: { branch: 'upshift/core', from: null, to: release() } });
    expect(plan.checkout!.note).toContain('branch `upshift/core` is created at v1.0.1 and checked out');
    const up = cli.run('upgrade', 'core', '--to', '1.0.1', '--yes', '--checkout', 'branch', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(where(w)).toEqual({ sha: release(), branch: 'upshift/core', branches: `main ${head}\nupshift/core ${release()}` });
    const back = cli.run('rollback', 'core', '--yes', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(back.json<OperationResult>().operation.steps.find((s) => s.id === 'checkout')!.title).toContain('delete branch upshift/core');
    expect(where(w)).toEqual(before);
  });

  it('fast-forwards an existing upshift/<project> that the release contains', () => {
    const { cli, w, release } = divergedWorld();
    git(w, 'branch', 'upshift/core', 'v1.0.0');
    const up = cli.run('upgrade', 'core', '--to', '1.0.1', '--yes', '--checkout', 'branch', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(where(w)).toMatchObject({ sha: release(), branch: 'upshift/core' });
  });

  it('never rewrites a branch with commits of its own: refused, exit 3, nothing changed', () => {
    const { cli, w } = divergedWorld();
    git(w, 'branch', 'upshift/core', 'main');
    const before = where(w);
    const plan = planOf(cli, '--to', '1.0.1', '--checkout', 'branch');
    expect(plan.blocked).toBe(true);
    expect(plan.blockers.join('\n')).toContain('branch `upshift/core` has 3 commits that v1.0.1 does not contain, and Upshift never rewrites a branch with commits of its own');
    const up = cli.run('upgrade', 'core', '--to', '1.0.1', '--yes', '--checkout', 'branch', '--json');
    expect(up.code, up.stdout).toBe(3);
    expect(up.stdout).toContain('never rewrites a branch');
    expect(where(w)).toEqual(before);
    const history = cli.run('history', 'core', '--json').json<HistoryResult>();
    expect(history.operations.every((o) => o.status === 'blocked')).toBe(true);
  });

  it('--checkout takes only detach or branch', () => {
    const { cli } = world({ later: ['1.1.0'] });
    const r = cli.run('upgrade', 'core', '--checkout', 'sideways', '--yes', '--json');
    expect(r.code).toBe(2);
    expect(r.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'BAD_FLAG_VALUE', message: expect.stringContaining('--checkout was given "sideways", which is neither detach nor branch') });
  });

  it('a rollback from history leaves a branch someone committed on since where it is', () => {
    const { cli, w, fx } = world({ later: ['1.1.0'], manifest: `${MANIFEST}checkout: branch\n` });
    const original = git(w, 'rev-parse', 'HEAD');
    expect(cli.run('upgrade', 'core', '--yes', '--json').code).toBe(0);
    writeFileSync(join(w, 'later.txt'), 'work after the upgrade\n');
    const mine = commitFiles(w, {}, 'a commit after the upgrade');
    const back = cli.run('rollback', 'core', '--yes', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(back.json<OperationResult>().operation.steps.find((s) => s.id === 'checkout')!.title).toContain('leave main where it is');
    expect(where(w)).toEqual({ sha: original, branch: '', branches: `main ${mine}` });
    expect(fx.sha('v1.1.0')).not.toBe(mine);
  });
});
