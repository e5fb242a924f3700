import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteWithReleases, makeTempDir } from '../../../test/helpers/repos.js';
import { resetUserGitConfig } from './git-config.js';
import { listRemoteTagsNative } from './index.js';
import { SshSharing } from './ssh-share.js';

/**
 * Multiplexing proven against a real OpenSSH server on 127.0.0.1: sshd logs every TCP connection it accepts, so
 * N listings through one master show one connection, and N without sharing show N. The client is the real ssh;
 * the `ssh` first on PATH only adds `-F <this test's config>` (known host, key, BatchMode), as a user's
 * ~/.ssh/config would, so the test never reads or writes the machine's own ssh files.
 */
const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((p) => existsSync(p));
if (!SSHD) console.log('ssh-share.sshd.test: skipped, no sshd on this machine (apt package openssh-server)');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe.skipIf(!SSHD)('SSH connection sharing against a real sshd', () => {
  let sshd: ChildProcess | undefined;
  let port = 0;
  let log = '';
  let bin = '';
  const saved = { ...process.env };

  beforeAll(async () => {
    const dir = makeTempDir('ush-sshd-');
    chmodSync(dir, 0o700);
    const keygen = (file: string): void => {
      const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
      if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
    };
    keygen(path.join(dir, 'host'));
    keygen(path.join(dir, 'client'));
    writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client.pub')));
    port = await freePort();
    log = path.join(dir, 'sshd.log');
    writeFileSync(
      path.join(dir, 'sshd_config'),
      [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${dir}/host`, `AuthorizedKeysFile ${dir}/authorized_keys`, `PidFile ${dir}/sshd.pid`,
        'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'LogLevel VERBOSE', 'MaxStartups 50'].join('\n') + '\n',
    );
    // sshd run as root insists on its privilege-separation directory.
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${readFileSync(path.join(dir, 'host.pub'), 'utf8')}`);
    writeFileSync(
      path.join(dir, 'ssh_config'),
      ['Host *', `  UserKnownHostsFile ${dir}/known_hosts`, `  IdentityFile ${dir}/client`, '  IdentitiesOnly yes', '  BatchMode yes', '  StrictHostKeyChecking yes', '  GlobalKnownHostsFile /dev/null'].join('\n') + '\n',
    );
    bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F '${dir}/ssh_config' "$@"\n`);
    chmodSync(path.join(bin, 'ssh'), 0o755);
    sshd = spawn(SSHD!, ['-D', '-f', path.join(dir, 'sshd_config'), '-E', log], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(existsSync(log) && readFileSync(log, 'utf8').includes('Server listening')); i++) await new Promise((r) => setTimeout(r, 50));
    if (!readFileSync(log, 'utf8').includes('Server listening')) throw new Error(`sshd did not start: ${readFileSync(log, 'utf8')}`);
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    process.env.PATH = `${bin}:${saved.PATH}`;
    process.env.XDG_RUNTIME_DIR = makeTempDir('ush-rt-');
    delete process.env.GIT_SSH_COMMAND;
    delete process.env.GIT_SSH;
    resetUserGitConfig();
  }, 30_000);

  afterAll(() => {
    // The master would linger its 60 s (and its sshd session with it): close it now.
    if (port) spawnSync(path.join(bin, 'ssh'), ['-O', 'exit', '-o', `ControlPath=${process.env.XDG_RUNTIME_DIR}/upshift-ssh/%C`, '-p', String(port), '127.0.0.1'], { stdio: 'ignore' });
    if (sshd?.pid) sshd.kill();
    process.env = saved;
    resetUserGitConfig();
  });

  const connections = (): number => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('Connection from 127.0.0.1')).length;

  it('one TCP connection serves every listing of a run; without sharing each opens its own', async () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.2.0' }] });
    const url = `ssh://127.0.0.1:${port}${fx.remote}`;
    const N = 6;
    const before = connections();
    const sharing = new SshSharing(process.env);
    const t0 = performance.now();
    const shared = await Promise.all(Array.from({ length: N }, () => listRemoteTagsNative(fx.work, url, { sshSharing: sharing, timeoutMs: 20_000 })));
    for (const r of shared) expect(r.tags.map((t) => t.tag).sort()).toEqual(['v1.0.0', 'v1.2.0']);
    expect(shared[0]!.fallback).toContain('connection shared');
    expect(connections() - before).toBe(1);

    const sharedMs = performance.now() - t0;
    const mid = connections();
    const t1 = performance.now();
    const off = new SshSharing({ ...process.env, UPSHIFT_SSH_SHARING: 'off' });
    const plain = await Promise.all(Array.from({ length: N }, () => listRemoteTagsNative(fx.work, url, { sshSharing: off, timeoutMs: 20_000 })));
    const plainMs = performance.now() - t1;
    for (const r of plain) expect(r.tags).toHaveLength(2);
    console.log(`${N} listings over ssh to one host: shared ${sharedMs.toFixed(0)} ms (1 connection), unshared ${plainMs.toFixed(0)} ms (${N} connections)`);
    expect(connections() - mid).toBe(N);
  }, 60_000);
});
