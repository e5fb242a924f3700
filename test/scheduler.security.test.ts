// Issue 9 §1: security releases, classified from what the release says (its metadata, conventional commits, its notes)
// into the one verdict, take the policy's fast path — through the soak and outside the window — on real repositories and
// the real engine; and never through a "never unattended" rule: each refusal with its reason, nothing upgraded.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../electron/core/engine/index.js';
import { Scheduler, writeAutomationSettings, type TickResult } from '../electron/core/scheduler/index.js';
import { ManualClock } from '../electron/core/service/clock.js';
import { cleanupTempDirs, commitFiles, createRemoteWithReleases, git, makeTempDir, type ReleaseSpec } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());
const open: Array<{ close(): void }> = [];
const schedulers: Scheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
  for (const e of open.splice(0)) e.close();
});

const NIGHTLY = { name: 'nightly', days: 'daily', start: '02:00', end: '05:00', timeZone: 'UTC' };
// Outside the window, and the release is new: without the fast path it would soak for 3 days, then wait for 02:00.
const NOON = '2026-03-10T12:00:00.000Z';

async function setup(release: ReleaseSpec, policy: Record<string, unknown> = {}) {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
    releases: [{ version: '1.0.0', files: { 'app.txt': '1.0.0\n' } }, { version: '1.0.1', files: { 'app.txt': '1.0.1\n' }, ...release }],
    checkout: 'v1.0.0',
  });
  const engine = await Engine.open({ home: makeTempDir('upshift-home-') });
  open.push(engine);
  await engine.addProject(fx.work, { name: 'core' });
  await engine.check();
  writeAutomationSettings(engine.store, { enabled: true, minimumReleaseAge: 3, windows: [NIGHTLY], ...policy });
  return { fx, engine, at: () => git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD') };
}

async function tick(engine: Engine): Promise<Extract<TickResult, { kind: 'evaluated' }>> {
  const s = new Scheduler({ engine, clock: new ManualClock(NOON), role: 'test', timeZone: 'UTC' });
  schedulers.push(s);
  const r = await s.tick();
  expect(r.kind).toBe('evaluated');
  return r as Extract<TickResult, { kind: 'evaluated' }>;
}

const FIX_COMMIT = { commits: [{ message: 'fix(security): escape the session cookie\n\nFixes CVE-2026-1234.', files: { 'cookie.txt': 'escaped\n' } }] };

describe('the security class in the verdict', () => {
  it.each([
    ['a conventional commit fix(security): with a CVE id', FIX_COMMIT, { critical: false, ids: ['CVE-2026-1234'] }, /^commit [0-9a-f]{7}: fix\(security\): escape the session cookie$/],
    [
      'release metadata security_critical and cves',
      { files: { 'app.txt': '1.0.1\n', 'release_metadata.json': JSON.stringify({ version: '1.0.1', security_critical: true, cves: ['CVE-2026-4321'] }) } },
      { critical: true, ids: ['CVE-2026-4321'] },
      /^release metadata \(release_metadata\.json\): security_critical: true$/,
    ],
    [
      'a "Security" heading in the changelog section of the release',
      { files: { 'app.txt': '1.0.1\n', 'CHANGELOG.md': '# Changelog\n\n## 1.0.1\n\n### Security\n- the parser no longer follows symlinks\n\n## 1.0.0\n\n- first\n' } },
      { critical: false, ids: [] },
      /^the release notes: heading "Security"$/,
    ],
  ])('%s', async (_name, release, klass, because) => {
    const { engine } = await setup(release);
    const candidate = engine.store.getCheck('core')!.candidates!.find((c) => c.version === '1.0.1')!;
    expect(candidate.verdict!.security).toMatchObject(klass);
    expect(candidate.verdict!.security!.because.some((b) => because.test(b))).toBe(true);
  });

  it('a plain release is not one', async () => {
    const { engine } = await setup({ commits: [{ message: 'fix: improved the security documentation' }] });
    expect(engine.store.getCheck('core')!.candidates![0]!.verdict!.security).toBeNull();
  });
});

describe('the fast path', () => {
  it('a security fix upgrades at once: through the soak, outside the window, marked as such in the history', async () => {
    const { engine, at } = await setup(FIX_COMMIT);
    const r = await tick(engine);
    expect(r.schedule.projects[0]!.next).toMatchObject({ version: '1.0.1', trigger: 'security', security: true });
    expect(r.schedule.projects[0]!.summary).toBe('core 1.0.1 upgrades now — security fix (CVE-2026-1234), at once');
    expect(r.started[0]).toMatchObject({ version: '1.0.1', refused: null, operation: { status: 'succeeded' } });
    expect(at()).toBe('v1.0.1');
    expect(engine.history({ project: 'core' }).operations[0]!.startedBy).toMatchObject({ by: 'policy', trigger: 'security' });
  });

  it('without the fast path it soaks and waits for the window like any release', async () => {
    const { engine, at } = await setup(FIX_COMMIT, { security: { fastPath: false } });
    const r = await tick(engine);
    expect(r.started).toEqual([]);
    expect(r.schedule.projects[0]!.next).toMatchObject({ status: 'scheduled', trigger: 'window' });
    expect(at()).toBe('v1.0.0');
  });
});

describe('never through a "never unattended" rule, whatever the security class', () => {
  it('a dirty tree', async () => {
    const { engine, fx, at } = await setup(FIX_COMMIT);
    writeFileSync(join(fx.work, 'notes.txt'), 'work in progress\n');
    const r = await tick(engine);
    expect(r.started).toEqual([]);
    const d = r.schedule.projects[0]!.releases[0]!;
    expect(d).toMatchObject({ status: 'refused', security: true });
    expect(d.reasons.map((x) => x.code)).toEqual(['dirty']);
    expect(d.reasons[0]!.text).toContain('core has uncommitted changes: an unattended upgrade never sets them aside');
    expect(at()).toBe('v1.0.0');
  });

  it('a diverged checkout', async () => {
    const { engine, fx } = await setup(FIX_COMMIT);
    commitFiles(fx.work, { 'local.txt': 'a local fix\n' }, 'local fix');
    await engine.check();
    const r = await tick(engine);
    expect(r.started).toEqual([]);
    const d = r.schedule.projects[0]!.releases[0]!;
    expect(d.security).toBe(true);
    expect(d.reasons.map((x) => x.code)).toEqual(expect.arrayContaining(['diverged', 'gate-manual']));
    expect(d.reasons.find((x) => x.code === 'diverged')!.text).toContain("core's HEAD has commits 1.0.1 does not contain");
    expect(git(fx.work, 'log', '-1', '--format=%s')).toBe('local fix');
  });

  it('an incompatible dependent', async () => {
    const { engine, at } = await setup(FIX_COMMIT);
    const dep = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'requires:\n  core:\n    range: "<=1.0.0"\n' }, releases: [{ version: '0.1.0' }], checkout: 'v0.1.0' });
    await engine.addProject(dep.work, { name: 'finance' });
    await engine.check();
    const r = await tick(engine);
    expect(r.started).toEqual([]);
    const d = r.schedule.projects.find((p) => p.project === 'core')!.releases[0]!;
    expect(d.security).toBe(true);
    expect(d.reasons.map((x) => x.code)).toEqual(['incompatible']);
    expect(d.reasons[0]!.text).toMatch(/^finance refuses 1\.0\.1 \(/);
    expect(at()).toBe('v1.0.0');
  });

  it('a breaking change not allowed', async () => {
    const { engine, at } = await setup({
      commits: [{ message: 'fix(security)!: reject unsigned session tokens\n\nBREAKING CHANGE: unsigned tokens are refused', files: { 'cookie.txt': 'signed\n' } }],
    });
    const r = await tick(engine);
    expect(r.started).toEqual([]);
    const d = r.schedule.projects[0]!.releases[0]!;
    expect(d.security).toBe(true);
    expect(d.reasons.map((x) => x.code)).toEqual(['breaking']);
    expect(d.reasons[0]!.text).toBe('1.0.1 announces breaking changes that are not allowed: "unsigned tokens are refused"');
    expect(at()).toBe('v1.0.0');
  });
});
