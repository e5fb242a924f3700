import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { ASSET_PATTERN, assetName, buildToolTarball, startFileServer, sumsFile } from './helpers/artifacts.js';
import { CliHarness, waitFor } from './helpers/cli.js';
import { startFakeGitHub, type FakeGitHub, type FakeRelease } from './helpers/fake-github.js';
import { cleanupTempDirs, createRemoteWithReleases, makeTempDir } from './helpers/repos.js';
import { buildTar } from './helpers/tar-builder.js';

afterAll(() => cleanupTempDirs());

const TOKEN = 'ghp_artifactTESTtoken_0123456789abcd';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await gh.close();
});

/** The CLI runs asynchronously: the fake servers live in this process and must keep answering. */
async function run(cli: CliHarness, ...args: string[]) {
  return cli.start(...args).done;
}

/** GitHub releases of `prom/tool`, each with its tarball and a sha256sums.txt; `tamper` changes what a release serves. */
function releasesOf(versions: string[], tamper: Record<string, { tarball?: Buffer; sums?: string }> = {}): FakeRelease[] {
  return versions
    .slice()
    .reverse()
    .map((v) => {
      const tarball = tamper[v]?.tarball ?? buildToolTarball(v, v === '1.3.0' ? { tool: '#!/bin/sh\necho "tool 1.3.0 is broken" >&2\nexit 1\n' } : {});
      const sums = tamper[v]?.sums ?? sumsFile({ [assetName(v)]: tamper[v]?.tarball ? buildToolTarball(v) : tarball });
      return {
        tag: `v${v}`,
        body: `## Tool ${v}\n\n- release notes of ${v}`,
        assets: [
          { name: assetName(v), content: tarball },
          { name: 'sha256sums.txt', content: sums },
        ],
      };
    });
}

function toolProject(extra = ''): string {
  const dir = makeTempDir('upshift-tool-');
  fs.writeFileSync(
    path.join(dir, 'upshift.yml'),
    `name: tool
kind: artifact
source:
  type: github
  repo: prom/tool
  apiUrl: ${gh.url}
artifact:
  asset: ${ASSET_PATTERN}
  checksums: sha256sums.txt
  strip: 1
  keep: 2
  restart: echo "restart $UPSHIFT_VERSION" >> restarts.log
smoke:
  command: ./current/tool
${extra}`,
  );
  return dir;
}

const linkOf = (dir: string) => fs.readlinkSync(path.join(dir, 'current'));
const restarts = (dir: string) => fs.readFileSync(path.join(dir, 'restarts.log'), 'utf8').trim().split('\n');

describe('kind: artifact through the CLI', () => {
  it('installs, upgrades by switching `current`, rolls back a failing release at once, prunes by retention, and undoes from history', async () => {
    gh.setReleases('prom/tool', releasesOf(['1.0.0', '1.1.0', '1.2.0', '1.3.0']));
    const dir = toolProject();
    const cli = new CliHarness({ GITHUB_TOKEN: TOKEN });
    const added = await run(cli, 'add', dir, '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(added.json<{ project: { current: { version: string | null } } }>().project.current.version).toBeNull();

    // The first install: nothing ran before, so `current` is made.
    const first = await run(cli, 'upgrade', 'tool', '--to', '1.0.0', '--yes', '--json');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(linkOf(dir)).toBe('versions/1.0.0');
    expect(fs.readFileSync(path.join(dir, 'current', 'LICENSE'), 'utf8')).toBe('Apache-2.0\n');
    expect(fs.statSync(path.join(dir, 'current', 'tool')).mode & 0o111).not.toBe(0);
    expect(restarts(dir)).toEqual(['restart 1.0.0']);

    const check = await run(cli, 'check', '--json');
    expect(check.code, check.stderr).toBe(0);
    const c = check.json<CheckResult>().projects[0]!;
    expect(c.current).toMatchObject({ version: '1.0.0', source: 'link' });
    expect(c.latest).toMatchObject({ version: '1.3.0' });

    const planned = await run(cli, 'plan', 'tool', '--to', '1.1.0', '--json');
    expect(planned.code, planned.stderr).toBe(0);
    const plan = planned.json<UpgradePlan>();
    expect(plan.kind).toBe('artifact');
    expect(plan.from.version).toBe('1.0.0');
    expect(plan.steps.map((s) => s.id)).toEqual(['preflight', 'snapshot', 'download', 'verify', 'unpack', 'switch', 'restart', 'smoke', 'finalize']);
    expect(plan.steps.find((s) => s.id === 'switch')!.command).toBe('ln -sfn versions/1.1.0 current');
    expect(plan.releaseNotes[0]).toMatchObject({ version: '1.1.0', source: 'release', body: '## Tool 1.1.0\n\n- release notes of 1.1.0' });
    expect(plan.commits.count).toBe(0);

    for (const v of ['1.1.0', '1.2.0']) {
      const up = await run(cli, 'upgrade', 'tool', '--to', v, '--yes', '--json');
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.json<OperationResult>().operation.status).toBe('succeeded');
    }
    expect(linkOf(dir)).toBe('versions/1.2.0');
    // keep: 2 — the current one and the one before it stay; 1.0.0 was pruned.
    expect(fs.readdirSync(path.join(dir, 'versions')).sort()).toEqual(['1.1.0', '1.2.0']);

    // 1.3.0's tool fails its smoke test: `current` goes straight back, the restart runs again, the new directory goes.
    const broken = await run(cli, 'upgrade', 'tool', '--to', '1.3.0', '--yes', '--json');
    expect(broken.code).toBe(1);
    const op = broken.json<OperationResult>().operation;
    expect(op.status).toBe('rolled_back');
    expect(op.steps.find((s) => s.id === 'smoke')).toMatchObject({ status: 'failed', outputExcerpt: expect.stringContaining('tool 1.3.0 is broken') });
    expect(op.steps.find((s) => s.id === 'rollback')).toMatchObject({ status: 'succeeded' });
    expect(linkOf(dir)).toBe('versions/1.2.0');
    expect(fs.existsSync(path.join(dir, 'versions', '1.3.0'))).toBe(false);
    expect(restarts(dir).slice(-2)).toEqual(['restart 1.3.0', 'restart 1.2.0']);

    // From history: undo the upgrade to 1.2.0.
    const back = await run(cli, 'rollback', 'tool', '--yes', '--json');
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(back.json<OperationResult>().operation).toMatchObject({ kind: 'rollback', status: 'succeeded', to: expect.objectContaining({ version: '1.1.0' }) });
    expect(linkOf(dir)).toBe('versions/1.1.0');
    expect(restarts(dir).at(-1)).toBe('restart 1.1.0');

    // Downloads went through the release's redirect to the storage host, which never saw the token.
    expect(gh.downloads).toContain(`v1.1.0/${assetName('1.1.0')}`);
    const storage = gh.paths.map((p, i) => ({ p, auth: gh.authorizations[i] })).filter((r) => r.p.startsWith('/storage/'));
    expect(storage.length).toBeGreaterThan(0);
    expect(storage.every((r) => r.auth === null)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.current'))).toEqual([]);
  });

  it('refuses a download that does not match the release checksum file: nothing is unpacked, `current` untouched', async () => {
    const evil = buildToolTarball('1.1.0', { 'payload.sh': 'echo tampered\n' });
    gh.setReleases('prom/tool', releasesOf(['1.0.0', '1.1.0'], { '1.1.0': { tarball: evil } }));
    const dir = toolProject();
    const cli = new CliHarness();
    expect((await run(cli, 'add', dir)).code).toBe(0);
    expect((await run(cli, 'upgrade', 'tool', '--to', '1.0.0', '--yes')).code).toBe(0);
    const up = await run(cli, 'upgrade', 'tool', '--yes', '--json');
    expect(up.code).toBe(1);
    const op = up.json<OperationResult>().operation;
    expect(op.steps.find((s) => s.id === 'verify')).toMatchObject({ status: 'failed', error: expect.stringMatching(/does not match its checksum in .*sha256sums\.txt.*it was not used and nothing was changed/s) });
    expect(op.steps.find((s) => s.id === 'unpack')!.status).toBe('skipped');
    expect(linkOf(dir)).toBe('versions/1.0.0');
    expect(fs.readdirSync(path.join(dir, 'versions'))).toEqual(['1.0.0']);
    expect(restarts(dir)).toEqual(['restart 1.0.0']);
  });

  it('refuses an archive whose entries escape versions/<version> (../, absolute, links out) before writing anything', async () => {
    const outside = makeTempDir('upshift-outside-');
    const hostile = buildTar(
      [
        { name: 'tool-1.1.0/tool', body: '#!/bin/sh\necho ok\n', mode: 0o755 },
        { name: 'tool-1.1.0/../../../escaped.txt', body: 'escaped' },
        { name: `${outside}/absolute.txt`, body: 'absolute' },
        { name: 'tool-1.1.0/link', type: 'symlink', linkname: '/etc/passwd' },
      ],
      { gzip: true },
    );
    gh.setReleases('prom/tool', releasesOf(['1.0.0', '1.1.0'], { '1.1.0': { tarball: hostile, sums: sumsFile({ [assetName('1.1.0')]: hostile }) } }));
    const dir = toolProject();
    const cli = new CliHarness();
    expect((await run(cli, 'add', dir)).code).toBe(0);
    expect((await run(cli, 'upgrade', 'tool', '--to', '1.0.0', '--yes')).code).toBe(0);
    const up = await run(cli, 'upgrade', 'tool', '--yes', '--json');
    expect(up.code).toBe(1);
    const unpack = up.json<OperationResult>().operation.steps.find((s) => s.id === 'unpack')!;
    expect(unpack.status).toBe('failed');
    expect(unpack.error).toMatch(/escaped\.txt/);
    expect(unpack.error).toMatch(/absolute\.txt/);
    expect(unpack.error).toMatch(/tool-1\.1\.0\/link.*symlink target/);
    expect(fs.existsSync(path.join(outside, 'absolute.txt'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'versions'))).toEqual(['1.0.0']);
    expect(fs.readdirSync(path.dirname(dir)).filter((n) => n === 'escaped.txt')).toEqual([]);
    expect(linkOf(dir)).toBe('versions/1.0.0');
  });

  it('downloads from artifact.baseUrl for releases listed as tags of source.url (a project that is not a checkout)', async () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'README.md': 'tool\n' }, releases: [{ version: '2.0.0', files: {} }, { version: '2.1.0', files: {} }] });
    const files = new Map<string, Buffer>();
    for (const v of ['2.0.0', '2.1.0']) {
      const tarball = buildToolTarball(v);
      files.set(`/dl/v${v}/${assetName(v)}`, tarball);
      files.set(`/dl/v${v}/SHA256SUMS`, Buffer.from(sumsFile({ [assetName(v)]: tarball })));
    }
    const server = await startFileServer(files);
    try {
      const dir = makeTempDir('upshift-tool-');
      fs.writeFileSync(
        path.join(dir, 'upshift.yml'),
        `kind: artifact\nsource:\n  url: ${fx.remote}\nartifact:\n  asset: ${ASSET_PATTERN}\n  baseUrl: ${server.url}/dl/v{version}/\n  strip: 1\n`,
      );
      const cli = new CliHarness();
      expect((await run(cli, 'add', dir, '--name', 'tool')).code).toBe(0);
      // Nothing installed yet: the distance is unknown, so it counts as a major (gated manual) and is named.
      const up = await run(cli, 'upgrade', 'tool', '--to', '2.1.0', '--yes', '--json');
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(linkOf(dir)).toBe('versions/2.1.0');
      expect(server.requests).toEqual([`/dl/v2.1.0/SHA256SUMS`, `/dl/v2.1.0/${assetName('2.1.0')}`]);
      const st = await run(cli, 'status', '--json');
      expect(st.json<{ projects: Array<{ current: { version: string } }> }>().projects[0]!.current.version).toBe('2.1.0');
    } finally {
      await server.close();
    }
  });

  it('refuses to replace a `current` that is a real directory, changing nothing', async () => {
    gh.setReleases('prom/tool', releasesOf(['1.0.0']));
    const dir = toolProject();
    fs.mkdirSync(path.join(dir, 'current'));
    fs.writeFileSync(path.join(dir, 'current', 'mine.txt'), 'user data');
    const cli = new CliHarness();
    expect((await run(cli, 'add', dir)).code).toBe(0);
    const up = await run(cli, 'upgrade', 'tool', '--yes', '--json');
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toMatch(/is a directory, not a symlink/);
    expect(fs.readFileSync(path.join(dir, 'current', 'mine.txt'), 'utf8')).toBe('user data');
    expect(fs.existsSync(path.join(dir, 'versions'))).toBe(false);
  });

  it('recovers an upgrade killed with SIGKILL after the switch: the next command switches `current` back', async () => {
    gh.setReleases('prom/tool', releasesOf(['1.0.0', '1.1.0']));
    const dir = toolProject();
    fs.writeFileSync(
      path.join(dir, 'upshift.yml'),
      fs.readFileSync(path.join(dir, 'upshift.yml'), 'utf8').replace(/restart: .*/, 'restart: echo "restart $UPSHIFT_VERSION" >> restarts.log; if [ "$UPSHIFT_VERSION" = 1.1.0 ]; then touch restarting; sleep 30; fi'),
    );
    const cli = new CliHarness();
    expect((await run(cli, 'add', dir)).code).toBe(0);
    expect((await run(cli, 'upgrade', 'tool', '--to', '1.0.0', '--yes')).code).toBe(0);
    const { child, done } = cli.start('upgrade', 'tool', '--yes');
    await waitFor(() => fs.existsSync(path.join(dir, 'restarting')), 20_000, 'the restart command');
    expect(linkOf(dir)).toBe('versions/1.1.0');
    child.kill('SIGKILL');
    await done;
    const st = await run(cli, 'status', '--json');
    expect(st.code, st.stderr).toBe(0);
    expect(linkOf(dir)).toBe('versions/1.0.0');
    expect(fs.existsSync(path.join(dir, 'versions', '1.1.0'))).toBe(false);
    const history = (await run(cli, 'history', 'tool', '--json')).json<{ operations: Array<{ kind: string; status: string }> }>().operations;
    expect(history.slice(0, 2).map((o) => [o.kind, o.status])).toEqual([
      ['recovery', 'succeeded'],
      ['upgrade', 'interrupted'],
    ]);
    // The restart ran again for the version switched back to, after the orphaned one was stopped.
    expect(restarts(dir).at(-1)).toBe('restart 1.0.0');
  });
});
