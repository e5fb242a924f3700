// Issue 15, point 2: `check` and `plan` give one verdict per release, computed one way (engine/verdict.ts), for the
// seed system's real vertical manifests and a core whose releases carry contracts bumps and breaking changes.
import Database from 'better-sqlite3';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CheckResult, ProjectCheck, UpgradePlan } from '../shared/api/types.js';
import { offeredUpdates } from '../electron/main/tray-model.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, FIXTURES_DIR, git } from './helpers/repos.js';
import { closeServices, openService } from './helpers/service.js';

afterAll(() => cleanupTempDirs());
afterEach(closeServices);

const SEED = join(FIXTURES_DIR, 'vitruvyan');
const VERTICALS = ['finance', 'root', 'enterprise'] as const;

function metadata(version: string, contracts: string): string {
  return JSON.stringify({ version, release_date: '2026-02-01', channel: 'stable', contracts_version: contracts, changes: { breaking_changes: [], features: [`feature of ${version}`], fixes: [] } });
}

/**
 * The core at 1.2.1 (contracts 1.0.0); published after the clone: 1.2.2 (contracts 1.1.0, nothing breaking), 1.2.3
 * (contracts 2.0.0) and 1.3.0, which carries the seed's own releases.json (two breaking changes) and no
 * release_metadata.json. The three seed verticals require core 1.x with contracts major 1 and allow no breaking change.
 */
function seedSystem() {
  const core = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
    releases: [
      { version: '1.2.1', files: { 'release_metadata.json': metadata('1.2.1', '1.0.0') } },
      { version: '1.2.2', files: { 'release_metadata.json': metadata('1.2.2', '1.1.0'), 'app.txt': '1.2.2\n' } },
      { version: '1.2.3', files: { 'release_metadata.json': metadata('1.2.3', '2.0.0'), 'app.txt': '1.2.3\n' } },
      { version: '1.3.0', files: { 'release_metadata.json': null, 'releases.json': readFileSync(join(SEED, 'releases.json'), 'utf8'), 'app.txt': '1.3.0\n' } },
    ],
    checkout: 'v1.2.1',
  });
  const cli = new CliHarness();
  expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
  const verticals = VERTICALS.map((name) => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'vertical_manifest.yaml': readFileSync(join(SEED, `${name}.vertical_manifest.yaml`), 'utf8') },
      releases: [{ version: '0.1.0' }],
    });
    const added = cli.run('add', fx.work, '--name', name, '--core', 'core', '--json');
    expect(added.code, added.stderr).toBe(0);
    return fx;
  });
  return { core, verticals, cli };
}

/** What the user sees of a checkout: HEAD, branches, tags, every ref, the working tree's status. */
function visible(work: string): string {
  return [git(work, 'rev-parse', 'HEAD'), git(work, 'for-each-ref', '--format=%(refname) %(objectname)'), git(work, 'status', '--porcelain=v1', '--untracked-files=all')].join('\n');
}

function checkOf(cli: CliHarness, env: Record<string, string> = {}): ProjectCheck {
  const r = env.UPSHIFT_OFFLINE ? new CliHarness({ UPSHIFT_HOME: cli.home, ...env }).run('check', 'core', '--json') : cli.run('check', 'core', '--json');
  expect(r.code, r.stderr).toBe(0);
  return r.json<CheckResult>().projects[0]!;
}

const verdictsOf = (candidates: ReadonlyArray<{ version: string; blocked: boolean; reason: string | null }>) => candidates.map((c) => [c.version, c.blocked, c.reason]);

/** Removes what the checkout does not reference (the objects check downloaded), as `git gc` does in time. */
function pruneUnreferenced(work: string): void {
  git(work, 'reflog', 'expire', '--expire=now', '--all');
  git(work, 'gc', '-q', '--prune=now');
}

describe('check and plan give one verdict (seed manifests)', () => {
  it('check says what plan says for every newer release, and changes nothing the user sees', () => {
    const { core, cli } = seedSystem();
    const before = visible(core.work);
    const c = checkOf(cli);
    expect(visible(core.work)).toBe(before);

    expect(c.latest?.version).toBe('1.3.0');
    expect(c.updateAvailable).toBe(true);
    // Version bounds alone accept 1.3.0 for every vertical; its breaking changes do not.
    expect(c.compatible).toBe(false);
    for (const v of VERTICALS) expect(c.blockers.join('\n')).toMatch(new RegExp(`${v}.*[Bb]reaking`));
    expect(c.blockers.join('\n')).toMatch(/Python imports changed/);
    expect(c.latestCompatible?.version).toBe('1.2.2');
    // Risk from the same breaking changes as the plan's.
    expect(c.risk?.level).toBe('high');
    expect(c.candidates!.map((x) => x.version)).toEqual(['1.3.0', '1.2.3', '1.2.2']);
    expect(c.candidates!.find((x) => x.version === '1.2.3')!.reason).toMatch(/[Cc]ontracts major/);

    const plan = cli.run('plan', 'core', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = plan.json<UpgradePlan>();
    expect(p.to.version).toBe(c.latestCompatible?.version);
    expect(verdictsOf(p.candidates)).toEqual(verdictsOf(c.candidates!));
    for (const cand of c.candidates!) {
      const one = cli.run('plan', 'core', '--to', cand.version, '--json');
      expect(one.code).toBe(cand.blocked ? 3 : 0);
      const q = one.json<UpgradePlan>();
      expect([q.blocked, q.blockers.length > 0 ? q.blockers.join('; ') : null]).toEqual([cand.blocked, cand.reason]);
      if (cand.version === c.latest?.version) {
        expect(q.blockers).toEqual(c.blockers);
        expect(q.compatibility.compatible).toBe(c.compatible);
        expect(q.risk).toEqual(c.risk);
      }
    }
  });

  it('reads each release once: with the remote gone and the downloaded objects pruned, the verdict is the same', () => {
    const { core, cli } = seedSystem();
    const first = checkOf(cli);
    rmSync(core.remote, { recursive: true, force: true });
    pruneUnreferenced(core.work);
    expect(() => git(core.work, 'cat-file', '-e', core.sha('v1.2.3'))).toThrow(/exit 1/);
    const again = checkOf(cli);
    expect(again.error).not.toBeNull(); // the remote is unreachable: releases seen last
    expect(again.blockers.join('\n')).toMatch(/remote unreachable/);
    expect(again.latestCompatible).toEqual(first.latestCompatible);
    expect(again.compatible).toBe(false);
    expect(verdictsOf(again.candidates!)).toEqual(verdictsOf(first.candidates!));
  });

  it('offline, releases whose metadata was never read are "not read yet": never compatible, never offered', () => {
    const { core, cli } = seedSystem();
    const online = checkOf(cli);
    expect(online.latestCompatible?.version).toBe('1.2.2');
    // As after an upgrade from an Upshift that kept no readings: releases seen, nothing read, objects not local.
    const db = new Database(join(cli.home, 'state.db'));
    db.prepare('DELETE FROM release_readings').run();
    db.close();
    pruneUnreferenced(core.work);
    expect(() => git(core.work, 'cat-file', '-e', core.sha('v1.3.0'))).toThrow(/exit 1/);

    const c = checkOf(cli, { UPSHIFT_OFFLINE: '1' });
    expect(c.error).toBeNull();
    expect(c.latest?.version).toBe('1.3.0');
    expect(c.compatible).toBeNull();
    expect(c.latestCompatible).toBeNull();
    expect(c.blockers.join('\n')).toMatch(/contracts and breaking changes of 1\.3\.0 not read yet \(offline: tag v1\.3\.0 is not in the local repository\)/);
    for (const cand of c.candidates!) {
      expect(cand.blocked).toBe(true);
      expect(cand.reason).toMatch(new RegExp(`contracts and breaking changes of ${cand.version.replace(/\./g, '\\.')} not read yet \\(offline`));
    }
    // Online again, the same check reads them and agrees with the first one.
    const back = checkOf(cli);
    expect(verdictsOf(back.candidates!)).toEqual(verdictsOf(online.candidates!));
  });

  it('the service (tray, dashboard) reports the same verdict and offers the release the plan would install', async () => {
    const { cli } = seedSystem();
    const { service } = await openService({ home: cli.home });
    const checked = (await service.checkNow({ projects: ['core'] })).projects[0]!;
    const state = await service.getState({});
    const view = state.projects.find((p) => p.name === 'core')!;
    expect(view.check?.latestCompatible?.version).toBe('1.2.2');
    expect(view.check?.compatible).toBe(false);
    const plan = await service.getPlan({ project: 'core' });
    expect(plan.to.version).toBe('1.2.2');
    expect(verdictsOf(plan.candidates)).toEqual(verdictsOf(checked.candidates!));
    expect(offeredUpdates(state.projects, Date.now())).toContainEqual(expect.objectContaining({ project: 'core', version: '1.2.2', blocked: false }));
    // status (from the last check) says the same.
    const status = cli.run('status', '--json').json<{ projects: Array<{ name: string; compatible: boolean | null }> }>();
    expect(status.projects.find((p) => p.name === 'core')!.compatible).toBe(false);
  });
});
