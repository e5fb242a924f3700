import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, createRemoteWithReleases, git } from '../../../test/helpers/repos.js';
import { predictStashApply, predictWorkApply } from './merge-tree.js';
import { stashPush } from './stash.js';

afterAll(() => cleanupTempDirs());

/** main at v1.0.0; v1.1.0 (fetched) changes app.txt's second line and adds docs/new.md and tools (a file). */
function fixture() {
  const f = createRemoteWithReleases({
    initialFiles: { 'app.txt': 'line 1\nline 2\nline 3\nline 4\nline 5\n', 'other.txt': 'other\n', 'package.json': '{"version": "1.0.0"}\n' },
    releases: [
      { version: '1.0.0' },
      { version: '1.1.0', files: { 'app.txt': 'line 1\nline 2 in 1.1.0\nline 3\nline 4\nline 5\n', 'docs/new.md': '# new\n', tools: 'a file\n', 'package.json': '{"version": "1.1.0"}\n' } },
    ],
    checkout: 'v1.0.0',
  });
  git(f.work, 'fetch', '-q', 'origin', 'tag', 'v1.1.0');
  return f;
}

/** Everything `predict*` must leave exactly as it was. */
const everything = (w: string) => ({
  status: git(w, 'status', '--porcelain=v1', '--untracked-files=all'),
  refs: git(w, 'for-each-ref'),
  stashes: git(w, 'stash', 'list'),
  index: git(w, 'ls-files', '-s'),
  head: git(w, 'rev-parse', 'HEAD'),
});

describe('predictWorkApply', () => {
  it('no work: nothing to give back', async () => {
    const f = fixture();
    expect(await predictWorkApply(f.work, f.sha('v1.1.0'))).toEqual({ hasWork: false, clean: true, conflicts: [], untrackedCollisions: [] });
  });

  it('a checkout whose index is stale (copied, restored from a backup) has no work and plans (bench finding)', async () => {
    const f = fixture();
    const copy = path.join(path.dirname(f.work), 'copied');
    cpSync(f.work, copy, { recursive: true });
    expect(await predictWorkApply(copy, f.sha('v1.1.0'))).toEqual({ hasWork: false, clean: true, conflicts: [], untrackedCollisions: [] });
    writeFileSync(path.join(copy, 'other.txt'), 'changed in the copy\n');
    expect(await predictWorkApply(copy, f.sha('v1.1.0'))).toMatchObject({ hasWork: true, clean: true });
  });

  it('work on lines and files the release does not touch applies cleanly', async () => {
    const f = fixture();
    writeFileSync(path.join(f.work, 'app.txt'), 'line 1\nline 2\nline 3\nline 4\nline 5 mine\n'); // away from the release's line
    writeFileSync(path.join(f.work, 'other.txt'), 'other, staged\n');
    git(f.work, 'add', 'other.txt');
    writeFileSync(path.join(f.work, 'notes.txt'), 'mine\n');
    const before = everything(f.work);
    expect(await predictWorkApply(f.work, f.sha('v1.1.0'))).toEqual({ hasWork: true, clean: true, conflicts: [], untrackedCollisions: [] });
    expect(everything(f.work)).toEqual(before);
  });

  it('an edit of the line the release changes conflicts (the chalk package.json case), naming the file, and changes nothing', async () => {
    const f = fixture();
    writeFileSync(path.join(f.work, 'package.json'), '{"version": "1.0.0", "private": true}\n');
    writeFileSync(path.join(f.work, 'app.txt'), 'line 1\nline 2 mine\nline 3\nline 4\nline 5\n');
    git(f.work, 'add', 'app.txt');
    const before = everything(f.work);
    const p = await predictWorkApply(f.work, f.sha('v1.1.0'));
    expect(p).toEqual({ hasWork: true, clean: false, conflicts: ['app.txt', 'package.json'], untrackedCollisions: [] });
    expect(everything(f.work)).toEqual(before);
  });

  it('a conflict only in what is staged counts (stash apply --index would fail)', async () => {
    const f = fixture();
    writeFileSync(path.join(f.work, 'app.txt'), 'line 1\nline 2 staged\nline 3\nline 4\nline 5\n');
    git(f.work, 'add', 'app.txt');
    writeFileSync(path.join(f.work, 'app.txt'), 'line 1\nline 2 in 1.1.0\nline 3\nline 4\nline 5\n'); // the work tree agrees with the release
    expect((await predictWorkApply(f.work, f.sha('v1.1.0'))).conflicts).toEqual(['app.txt']);
  });

  it('untracked files where the release brings files of its own collide', async () => {
    const f = fixture();
    mkdirSync(path.join(f.work, 'docs'));
    writeFileSync(path.join(f.work, 'docs/new.md'), 'my own\n');
    mkdirSync(path.join(f.work, 'tools'));
    writeFileSync(path.join(f.work, 'tools/x.sh'), 'echo\n'); // the release adds a file named tools
    writeFileSync(path.join(f.work, 'fine.txt'), 'no clash\n');
    expect(await predictWorkApply(f.work, f.sha('v1.1.0'))).toEqual({ hasWork: true, clean: false, conflicts: [], untrackedCollisions: ['docs/new.md', 'tools/x.sh'] });
  });
});

describe('predictStashApply', () => {
  it('agrees with what git stash apply then does, for a stash made before the upgrade', async () => {
    const f = fixture();
    writeFileSync(path.join(f.work, 'package.json'), '{"version": "1.0.0", "private": true}\n');
    const conflicting = (await stashPush(f.work, 'test'))!;
    writeFileSync(path.join(f.work, 'other.txt'), 'other, mine\n');
    const fine = (await stashPush(f.work, 'test 2'))!;
    git(f.work, 'checkout', '-q', '--detach', f.sha('v1.1.0'));
    expect(await predictStashApply(f.work, fine, f.sha('v1.1.0'))).toEqual({ clean: true, conflicts: [], untrackedCollisions: [] });
    expect(await predictStashApply(f.work, conflicting, f.sha('v1.1.0'))).toMatchObject({ clean: false, conflicts: ['package.json'] });
    expect(await predictStashApply(f.work, conflicting, f.sha('v1.0.0'))).toMatchObject({ clean: true });
    // And git agrees: the clean one applies, the other would conflict.
    git(f.work, 'stash', 'apply', '--index', fine);
    expect(git(f.work, 'status', '--porcelain')).toMatch(/^ ?M other\.txt$/);
  });
});
