import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, HistoryResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { makePack, makeReleaseFolder, snapshotTree } from './helpers/release-pack.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';
import path from 'node:path';

afterAll(() => cleanupTempDirs());

/** The issue's metadata: an invalid date, `notes` as an object and `breaking_changes: 42`. */
const INVALID = JSON.stringify({ version: '1.1.0', release_date: '2026-02-30', notes: { en: 'x' }, breaking_changes: 42 }, null, 2);

describe('invalid release metadata at a git tag (issue 15 §5)', () => {
  it('blocks that release and the ones past it in plan, check and upgrade, naming the file and field, without crashing the plan', () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': 'install: "true"\nsmoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
      releases: [
        { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
        { version: '1.1.0', files: { 'app.txt': '1.1.0\n', 'release_metadata.json': INVALID } },
        { version: '1.2.0', files: { 'app.txt': '1.2.0\n', 'release_metadata.json': JSON.stringify({ version: '1.2.0', release_date: '2026-03-01' }) } },
      ],
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    const head = git(fx.work, 'rev-parse', 'HEAD');

    const planned = cli.run('plan', 'p', '--to', '1.1.0', '--json');
    expect(planned.code, planned.stderr).toBe(3);
    const plan = planned.json<UpgradePlan>();
    expect(plan.blocked).toBe(true);
    const reason = plan.blockers.join('\n');
    expect(reason).toContain('the release metadata of v1.1.0 is invalid: release_metadata.json:3:3: release_date: expected an ISO 8601 date such as "2026-02-22" or "2026-02-22T19:00:00Z", got "2026-02-30"');
    expect(reason).toContain('release_metadata.json:4:3: notes: expected text (Markdown), got an object');
    expect(reason).toContain('release_metadata.json:7:3: breaking_changes: expected a list of changes');

    // 1.2.0 crosses 1.1.0, whose breaking changes are unknown: blocked too, saying why.
    const newest = cli.run('plan', 'p', '--json');
    expect(newest.code).toBe(3);
    const n = newest.json<UpgradePlan>();
    expect(n.candidates.map((c) => [c.version, c.blocked])).toEqual([
      ['1.2.0', true],
      ['1.1.0', true],
    ]);
    expect(n.candidates[0]!.reason).toMatch(/1\.1\.0.*release metadata of v1\.1\.0 is invalid/);

    // check gives the same verdict (one verdict for check and plan), twice: the invalid file is not cached as valid.
    for (let i = 0; i < 2; i++) {
      const c = cli.run('check', '--json').json<CheckResult>().projects[0]!;
      expect(c.latest).toMatchObject({ version: '1.2.0' });
      expect(c.latestCompatible).toBeNull();
      expect(JSON.stringify(c)).toContain('release metadata of v1.1.0 is invalid');
    }

    const up = cli.run('upgrade', 'p', '--to', '1.1.0', '--yes', '--json');
    expect(up.code).toBe(3);
    expect(JSON.stringify(up.json<OperationResult | { error: unknown }>())).toContain('release_date');
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(head);
    expect(cli.run('history', 'p', '--json').json<HistoryResult>().operations.every((o) => o.status === 'blocked')).toBe(true);
  });
});

describe('upshift import of a pack with invalid metadata (issue 15 §5)', () => {
  it('is refused with exit 2 naming the file, each field and what was expected, and the folder is unchanged', () => {
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [{ version: '1.0.0', files: { 'tool-1.0.0': 'one\n' } }]);
    const before = snapshotTree(folder);
    const cli = new CliHarness();
    const pack = makePack({ version: '1.1.0', files: { 'tool-1.1.0': 'two\n' }, metadata: JSON.parse(INVALID) as Record<string, unknown> });
    const r = cli.run('import', pack, '--into', folder);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('its release_metadata.json is invalid (3 problems: release_metadata.json:3:3: release_date: expected an ISO 8601 date');
    expect(r.stderr).toContain('release_metadata.json:4:3: notes: expected text (Markdown), got an object');
    expect(r.stderr).toContain('release_metadata.json:7:3: breaking_changes: expected a list of changes (text or {"id", "text"} objects) or true/false, got 42');
    expect(r.stderr).toMatch(/Nothing was imported; .* was not changed\./);
    expect(snapshotTree(folder)).toEqual(before);

    const json = cli.run('import', pack, '--into', folder, '--json');
    expect(json.code).toBe(2);
    expect(json.json<{ error: { code: string; details: { issues: Array<{ field: string }> } } }>().error).toMatchObject({
      code: 'BAD_METADATA',
      details: { file: 'release_metadata.json', issues: [{ field: 'release_date' }, { field: 'notes' }, { field: 'breaking_changes' }] },
    });
    expect(snapshotTree(folder)).toEqual(before);
  });
});

