/** The dashboard's path for the kinds that are not git checkouts: the same service calls the UI makes. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { assetName, buildToolTarball } from '../../../test/helpers/artifacts.js';
import { makeReleaseFolder } from '../../../test/helpers/release-pack.js';
import { cleanupTempDirs, createRemoteWithReleases, makeTempDir } from '../../../test/helpers/repos.js';
import { closeServices, openService } from '../../../test/helpers/service.js';

afterEach(() => closeServices());
afterAll(() => cleanupTempDirs());

describe('service: artifact and command projects', () => {
  it('artifact from a release folder: check, plan, upgrade, roll back from history', async () => {
    const releases = ['1.0.0', '1.1.0'].map((v) => ({ version: v, tag: `v${v}`, files: { [assetName(v)]: buildToolTarball(v) } }));
    const folder = makeReleaseFolder(path.join(makeTempDir('upshift-releases-'), 'tool'), releases);
    const dir = makeTempDir('upshift-tool-');
    fs.writeFileSync(path.join(dir, 'upshift.yml'), `kind: artifact\nsource:\n  type: folder\n  path: ${folder}\nartifact:\n  asset: tool-{version}.{os}-{arch}.tar.gz\n  strip: 1\n`);
    const h = await openService();
    await h.service.addProject({ path: dir, name: 'tool' });
    // Nothing installed yet: an unknown distance counts as a major, gated manual, so the dashboard confirms it.
    const first = await h.service.startUpgrade({ project: 'tool', to: '1.0.0', confirmManual: true });
    await h.service.idle();
    expect((await h.service.getOperation({ id: first.operationId })).operation.status).toBe('succeeded');

    const checked = await h.service.checkNow({});
    expect(checked.projects[0]).toMatchObject({ current: { version: '1.0.0', source: 'link' }, latest: { version: '1.1.0' }, updateAvailable: true });
    const plan = await h.service.getPlan({ project: 'tool' });
    expect(plan).toMatchObject({ kind: 'artifact', to: { version: '1.1.0' } });
    const up = await h.service.startUpgrade({ project: 'tool' });
    await h.service.idle();
    expect((await h.service.getOperation({ id: up.operationId })).operation.status).toBe('succeeded');
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('versions/1.1.0');
    expect(h.events.of('operation-step').some((e) => e.step.id === 'switch')).toBe(true);

    const back = await h.service.rollback({ project: 'tool', to: up.operationId });
    await h.service.idle();
    expect((await h.service.getOperation({ id: back.operationId })).operation).toMatchObject({ kind: 'rollback', status: 'succeeded' });
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('versions/1.0.0');
  });

  it('command: upgrade applies the version as an argument, rollback from history runs the rollback command', async () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'README.md': 'x\n' }, releases: ['1.0.0', '1.1.0'].map((version) => ({ version, files: {} })) });
    const dir = makeTempDir('upshift-cmd-');
    fs.writeFileSync(path.join(dir, 'installed'), '1.0.0\n');
    fs.writeFileSync(
      path.join(dir, 'upshift.yml'),
      `kind: command\nsource:\n  url: ${fx.remote}\ncommand:\n  current: ["cat", "installed"]\n  apply: ["sh", "-c", "echo \\"$1\\" > installed", "apply", "{version}"]\n  rollback: ["sh", "-c", "echo \\"$1\\" > installed", "rollback", "{version}"]\n`,
    );
    const h = await openService();
    await h.service.addProject({ path: dir, name: 'svc' });
    const up = await h.service.startUpgrade({ project: 'svc' });
    await h.service.idle();
    expect((await h.service.getOperation({ id: up.operationId })).operation).toMatchObject({ status: 'succeeded', to: { version: '1.1.0' } });
    expect(fs.readFileSync(path.join(dir, 'installed'), 'utf8')).toBe('1.1.0\n');
    const back = await h.service.rollback({ project: 'svc' });
    await h.service.idle();
    expect((await h.service.getOperation({ id: back.operationId })).operation.status).toBe('succeeded');
    expect(fs.readFileSync(path.join(dir, 'installed'), 'utf8')).toBe('1.0.0\n');
  });
});
