import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/helpers/repos.js';
import { findOnPath, redact, resetTokenCache, tokenFromEnvironment } from './token.js';

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

  it('redacts every occurrence', () => {
    expect(redact('Bearer s3cret and s3cret', 's3cret')).toBe('Bearer [redacted] and [redacted]');
    expect(redact('nothing', null)).toBe('nothing');
  });
});
