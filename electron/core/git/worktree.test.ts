import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFiles, createRemoteWithReleases, git, writeFiles } from '../../../test/helpers/repos.js';
import { checkoutDetached, restoreBranch } from './checkout.js';
import { fetchTag } from './fetch.js';
import { createLightweightTag, createSnapshotRef, deleteSnapshotRef, deleteTag, listSnapshotRefs, readSnapshotRef } from './refs.js';
import { assertRepositoryRoot, commitExists, currentBranch, headSha, headState, resolveCommit } from './rev-parse.js';
import { findStash, listStashes, stashApply, stashDrop, stashPop, stashPush } from './stash.js';
import { getStatus, isDirty, parsePorcelainV1 } from './status.js';

function release3() {
  return createRemoteWithReleases({
    releases: [
      { version: '1.0.0', files: { 'app.txt': 'one\n', 'lib/a.txt': 'a1\n' } },
      { version: '1.1.0', files: { 'app.txt': 'two\n', 'lib/b.txt': 'b\n' } },
      { version: '2.0.0', files: { 'app.txt': 'three\n' } },
    ],
  });
}

/** A hook that leaves a trace if it ever runs. */
function installHooks(work: string): string {
  const trace = path.join(work, '..', 'hook-ran');
  const hooks = path.join(work, '.git', 'hooks');
  mkdirSync(hooks, { recursive: true });
  for (const name of ['post-checkout', 'reference-transaction', 'pre-commit', 'post-merge', 'post-rewrite']) {
    const p = path.join(hooks, name);
    writeFileSync(p, `#!/bin/sh\necho ${name} >> ${trace}\n`);
    chmodSync(p, 0o755);
  }
  return trace;
}

describe('rev-parse', () => {
  it('reads HEAD, the branch, and whether commits exist', async () => {
    const f = release3();
    expect(await headSha(f.work)).toBe(f.sha('v1.0.0'));
    expect(await currentBranch(f.work)).toBe('main');
    expect(await headState(f.work)).toEqual({ sha: f.sha('v1.0.0'), branch: 'main' });
    expect(await commitExists(f.work, f.sha('v1.0.0'))).toBe(true);
    expect(await commitExists(f.work, f.sha('v2.0.0'))).toBe(false); // published after the clone
    expect(await resolveCommit(f.work, '--output=x')).toBeNull();
    git(f.work, 'checkout', '-q', '--detach');
    expect(await currentBranch(f.work)).toBeNull();
  });

  it('currentBranch is not fooled by a tag with the same name', async () => {
    const f = release3();
    git(f.work, 'tag', 'main');
    expect(await currentBranch(f.work)).toBe('main');
  });

  it('assertRepositoryRoot refuses a subdirectory', async () => {
    const f = release3();
    await assertRepositoryRoot(f.work);
    await expect(assertRepositoryRoot(path.join(f.work, 'lib'))).rejects.toMatchObject({ kind: 'not-a-repository' });
  });

  it('headSha is null in a repository without commits', async () => {
    const f = release3();
    const empty = path.join(f.root, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q', '-b', 'main');
    expect(await headSha(empty)).toBeNull();
    expect(await currentBranch(empty)).toBe('main');
  });
});

describe('status', () => {
  it('separates staged, unstaged and untracked; ignores ignored files', async () => {
    const f = release3();
    expect(await isDirty(f.work)).toBe(false);
    writeFiles(f.work, { '.gitignore': 'build/\n*.log\n' });
    git(f.work, 'add', '.gitignore');
    git(f.work, 'commit', '-q', '-m', 'ignore');
    expect(await isDirty(f.work)).toBe(false);

    writeFiles(f.work, { 'build/out.js': 'x', 'debug.log': 'x' });
    expect(await isDirty(f.work)).toBe(false); // only ignored files

    writeFiles(f.work, { 'app.txt': 'edited\n', 'lib/a.txt': 'staged\n', 'new file.txt': 'n', 'newdir/x.txt': 'x' });
    git(f.work, 'add', 'lib/a.txt');
    git(f.work, 'mv', 'README.md', 'lib/renamed.txt');
    writeFileSync(path.join(f.work, 'lib/a.txt'), 'staged then edited\n');

    const s = await getStatus(f.work);
    expect(s.unstaged.sort()).toEqual(['app.txt', 'lib/a.txt']);
    expect(s.staged.sort()).toEqual(['lib/a.txt', 'lib/renamed.txt']);
    expect(s.untracked.sort()).toEqual(['new file.txt', 'newdir/']);
    expect(s.entries.find((e) => e.path === 'lib/renamed.txt')?.origPath).toBe('README.md');
    expect(await isDirty(f.work)).toBe(true);

    const all = await getStatus(f.work, { untrackedFiles: 'all' });
    expect(all.untracked.sort()).toEqual(['new file.txt', 'newdir/x.txt']);
  });

  it('an untracked file alone makes the tree dirty', async () => {
    const f = release3();
    writeFiles(f.work, { 'notes.txt': 'mine' });
    expect(await isDirty(f.work)).toBe(true);
  });

  it('parses conflicts and odd names', () => {
    const out = ['UU both.txt', 'AA added.txt', ' M sp ace.txt', 'R  new.txt', 'old.txt', '?? tab\there', ''].join('\0');
    const s = parsePorcelainV1(out);
    expect(s.conflicted).toEqual(['both.txt', 'added.txt']);
    expect(s.unstaged).toEqual(['sp ace.txt']);
    expect(s.staged).toEqual(['new.txt']);
    expect(s.untracked).toEqual(['tab\there']);
  });
});

describe('stash', () => {
  it('round-trips tracked, staged and untracked changes by stash commit id', async () => {
    const f = release3();
    writeFiles(f.work, { 'app.txt': 'edited\n', 'lib/a.txt': 'staged\n', 'untracked/u.txt': 'u' });
    git(f.work, 'add', 'lib/a.txt');
    const before = await getStatus(f.work, { untrackedFiles: 'all' });

    const sha = await stashPush(f.work, 'upshift op-123 before upgrade');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await isDirty(f.work)).toBe(false);
    expect(existsSync(path.join(f.work, 'untracked/u.txt'))).toBe(false);
    const entry = await findStash(f.work, sha!);
    expect(entry?.subject).toContain('upshift op-123 before upgrade');

    // Someone else stashes on top: our entry moves to stash@{1}, the sha still finds it.
    writeFiles(f.work, { 'other.txt': 'o' });
    const other = await stashPush(f.work, 'someone else');
    expect((await findStash(f.work, sha!))?.index).toBe(1);
    await stashDrop(f.work, other!);

    await stashPop(f.work, sha!);
    const after = await getStatus(f.work, { untrackedFiles: 'all' });
    expect(after).toEqual(before);
    expect(readFileSync(path.join(f.work, 'untracked/u.txt'), 'utf8')).toBe('u');
    expect(await listStashes(f.work)).toEqual([]);
  });

  it('returns null when there is nothing to stash', async () => {
    const f = release3();
    expect(await stashPush(f.work, 'nothing')).toBeNull();
    expect(await listStashes(f.work)).toEqual([]);
  });

  it('keeps the stash entry when applying fails', async () => {
    const f = release3();
    writeFiles(f.work, { 'app.txt': 'mine\n' });
    const sha = (await stashPush(f.work, 'upshift op-1'))!;
    writeFiles(f.work, { 'app.txt': 'conflicting\n' });
    await expect(stashPop(f.work, sha)).rejects.toMatchObject({ kind: 'dirty-tree' });
    expect(await findStash(f.work, sha)).not.toBeNull();
    git(f.work, 'checkout', '-q', '--', 'app.txt');
    await stashApply(f.work, sha);
    expect(readFileSync(path.join(f.work, 'app.txt'), 'utf8')).toBe('mine\n');
  });

  it('works without any git identity configured', async () => {
    const f = release3();
    writeFiles(f.work, { 'app.txt': 'x\n' });
    // The helpers run with GIT_CONFIG_GLOBAL=/dev/null; runGit inherits process.env, so point it there too.
    const saved = { g: process.env.GIT_CONFIG_GLOBAL, s: process.env.GIT_CONFIG_NOSYSTEM };
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      expect(await stashPush(f.work, 'upshift op-2')).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      if (saved.g === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved.g;
      if (saved.s === undefined) delete process.env.GIT_CONFIG_NOSYSTEM;
      else process.env.GIT_CONFIG_NOSYSTEM = saved.s;
    }
  });
});

describe('fetch, checkout and restore', () => {
  it('fetches one tag, checks out its commit detached without running hooks, and restores the branch', async () => {
    const f = release3();
    const trace = installHooks(f.work);
    const before = await headState(f.work);

    const fetched = await fetchTag(f.work, 'origin', 'v2.0.0', { expectedSha: f.sha('v2.0.0') });
    expect(fetched.sha).toBe(f.sha('v2.0.0'));
    // Only that tag arrived.
    expect(git(f.work, 'tag', '--list').split('\n').sort()).toEqual(['v1.0.0', 'v2.0.0']);
    expect(existsSync(path.join(f.work, '.git', 'FETCH_HEAD'))).toBe(false);

    await checkoutDetached(f.work, fetched.sha);
    expect(await headState(f.work)).toEqual({ sha: f.sha('v2.0.0'), branch: null });
    expect(readFileSync(path.join(f.work, 'app.txt'), 'utf8')).toBe('three\n');

    await restoreBranch(f.work, 'main', before.sha!);
    expect(await headState(f.work)).toEqual(before);
    expect(readFileSync(path.join(f.work, 'app.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(path.join(f.work, 'lib/b.txt'))).toBe(false);
    expect(existsSync(trace)).toBe(false);
  });

  it('checkout refuses anything but a full commit id', async () => {
    const f = release3();
    for (const bad of ['v1.0.0', 'HEAD', f.sha('v1.0.0').slice(0, 12), `-${'a'.repeat(39)}`, 'main']) {
      await expect(checkoutDetached(f.work, bad)).rejects.toMatchObject({ kind: 'invalid-argument' });
    }
  });

  it('checkout refuses to overwrite local changes', async () => {
    const f = release3();
    await fetchTag(f.work, 'origin', 'v2.0.0');
    writeFiles(f.work, { 'app.txt': 'my edit\n' });
    await expect(checkoutDetached(f.work, f.sha('v2.0.0'))).rejects.toMatchObject({ kind: 'dirty-tree' });
    expect(readFileSync(path.join(f.work, 'app.txt'), 'utf8')).toBe('my edit\n');
    await checkoutDetached(f.work, f.sha('v2.0.0'), { discardChanges: true });
    expect(readFileSync(path.join(f.work, 'app.txt'), 'utf8')).toBe('three\n');
  });

  it('fetch reports a tag moved on the remote, a missing tag, and a clashing local tag', async () => {
    const f = release3();
    await expect(fetchTag(f.work, 'origin', 'v1.1.0', { expectedSha: f.sha('v2.0.0') })).rejects.toMatchObject({ kind: 'ref-mismatch' });
    await expect(fetchTag(f.work, 'origin', 'v7.0.0')).rejects.toMatchObject({ kind: 'ref-not-found' });
    git(f.work, 'tag', 'v2.0.0', 'HEAD');
    const e = await fetchTag(f.work, 'origin', 'v2.0.0').catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'ref-exists' });
    expect((e as Error).message).toMatch(/left the local tag unchanged/);
    expect(git(f.work, 'rev-parse', 'v2.0.0')).toBe(f.sha('v1.0.0'));
  });

  it('restoreBranch recreates a deleted branch, and will not move a branch that moved unless asked', async () => {
    const f = release3();
    const start = f.sha('v1.0.0');
    await fetchTag(f.work, 'origin', 'v2.0.0');
    await checkoutDetached(f.work, f.sha('v2.0.0'));

    git(f.work, 'branch', '-D', 'main');
    await restoreBranch(f.work, 'main', start);
    expect(await headState(f.work)).toEqual({ sha: start, branch: 'main' });

    // The user commits on main meanwhile; restoring to the snapshot must not silently drop that commit.
    const theirs = commitFiles(f.work, { 'theirs.txt': 't' }, 'their work');
    await checkoutDetached(f.work, f.sha('v2.0.0'));
    await expect(restoreBranch(f.work, 'main', start)).rejects.toMatchObject({ kind: 'ref-mismatch' });
    expect(git(f.work, 'rev-parse', 'refs/heads/main')).toBe(theirs);
    await restoreBranch(f.work, 'main', start, { moveBranch: true });
    expect(await headState(f.work)).toEqual({ sha: start, branch: 'main' });
  });

  it('restoreBranch moves the branch HEAD is on without leaving the tree behind', async () => {
    const f = release3();
    const start = f.sha('v1.0.0');
    commitFiles(f.work, { 'app.txt': 'later\n' }, 'later');
    await restoreBranch(f.work, 'main', start, { moveBranch: true });
    expect(await headState(f.work)).toEqual({ sha: start, branch: 'main' });
    expect(await isDirty(f.work)).toBe(false);
    expect(readFileSync(path.join(f.work, 'app.txt'), 'utf8')).toBe('one\n');
  });

  it('restoreBranch picks the branch even when a tag has the same name', async () => {
    const f = release3();
    const start = f.sha('v1.0.0');
    await fetchTag(f.work, 'origin', 'v2.0.0');
    git(f.work, 'tag', 'main', f.sha('v2.0.0'));
    await checkoutDetached(f.work, f.sha('v2.0.0'));
    await restoreBranch(f.work, 'main', start);
    expect(await headState(f.work)).toEqual({ sha: start, branch: 'main' });
  });

  it('restoreBranch refuses unsafe branch names and unknown commits', async () => {
    const f = release3();
    await expect(restoreBranch(f.work, '--orphan', f.sha('v1.0.0'))).rejects.toMatchObject({ kind: 'invalid-argument' });
    await expect(restoreBranch(f.work, 'HEAD', f.sha('v1.0.0'))).rejects.toMatchObject({ kind: 'invalid-argument' });
    await expect(restoreBranch(f.work, 'main', 'e'.repeat(40))).rejects.toMatchObject({ kind: 'ref-not-found' });
  });
});

describe('refs', () => {
  it('creates, reads, lists and deletes snapshot refs; never overwrites', async () => {
    const f = release3();
    const sha = f.sha('v1.0.0');
    const ref = await createSnapshotRef(f.work, 'op-20260101-abc', sha);
    expect(ref).toBe('refs/upshift/snapshots/op-20260101-abc');
    expect(await readSnapshotRef(f.work, 'op-20260101-abc')).toBe(sha);
    expect(await listSnapshotRefs(f.work)).toEqual([{ id: 'op-20260101-abc', sha }]);
    await expect(createSnapshotRef(f.work, 'op-20260101-abc', sha)).rejects.toMatchObject({ kind: 'ref-exists' });
    // Not a branch or tag: invisible to `git tag` and `git branch`.
    expect(git(f.work, 'tag', '--list')).toBe('v1.0.0');
    await deleteSnapshotRef(f.work, 'op-20260101-abc', { expectedSha: sha });
    await deleteSnapshotRef(f.work, 'op-20260101-abc'); // idempotent
    expect(await readSnapshotRef(f.work, 'op-20260101-abc')).toBeNull();
    for (const bad of ['../heads/main', '-x', 'a/b', '', 'x.lock', 'a..b']) {
      await expect(createSnapshotRef(f.work, bad, sha)).rejects.toMatchObject({ kind: 'invalid-argument' });
    }
  });

  it('creates lightweight tags only when the name is free', async () => {
    const f = release3();
    const sha = f.sha('v1.0.0');
    await createLightweightTag(f.work, 'pre-upgrade-20260101-120000', sha);
    expect(git(f.work, 'rev-parse', 'pre-upgrade-20260101-120000')).toBe(sha);
    await expect(createLightweightTag(f.work, 'pre-upgrade-20260101-120000', sha)).rejects.toMatchObject({ kind: 'ref-exists' });
    await expect(createLightweightTag(f.work, 'v1.0.0', sha)).rejects.toMatchObject({ kind: 'ref-exists' });
    await expect(createLightweightTag(f.work, 'nope', 'f'.repeat(40))).rejects.toMatchObject({ kind: 'ref-not-found' });
    await deleteTag(f.work, 'pre-upgrade-20260101-120000', sha);
    expect(git(f.work, 'tag', '--list')).toBe('v1.0.0');
  });
});
