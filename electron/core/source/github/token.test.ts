import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/helpers/repos.js';
import type { SecretStore } from './secret-store.js';
import { tokenProblem } from './secret-store.js';
import { findOnPath, redact, resetTokenCache, resolveToken, tokenChain, tokenFromEnvironment } from './token.js';

afterEach(() => resetTokenCache());

/** A directory holding a fake `gh` that prints `token` for `gh auth token` and counts its runs. */
function fakeGh(token: string): { dir: string; runs: string } {
  const dir = makeTempDir();
  const runs = path.join(dir, 'runs');
  const script = path.join(dir, 'gh');
  writeFileSync(script, `#!/bin/sh\necho run >> "${runs}"\n[ "$1 $2" = "auth token" ] && echo "${token}"\n`);
  chmodSync(script, 0o755);
  return { dir, runs };
}

describe('token', () => {
  it('prefers GITHUB_TOKEN, then GH_TOKEN', async () => {
    expect(await tokenFromEnvironment({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b', PATH: '' })()).toBe('a');
    expect(await tokenFromEnvironment({ GH_TOKEN: 'b', PATH: '' })()).toBe('b');
    expect(await tokenFromEnvironment({ PATH: '' })()).toBeNull();
  });

  it('asks `gh auth token` (no shell) only when gh exists, once per process', async () => {
    const gh = fakeGh('gho_fromGhCli123');
    const env = { PATH: gh.dir };
    expect(findOnPath('gh', env)).toBe(path.join(gh.dir, 'gh'));
    const provider = tokenFromEnvironment(env);
    expect(await provider()).toBe('gho_fromGhCli123');
    expect(await provider()).toBe('gho_fromGhCli123');
    expect(await tokenFromEnvironment(env)()).toBe('gho_fromGhCli123');
    expect(readFileSync(gh.runs, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('chains the environment, then `gh auth token`, then the keychain store', async () => {
    let reads = 0;
    const store: SecretStore = {
      available: () => true,
      unavailableReason: () => null,
      get: async () => {
        reads++;
        return 'ghp_fromKeychain';
      },
      set: async () => undefined,
      clear: async () => undefined,
    };
    expect(await resolveToken({ GITHUB_TOKEN: 'a', PATH: '' }, store)).toEqual({ token: 'a', source: 'env' });
    expect(await resolveToken({ GH_TOKEN: 'b', PATH: '' }, store)).toEqual({ token: 'b', source: 'env' });
    expect(reads).toBe(0);
    expect(await resolveToken({ PATH: '' }, store)).toEqual({ token: 'ghp_fromKeychain', source: 'keychain' });
    expect(await tokenChain({ PATH: '' }, store)()).toBe('ghp_fromKeychain');
    expect(await resolveToken({ PATH: '' })).toBeNull();
    resetTokenCache();
    const gh = fakeGh('gho_fromGhCli123');
    expect(await resolveToken({ PATH: gh.dir }, store)).toEqual({ token: 'gho_fromGhCli123', source: 'gh' });
    // A store that fails to read means no token, not a failed request.
    resetTokenCache();
    const broken: SecretStore = { ...store, get: () => Promise.reject(new Error('keyring locked')) };
    expect(await resolveToken({ PATH: '' }, broken)).toBeNull();
  });

  it('tokenProblem accepts GitHub token formats and says what is wrong, never quoting the token', () => {
    for (const ok of ['ghp_' + 'a'.repeat(36), 'github_pat_11ABC_' + 'x'.repeat(59), 'gho_x', 'v1.0123456789abcdef']) expect(tokenProblem(ok)).toBeNull();
    expect(tokenProblem('')).toMatch(/empty/);
    expect(tokenProblem('x'.repeat(256))).toMatch(/longer than 255/);
    for (const bad of ['ghp_abc def', 'ghp_abc\n', 'ghp_\u0000', 'ghp_é']) {
      const problem = tokenProblem(bad)!;
      expect(problem).toMatch(/spaces, control or non-ASCII/);
      expect(problem).not.toContain('ghp_');
    }
  });

  it('redacts every occurrence', () => {
    expect(redact('Bearer s3cret and s3cret', 's3cret')).toBe('Bearer [redacted] and [redacted]');
    expect(redact('nothing', null)).toBe('nothing');
  });
});
