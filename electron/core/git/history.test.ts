import { describe, expect, it } from 'vitest';
import { createRemoteWithReleases, git } from '../../../test/helpers/repos.js';
import { exactTag, nearestTag, tagsPointingAt } from './describe.js';
import { diffStat, parseShortStat } from './diffstat.js';
import { fetchTag } from './fetch.js';
import { commitsBetween, parseLogZ } from './log.js';
import { readFileAtCommit, readTag, statFilesAtCommit } from './show.js';

function fixture() {
  return createRemoteWithReleases({
    releases: [
      { version: '1.0.0', files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } },
      {
        version: '1.1.0',
        message: 'Version 1.1.0\n\nAdds c.txt.',
        commits: [
          { message: 'feat: add c', files: { 'c.txt': 'c\nc\n' } },
          { message: 'fix: trim a\n\nLonger explanation\nover two lines.', files: { 'a.txt': 'A\n' } },
        ],
        files: { 'b.txt': null },
      },
    ],
    checkout: 'v1.1.0',
  });
}

describe('log', () => {
  it('lists commits between two shas with subjects and bodies, newest first', async () => {
    const f = fixture();
    const r = await commitsBetween(f.work, f.sha('v1.0.0'), f.sha('v1.1.0'));
    expect(r.count).toBe(3);
    expect(r.truncated).toBe(false);
    expect(r.items.map((c) => c.subject)).toEqual(['Release v1.1.0', 'fix: trim a', 'feat: add c']);
    expect(r.items[1]!.body).toBe('Longer explanation\nover two lines.');
    expect(r.items.every((c) => !c.merge && /^[0-9a-f]{40}$/.test(c.sha))).toBe(true);
  });

  it('caps the list but keeps the exact count', async () => {
    const f = fixture();
    const r = await commitsBetween(f.work, f.sha('v1.0.0'), f.sha('v1.1.0'), { max: 1 });
    expect(r).toMatchObject({ count: 3, truncated: true });
    expect(r.items).toHaveLength(1);
  });

  it('marks merges', async () => {
    const f = fixture();
    git(f.work, 'checkout', '-q', '-b', 'side', f.sha('v1.0.0'));
    git(f.work, 'commit', '-q', '--allow-empty', '-m', 'side work');
    git(f.work, 'checkout', '-q', 'main');
    git(f.work, 'merge', '-q', '--no-ff', '--no-edit', '-m', 'Merge side', 'side');
    const head = git(f.work, 'rev-parse', 'HEAD');
    const r = await commitsBetween(f.work, f.sha('v1.1.0'), head);
    expect(r.items.map((c) => [c.subject, c.merge])).toEqual([
      ['Merge side', true],
      ['side work', false],
    ]);
  });

  it('parses -z output with empty bodies and root commits', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    expect(parseLogZ(`${a}\0${b}\0subject\0\0${b}\0\0root\0body\0`)).toEqual([
      { sha: a, subject: 'subject', body: '', merge: false, parents: [b] },
      { sha: b, subject: 'root', body: 'body', merge: false, parents: [] },
    ]);
  });
});

describe('diffstat', () => {
  it('totals and capped text', async () => {
    const f = fixture();
    const d = await diffStat(f.work, f.sha('v1.0.0'), f.sha('v1.1.0'));
    expect(d).toMatchObject({ filesChanged: 3, insertions: 3, deletions: 2 });
    expect(d.text).toContain('c.txt');
    const capped = await diffStat(f.work, f.sha('v1.0.0'), f.sha('v1.1.0'), { maxFiles: 1 });
    expect(capped.filesChanged).toBe(3);
    expect(capped.text).toContain('...');
    const none = await diffStat(f.work, f.sha('v1.0.0'), f.sha('v1.0.0'));
    expect(none).toEqual({ filesChanged: 0, insertions: 0, deletions: 0, text: '' });
  });

  it('parses singular and partial summaries', () => {
    expect(parseShortStat(' 1 file changed, 1 insertion(+)')).toEqual({ filesChanged: 1, insertions: 1, deletions: 0 });
    expect(parseShortStat(' 2 files changed, 4 deletions(-)')).toEqual({ filesChanged: 2, insertions: 0, deletions: 4 });
  });
});

describe('describe', () => {
  it('finds the exact tag, all tags at HEAD, and the nearest tag', async () => {
    const f = fixture();
    expect(await exactTag(f.work)).toBe('v1.1.0');
    git(f.work, 'tag', 'also-here');
    expect(await tagsPointingAt(f.work, 'HEAD')).toEqual(['also-here', 'v1.1.0']);
    git(f.work, 'commit', '-q', '--allow-empty', '-m', 'after');
    expect(await exactTag(f.work)).toBeNull();
    expect(['v1.1.0', 'also-here']).toContain(await nearestTag(f.work));
    expect(await tagsPointingAt(f.work, f.sha('v1.0.0'))).toEqual(['v1.0.0']);
  });

  it('returns null without tags', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    git(f.work, 'tag', '-d', 'v1.0.0');
    expect(await exactTag(f.work)).toBeNull();
    expect(await nearestTag(f.work)).toBeNull();
  });
});

describe('show', () => {
  it('reads a file at a commit, null when missing or a directory, and refuses oversize files', async () => {
    const f = createRemoteWithReleases({
      releases: [{ version: '1.0.0', files: { 'dir/x.json': '{"a":1}', 'big.txt': 'x'.repeat(5000), 'name with spaces.md': 'ok' } }],
    });
    const sha = f.sha('v1.0.0');
    expect(await readFileAtCommit(f.work, sha, 'dir/x.json')).toBe('{"a":1}');
    expect(await readFileAtCommit(f.work, sha, 'name with spaces.md')).toBe('ok');
    expect(await readFileAtCommit(f.work, sha, 'missing.json')).toBeNull();
    expect(await readFileAtCommit(f.work, sha, 'dir')).toBeNull();
    await expect(readFileAtCommit(f.work, sha, 'big.txt', { maxBytes: 100 })).rejects.toMatchObject({ kind: 'output-too-large' });
    await expect(readFileAtCommit(f.work, sha, '../etc/passwd')).rejects.toMatchObject({ kind: 'invalid-argument' });
    const many = await statFilesAtCommit(f.work, sha, ['dir/x.json', 'nope', 'big.txt']);
    expect(many.get('nope')).toBeNull();
    expect(many.get('big.txt')?.size).toBe(5000);
  });

  it('reads annotated tag messages, and knows lightweight tags have none', async () => {
    const f = fixture();
    await fetchTag(f.work, 'origin', 'v1.1.0');
    const t = await readTag(f.work, 'v1.1.0');
    expect(t).toMatchObject({ name: 'v1.1.0', annotated: true, sha: f.sha('v1.1.0'), message: 'Version 1.1.0\n\nAdds c.txt.' });
    expect(t?.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await readTag(f.work, 'v1.0.0')).toMatchObject({ annotated: false, message: null, sha: f.sha('v1.0.0') });
    expect(await readTag(f.work, 'v9.0.0')).toBeNull();
  });

  it('peels a tag of a tag to its commit', async () => {
    const f = fixture();
    git(f.work, 'tag', '-a', '-m', 'outer', 'outer', 'v1.1.0');
    expect((await readTag(f.work, 'outer'))?.sha).toBe(f.sha('v1.1.0'));
  });
});
