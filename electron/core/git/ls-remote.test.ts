import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRemoteFromTagList, createRemoteWithReleases, git, makeTempDir } from '../../../test/helpers/repos.js';
import { GitTagSource } from '../source/git-tags.js';
import { GitError } from './core.js';
import { checkoutDetached } from './checkout.js';
import { fetchTag } from './fetch.js';
import { listRemoteTags, parseLsRemoteTags } from './ls-remote.js';
import { createLightweightTag } from './refs.js';
import { readTag } from './show.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('parseLsRemoteTags', () => {
  it('uses the peeled commit for annotated tags and the ref itself for lightweight ones', () => {
    const out = [`${A}\trefs/tags/v1.0.0`, `${B}\trefs/tags/v1.1.0`, `${C}\trefs/tags/v1.1.0^{}`, ''].join('\n');
    expect(parseLsRemoteTags(out).tags).toEqual([
      { tag: 'v1.0.0', sha: A, objectSha: A, annotated: false },
      { tag: 'v1.1.0', sha: C, objectSha: B, annotated: true },
    ]);
  });

  it('drops refs advertised with the null object id', () => {
    const out = [`${'0'.repeat(40)}\trefs/tags/v9.9.9`, `${A}\trefs/tags/v1.0.0`].join('\n');
    const r = parseLsRemoteTags(out);
    expect(r.tags.map((t) => t.tag)).toEqual(['v1.0.0']);
    expect(r.dropped).toEqual([{ display: 'v9.9.9', reason: expect.stringMatching(/without an object/) as unknown }]);
  });

  it('ignores lines that are not tag refs, tolerates CRLF, accepts SHA-256 ids', () => {
    const sha256 = 'd'.repeat(64);
    const out = [`${A}\tHEAD`, `${A}\trefs/heads/main`, 'garbage', `${A} refs/tags/space-separated`, `${A}\trefs/tags/v2.0.0\r`, `${sha256}\trefs/tags/v3.0.0`].join('\n');
    expect(parseLsRemoteTags(out).tags.map((t) => t.tag)).toEqual(['v2.0.0', 'v3.0.0']);
  });

  it('drops hostile names before anything else sees them, and says why', () => {
    const hostile = [
      '--upload-pack=/tmp/x.sh',
      '-oProxyCommand=touch /tmp/pwned',
      '$(touch /tmp/pwned)',
      'v1.0.0;touch',
      'v1.0.0`id`',
      'v1.0.0\u0007bell',
      'v1.0.0\u001b[31mred',
      'v1.0.0\u0000nul',
      'v1.0.0\rcr',
      `v1.0.${'1'.repeat(300)}`,
      'v1.0.0 space',
      'v1..0',
      'v1.0.0|pipe',
      'v1.0.0>out',
      'v1.0.0&bg',
      'v1.0.0\u202Ertl',
    ];
    const out = [...hostile.map((n) => `${A}\trefs/tags/${n}`), `${B}\trefs/tags/v1.0.0`].join('\n');
    const r = parseLsRemoteTags(out);
    expect(r.tags.map((t) => t.tag)).toEqual(['v1.0.0']);
    // '\r' ends the line for the CRLF tolerance, which turns "v1.0.0\rcr" into a line that fails to parse: all others are counted.
    expect(r.droppedCount).toBeGreaterThanOrEqual(hostile.length - 1);
    for (const d of r.dropped) {
      // eslint-disable-next-line no-control-regex
      expect(d.display).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(d.display.length).toBeLessThanOrEqual(81);
    }
    expect(r.dropped.find((d) => d.display.startsWith('--upload-pack'))?.reason).toMatch(/starts with "-"/);
    expect(r.dropped.find((d) => d.display.startsWith('v1.0.1111'))?.reason).toMatch(/longer than 200/);
  });
});

describe('listRemoteTags against a real remote', () => {
  it('lists the remote tags (not local ones), peeling annotated tags to their commits', async () => {
    const f = createRemoteWithReleases({
      releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'Annotated 1.1.0\n\nDetails.' }, { version: '2.0.0' }],
    });
    // A local-only tag must not show up: discovery asks the remote.
    git(f.work, 'tag', 'v9.9.9');
    const r = await listRemoteTags(f.work, 'origin');
    expect(r.tags.map((t) => t.tag).sort()).toEqual(['v1.0.0', 'v1.1.0', 'v2.0.0']);
    const annotated = r.tags.find((t) => t.tag === 'v1.1.0')!;
    expect(annotated.annotated).toBe(true);
    expect(annotated.sha).toBe(f.sha('v1.1.0'));
    expect(annotated.objectSha).toBe(f.tags['v1.1.0']!.objectSha);
    expect(annotated.objectSha).not.toBe(annotated.sha);
  });

  it('refuses more tags than maxTags instead of truncating', async () => {
    const { remote } = createRemoteFromTagList(Array.from({ length: 30 }, (_, i) => `v1.${i}.0`));
    const e = await listRemoteTags(remote, remote, { maxTags: 20 }).catch((x: unknown) => x as GitError);
    expect(e).toBeInstanceOf(GitError);
    expect((e as GitError).kind).toBe('output-too-large');
    expect((e as GitError).message).toMatch(/30 tags, more than the limit of 20/);
    expect((e as GitError).details).toMatchObject({ tagCount: 30, maxTags: 20 });
    expect((await listRemoteTags(remote, remote, { maxTags: 30 })).tags).toHaveLength(30);
  });

  it('stops reading past maxBytes', async () => {
    const { remote } = createRemoteFromTagList(Array.from({ length: 200 }, (_, i) => `v1.${i}.0`));
    const e = await listRemoteTags(remote, remote, { maxBytes: 2000 }).catch((x: unknown) => x as GitError);
    expect((e as GitError).kind).toBe('output-too-large');
  });

  it('refuses a remote argument that looks like an option', async () => {
    const e = await listRemoteTags(makeTempDir(), '--upload-pack=touch /tmp/x').catch((x: unknown) => x as GitError);
    expect((e as GitError).kind).toBe('invalid-argument');
  });
});

describe('hostile tag names on a real remote', () => {
  it('never runs a script named in a tag, drops the names, and refuses to fetch or tag them', async () => {
    const dir = makeTempDir('upshift-hostile-');
    const pwned = path.join(dir, 'pwned');
    const script = path.join(dir, 'evil.sh');
    writeFileSync(script, `#!/bin/sh\ntouch ${pwned}\nexec git-upload-pack "$@"\n`);
    chmodSync(script, 0o755);

    const hostile = [
      `--upload-pack=${script}`,
      `-u${script}`,
      `--exec=${script}`,
      `$(${script})`,
      `v9.9.9$(${script})`,
      `v9.9.9;${script}`,
      `v9.9.9\`${script}\``,
      `v9.9.9|${script}`,
      `v9.9.9&&${script}`,
      `v9.9.${'9'.repeat(300)}`,
      `${'x'.repeat(150)}/${'y'.repeat(150)}`,
      // git cannot read these from packed-refs, and advertises them with a null object id.
      'v9.9.9\u0007bell',
      'v9.9.9\u001b[31mred',
      'v9.9.9\u007f',
      // Read by git as `v9.9.9` (cut at the space) with a null id: must not become the "latest release".
      'v9.9.9 x',
    ];
    const { remote } = createRemoteFromTagList([...hostile, 'v1.0.0', 'v1.1.0'], { dir });
    const work = path.join(dir, 'work');
    git(dir, 'clone', '-q', '--no-tags', remote, work);

    const listed = await listRemoteTags(work, 'origin');
    expect(listed.tags.map((t) => t.tag).sort()).toEqual(['v1.0.0', 'v1.1.0']);
    expect(listed.droppedCount).toBe(hostile.length);

    const source = new GitTagSource();
    const releases = await source.listReleases({ path: work, remote: 'origin', tagPattern: 'v{version}', channel: 'stable' });
    expect(releases.map((r) => r.tag)).toEqual(['v1.1.0', 'v1.0.0']);

    for (const name of hostile) {
      await expect(fetchTag(work, 'origin', name)).rejects.toMatchObject({ kind: 'invalid-argument' });
      await expect(createLightweightTag(work, name, listed.tags[0]!.sha)).rejects.toMatchObject({ kind: 'invalid-argument' });
      await expect(readTag(work, name)).rejects.toMatchObject({ kind: 'invalid-argument' });
    }
    await expect(checkoutDetached(work, `--upload-pack=${script}`)).rejects.toMatchObject({ kind: 'invalid-argument' });

    // The safe ones still work end to end.
    const fetched = await fetchTag(work, 'origin', 'v1.1.0');
    await checkoutDetached(work, fetched.sha);
    expect(existsSync(pwned)).toBe(false);
  });
});
