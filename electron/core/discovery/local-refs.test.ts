import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteFromTagList, git, makeTempDir, pushTag, createRemoteWithReleases } from '../../../test/helpers/repos.js';
import { GitError } from '../git/errors.js';
import { listRemoteTags } from '../git/ls-remote.js';
import { resetUserGitConfig } from './git-config.js';
import { listRemoteTagsNative } from './index.js';

const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
beforeAll(() => {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  resetUserGitConfig();
});
afterAll(() => {
  if (saved.global === undefined) delete process.env.GIT_CONFIG_GLOBAL;
  else process.env.GIT_CONFIG_GLOBAL = saved.global;
  if (saved.nosystem === undefined) delete process.env.GIT_CONFIG_NOSYSTEM;
  else process.env.GIT_CONFIG_NOSYSTEM = saved.nosystem;
  resetUserGitConfig();
});

/** A repository with lightweight and annotated tags (loose refs, loose objects), and a tag of a tag. */
function repo(): string {
  const dir = makeTempDir('upshift-local-');
  git(dir, 'init', '-q', '-b', 'main');
  for (let i = 0; i < 4; i++) {
    writeFileSync(path.join(dir, 'f.txt'), `${i}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `c${i}`);
    if (i % 2 === 0) git(dir, 'tag', `v1.${i}.0`);
    else git(dir, 'tag', '-a', '-m', `Release 1.${i}.0`, `v1.${i}.0`);
  }
  git(dir, 'tag', '-a', '-m', 'nested', 'v1.3.0-signed', 'v1.3.0');
  git(dir, 'tag', 'nested/v2.0.0', 'HEAD');
  return dir;
}

async function same(cwd: string, remote: string, via = 'files'): Promise<void> {
  const native = await listRemoteTagsNative(cwd, remote);
  expect(native.via, native.fallback).toBe(via);
  const viaGit = await listRemoteTags(cwd, remote);
  const sort = (l: typeof viaGit.tags) => [...l].sort((a, b) => a.tag.localeCompare(b.tag));
  expect(sort(native.tags)).toEqual(sort(viaGit.tags));
  expect(native.droppedCount).toBe(viaGit.droppedCount);
}

describe('path remotes read without git', () => {
  it('loose refs and loose tag objects (annotated, lightweight, a tag of a tag, nested names)', async () => {
    const dir = repo();
    await same(dir, dir);
    const listed = await listRemoteTagsNative(dir, dir);
    expect(listed.tags.find((t) => t.tag === 'v1.3.0-signed')).toMatchObject({ sha: git(dir, 'rev-parse', 'v1.3.0^{commit}'), annotated: true });
  });

  it('packed-refs with peeled lines, and loose refs over their packed copies', async () => {
    const dir = repo();
    git(dir, 'pack-refs', '--all');
    git(dir, 'gc', '-q');
    await same(dir, dir);
    // A loose ref written after packing wins over the packed one.
    git(dir, 'tag', '-f', 'v1.0.0', 'HEAD');
    await same(dir, dir);
    expect((await listRemoteTagsNative(dir, dir)).tags.find((t) => t.tag === 'v1.0.0')?.sha).toBe(git(dir, 'rev-parse', 'HEAD'));
  });

  it('loose refs whose objects are packed (a pushed remote): types and tag objects read from the pack index', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'Annotated' }] });
    pushTag(f.remote, 'v1.2.0', { 'x.txt': 'x' }, { message: 'Annotated too' });
    pushTag(f.remote, 'v1.3.0', { 'y.txt': 'y' });
    await same(f.work, 'origin');
    await same(f.work, pathToFileURL(f.remote).href);
  });

  it('packed-refs without peel traits: annotated tags are peeled from their objects', async () => {
    const dir = repo();
    git(dir, 'pack-refs', '--all');
    const packed = path.join(dir, '.git', 'packed-refs');
    const body = git(dir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/tags');
    writeFileSync(packed, `${body}\n`);
    await same(dir, dir);
  });

  it('the hostile-name cases: dropped and counted as git does', async () => {
    const hostile = ['--upload-pack=/tmp/x.sh', '$(touch /tmp/pwned)', 'v9.9.9;x', `v9.9.${'9'.repeat(300)}`, 'v9.9.9\u0007bell', 'v9.9.9\u001b[31mred', 'v9.9.9 x', 'v1..0'];
    const { remote } = createRemoteFromTagList([...hostile, 'v1.0.0', 'v1.1.0']);
    const native = await listRemoteTagsNative(remote, remote);
    expect(native.via).toBe('files');
    expect(native.tags.map((t) => t.tag).sort()).toEqual(['v1.0.0', 'v1.1.0']);
    expect(native.droppedCount).toBe(hostile.length);
    await same(remote, remote);
  });

  it('the caps: tag count and bytes, with nothing changed', async () => {
    const { remote } = createRemoteFromTagList(Array.from({ length: 300 }, (_, i) => `v1.${i}.0`));
    const tags = await listRemoteTagsNative(remote, remote, { maxTags: 100 }).catch((e: unknown) => e as GitError);
    expect((tags as GitError).kind).toBe('output-too-large');
    expect((tags as GitError).message).toMatch(/lists 300 tags, more than the limit of 100.*Nothing was changed/);
    const bytes = await listRemoteTagsNative(remote, remote, { maxBytes: 2000 }).catch((e: unknown) => e as GitError);
    expect((bytes as GitError).kind).toBe('output-too-large');
    expect((bytes as GitError).message).toMatch(/over the 2000-byte limit/);
  });

  it('cases only git answers exactly go to git: a symbolic tag ref, a worktree, hidden refs, a missing path', async () => {
    const dir = repo();
    mkdirSync(path.join(dir, '.git', 'refs', 'tags'), { recursive: true });
    writeFileSync(path.join(dir, '.git', 'refs', 'tags', 'alias'), 'ref: refs/tags/v1.0.0\n');
    const sym = await listRemoteTagsNative(dir, dir);
    expect(sym.via).toBe('git');
    expect(sym.fallback).toMatch(/symbolic/);

    const hidden = repo();
    git(hidden, 'config', 'uploadpack.hideRefs', 'refs/tags/v1.0.0');
    const h = await listRemoteTagsNative(hidden, hidden);
    expect(h.via).toBe('git');
    expect(h.tags.map((t) => t.tag)).not.toContain('v1.0.0');

    const missing = await listRemoteTagsNative(dir, path.join(dir, 'nope')).catch((e: unknown) => e as GitError);
    expect(missing).toBeInstanceOf(GitError);
    expect((missing as GitError).message).toMatch(/git ls-remote/);
  });

  it('the advertisement hash is the same by every route and changes with any tag', async () => {
    const dir = repo();
    const a = await listRemoteTagsNative(dir, dir);
    const b = await listRemoteTagsNative(dir, dir, { forceGit: true });
    expect(b.via).toBe('git');
    expect(a.hash).toBe(b.hash);
    git(dir, 'tag', '-f', 'v1.0.0', 'HEAD~1');
    expect((await listRemoteTagsNative(dir, dir)).hash).not.toBe(a.hash);
  });
});
