import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, createRemoteWithReleases, git } from '../../../test/helpers/repos.js';
import { gitWorktree } from './git-worktree.js';
import type { Journal } from './journal.js';
import { restoreFromJournal } from './restore.js';

afterAll(() => cleanupTempDirs());

function checkout() {
  const f = createRemoteWithReleases({
    initialFiles: { 'app.txt': 'app\n', 'lock.txt': 'lock 1\n' },
    releases: [{ version: '1.0.0' }, { version: '1.1.0', files: { VERSION: '1.1.0\n', 'lock.txt': 'lock 2\n' } }],
    checkout: 'v1.0.0',
  });
  git(f.work, 'fetch', '-q', 'origin', 'tag', 'v1.1.0');
  return f;
}

function userWork(w: string) {
  writeFileSync(path.join(w, 'app.txt'), 'app staged\n');
  git(w, 'add', 'app.txt');
  writeFileSync(path.join(w, 'app.txt'), 'app staged, then edited\n');
  writeFileSync(path.join(w, 'notes.txt'), 'untracked notes\n');
}

const snapshot = (w: string) => ({
  head: git(w, 'rev-parse', 'HEAD'),
  branch: git(w, 'branch', '--show-current'),
  staged: git(w, 'diff', '--cached', 'HEAD'),
  unstaged: git(w, 'diff'),
  untracked: git(w, 'ls-files', '--others', '--exclude-standard'),
});

describe('restoreFromJournal never forces over work it did not set aside', () => {
  it('killed before the stash (the measured bug): HEAD never moved, so nothing is forced and the work stays exactly', async () => {
    const f = checkout();
    userWork(f.work);
    const before = snapshot(f.work);
    // What the journal holds when the process dies in preflight: the starting point and the stash about to be pushed.
    const journal: Journal = { originalSha: f.sha('v1.0.0'), originalBranch: 'main', stash: { message: 'upshift: uncommitted work saved before operation op_x', sha: null } };
    const result = await restoreFromJournal(gitWorktree(f.work), journal, { operationId: 'op_x' });
    expect(result).toMatchObject({ ok: true, manualRecovery: null });
    expect(snapshot(f.work)).toEqual(before);
    expect(readFileSync(path.join(f.work, 'app.txt'), 'utf8')).toBe('app staged, then edited\n');
  });

  it('HEAD moved by something else before the checkout: reported, not moved back, work untouched', async () => {
    const f = checkout();
    git(f.work, 'checkout', '-q', '--detach', f.sha('v1.1.0'));
    userWork(f.work);
    const before = snapshot(f.work);
    const result = await restoreFromJournal(gitWorktree(f.work), { originalSha: f.sha('v1.0.0'), originalBranch: 'main' }, { operationId: 'op_y' });
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toMatch(/never moved HEAD, so something else did, and Upshift left it there/);
    expect(result.manualRecovery).not.toMatch(/checkout -f|reset --hard/);
    expect(snapshot(f.work)).toEqual(before);
  });

  it('after the checkout: changes the steps wrote are kept as a rescue ref before HEAD is forced back, and progress is recorded', async () => {
    const f = checkout();
    git(f.work, 'checkout', '-q', '--detach', f.sha('v1.1.0'));
    writeFileSync(path.join(f.work, 'lock.txt'), 'lock rewritten by the install\n');
    const recorded: Array<Partial<Journal>> = [];
    const journal: Journal = { originalSha: f.sha('v1.0.0'), originalBranch: 'main', checkoutStarted: true, targetSha: f.sha('v1.1.0') };
    const result = await restoreFromJournal(gitWorktree(f.work), journal, { operationId: 'op_z', record: (p) => recorded.push(p) });
    expect(result.ok).toBe(true);
    expect(snapshot(f.work)).toMatchObject({ head: f.sha('v1.0.0'), branch: 'main', staged: '', unstaged: '' });
    const rescued = recorded.find((p) => p.rescued)?.rescued?.[0];
    expect(rescued?.ref).toBe('refs/upshift/rescued/op_z');
    expect(git(f.work, 'show', `${rescued!.sha}:lock.txt`)).toBe('lock rewritten by the install');
    expect(result.problems.join('\n')).toMatch(/kept as refs\/upshift\/rescued\/op_z/);
    expect(recorded.some((p) => p.headRestored === true)).toBe(true);

    // Run again (a recovery interrupted after the restore): HEAD is left alone, nothing more is rescued.
    writeFileSync(path.join(f.work, 'notes.txt'), 'written after the restore\n');
    const again = await restoreFromJournal(gitWorktree(f.work), journal, { operationId: 'op_z' });
    expect(again).toMatchObject({ ok: true });
    expect(readFileSync(path.join(f.work, 'notes.txt'), 'utf8')).toBe('written after the restore\n');
    expect(git(f.work, 'for-each-ref', 'refs/upshift/rescued/')).not.toMatch(/op_z-2/);
  });
});
