// Facts about release commits kept in SQLite by object id (issue 12 §2): a repeated plan and `upgrade --yes` after
// `plan` start no git process for them, a moved tag is read afresh, a long range lists the first subjects with the
// exact count, and a plain upgrade starts only the git processes it needs. Real git, real SQLite, the built CLI; git
// processes are counted through a wrapper first on PATH.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Operation, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir, pushTag } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/** A `git` on PATH that logs each invocation's verb, then runs the real git. */
function gitCounter(): { env: Record<string, string>; verbs(): string[]; reset(): void } {
  const dir = makeTempDir('upshift-gitcount-');
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = path.join(dir, 'calls.log');
  writeFileSync(path.join(dir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(path.join(dir, 'git'), 0o755);
  writeFileSync(log, '');
  return {
    env: { PATH: `${dir}:${process.env.PATH ?? ''}` },
    verbs() {
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const w = l.split(' ');
          let i = 0;
          while (i < w.length && w[i]!.startsWith('-')) i += w[i] === '-c' || w[i] === '-C' ? 2 : 1;
          return w[i] ?? '?';
        });
    },
    reset() {
      writeFileSync(log, '');
    },
  };
}

/** Processes running `git cat-file` whose working directory is `dir` (read from /proc; none elsewhere). */
function catFilesIn(dir: string): number[] {
  if (!existsSync('/proc')) return [];
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('cat-file') && realpathSync(readlinkSync(`/proc/${pid}/cwd`)) === realpathSync(dir)) out.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return out;
}

const setup = `install: "true"\nsmoke:\n  command: "true"\n  timeoutSeconds: 60\n`;

describe('plan facts cached by object id', () => {
  it('a repeated plan reads no release commit again and gives the same plan; upgrade --yes after it starts ≤ 4 git processes', () => {
    const fx = createRemoteWithReleases({
      releases: [
        { version: '1.0.0', files: { 'upshift.yml': setup, VERSION: '1.0.0\n' } },
        {
          version: '1.1.0',
          message: 'Release 1.1.0\n\nNew: a faster widget.',
          files: { 'upshift.yml': setup, VERSION: '1.1.0\n', 'CHANGELOG.md': '# Changelog\n\n## 1.1.0\n\n- faster widget\n' },
          commits: [{ message: 'feat: widget', files: { 'widget.txt': 'w\n' } }],
        },
      ],
      checkout: 'v1.0.0',
    });
    const count = gitCounter();
    const cli = new CliHarness(count.env);
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);

    count.reset();
    const first = cli.run('plan', 'p', '--to', '1.1.0', '--json');
    expect(first.code, first.stderr).toBe(0);
    const cold = count.verbs();
    // The tag, its message, the root listing and the linear range are read through one `cat-file --batch-command`.
    expect(cold).toEqual(expect.arrayContaining(['fetch', 'cat-file', 'diff']));
    for (const verb of ['rev-parse', 'log', 'ls-tree', 'for-each-ref']) expect(cold, cold.join(' ')).not.toContain(verb);
    expect(cold.filter((v) => v === 'cat-file')).toHaveLength(1);
    expect(catFilesIn(fx.work), 'no cat-file outlives the command').toEqual([]);

    count.reset();
    const second = cli.run('plan', 'p', '--to', '1.1.0', '--json');
    expect(second.code, second.stderr).toBe(0);
    const warm = count.verbs();
    // Discovery and the look at the working tree remain; nothing about the release commits is read again.
    for (const verb of ['fetch', 'rev-parse', 'log', 'rev-list', 'diff', 'ls-tree', 'cat-file', 'for-each-ref']) expect(warm, warm.join(' ')).not.toContain(verb);
    const a = first.json<UpgradePlan>();
    const b = second.json<UpgradePlan>();
    expect(b.releaseNotes).toEqual(a.releaseNotes);
    expect(b.commits).toEqual(a.commits);
    expect(b.diffstat).toEqual(a.diffstat);
    expect(b.to).toEqual(a.to);
    expect(a.commits.count).toBe(2);
    expect(a.releaseNotes[0]!.body).toContain('faster widget');
    expect(a.diffstat!.filesChanged).toBe(3);

    count.reset();
    const up = cli.run('upgrade', 'p', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(up.json<{ operation: Operation }>().operation.status).toBe('succeeded');
    const verbs = count.verbs();
    // ls-remote (discovery), status (preflight), update-ref (snapshot), checkout.
    expect(verbs.length, verbs.join(' ')).toBeLessThanOrEqual(4);
    expect(verbs).toEqual(expect.arrayContaining(['status', 'update-ref', 'checkout']));
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
  });

  it('a plain upgrade --yes (no plan before) starts ≤ 6 git processes, and the rollback after it works', () => {
    const fx = createRemoteWithReleases({
      releases: [
        { version: '1.0.0', files: { 'upshift.yml': setup, VERSION: '1.0.0\n' } },
        { version: '1.1.0', files: { 'upshift.yml': setup, VERSION: '1.1.0\n' } },
      ],
      checkout: 'v1.0.0',
    });
    const count = gitCounter();
    const cli = new CliHarness(count.env);
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    count.reset();
    const up = cli.run('upgrade', 'p', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    const verbs = count.verbs();
    // config (discovery), fetch, one cat-file for every object read (the tag, its message, the root listing, the linear
    // range, the checkout's own release metadata for its end of life), status, update-ref, checkout. No diffstat: nobody
    // reads that plan, and the operation does not record it.
    expect(verbs.length, verbs.join(' ')).toBeLessThanOrEqual(6);
    expect(verbs).not.toContain('diff');
    expect(verbs.filter((v) => v === 'cat-file')).toHaveLength(1);
    expect(catFilesIn(fx.work), 'no cat-file outlives the command').toEqual([]);

    // No work prediction on a run nobody reads before it happens (the preflight's status is the check).
    expect(verbs).not.toContain('stash');
    expect(verbs.filter((v) => v === 'status')).toHaveLength(1);
    const back = cli.run('rollback', 'p', '--yes', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.0.0'));
    // A plan shown afterwards has its diffstat: read then (the commits between are already known), and kept.
    count.reset();
    const shown = cli.run('plan', 'p', '--to', '1.1.0', '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json<UpgradePlan>().diffstat).toMatchObject({ filesChanged: 1 });
    expect(count.verbs()).toContain('diff');
    count.reset();
    expect(cli.run('plan', 'p', '--to', '1.1.0', '--json').json<UpgradePlan>().diffstat).toMatchObject({ filesChanged: 1 });
    expect(count.verbs()).not.toContain('diff');
  });

  it('a tag moved on the remote is a different object: the plan reads the new commit, never the cached one', () => {
    const fx = createRemoteWithReleases({
      releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'First cut of the widget API.', files: { VERSION: '1.1.0\n', 'a.txt': 'a\n' } }],
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    const before = cli.run('plan', 'p', '--to', '1.1.0', '--json').json<UpgradePlan>();
    expect(before.releaseNotes[0]!.body).toContain('First cut');
    expect(before.diffstat!.filesChanged).toBe(2);

    // Re-tag 1.1.0 on another commit with another message; the clone forgets its copy of the old tag, and the
    // user accepts the move (trust on first use would otherwise hold it).
    git(fx.remote, 'tag', '-d', 'v1.1.0');
    const moved = pushTag(fx.remote, 'v1.1.0', { VERSION: '1.1.0\n', 'b.txt': 'b\n', 'c.txt': 'c\n' }, { message: 'Second cut of the widget API.' });
    git(fx.work, 'tag', '-d', 'v1.1.0');
    cli.run('trust', 'p', 'v1.1.0', '--yes');

    const after = cli.run('plan', 'p', '--to', '1.1.0', '--json');
    const plan = after.json<UpgradePlan>();
    expect(plan.to.sha).toBe(moved);
    expect(plan.releaseNotes[0]!.body).toContain('Second cut');
    expect(plan.releaseNotes[0]!.body).not.toContain('First cut');
    expect(plan.commits.items[0]!.sha).toBe(moved);
    expect(plan.diffstat!.filesChanged).toBe(4);
  });

  it('a 450-commit range lists the newest 200 subjects with the exact count, and says HEAD is in the target without counting it', () => {
    const commits = Array.from({ length: 449 }, (_, i) => ({ message: `fix: change ${i}`, files: { [`f${i % 7}.txt`]: `${i}\n` } }));
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '2.0.0', commits }], checkout: 'v1.0.0' });
    const count = gitCounter();
    const cli = new CliHarness(count.env);
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    count.reset();
    const r = cli.run('plan', 'p', '--to', '2.0.0', '--json');
    expect(r.code, r.stderr).toBe(0);
    const plan = r.json<UpgradePlan>();
    expect(plan.commits.count).toBe(450);
    expect(plan.commits.items).toHaveLength(200);
    expect(plan.commits.items[0]!.sha).toBe(fx.sha('v2.0.0'));
    expect(plan.divergence ?? null).toBeNull();
    const verbs = count.verbs();
    // One walk of the range (log), none for the count (under the 2,000 listed) or the divergence.
    expect(verbs.filter((v) => v === 'log')).toHaveLength(1);
    expect(verbs).not.toContain('rev-list');
    // The cache lives in the state database, keyed by object ids.
    const db = new Database(path.join(cli.home, 'state.db'), { readonly: true });
    try {
      const kinds = (db.prepare('SELECT kind, count(*) AS n FROM commit_facts GROUP BY kind').all() as Array<{ kind: string; n: number }>).map((x) => x.kind).sort();
      expect(kinds).toEqual(expect.arrayContaining(['files', 'range', 'release']));
    } finally {
      db.close();
    }
  });
});

describe('commit facts store', () => {
  it('prunes the oldest rows past its cap and treats a damaged row as a miss', async () => {
    const { openDatabase } = await import('../electron/core/state/db.js');
    const { CommitFacts } = await import('../electron/core/state/commit-facts.js');
    const dir = makeTempDir('upshift-facts-');
    mkdirSync(dir, { recursive: true });
    const db = openDatabase(path.join(dir, 'state.db'));
    let t = 0;
    const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)).toISOString();
    const seed = new CommitFacts(db, now, 1000);
    for (let i = 0; i < 5; i++) seed.put('range', `k${i}`, { i });
    const capped = new CommitFacts(db, now, 3);
    capped.put('range', 'k5', { i: 5 });
    expect(capped.get('range', 'k0')).toBeNull();
    expect(capped.get('range', 'k2')).toBeNull();
    expect(capped.get<{ i: number }>('range', 'k5')).toEqual({ i: 5 });
    expect(capped.get<{ i: number }>('range', 'k4')).toEqual({ i: 4 });
    db.prepare("UPDATE commit_facts SET facts = '{not json' WHERE key = 'k4'").run();
    expect(capped.get('range', 'k4')).toBeNull();
    db.close();
  });
});
