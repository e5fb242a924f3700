/** A core and three dependents for the batch tests (test/cli.batch*.test.ts). */
import { expect } from 'vitest';
import { CliHarness } from './cli.js';
import { createRemoteWithReleases, git } from './repos.js';

function meta(version: string, contracts: string): string {
  return JSON.stringify({ version, release_date: '2026-01-01', contracts_version: contracts, changes: { breaking_changes: [], features: [], fixes: [] } });
}

function manifest(requires: string | null, smoke = 'sh smoke.sh'): string {
  return `smoke:\n  command: ${smoke}\n${requires ? `requires:\n  core: ${requires}\n` : ''}`;
}

/**
 * core 1.0.0 → 2.0.0; finance 0.2.0 (core ≤ 1.x) → 0.3.0 (core 1.0.0–2.x: the bridge, so it goes first); audit and
 * reports 1.0.0 accept any core ≥ 1.0.0, their 1.1.0 need core ≥ 2.0.0 (after the core). `reportsSmoke` is the smoke
 * test of reports 1.1.0, the last member.
 */
export function world(opts: { reportsSmoke?: string; coreSmoke?: string } = {}) {
  const core = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': manifest(null), 'smoke.sh': 'true\n', 'release_metadata.json': meta('1.0.0', '1.0.0'), VERSION: '1.0.0\n' },
    releases: [
      { version: '1.0.0' },
      { version: '2.0.0', files: { 'release_metadata.json': meta('2.0.0', '2.0.0'), VERSION: '2.0.0\n', 'smoke.sh': opts.coreSmoke ?? 'true\n' } },
    ],
    checkout: 'v1.0.0',
  });
  const dependent = (name: string, from: string, to: string, before: string, after: string, smokeAfter = 'true\n') =>
    createRemoteWithReleases({
      initialFiles: { 'upshift.yml': manifest(before), 'smoke.sh': 'true\n', VERSION: `${from}\n` },
      releases: [{ version: from }, { version: to, files: { 'upshift.yml': manifest(after), VERSION: `${to}\n`, 'smoke.sh': smokeAfter } }],
      checkout: `v${from}`,
    });
  const finance = dependent('finance', '0.2.0', '0.3.0', '{ max: 1.x.x }', '{ min: 1.0.0, max: 2.x.x }');
  const audit = dependent('audit', '1.0.0', '1.1.0', '{ min: 1.0.0 }', '{ min: 2.0.0 }');
  const reports = dependent('reports', '1.0.0', '1.1.0', '{ min: 1.0.0 }', '{ min: 2.0.0 }', opts.reportsSmoke ?? 'true\n');
  const cli = new CliHarness();
  for (const [name, fx] of [['core', core], ['finance', finance], ['audit', audit], ['reports', reports]] as const) {
    const r = cli.run('add', fx.work, '--name', name);
    expect(r.code, r.stderr).toBe(0);
  }
  const heads = () => ({ core: git(core.work, 'rev-parse', 'HEAD'), finance: git(finance.work, 'rev-parse', 'HEAD'), audit: git(audit.work, 'rev-parse', 'HEAD'), reports: git(reports.work, 'rev-parse', 'HEAD') });
  return { cli, core, finance, audit, reports, heads };
}

