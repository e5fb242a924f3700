/**
 * A check that runs while the project is upgraded (by the scheduler, or another process) read the checkout before
 * the upgrade. Saved after it, that picture would offer the release just installed again — the Updates badge of
 * `serve` kept counting it. The engine checks such a project once more before saving (engine/index.ts `check`).
 * Real git, the real CLI for the upgrade, a release source held at its first call to make the overlap certain.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../electron/core/engine/index.js';
import { GitTagSource } from '../electron/core/source/git-tags.js';
import type { ReleaseSource } from '../electron/core/source/types.js';
import { CliHarness, waitFor } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/** The git tags source, whose first call waits until `release()`. */
function heldSource(): { source: ReleaseSource; calls: () => number; release: () => void } {
  const inner = new GitTagSource();
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = async () => {
    if (++calls === 1) await gate;
  };
  const source: ReleaseSource = {
    listReleases: async (p, signal) => (await held(), inner.listReleases(p, signal)),
    advertise: async (p, signal) => (await held(), inner.advertise(p, signal)),
  };
  return { source, calls: () => calls, release };
}

describe('check during an upgrade', () => {
  it('a check that began before an upgrade finished is taken again: it saves and returns the checkout after it', async () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'app.txt': 'v0\n' }, releases: [{ version: '1.0.0' }, { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } }], checkout: 'v1.0.0' });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    const held = heldSource();
    const engine = await Engine.open({ home: cli.home, env: cli.env, source: held.source });
    try {
      const pending = engine.check(['p']);
      await waitFor(() => held.calls() >= 1, 10_000, 'the check to reach the remote');
      // Meanwhile another process upgrades the project.
      const up = cli.run('upgrade', 'p', '--to', '1.1.0', '--yes');
      expect(up.code, up.stderr).toBe(0);
      expect(git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD')).toBe('v1.1.0');
      held.release();
      const result = await pending;
      expect(held.calls()).toBeGreaterThanOrEqual(2);
      expect(result.projects[0]!.current.version).toBe('1.1.0');
      expect(result.projects[0]!.updateAvailable).toBe(false);
      expect(engine.store.getCheck('p')!.current.version).toBe('1.1.0');
    } finally {
      engine.close();
    }
  });
});
