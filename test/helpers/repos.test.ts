import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRemoteFromTagList, createRemoteWithReleases, FIXTURES_DIR, git, makeTempDir, pushTag, readFixtureTags } from './repos.js';

describe('test helpers', () => {
  let fromPreviousTest = '';
  it('makeTempDir makes a real, empty directory…', () => {
    fromPreviousTest = makeTempDir('upshift-helper-');
    expect(statSync(fromPreviousTest).isDirectory()).toBe(true);
  });
  it('…removed when the test that made it finishes', () => {
    expect(fromPreviousTest).not.toBe('');
    expect(existsSync(fromPreviousTest)).toBe(false);
  });

  it('builds a remote with releases and a clone on main at the checkout tag, knowing only the tags of its time', () => {
    const f = createRemoteWithReleases({
      releases: [
        { version: '1.0.0', files: { 'bin/run.sh': { content: '#!/bin/sh\nexit 0\n', executable: true } } },
        { version: '1.1.0', message: 'annotated' },
        { tag: 'jq-1.2', files: { 'bin/run.sh': null } },
      ],
      checkout: 'v1.1.0',
    });
    expect(git(f.work, 'rev-parse', 'HEAD')).toBe(f.sha('v1.1.0'));
    expect(git(f.work, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(git(f.work, 'tag', '--list').split('\n')).toEqual(['v1.0.0', 'v1.1.0']);
    expect(git(f.remote, 'tag', '--list').split('\n').sort()).toEqual(['jq-1.2', 'v1.0.0', 'v1.1.0']);
    expect(f.tags['v1.1.0']!.annotated).toBe(true);
    expect(statSync(path.join(f.work, 'bin/run.sh')).mode & 0o111).not.toBe(0);
    expect(git(f.remote, 'ls-tree', '--name-only', '-r', 'jq-1.2')).not.toContain('bin/run.sh');
    expect(git(f.work, 'status', '--porcelain')).toBe('');
  });

  it('pushTag publishes on main, or on another parent without moving main', () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '2.0.0' }] });
    const main = git(f.remote, 'rev-parse', 'main');
    const maint = pushTag(f.remote, 'v1.0.1', { 'fix.txt': 'x' }, { parent: 'v1.0.0' });
    expect(git(f.remote, 'rev-parse', 'main')).toBe(main);
    expect(git(f.remote, 'rev-parse', 'v1.0.1^')).toBe(f.sha('v1.0.0'));
    const next = pushTag(f.remote, 'v2.1.0', {}, { message: 'notes' });
    expect(git(f.remote, 'rev-parse', 'main')).toBe(next);
    expect(maint).not.toBe(next);
  });

  it('writes fixture tag lists into packed-refs', () => {
    expect(existsSync(FIXTURES_DIR)).toBe(true);
    const fixture = readFixtureTags('redis');
    const { remote, tags, commits } = createRemoteFromTagList('redis', { commits: 4 });
    expect(commits).toHaveLength(4);
    expect(tags).toHaveLength(fixture.length);
    expect(git(remote, 'tag', '--list').split('\n')).toHaveLength(fixture.length);
    expect(git(remote, 'rev-parse', '7.4.1')).toBe(tags.find((t) => t.tag === '7.4.1')!.sha);
  });
});
