import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles, createRemoteWithReleases, git, makeTempDir, pushTag } from '../../../test/helpers/repos.js';
import { GitTagSource } from '../source/git-tags.js';
import { SourceRouter } from '../source/router.js';
import type { Advertisement, ReleaseSource, ReleaseSourceProject } from '../source/types.js';
import { Engine } from './index.js';

/** The git source, counting how often an advertisement was finished (version parsing and selection ran). */
class CountingSource implements ReleaseSource {
  finished = 0;
  private readonly git = new GitTagSource();
  listReleases(project: ReleaseSourceProject, signal?: AbortSignal) {
    return this.git.listReleases(project, signal);
  }
  async advertise(project: ReleaseSourceProject, signal?: AbortSignal): Promise<Advertisement> {
    const ad = await this.git.advertise(project, signal);
    return { ...ad, releases: () => (this.finished++, ad.releases()) };
  }
}

const engines: Engine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
});

async function setup(manifest = '') {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': `smoke:\n  command: "true"\n${manifest}` },
    releases: ['1.0.0', '1.1.0', '1.2.0'].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
    checkout: 'v1.0.0',
  });
  git(fx.work, 'checkout', '-q', '--detach', 'v1.0.0');
  const counting = new CountingSource();
  const source = new SourceRouter(counting, counting);
  const engine = await Engine.open({ home: makeTempDir('upshift-home-'), source });
  engines.push(engine);
  await engine.addProject(fx.work, { name: 'p' });
  return { fx, engine, counting };
}

describe('conditional discovery', () => {
  it('an unchanged remote and checkout reuse the last check without parsing or judging releases again', async () => {
    const { engine, counting } = await setup();
    const first = (await engine.check()).projects[0]!;
    expect(first.latest?.version).toBe('1.2.0');
    expect(counting.finished).toBe(1);
    const second = (await engine.check()).projects[0]!;
    expect(counting.finished).toBe(1);
    const { checkedAt: _a, ...a } = first;
    const { checkedAt: _b, ...b } = second;
    expect(b).toEqual(a);
  });

  it('a new tag on the remote, a moved HEAD or a changed manifest computes the check again', async () => {
    const { fx, engine, counting } = await setup();
    await engine.check();
    await engine.check();
    expect(counting.finished).toBe(1);

    pushTag(fx.remote, 'v1.3.0', { 'app.txt': '1.3.0\n' });
    expect((await engine.check()).projects[0]!.latest?.version).toBe('1.3.0');
    expect(counting.finished).toBe(2);

    git(fx.work, 'fetch', '-q', '--tags', 'origin');
    git(fx.work, 'checkout', '-q', '--detach', 'v1.1.0');
    expect((await engine.check()).projects[0]!.current.version).toBe('1.1.0');
    expect(counting.finished).toBe(3);

    writeFileSync(path.join(fx.work, 'upshift.yml'), 'smoke:\n  command: "true"\ngates:\n  minor: manual\n');
    const gated = (await engine.check()).projects[0]!;
    expect(counting.finished).toBe(4);
    expect(gated.gate).toBe('manual');
    await engine.check();
    expect(counting.finished).toBe(4);
  });

  it('a project with a minimum release age is always judged again (time decides it)', async () => {
    const { engine, counting } = await setup('minimumReleaseAge: 1\n');
    await engine.check();
    await engine.check();
    expect(counting.finished).toBe(2);
  });

  it('a commit on the checkout (HEAD moves) is seen', async () => {
    const { fx, engine, counting } = await setup();
    await engine.check();
    git(fx.work, 'checkout', '-q', '-b', 'work');
    commitFiles(fx.work, { 'local.txt': 'x' }, 'local change');
    const after = (await engine.check()).projects[0]!;
    expect(counting.finished).toBe(2);
    expect(after.current.ahead?.count).toBe(1);
  });
});
