import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRemoteWithReleases, git, makeTempDir } from '../../../test/helpers/repos.js';
import { resetUserGitConfig } from './git-config.js';
import { listRemoteTagsNative } from './index.js';
import { routeRemote } from './route.js';
import { controlDirectory, decideSshSharing, MAX_CONTROL_DIR_LENGTH, parseSshTarget, SshSharing } from './ssh-share.js';

const OPENSSH_DEFAULT = 'user me\nhostname example.com\nport 22\ncontrolmaster false\ncontrolpersist no\n';
const dir = { dir: '/run/user/1000/upshift-ssh' };

describe('decideSshSharing (pure)', () => {
  it('shares with OpenSSH defaults and names the socket by %C under the private directory', () => {
    const d = decideSshSharing({ env: {}, config: [], sshG: OPENSSH_DEFAULT, controlDir: dir });
    expect(d).toEqual({
      share: true,
      controlPath: '/run/user/1000/upshift-ssh/%C',
      command: 'ssh -o ControlMaster=auto -o ControlPath=/run/user/1000/upshift-ssh/%C -o ControlPersist=60',
    });
  });

  it.each([
    [{ GIT_SSH_COMMAND: 'ssh -i key' }, [], 'GIT_SSH_COMMAND is set'],
    [{ GIT_SSH: '/usr/bin/plink' }, [], 'GIT_SSH is set'],
    [{}, [['core.sshcommand', 'ssh -F my.conf']], 'core.sshCommand is configured'],
    [{ GIT_SSH_VARIANT: 'plink' }, [], 'the SSH variant is plink, not OpenSSH'],
    [{}, [['ssh.variant', 'tortoiseplink']], 'the SSH variant is tortoiseplink, not OpenSSH'],
    [{ UPSHIFT_SSH_SHARING: 'off' }, [], 'UPSHIFT_SSH_SHARING=off'],
  ] as const)('leaves the user command alone: %j %j', (env, config, why) => {
    const d = decideSshSharing({ env, config: config.map(([k, v]) => [k, v] as [string, string]), sshG: OPENSSH_DEFAULT, controlDir: dir });
    expect(d).toEqual({ share: false, why });
  });

  it('GIT_SSH_VARIANT=ssh and ssh.variant=auto still share', () => {
    expect(decideSshSharing({ env: { GIT_SSH_VARIANT: 'ssh' }, config: [['ssh.variant', 'auto']], sshG: OPENSSH_DEFAULT, controlDir: dir }).share).toBe(true);
  });

  it.each([
    ['controlmaster auto\ncontrolpath ~/.ssh/cm-%C\n', 'the ssh configuration sets controlmaster auto'],
    ['controlmaster yes\n', 'the ssh configuration sets controlmaster yes'],
    ['controlmaster ask\n', 'the ssh configuration sets controlmaster ask'],
    ['controlmaster false\ncontrolpath /tmp/mine-%C\n', 'the ssh configuration sets a controlpath'],
    ['controlmaster false\ncontrolpersist 600\n', 'the ssh configuration sets controlpersist 600'],
    ['hostname example.com\n', 'ssh -G printed no controlmaster setting (not an OpenSSH we know)'],
  ])('respects the user ssh configuration: %j', (sshG, why) => {
    expect(decideSshSharing({ env: {}, config: [], sshG, controlDir: dir })).toEqual({ share: false, why });
  });

  it('no ssh -G answer, or no usable socket directory, means no sharing', () => {
    expect(decideSshSharing({ env: {}, config: [], sshG: null, controlDir: dir })).toEqual({ share: false, why: 'ssh -G did not answer (not OpenSSH, or no ssh)' });
    expect(decideSshSharing({ env: {}, config: [], sshG: OPENSSH_DEFAULT, controlDir: { why: 'too long' } })).toEqual({ share: false, why: 'too long' });
  });
});

describe('parseSshTarget', () => {
  it.each([
    ['ssh://git@example.com:2222/org/repo.git', { host: 'example.com', user: 'git', port: '2222' }],
    ['ssh://example.com/org/repo.git', { host: 'example.com' }],
    ['git@github.com:org/repo.git', { host: 'github.com', user: 'git' }],
    ['host.example:repo', { host: 'host.example' }],
    ['ssh://[::1]:22/r', { host: '::1', port: '22' }],
  ])('%s', (url, target) => expect(parseSshTarget(url)).toEqual(target));

  it.each(['https://example.com/r', 'git://example.com/r', '/a/b:c', 'ssh://-oProxyCommand=x/r', 'a b@host:r', 'file:///x'])('not an SSH target: %s', (url) => {
    expect(parseSshTarget(url)).toBeNull();
  });
});

describe('SshSharing.run', () => {
  it('runs the first call to a host alone, and never makes the others wait past their own deadline', async () => {
    const sharing = new SshSharing({});
    const t = { host: 'h.example' };
    const order: string[] = [];
    let release!: () => void;
    const first = sharing.run(t, async () => {
      order.push('first start');
      await new Promise<void>((r) => (release = r));
      order.push('first end');
    });
    const second = sharing.run(t, async (waited) => order.push(`second after ${waited >= 0 ? 'wait' : ''}`), 10_000);
    const bounded = sharing.run(t, async (waited) => waited, 50);
    const other = sharing.run({ host: 'other.example' }, async () => order.push('other host at once'));
    await other;
    expect(await bounded).toBeGreaterThanOrEqual(45);
    expect(order).toEqual(['first start', 'other host at once']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'other host at once', 'first end', 'second after wait']);
  });
});

describe('SshSharing in a long-lived process', () => {
  afterEach(() => vi.useRealTimers());
  it('opens the master again once the last one may have closed itself (30 s), and decides again after a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const sharing = new SshSharing({ GIT_SSH_COMMAND: 'mine' });
    const t = { host: 'h.example' };
    await sharing.run(t, async () => undefined);
    const d1 = sharing.decide(t, []);
    expect(sharing.decide(t, [])).toBe(d1);
    vi.setSystemTime(Date.now() + 31_000);
    let release!: () => void;
    const again = sharing.run(t, () => new Promise<void>((r) => (release = r)));
    // A new first: the next caller waits for it instead of running at once.
    let ran = false;
    const next = sharing.run(t, async () => void (ran = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
    release();
    await Promise.all([again, next]);
    expect(ran).toBe(true);
    vi.setSystemTime(Date.now() + 61_000);
    expect(sharing.decide(t, [])).not.toBe(d1);
    expect(await sharing.decide(t, [])).toEqual({ share: false, why: 'GIT_SSH_COMMAND is set' });
  });
});

describe('controlDirectory', () => {
  it('makes a private 0700 directory short enough for the socket limit, and tightens a loose one', () => {
    const base = makeTempDir('ush-');
    const env = { XDG_RUNTIME_DIR: base };
    const got = controlDirectory(env);
    expect(got).toEqual({ dir: path.join(base, 'upshift-ssh') });
    expect(statSync(path.join(base, 'upshift-ssh')).mode & 0o777).toBe(0o700);
    chmodSync(path.join(base, 'upshift-ssh'), 0o755);
    controlDirectory(env);
    expect(statSync(path.join(base, 'upshift-ssh')).mode & 0o777).toBe(0o700);
  });

  it('skips a runtime directory too long for a socket path', () => {
    const env = { XDG_RUNTIME_DIR: `/tmp/${'x'.repeat(MAX_CONTROL_DIR_LENGTH)}`, TMPDIR: `/tmp/${'y'.repeat(MAX_CONTROL_DIR_LENGTH)}` };
    const got = controlDirectory(env);
    expect('dir' in got && got.dir).toBe(`/tmp/upshift-ssh-${process.getuid!()}`);
  });
});

/**
 * A stand-in `ssh` that records how git called it and runs the remote command locally (git passes
 * `git-upload-pack '<path>'` as the last argument), so ls-remote really lists the repository. It shows the options
 * Upshift adds and the order of the connections; it cannot prove multiplexing itself (that needs a real sshd).
 */
function recordingSsh(binDir: string, log: string, sshG: string): string {
  const script = path.join(binDir, 'ssh');
  writeFileSync(
    script,
    `#!/bin/sh
if [ "$1" = "-G" ]; then printf '%s' '${sshG}'; exit 0; fi
echo "start $(date +%s%N) $*" >> '${log}'
for last; do :; done
sleep 0.3
sh -c "$last"
rc=$?
echo "end $(date +%s%N)" >> '${log}'
exit $rc
`,
  );
  chmodSync(script, 0o755);
  return script;
}

describe('SSH remotes through git ls-remote', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    resetUserGitConfig();
  });
  afterEach(() => {
    for (const k of ['GIT_SSH_COMMAND', 'PATH', 'XDG_RUNTIME_DIR']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  afterAll(() => {
    process.env = saved;
    resetUserGitConfig();
  });

  it('routes ssh:// and scp-like remotes to git with their target', async () => {
    const work = makeTempDir('ush-route-');
    const route = await routeRemote(work, 'git@example.test:org/repo.git', {});
    expect(route).toMatchObject({ kind: 'git', ssh: { target: { host: 'example.test', user: 'git' } } });
  });

  it('keeps the SSH target behind an http.* setting (it does not touch ssh), but not behind an include', async () => {
    const work = makeTempDir('ush-route-');
    git(work, 'init', '-q');
    git(work, 'remote', 'add', 'origin', 'ssh://git@example.test/org/repo.git');
    git(work, 'config', 'http.postBuffer', '1048576');
    const withHttp = await routeRemote(work, 'origin', {});
    expect(withHttp).toMatchObject({ kind: 'git', why: 'http.postbuffer in the project configuration', ssh: { target: { host: 'example.test', user: 'git' } } });
    git(work, 'config', 'include.path', 'elsewhere.conf');
    const withInclude = await routeRemote(work, 'origin', {});
    expect(withInclude).toEqual({ kind: 'git', why: 'include.path in the project configuration' });
    git(work, 'config', '--unset', 'include.path');
    git(work, 'config', 'core.sshCommand', 'ssh -i mine');
    const own = await routeRemote(work, 'origin', {});
    expect(own.kind === 'git' && own.ssh && decideSshSharing({ env: {}, config: own.ssh.config, sshG: OPENSSH_DEFAULT, controlDir: dir })).toEqual({ share: false, why: 'core.sshCommand is configured' });
  });

  it("passes the user's GIT_SSH_COMMAND through untouched", async () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }] });
    const bin = makeTempDir('ush-bin-');
    const log = path.join(bin, 'log');
    const script = recordingSsh(bin, log, OPENSSH_DEFAULT);
    process.env.GIT_SSH_COMMAND = `${script} -o UserOption=yes`;
    const got = await listRemoteTagsNative(fx.work, `ssh://example.test${fx.remote}`, { sshSharing: new SshSharing(process.env) });
    expect(got.tags.map((t) => t.tag).sort()).toEqual(['v1.0.0', 'v1.1.0']);
    expect(got.fallback).toContain('no connection sharing: GIT_SSH_COMMAND is set');
    const calls = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('start'));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('-o UserOption=yes');
    expect(calls[0]).not.toContain('Control');
  });

  it('adds ControlMaster options, and the first connection to a host finishes before the others start', async () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '2.0.0' }] });
    const bin = makeTempDir('ush-bin-');
    const runtime = makeTempDir('ush-rt-');
    const log = path.join(bin, 'log');
    recordingSsh(bin, log, OPENSSH_DEFAULT);
    process.env.PATH = `${bin}:${saved.PATH}`;
    process.env.XDG_RUNTIME_DIR = runtime;
    delete process.env.GIT_SSH_COMMAND;
    const sharing = new SshSharing(process.env);
    const results = await Promise.all([0, 1, 2, 3].map(() => listRemoteTagsNative(fx.work, `ssh://git@example.test${fx.remote}`, { sshSharing: sharing })));
    for (const r of results) expect(r.tags.map((t) => t.tag).sort()).toEqual(['v1.0.0', 'v2.0.0']);
    expect(results[0]!.fallback).toContain('connection shared');
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const starts = lines.filter((l) => l.startsWith('start'));
    expect(starts).toHaveLength(4);
    for (const s of starts) expect(s).toContain(`-o ControlMaster=auto -o ControlPath=${runtime}/upshift-ssh/%C -o ControlPersist=60`);
    // The master's connection (the first) ended before any other began: they reuse it instead of racing.
    const firstEnd = Number(lines.find((l) => l.startsWith('end'))!.split(' ')[1]);
    const laterStarts = starts.slice(1).map((s) => Number(s.split(' ')[1]));
    for (const t of laterStarts) expect(t).toBeGreaterThan(firstEnd);
    expect(statSync(path.join(runtime, 'upshift-ssh')).mode & 0o777).toBe(0o700);
  });

  it("leaves a user's own ControlMaster configuration alone", async () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    const bin = makeTempDir('ush-bin-');
    const log = path.join(bin, 'log');
    recordingSsh(bin, log, 'controlmaster auto\ncontrolpath ~/.ssh/cm-%C\n');
    process.env.PATH = `${bin}:${saved.PATH}`;
    delete process.env.GIT_SSH_COMMAND;
    const got = await listRemoteTagsNative(fx.work, `ssh://example.test${fx.remote}`, { sshSharing: new SshSharing(process.env) });
    expect(got.tags.map((t) => t.tag)).toEqual(['v1.0.0']);
    expect(got.fallback).toContain('the ssh configuration sets controlmaster auto');
    expect(readFileSync(log, 'utf8')).not.toContain('Control');
  });
});
