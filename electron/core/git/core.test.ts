import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteWithReleases, git, makeTempDir } from '../../../test/helpers/repos.js';
import { classifyGitStderr, GitError, gitEnvironment, isGitError, runGit } from './core.js';
import { listRemoteTags } from './ls-remote.js';

async function failure(p: Promise<unknown>): Promise<GitError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GitError);
    return e as GitError;
  }
  throw new Error('expected a GitError');
}

describe('runGit', () => {
  it('runs with no prompts, C locale, optional locks off, hooks off, and without inherited GIT_DIR', async () => {
    const dir = makeTempDir();
    git(dir, 'init', '-q', '-b', 'main');
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = '/nonexistent/should-not-be-used';
    try {
      const { stdout } = await runGit(['-c', 'alias.showenv=!env', 'showenv'], { cwd: dir });
      const env = new Map(stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
      expect(env.get('GIT_TERMINAL_PROMPT')).toBe('0');
      expect(env.get('GIT_ASKPASS')).toBe('');
      expect(env.get('SSH_ASKPASS')).toBe('');
      expect(env.get('LC_ALL')).toBe('C');
      expect(env.get('GIT_OPTIONAL_LOCKS')).toBe('0');
      // git sets GIT_DIR itself for aliases, but to the repository it found, not the inherited value.
      expect(env.get('GIT_DIR') ?? '').not.toContain('should-not-be-used');
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
    const hooks = await runGit(['config', 'core.hooksPath'], { cwd: dir });
    expect(hooks.stdout.trim()).toBe('/dev/null');
  });

  it('gitEnvironment drops repository-locating variables and lets callers override', () => {
    const env = gitEnvironment({ PATH: '/bin', GIT_DIR: '/x', GIT_INDEX_FILE: '/y', HOME: '/h' }, { EXTRA: '1', HOME: undefined });
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_INDEX_FILE).toBeUndefined();
    expect(env.HOME).toBeUndefined();
    expect(env.EXTRA).toBe('1');
    expect(env.PATH).toBe('/bin');
  });

  it('resolves for expected exit codes and reports the code', async () => {
    const dir = makeTempDir();
    git(dir, 'init', '-q', '-b', 'main');
    const r = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: dir, expectedExitCodes: [0, 1] });
    expect(r.exitCode).toBe(1);
    const e = await failure(runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: dir }));
    expect(e.exitCode).toBe(1);
  });

  it('returns expected error kinds instead of throwing them', async () => {
    const dir = makeTempDir();
    git(dir, 'init', '-q', '-b', 'main');
    const r = await runGit(['describe', '--tags'], { cwd: dir, expectedErrors: ['ref-not-found'] });
    expect(r.error?.kind).toBe('ref-not-found');
  });

  it('kills git and throws output-too-large past the cap', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0', files: { 'big.txt': 'x'.repeat(200_000) } }] });
    const e = await failure(runGit(['show', 'HEAD:big.txt'], { cwd: f.work, maxOutputBytes: 10_000 }));
    expect(e.kind).toBe('output-too-large');
    expect(e.message).toMatch(/more than/);
    expect(e.toApiError()).toMatchObject({ code: 'GIT_OUTPUT_TOO_LARGE', retryable: false });
  });

  it('times out and kills the whole process group, including the ssh transport git started', async () => {
    const dir = makeTempDir();
    const pidFile = path.join(dir, 'pid');
    // A stand-in for ssh that hangs (a host that never answers). git does not kill its transport itself.
    const fakeSsh = path.join(dir, 'fake-ssh');
    writeFileSync(fakeSsh, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 30\n`);
    chmodSync(fakeSsh, 0o755);
    const started = Date.now();
    const e = await failure(runGit(['-c', `core.sshCommand=${fakeSsh}`, 'ls-remote', 'ssh://example.invalid/x.git'], { cwd: dir, timeoutMs: 300 }));
    expect(e.kind).toBe('timeout');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/did not finish within/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    // Zombie-aware: an orphan that no init reaps still answers kill(pid, 0).
    const alive = () => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return process.platform !== 'linux';
      }
    };
    for (let i = 0; i < 40 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    const survived = alive();
    if (survived) process.kill(pid, 'SIGKILL');
    expect(survived).toBe(false);
  });

  it('aborts on signal, and refuses to start when already aborted', async () => {
    const dir = makeTempDir();
    git(dir, 'init', '-q', '-b', 'main');
    const ac = new AbortController();
    const p = runGit(['-c', 'alias.slow=!sleep 5', 'slow'], { cwd: dir, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const e = await failure(p);
    expect(e.kind).toBe('aborted');
    const e2 = await failure(runGit(['status'], { cwd: dir, signal: ac.signal }));
    expect(e2.kind).toBe('aborted');
    expect(e2.message).toMatch(/Nothing was run/);
  });

  it('refuses arguments containing NUL', async () => {
    const e = await failure(runGit(['log', 'a\0b'], { cwd: makeTempDir() }));
    expect(e.kind).toBe('invalid-argument');
  });
});

describe('GitError classification on real failures', () => {
  let server: Server | null = null;
  afterEach(() => {
    server?.close();
    server = null;
  });

  it('not a repository', async () => {
    const dir = makeTempDir();
    const e = await failure(runGit(['status'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: path.dirname(dir) } }));
    expect(e.kind).toBe('not-a-repository');
    expect(e.code).toBe('GIT_NOT_A_REPOSITORY');
    expect(e.message).toContain('not a git repository');
    expect(e.message).toContain(dir);
  });

  it('a directory that does not exist', async () => {
    const e = await failure(runGit(['status'], { cwd: path.join(makeTempDir(), 'missing') }));
    expect(e.kind).toBe('not-a-repository');
    expect(e.message).toMatch(/does not exist/);
  });

  it('a remote name that is not configured', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    const e = await failure(listRemoteTags(f.work, 'upstream'));
    expect(e.kind).toBe('remote-not-found');
    expect(e.message).toContain('upstream');
    expect(e.retryable).toBe(false);
  });

  it('a remote path that does not exist', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    const e = await failure(listRemoteTags(f.work, path.join(f.root, 'nowhere.git')));
    expect(e.kind).toBe('remote-unreachable');
    expect(e.retryable).toBe(true);
    const api = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    expect(api).toMatchObject({ code: 'GIT_REMOTE_UNREACHABLE', retryable: true });
    expect(api.details).toMatchObject({ kind: 'remote-unreachable', exitCode: 128 });
  });

  it('a remote URL nobody listens on', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    const e = await failure(listRemoteTags(f.work, 'http://127.0.0.1:9/repo.git', { timeoutMs: 20_000 }));
    expect(e.kind).toBe('remote-unreachable');
  });

  it('a remote that asks for a password fails at once instead of prompting', async () => {
    server = createServer((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' });
      res.end('auth');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    const e = await failure(
      listRemoteTags(f.work, `http://127.0.0.1:${port}/private.git`, { timeoutMs: 20_000 }),
    );
    expect(e.kind).toBe('auth-required');
    expect(e.message).toMatch(/credentials/);
  });

  it('classifies captured stderr', () => {
    const cases: Array<[string, string]> = [
      ["fatal: not a git repository (or any of the parent directories): .git", 'not-a-repository'],
      ["fatal: unable to access 'https://example.invalid/x.git/': Could not resolve host: example.invalid", 'remote-unreachable'],
      ['ssh: connect to host example.com port 22: Connection refused\nfatal: Could not read from remote repository.', 'remote-unreachable'],
      ['git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.', 'auth-required'],
      ['Host key verification failed.\nfatal: Could not read from remote repository.', 'auth-required'],
      ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'auth-required'],
      ['fatal: couldn\'t find remote ref refs/tags/v9', 'ref-not-found'],
      ["error: pathspec 'nope' did not match any file(s) known to git", 'ref-not-found'],
      ['error: Your local changes to the following files would be overwritten by checkout:\n\ta.txt', 'dirty-tree'],
      ["fatal: Unable to create '/r/.git/index.lock': File exists.", 'lock-held'],
      ["fatal: update_ref failed for ref 'refs/tags/x': cannot lock ref 'refs/tags/x': reference already exists", 'ref-exists'],
      [' ! [rejected]        v1 -> v1  (would clobber existing tag)', 'ref-exists'],
      ["fatal: path 'x.json' does not exist in 'abc'", 'path-not-found'],
      ["fatal: detected dubious ownership in repository at '/r'", 'dubious-ownership'],
      ['CONFLICT (content): Merge conflict in a.txt', 'conflict'],
      ['fatal: something nobody has seen', 'unknown'],
    ];
    for (const [stderr, kind] of cases) expect([stderr, classifyGitStderr(stderr)]).toEqual([stderr, kind]);
  });

  it('isGitError narrows by kind', () => {
    const e = new GitError({ kind: 'timeout', args: ['fetch'], exitCode: null, stderr: '' });
    expect(isGitError(e)).toBe(true);
    expect(isGitError(e, 'timeout')).toBe(true);
    expect(isGitError(e, 'aborted')).toBe(false);
    expect(isGitError(new Error('x'))).toBe(false);
    expect(e.message).toMatch(/^git fetch failed: git did not finish in time/);
  });
});
