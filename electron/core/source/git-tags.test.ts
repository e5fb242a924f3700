import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../../shared/version/index.js';
import { createRemoteFromTagList, createRemoteWithReleases, git, makeTempDir, pushTag, readFixtureTags } from '../../../test/helpers/repos.js';
import { GitTagSource } from './git-tags.js';
import type { ReleaseSourceProject } from './types.js';

/** A project directory whose `origin` is a bare remote carrying a fixture's tag names. */
function fixtureProject(name: string): { project: Omit<ReleaseSourceProject, 'tagPattern' | 'channel'>; tags: Array<{ tag: string; sha: string }> } {
  const dir = makeTempDir(`upshift-${name}-`);
  const { remote, tags } = createRemoteFromTagList(name, { dir });
  const work = path.join(dir, 'work');
  git(dir, 'init', '-q', '-b', 'main', work);
  git(work, 'remote', 'add', 'origin', remote);
  return { project: { path: work, remote: 'origin' }, tags };
}

const FIXTURES: Array<{ name: string; pattern: string; stable: string; prerelease: string; notReleases: string[] }> = [
  { name: 'chalk', pattern: 'v{version}', stable: 'v5.6.2', prerelease: 'v5.6.2', notReleases: [] },
  { name: 'node_exporter', pattern: 'v{version}', stable: 'v1.12.1', prerelease: 'v1.12.1', notReleases: [] },
  // jq's stray `1.6rc2` lacks the prefix: not a release under `jq-{version}`.
  { name: 'jq', pattern: 'jq-{version}', stable: 'jq-1.8.2', prerelease: 'jq-1.8.2', notReleases: ['1.6rc2'] },
  // redis: two-part versions, milestones (`8.0-m01` is a prerelease), `twitter-*` and branch-like tags ignored.
  { name: 'redis', pattern: '{version}', stable: '7.4.1', prerelease: '8.0-m01', notReleases: ['twitter-20100804', 'vm-playpen', 'with-deprecated-diskstore'] },
];

describe('GitTagSource over the recorded tag lists', () => {
  for (const fx of FIXTURES) {
    it(`${fx.name}: discovers releases from the remote, newest first, and picks ${fx.stable}`, async () => {
      const { project, tags } = fixtureProject(fx.name);
      const source = new GitTagSource();
      const d = await source.discover({ ...project, tagPattern: fx.pattern, channel: 'stable' });
      expect(d.tagCount).toBe(readFixtureTags(fx.name).length);
      expect(d.droppedCount).toBe(0);
      expect(d.releases[0]?.tag).toBe(fx.stable);
      expect(d.releases.every((r) => !r.prerelease)).toBe(true);
      for (let i = 1; i < d.releases.length; i++) {
        expect(compareVersions(d.releases[i - 1]!.version, d.releases[i]!.version)).toBe(1);
      }
      const bySha = new Map(tags.map((t) => [t.tag, t.sha]));
      for (const r of d.releases) expect(r.sha).toBe(bySha.get(r.tag));
      const names = new Set(d.releases.map((r) => r.tag));
      for (const n of fx.notReleases) expect(names.has(n)).toBe(false);

      const pre = await source.listReleases({ ...project, tagPattern: fx.pattern, channel: 'prerelease' });
      expect(pre[0]?.tag).toBe(fx.prerelease);
      expect(pre.length).toBeGreaterThanOrEqual(d.releases.length);
    });
  }

  it('node_exporter: the prerelease channel orders SemVer prereleases below their release', async () => {
    const { project } = fixtureProject('node_exporter');
    const pre = await new GitTagSource().listReleases({ ...project, tagPattern: 'v{version}', channel: 'prerelease' });
    const order = pre.map((r) => r.tag);
    expect(order.indexOf('v1.4.0')).toBeLessThan(order.indexOf('v1.4.0-rc.0'));
    expect(order.indexOf('v1.4.0-rc.0')).toBeLessThan(order.indexOf('v1.3.1'));
  });

  it('vim: 19,877 tags through a real bare remote in reasonable time, latest v9.2.0995', async () => {
    const { project } = fixtureProject('vim');
    const started = Date.now();
    const d = await new GitTagSource().discover({ ...project, tagPattern: 'v{version}', channel: 'stable' });
    const ms = Date.now() - started;
    expect(d.tagCount).toBe(19_877);
    expect(d.releases[0]?.tag).toBe('v9.2.0995');
    expect(d.releases[0]?.version.normalized).toBe('9.2.995');
    expect(ms).toBeLessThan(10_000);
  });

  it('sees a release published after the last check, without fetching anything', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }] });
    const source = new GitTagSource();
    const project = { path: f.work, remote: 'origin', tagPattern: 'v{version}', channel: 'stable' as const };
    expect((await source.listReleases(project)).map((r) => r.tag)).toEqual(['v1.1.0', 'v1.0.0']);
    const sha = pushTag(f.remote, 'v1.2.0', { 'x.txt': 'x' }, { message: 'Annotated' });
    const after = await source.listReleases(project);
    expect(after[0]).toMatchObject({ tag: 'v1.2.0', sha, prerelease: false });
    // Discovery does not write to the project.
    expect(git(f.work, 'tag', '--list')).toBe('v1.0.0');
  });

  it('reports dropped names to a logger, escaped', async () => {
    const dir = makeTempDir();
    const { remote } = createRemoteFromTagList(['v1.0.0', '--upload-pack=x', `v2.0.${'0'.repeat(250)}`], { dir });
    const seen: string[] = [];
    const source = new GitTagSource({ onDroppedTags: (_p, dropped, total) => seen.push(`${total}:${dropped.map((d) => d.display).join(',')}`) });
    const releases = await source.listReleases({ path: dir, remote, tagPattern: 'v{version}', channel: 'stable' });
    expect(releases.map((r) => r.tag)).toEqual(['v1.0.0']);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^2:--upload-pack=x,v2\.0\.0+…$/);
  });

  it('passes cancellation through', async () => {
    const { project } = fixtureProject('chalk');
    const ac = new AbortController();
    ac.abort();
    await expect(new GitTagSource().listReleases({ ...project, tagPattern: 'v{version}', channel: 'stable' }, ac.signal)).rejects.toMatchObject({ kind: 'aborted' });
  });
});
