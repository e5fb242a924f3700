/**
 * The demo workspace of the browser tests that look at every view: core at v1.0.0 with 1.1.0 (good, with notes),
 * 1.2.0 (its smoke test fails) and 2.0.0 (the vertical refuses it), and the finance vertical pinned to core 1.x.
 */
import { expect } from 'vitest';
import { createRemoteWithReleases, type ReleaseSpec, type RemoteFixture } from '../test/helpers/repos.js';
import { CliHarness } from '../test/helpers/cli.js';

const manifest = 'install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 30\n';

export interface DemoWorkspace {
  core: RemoteFixture;
  vertical: RemoteFixture;
  cli: CliHarness;
}

export interface DemoOptions {
  /** Only v1.0.0 is released: nothing to upgrade to. */
  onlyFirst?: boolean;
  /** 1.1.0's install takes a minute (to cancel it). */
  slowInstall?: boolean;
  /** 1.1.0's tag has no release-notes message. */
  plainNotes?: boolean;
}

export function demoWorkspace(opts: DemoOptions = {}): DemoWorkspace {
  const releases: ReleaseSpec[] = [
    { version: '1.0.0' },
    {
      version: '1.1.0',
      files: { 'app.txt': '1.1.0\n', ...(opts.slowInstall ? { 'install.sh': 'echo installing slowly\nsleep 60\n' } : {}) },
      ...(opts.plainNotes ? {} : { message: 'Release 1.1.0\n\n- Adds the **frobnicator**\n- Fixes the [widget](https://example.com/widget)' }),
    },
    { version: '1.2.0', files: { 'app.txt': '1.2.0\n', 'smoke.sh': 'echo "smoke: the widget is broken"; exit 1\n' } },
    { version: '2.0.0', files: { 'app.txt': '2.0.0\n', 'smoke.sh': 'echo ok\n' } },
  ];
  const core = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': manifest, 'install.sh': 'echo installing\n', 'smoke.sh': 'echo smoke ok\n', 'app.txt': '1.0.0\n' },
    releases: opts.onlyFirst ? releases.slice(0, 1) : releases,
    checkout: 'v1.0.0',
  });
  const vertical = createRemoteWithReleases({
    initialFiles: {
      'vertical_manifest.yaml': 'domain_name: "finance"\ndomain_version: "0.2.0"\ncompatibility:\n  min_core_version: "1.0.0"\n  max_core_version: "1.x.x"\n  contracts_major: 1\n',
    },
    releases: [{ version: '0.2.0' }],
  });
  const cli = new CliHarness();
  expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
  expect(cli.run('add', vertical.work, '--name', 'finance', '--core', 'core').code).toBe(0);
  return { core, vertical, cli };
}
