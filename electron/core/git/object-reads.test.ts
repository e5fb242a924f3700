// The verbs that can read through the long-lived reader (ls-tree, cat-file, for-each-ref, rev-parse after a fetch)
// give exactly what their one-process forms give, on repositories built to hit the odd cases: symlinks, submodules,
// sub-directories, non-ASCII names, SHA-256, signed/CRLF/multi-paragraph tag messages, tags of tags and of trees,
// a tag without a tagger. Both sides run real git on the same objects.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRemoteWithReleases, git, gitWithInput, makeTempDir, testGitEnv, writeFiles } from '../../../test/helpers/repos.js';
import { loadReleaseInfo } from '../release/info.js';
import { readReleaseMetadata } from '../release/metadata.js';
import { fetchTag } from './fetch.js';
import { listRootBlobs } from './ls-tree.js';
import { closeSharedObjectReaders, ObjectReader, sharedObjectReader } from './object-reader.js';
import { identDateIsoStrict, splitTagMessage } from './object-text.js';
import { readBlob, readTag, statFilesAtCommit } from './show.js';
import { execFileSync } from 'node:child_process';

afterAll(() => closeSharedObjectReaders());

function tagAt(dir: string, name: string, message: string, date: string, target = 'HEAD'): void {
  execFileSync('git', ['-c', 'advice.nestedTag=false', 'tag', '-a', name, '-F', '-', target], { cwd: dir, input: message, env: testGitEnv({ GIT_COMMITTER_DATE: date }) });
}

/** A checkout with every kind of root entry and a history of tags. */
function oddRepo(format: 'sha1' | 'sha256' = 'sha1'): { dir: string; head: string } {
  const dir = makeTempDir('upshift-odd-');
  git(dir, 'init', '-q', '-b', 'main', `--object-format=${format}`);
  writeFiles(dir, {
    'CHANGELOG.md': '# Changelog\n\n## 1.0.0\n\n- first\n',
    'a b.txt': 'spaced\n',
    'résumé.md': 'unicode\n',
    'docs/changelog.md': '## 1.0.0\n\n- from docs\n',
    'docs/sub/deep.md': 'deep\n',
    'doc/NEWS': 'news\n',
    'release_metadata.json': JSON.stringify({ version: '1.0.0', release_date: '2026-01-02', changes: { breaking: ['x was removed'] } }),
    'bin/run.sh': '#!/bin/sh\n',
    'zz.txt': 'last\n',
  });
  execFileSync('chmod', ['+x', path.join(dir, 'bin/run.sh')]);
  execFileSync('ln', ['-s', 'CHANGELOG.md', path.join(dir, 'link.md')]);
  git(dir, 'add', '-A');
  // A submodule entry (gitlink: a commit of another repository) in the root: listed by nobody, a stat of it is null.
  git(dir, 'update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(format === 'sha1' ? 40 : 64)},vendored`);
  git(dir, 'commit', '-q', '-m', 'release 1.0.0');
  const head = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'tag', 'light');
  tagAt(dir, 'plain', 'Release 1.0.0\n', '1700000000 +0000');
  tagAt(dir, 'multi', 'Release 1.0.0:\nthe widget\r\nrelease\n\n\nBody one\n\nBody two\n-----BEGIN PGP SIGNATURE-----\nnot really\n-----END PGP SIGNATURE-----\n', '1700000000 -0530');
  tagAt(dir, 'crlf', 'Subject\r\n\r\nBody\r\nmore\r\n', '1700003600 +0100');
  tagAt(dir, 'sigonly', '-----BEGIN SSH SIGNATURE-----\nxx\n-----END SSH SIGNATURE-----\n', '1700000000 +0000');
  tagAt(dir, 'nested', 'A tag of a tag\n', '1700000000 +0000', 'plain');
  tagAt(dir, 'oftree', 'A tag of a tree\n', '1700000000 +0000', `${head}^{tree}`);
  // A tag object without a tagger line, as very old gits wrote them.
  const notagger = gitWithInput(dir, `object ${head}\ntype commit\ntag notagger\n\nNo tagger here\n`, 'hash-object', '-t', 'tag', '-w', '--stdin', '--literally');
  git(dir, 'update-ref', 'refs/tags/notagger', notagger);
  return { dir, head };
}

const TAGS = ['light', 'plain', 'multi', 'crlf', 'sigonly', 'nested', 'oftree', 'notagger', 'absent'];

describe.each(['sha1', 'sha256'] as const)('reads through the reader equal the one-process verbs (%s)', (format) => {
  it('root listings (with docs/, doc/, nested and missing directories), stats and blobs', async () => {
    const { dir, head } = oddRepo(format);
    const reader = new ObjectReader(dir);
    try {
      for (const dirs of [[], ['docs/', 'doc/'], ['docs/sub/'], ['docs/sub'], ['nope/'], ['bin/', 'docs/']]) {
        const plain = await listRootBlobs(dir, head, dirs);
        expect(await listRootBlobs(dir, head, dirs, { reader }), dirs.join(',')).toEqual(plain);
      }
      const all = await listRootBlobs(dir, head, ['docs/', 'doc/']);
      expect(all.map((e) => e.path)).toEqual(expect.arrayContaining(['a b.txt', 'résumé.md', 'docs/changelog.md', 'doc/NEWS', 'link.md']));
      expect(all.map((e) => e.path)).not.toContain('vendored');
      const paths = ['CHANGELOG.md', 'missing.md', 'docs', 'docs/changelog.md', 'vendored', 'link.md', 'résumé.md', 'a b.txt'];
      const stats = await statFilesAtCommit(dir, head, paths);
      expect(await statFilesAtCommit(dir, head, paths, { reader })).toEqual(stats);
      expect(stats.get('docs')).toBeNull();
      expect(stats.get('vendored')).toBeNull();
      for (const p of ['CHANGELOG.md', 'résumé.md', 'link.md']) expect(await readBlob(dir, stats.get(p)!, 1024, { reader })).toBe(await readBlob(dir, stats.get(p)!, 1024));
      await expect(readBlob(dir, stats.get('CHANGELOG.md')!, 4, { reader })).rejects.toMatchObject({ kind: 'output-too-large' });
      expect(await readReleaseMetadata(dir, head, { version: '1.0.0', reader })).toEqual(await readReleaseMetadata(dir, head, { version: '1.0.0' }));
      await expect(listRootBlobs(dir, '1'.repeat(head.length), [], { reader })).rejects.toMatchObject({ kind: 'ref-not-found' });
    } finally {
      await reader.close();
    }
  });

  it('tags: lightweight, annotated (multi-line subject, CRLF, signature only), tags of tags and trees, no tagger, absent', async () => {
    const { dir } = oddRepo(format);
    const reader = new ObjectReader(dir);
    try {
      for (const t of TAGS) expect(await readTag(dir, t, { reader }), t).toEqual(await readTag(dir, t));
      expect(await readTag(dir, 'multi', { reader })).toMatchObject({ annotated: true, message: 'Release 1.0.0: the widget release\n\nBody one\n\nBody two', date: '2023-11-14T16:43:20-05:30' });
      expect(await readTag(dir, 'absent', { reader })).toBeNull();
    } finally {
      await reader.close();
    }
  });
});

describe('object text', () => {
  it('splits messages as for-each-ref does and formats dates as iso-strict', () => {
    expect(splitTagMessage('\n\nOne\ntwo\n\n\nBody\n')).toEqual({ subject: 'One two', body: 'Body\n' });
    expect(splitTagMessage('Only\n')).toEqual({ subject: 'Only', body: '' });
    expect(splitTagMessage('S\n\nB\n-----BEGIN PGP SIGNATURE-----\nx\n')).toEqual({ subject: 'S', body: 'B\n' });
    expect(identDateIsoStrict('A <a@b> 0 +0000')).toBe('1970-01-01T00:00:00+00:00');
    expect(identDateIsoStrict('A <a@b> 1700000000 +1345')).toBe('2023-11-15T11:58:20+13:45');
    expect(identDateIsoStrict('A <a@b>')).toBeNull();
    expect(identDateIsoStrict(undefined)).toBeNull();
  });
});

describe('a fetched tag is peeled through the reader as by rev-parse', () => {
  it('annotated and lightweight tags, fetched after the reader started (new pack, new ref)', async () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'Annotated 1.1.0' }, { version: '1.2.0' }], checkout: 'v1.0.0' });
    git(fx.work, 'config', 'fetch.unpackLimit', '1');
    const reader = sharedObjectReader(fx.work);
    // Started before the fetches, as in a plan that reads the checkout first.
    expect((await reader.info('HEAD'))!.type).toBe('commit');
    for (const tag of ['v1.1.0', 'v1.2.0']) {
      const viaReader = await fetchTag(fx.work, 'origin', tag, { reader });
      const ref = `refs/tags/${tag}`;
      expect(viaReader).toEqual({ tag, sha: fx.sha(tag), objectSha: git(fx.work, 'rev-parse', ref) });
      expect(viaReader.sha).toBe(git(fx.work, 'rev-parse', `${ref}^{commit}`));
    }
  });

  it('release info (notes, metadata, breaking changes, tag message) is the same through the reader', async () => {
    const fx = createRemoteWithReleases({
      releases: [
        { version: '1.0.0' },
        { version: '1.1.0', message: 'Widgets\n\nA longer story.', files: { 'CHANGELOG.md': '# Changes\n\n## 1.1.0\n\n- widgets\n', 'docs/NEWS.md': '## 1.1.0\n\n- docs news\n' }, commits: [{ message: 'feat!: drop the old API', files: { 'x.txt': 'x\n' } }] },
        { version: '1.2.0', files: { 'release_metadata.json': JSON.stringify({ version: '1.2.0', changes: { breaking: ['y removed'] } }) } },
      ],
      checkout: 'v1.0.0',
    });
    const reader = new ObjectReader(fx.work);
    try {
      let previous = fx.sha('v1.0.0');
      for (const tag of ['v1.1.0', 'v1.2.0']) {
        const { sha } = await fetchTag(fx.work, 'origin', tag);
        const input = { tag, sha, version: tag.slice(1), previousSha: previous };
        expect(await loadReleaseInfo(fx.work, input, { reader }), tag).toEqual(await loadReleaseInfo(fx.work, input));
        previous = sha;
      }
    } finally {
      await reader.close();
    }
  });
});

describe('commit ranges walked through the reader equal git log', () => {
  /** Commits with every message shape pretty.c treats specially, on one line of history. */
  function linearRepo(): { dir: string; shas: string[] } {
    const dir = makeTempDir('upshift-walk-');
    git(dir, 'init', '-q', '-b', 'main');
    const messages = [
      'base',
      'feat: plain subject',
      '\n\n  \nleading blank lines\n\nbody after them\n',
      'multi\nline   \nsubject\t\n\n\n\nbody\n\n\nwith gaps\n  ',
      'crlf subject\r\n\r\nbody\r\nline\r\n',
      'unicode: café ✓\n\nBREAKING CHANGE: the widget is gone\n',
      'trailing nbsp\u00a0\n\nbody\n',
      'feat!: drop it',
    ];
    const shas: string[] = [];
    messages.forEach((m, i) => {
      writeFiles(dir, { 'f.txt': `${i}\n` });
      git(dir, 'add', '-A');
      execFileSync('git', ['commit', '-q', '--cleanup=verbatim', '--allow-empty-message', '-F', '-'], { cwd: dir, input: m, env: testGitEnv() });
      shas.push(git(dir, 'rev-parse', 'HEAD'));
    });
    return { dir, shas };
  }

  it('a linear range (every message shape, any cap, empty range) and the ranges it hands to git log (merge, not an ancestor, root, too long)', async () => {
    const { dir, shas } = linearRepo();
    const reader = new ObjectReader(dir);
    const { commitsBetween } = await import('./log.js');
    // The reader is started first; every git started after it goes through a wrapper that logs its verb.
    await reader.info('HEAD');
    const wrap = makeTempDir('upshift-walk-bin-');
    const log = path.join(wrap, 'verbs.log');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(path.join(wrap, 'git'), `#!/bin/sh\nfor a; do case "$a" in -*|*=*) ;; *) echo "$a" >> '${log}'; break;; esac; done\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${wrap}:${savedPath ?? ''}`;
    const verbs = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
    try {
      const base = shas[0]!;
      const tip = shas.at(-1)!;
      for (const [from, to, max] of [[base, tip, 2000], [base, tip, 3], [shas[2]!, shas[5]!, 10], [tip, tip, 10]] as const) {
        const walked = await commitsBetween(dir, from, to, { max, reader });
        expect(verbs(), 'a linear range starts no git').toEqual([]);
        expect(walked, `${from}..${to} max ${max}`).toEqual(await commitsBetween(dir, from, to, { max }));
        writeFileSync(log, '');
      }
      // Not an ancestor (the walk reaches the root), and a branch with a merge: git log answers both.
      git(dir, 'checkout', '-q', '-b', 'side', shas[3]!);
      writeFiles(dir, { 'side.txt': 'side\n' });
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'side work');
      const side = git(dir, 'rev-parse', 'HEAD');
      git(dir, 'checkout', '-q', 'main');
      git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge side', 'side');
      const merged = git(dir, 'rev-parse', 'HEAD');
      for (const [from, to] of [[side, tip], [base, merged], [side, merged]] as const) {
        writeFileSync(log, '');
        const handed = await commitsBetween(dir, from, to, { max: 2000, reader });
        expect(verbs(), `${from}..${to} goes to git log`).toContain('log');
        expect(handed, `${from}..${to}`).toEqual(await commitsBetween(dir, from, to, { max: 2000 }));
      }
      const listed = await commitsBetween(dir, base, merged, { max: 2000, reader });
      expect(listed.items.map((c) => c.sha)).toContain(side);
      expect(listed.items[0]!.merge).toBe(true);
    } finally {
      process.env.PATH = savedPath;
      await reader.close();
    }
  });

  it('a range longer than the walk goes to git log with the exact count', async () => {
    const dir = makeTempDir('upshift-walk-long-');
    git(dir, 'init', '-q', '-b', 'main');
    const { LINEAR_WALK_MAX, commitsBetween } = await import('./log.js');
    // fast-import: 260 commits in one process.
    let script = '';
    for (let i = 0; i < LINEAR_WALK_MAX + 60; i++) script += `commit refs/heads/main\ncommitter T <t@x> ${1700000000 + i} +0000\ndata <<EOM\nfix: change ${i}\nEOM\nM 644 inline f.txt\ndata <<EOM\n${i}\nEOM\n\n`;
    gitWithInput(dir, script, 'fast-import', '--quiet');
    const all = git(dir, 'rev-list', '--reverse', 'main').split('\n');
    const reader = new ObjectReader(dir);
    try {
      const from = all[0]!;
      const to = all.at(-1)!;
      const r = await commitsBetween(dir, from, to, { max: 100, reader });
      expect(r).toEqual(await commitsBetween(dir, from, to, { max: 100 }));
      expect([r.count, r.items.length, r.truncated]).toEqual([LINEAR_WALK_MAX + 59, 100, true]);
    } finally {
      await reader.close();
    }
  });
});
