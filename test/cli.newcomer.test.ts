/**
 * A newcomer's first minutes (issue 8 §6), through the real CLI on real repositories: the project inferred from the
 * current directory, suggestions for typos, --version and help <command>, the right cause and exit code for an
 * unreachable origin, a local-only project as "no release source", and tag patterns suggested and detected on jq's
 * real tag list.
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiError, CheckResult, HistoryResult, StatusResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, commitFiles, createRemoteFromTagList, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const PACKAGE_VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }).version;

/** A checkout at v1.0.0 whose remote also has 1.1.0, watched as `app`. */
function watched() {
  const fx = createRemoteWithReleases({
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
    ],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  const added = cli.run('add', fx.work, '--name', 'app');
  expect(added.code, added.stderr).toBe(0);
  return { fx, cli };
}

/** A repository with commits and a v1.0.0 tag and no remote at all: a vertical developed in place. */
function localOnly(): string {
  const dir = path.join(makeTempDir('upshift-local-'), 'vertical');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  commitFiles(dir, { 'README.md': 'local\n' }, 'start');
  git(dir, 'tag', 'v1.0.0');
  return dir;
}

const errorOf = (r: { json<T>(): T }) => r.json<{ error: ApiError }>().error;

describe('the project from the current directory', () => {
  it('plan, check ., history and config inside a checkout (or any folder in it, or through a symlink) use that project and say so on stderr', () => {
    const { fx, cli } = watched();
    const sub = path.join(fx.work, 'deep', 'er');
    mkdirSync(sub, { recursive: true });

    const plan = cli.runIn(sub, 'plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain(`Project app (${fx.work}): the watched checkout you are in.`);
    expect(plan.stdout).toMatch(/^Plan: app 1\.0\.0 → 1\.1\.0/);

    // JSON stays one document on stdout, and the note is human output only.
    const json = cli.runIn(fx.work, 'plan', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(json.json<UpgradePlan>().project).toBe('app');
    expect(json.stderr).toBe('');

    const link = path.join(makeTempDir('upshift-link-'), 'app-link');
    symlinkSync(fx.work, link);
    const viaLink = cli.runIn(link, 'check', '.', '--json');
    expect(viaLink.code, viaLink.stderr).toBe(0);
    expect(viaLink.json<CheckResult>().projects.map((p) => p.name)).toEqual(['app']);

    const history = cli.runIn(sub, 'history', '--json');
    expect(history.code).toBe(0);
    expect(history.json<HistoryResult>().operations).toEqual([]);

    const config = cli.runIn(sub, 'config', 'smoke.command');
    expect(config.code, config.stderr).toBe(0);
    expect(config.stdout).toContain('none');
    expect(config.stderr).toContain('Project app');
  });

  it('outside every watched checkout, leaving the project out is a usage error naming what to pass', () => {
    const { cli } = watched();
    const elsewhere = makeTempDir('upshift-elsewhere-');
    const r = cli.runIn(elsewhere, 'plan');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`upshift plan` needs a project: name the project, or run the command from inside a watched checkout');
    expect(r.stderr).toContain(`(${elsewhere} is not inside one)`);
    expect(r.stderr).toContain('Watched: app.');
    const dot = cli.runIn(elsewhere, 'check', '.');
    expect(dot.code).toBe(2);
    expect(dot.stderr).toContain('"." stands for the project of the current directory');
    // Outside a checkout, history without a project is every project's, as before.
    expect(cli.runIn(elsewhere, 'history').code).toBe(0);
  });
});

describe('typos, --version and help', () => {
  it('suggests the nearest command, flag and project; nothing when nothing is near', () => {
    const { cli } = watched();
    const cmd = cli.run('chek');
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('Unknown command "chek". Did you mean `upshift check`?');

    const flag = cli.run('plan', 'app', '--too', '1.1.0');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--too'. Did you mean --to?");

    const project = cli.run('plan', 'ap', '--json');
    expect(project.code).toBe(2);
    expect(errorOf(project)).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    expect(errorOf(project).message).toContain('No watched project is named "ap". Did you mean "app"? Watched: app.');

    // A flag of other commands: which ones take it.
    const elsewhere = cli.run('check', '--too', '1.1.0');
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain("Unknown option '--too'. Did you mean --to? --to is a flag of plan, upgrade, rollback, not of check.");
    expect(cli.run('list', '--stash').stderr).toContain('--stash is a flag of upgrade, rollback, not of list.');

    const far = cli.run('deploy');
    expect(far.code).toBe(2);
    expect(far.stderr).not.toContain('Did you mean');
  });

  it('upshift --version prints the version of package.json; help <command> is that command\'s --help', () => {
    const cli = new CliHarness();
    const v = cli.run('--version');
    expect(v.code).toBe(0);
    // The first line is the version; the lines after it say where this build came from (test/cli.version.test.ts).
    expect(v.stdout.split('\n')[0]).toBe(`upshift ${PACKAGE_VERSION}`);

    const help = cli.run('help', 'upgrade');
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(cli.run('upgrade', '--help').stdout);
    expect(help.stdout).toMatch(/^Usage: upshift upgrade <project>/);

    const unknown = cli.run('help', 'upgrdae');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Did you mean `upshift upgrade`?');
  });
});

describe('an origin that is configured but cannot be reached', () => {
  it('is named as unreachable (not as a missing remote), once, with exit 7 for plan and upgrade; check reports it and goes on', () => {
    const { fx, cli } = watched();
    expect(cli.run('check').code).toBe(0); // releases seen once, so check falls back on them below
    const gone = path.join(fx.root, 'moved-away.git');
    git(fx.work, 'remote', 'set-url', 'origin', gone);
    const head = git(fx.work, 'rev-parse', 'HEAD');

    const plan = cli.run('plan', 'app');
    expect(plan.code, plan.stderr).toBe(7);
    expect(plan.stderr).toContain('the remote could not be reached');
    expect(plan.stderr).toContain(gone);
    expect(plan.stderr).not.toContain('No remote named');
    expect(plan.stderr).not.toContain('rolled back');
    expect(plan.stderr.match(/Nothing was changed\./g)).toHaveLength(1);

    const json = cli.run('plan', 'app', '--json');
    expect(json.code).toBe(7);
    expect(errorOf(json)).toMatchObject({ code: 'GIT_REMOTE_UNREACHABLE', retryable: true });

    const up = cli.run('upgrade', 'app', '--yes');
    expect(up.code).toBe(7);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(head);
    expect(cli.run('history', 'app', '--json').json<HistoryResult>().operations).toEqual([]);

    const check = cli.run('check', '--json');
    expect(check.code).toBe(0);
    const checked = check.json<CheckResult>().projects[0]!;
    expect(checked.error).toMatchObject({ code: 'GIT_REMOTE_UNREACHABLE' });
    expect(checked.latest?.version).toBe('1.1.0');

    // Human output: the failure, the release seen last, and how old it is, each said once.
    const human = cli.run('check');
    expect(human.code).toBe(0);
    expect(human.stdout.match(/could not be reached/g)).toHaveLength(1);
    expect(human.stdout).toMatch(/^app: check failed: .*could not be reached.*\n {2}latest seen: 1\.1\.0\n {2}note: remote unreachable; using releases seen \d+ s ago\n$/);
  });

  it('a remote name that is not configured, beside others, is named with the remotes there are', () => {
    const { fx, cli } = watched();
    git(fx.work, 'remote', 'rename', 'origin', 'upstream');
    const check = cli.run('check', '--json');
    const error = check.json<CheckResult>().projects[0]!.error!;
    expect(error.code).toBe('GIT_REMOTE_NOT_FOUND');
    expect(error.message).toContain('No remote named "origin" is configured');
    expect(error.message).toContain('its remotes are "upstream"');
    expect(error.message).toContain('upshift config <project> source.remote upstream');
  });
});

describe('a local-only project (no remote)', () => {
  it('has no release source: check and status say so without an error, plan has nothing to do (exit 4)', () => {
    const dir = localOnly();
    const cli = new CliHarness();
    expect(cli.run('add', dir).code).toBe(0);

    const check = cli.run('check', '--json');
    expect(check.code).toBe(0);
    const p = check.json<CheckResult>().projects[0]!;
    expect(p.error).toBeNull();
    expect(p.noSource?.reason).toMatch(/^no release source/);
    expect(p.current.version).toBe('1.0.0');
    expect(p.updateAvailable).toBe(false);

    const human = cli.run('check');
    expect(human.stdout).toBe('vertical: 1.0.0 — no release source (no git remote; nothing to check)\n');
    expect(human.stdout + human.stderr).not.toMatch(/fail|error/i);

    const status = cli.run('status', '--json').json<StatusResult>().projects[0]!;
    expect(status.noSource?.reason).toMatch(/^no release source/);
    expect(cli.run('status').stdout).toContain('no release source');

    const plan = cli.run('plan', 'vertical', '--json');
    expect(plan.code).toBe(4);
    expect(errorOf(plan).code).toBe('NO_RELEASE_SOURCE');
    expect(errorOf(plan).message).toContain('has no release source');
  });
});

describe('tag patterns', () => {
  it("check and plan suggest jq's pattern when the default finds no release among jq-1.7.1-style tags", () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': 'install: "true"\n' },
      releases: [{ tag: 'jq-1.6' }, { tag: 'jq-1.7' }, { tag: 'jq-1.7.1' }],
      checkout: 'jq-1.6',
    });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'jq').code).toBe(0);

    const check = cli.run('check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('no releases found');
    expect(check.stdout).toContain('no tag matches the tag pattern "v{version}", but 3 tags look like versions named like jq-1.7.1: set tagPattern: "jq-{version}"');
    expect(check.stdout).toContain('`upshift config jq source.tagPattern "jq-{version}"`');

    const plan = cli.run('plan', 'jq', '--json');
    expect(plan.code).toBe(4);
    expect(errorOf(plan).message).toContain('set tagPattern: "jq-{version}"');

    // Following the advice finds the releases.
    expect(cli.run('config', 'jq', 'source.tagPattern', 'jq-{version}').code).toBe(0);
    const after = cli.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(after.current.version).toBe('1.6.0');
    expect(after.latest?.tag).toBe('jq-1.7.1');
    expect(after.blockers.join(' ')).not.toContain('tagPattern');
  });

  it("add without a manifest detects jq's scheme from the remote's real tags, keeps it and says so; redis' tags keep the default", () => {
    const cli = new CliHarness();
    const clone = (list: string) => {
      const { remote } = createRemoteFromTagList(list);
      const dir = makeTempDir(`upshift-${list}-`);
      git(dir, 'clone', '-q', remote, 'work');
      return path.join(dir, 'work');
    };

    const jq = clone('jq');
    const added = cli.run('add', jq, '--name', 'jq');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Tags look like jq-1.8.2 (18 on remote origin): tag pattern "jq-{version}" chosen, kept in Upshift\'s configuration for jq');
    expect(cli.run('config', 'jq', 'source.tagPattern').stdout).toMatch(/^jq-\{version\} {2}\(config /);
    const checked = cli.run('check', 'jq', '--json').json<CheckResult>().projects[0]!;
    expect(checked.latest?.tag).toBe('jq-1.8.2');

    const redis = clone('redis');
    const plain = cli.run('add', redis, '--name', 'redis', '--json');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json<{ project: { tagScheme: { pattern: string; chosen: boolean; from: unknown } } }>().project.tagScheme).toMatchObject({ pattern: 'v{version}', chosen: false, from: { remote: 'origin' } });
    expect(cli.run('config', 'redis', 'source.tagPattern').stdout).toMatch(/^v\{version\} {2}\(default\)/);
  });

  it('add with a manifest whose pattern no local tag matches warns with the pattern that would (local tags only)', () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'install: "true"\n' }, releases: [{ tag: 'jq-1.6' }, { tag: 'jq-1.7' }], checkout: 'jq-1.7' });
    const cli = new CliHarness();
    const added = cli.run('add', fx.work, '--name', 'jq');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('warning: no tag matches the tag pattern "v{version}", but 2 tags look like versions named like jq-1.7: set tagPattern: "jq-{version}"');
    expect(added.stdout).not.toContain('Tags look like');
    // The manifest decides: nothing was written to Upshift's configuration for it.
    expect(cli.run('config', 'jq', 'source.tagPattern').stdout).toMatch(/^v\{version\} {2}\(default\)/);
  });

  it('reads the local tags when the remote cannot be reached, and says so', () => {
    const fx = createRemoteWithReleases({ releases: [{ tag: 'jq-1.6' }, { tag: 'jq-1.7' }], checkout: 'jq-1.7' });
    git(fx.work, 'remote', 'set-url', 'origin', path.join(fx.root, 'nowhere.git'));
    const cli = new CliHarness();
    const added = cli.run('add', fx.work, '--name', 'jq');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Tags look like jq-1.7 (2 on local tags): tag pattern "jq-{version}" chosen');
    expect(added.stdout).toContain('on 1.7.0 (tag jq-1.7)');
  });
});
