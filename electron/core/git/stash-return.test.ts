import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, createRemoteWithReleases, git } from '../../../test/helpers/repos.js';
import { listStashes, stashApply, stashPush } from './stash.js';
import { returnStash, stashCoverage } from './stash-return.js';

afterAll(() => cleanupTempDirs());

/** A checkout with staged, staged-then-edited, unstaged, added and untracked work. */
function withWork() {
  const f = createRemoteWithReleases({
    initialFiles: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'keep.txt': 'keep\n' },
    releases: [{ version: '1.0.0' }, { version: '1.1.0', files: { VERSION: '1.1.0\n', 'c.txt': 'c in 1.1.0\n' } }],
    checkout: 'v1.0.0',
  });
  const w = f.work;
  writeFileSync(path.join(w, 'a.txt'), 'a staged\n');
  writeFileSync(path.join(w, 'new.txt'), 'added\n');
  git(w, 'add', 'a.txt', 'new.txt');
  writeFileSync(path.join(w, 'b.txt'), 'b staged\n');
  git(w, 'add', 'b.txt');
  writeFileSync(path.join(w, 'b.txt'), 'b staged then edited\n');
  writeFileSync(path.join(w, 'untracked.txt'), 'mine\n');
  return { f, w };
}

function state(w: string) {
  return {
    head: git(w, 'rev-parse', 'HEAD'),
    staged: git(w, 'diff', '--cached', 'HEAD'),
    unstaged: git(w, 'diff'),
    untracked: git(w, 'ls-files', '--others', '--exclude-standard'),
    untrackedText: existsSync(path.join(w, 'untracked.txt')) ? readFileSync(path.join(w, 'untracked.txt'), 'utf8') : null,
    stashes: git(w, 'stash', 'list'),
  };
}

async function stashed() {
  const { f, w } = withWork();
  const before = state(w);
  const sha = (await stashPush(w, 'upshift: test'))!;
  expect(git(w, 'status', '--porcelain')).toBe('');
  return { f, w, before, sha };
}

describe('returnStash', () => {
  it('gives the work back exactly onto a clean tree and drops the entry', async () => {
    const { w, before, sha } = await stashed();
    await returnStash(w, sha);
    expect(state(w)).toEqual(before);
    expect(await listStashes(w)).toEqual([]);
  });

  it('after `stash push` was killed half way (stash stored, tree partly cleaned): clears only what the stash holds and applies it', async () => {
    const { w, before, sha } = await stashed();
    // What the tree looks like if the clean-up stopped early: some of the work is still there, byte for byte.
    writeFileSync(path.join(w, 'untracked.txt'), 'mine\n');
    writeFileSync(path.join(w, 'b.txt'), 'b staged then edited\n');
    const coverage = await stashCoverage(w, sha);
    expect(coverage).toMatchObject({ foreign: [], clashing: [], covered: ['b.txt', 'untracked.txt'], coveredUntracked: ['untracked.txt'] });
    await returnStash(w, sha);
    expect(state(w)).toEqual(before);
  });

  it('after the apply ran but the drop did not: applying again changes nothing and drops the entry', async () => {
    const { w, before, sha } = await stashed();
    await stashApply(w, sha);
    expect(git(w, 'stash', 'list')).not.toBe('');
    await returnStash(w, sha);
    expect(state(w)).toEqual(before);
    expect(await listStashes(w)).toEqual([]);
  });

  it('after the drop ran but was not recorded: the work already there is recognised, nothing doubles', async () => {
    const { w, before, sha } = await stashed();
    await stashApply(w, sha);
    git(w, 'stash', 'drop', '-q');
    await returnStash(w, sha);
    expect(state(w)).toEqual(before);
  });

  it('leaves someone else’s changes on other paths alone and gives the work back beside them', async () => {
    const { w, before, sha } = await stashed();
    writeFileSync(path.join(w, 'keep.txt'), 'edited meanwhile\n');
    writeFileSync(path.join(w, 'other.txt'), 'not from the stash\n');
    await returnStash(w, sha);
    expect(readFileSync(path.join(w, 'keep.txt'), 'utf8')).toBe('edited meanwhile\n');
    expect(readFileSync(path.join(w, 'other.txt'), 'utf8')).toBe('not from the stash\n');
    expect(git(w, 'diff', '--cached', 'HEAD')).toBe(before.staged);
    expect(readFileSync(path.join(w, 'b.txt'), 'utf8')).toBe('b staged then edited\n');
  });

  it('refuses, touching nothing, when the tree holds other changes to a path the stash would overwrite', async () => {
    const { w, sha } = await stashed();
    writeFileSync(path.join(w, 'b.txt'), 'a different edit made meanwhile\n');
    writeFileSync(path.join(w, 'untracked.txt'), 'a different untracked file\n');
    const snapshot = state(w);
    const err = await returnStash(w, sha).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'dirty-tree', details: { stash: sha, paths: ['b.txt', 'untracked.txt'] } });
    expect(String((err as Error).message)).toMatch(/safe in stash .*b\.txt, untracked\.txt.*Nothing was changed.*git stash apply --index/s);
    expect(state(w)).toEqual(snapshot);
    expect(readFileSync(path.join(w, 'b.txt'), 'utf8')).toBe('a different edit made meanwhile\n');
  });

  it('on another commit (after an upgrade): work already applied on paths the commit did not touch is recognised', async () => {
    const { f, w, sha } = await stashed();
    git(w, 'fetch', '-q', 'origin', 'tag', 'v1.1.0');
    git(w, 'checkout', '-q', '--detach', f.sha('v1.1.0'));
    await stashApply(w, sha);
    const applied = state(w);
    await returnStash(w, sha);
    expect({ ...state(w), stashes: '' }).toEqual({ ...applied, stashes: '' });
    expect(await listStashes(w)).toEqual([]);
  });

  it('refuses a commit that is not a stash, changing nothing', async () => {
    const { f, w } = withWork();
    const before = state(w);
    await expect(returnStash(w, f.sha('v1.0.0'))).rejects.toMatchObject({ kind: 'ref-not-found' });
    expect(state(w)).toEqual(before);
  });
});
