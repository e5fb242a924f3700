// Issue 10 §4 with an injected clock: release metadata's `eol_date`/`replacement` and the manifest's `support:` feed
// the one verdict, so `check` (the dashboard's source), `plan` and the current version's warning all agree: the
// running version is flagged when it is or becomes EOL within 30 days, EOL targets are skipped unless asked for.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../electron/core/engine/index.js';
import { cleanupTempDirs, createRemoteWithReleases, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());
const open: Engine[] = [];
afterEach(() => {
  for (const e of open.splice(0)) e.close();
});

const meta = (version: string, extra: Record<string, string>) => JSON.stringify({ version, release_date: '2030-01-01', ...extra });

/** 1.0.0 (EOL 2030-03-20 by its metadata, replaced by 1.2.x), 1.1.0 (EOL 2030-02-01), 1.2.0 (no end of life said). */
function fixture(manifest = '') {
  return createRemoteWithReleases({
    initialFiles: { 'app.txt': 'v0\n', ...(manifest ? { 'upshift.yml': manifest } : {}) },
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n', 'release_metadata.json': meta('1.0.0', { eol_date: '2030-03-20', replacement: '1.2.x' }) } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n', 'release_metadata.json': meta('1.1.0', { eol_date: '2030-02-01', replacement: '1.2.x' }) } },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n', 'release_metadata.json': meta('1.2.0', {}) } },
    ],
    checkout: 'v1.0.0',
  });
}

async function engineAt(day: { t: string }): Promise<Engine> {
  const engine = await Engine.open({ home: makeTempDir('upshift-eol-home-'), now: () => new Date(day.t) });
  open.push(engine);
  return engine;
}

describe('end of life from release metadata, on an injected clock', () => {
  it('check, the verdict and plan flag the current version within 30 days, skip an EOL target unless asked for', async () => {
    const fx = fixture();
    const day = { t: '2030-03-01T12:00:00Z' };
    const engine = await engineAt(day);
    await engine.addProject(fx.work, { name: 'p' });

    const c = (await engine.check(['p'])).projects[0]!;
    expect(c.error).toBeNull();
    expect(c.support).toMatchObject({ version: '1.0.0', eol: false, soon: true, daysLeft: 19, eolDate: '2030-03-20', replacement: '1.2.x', source: 'metadata' });
    expect(c.blockers.join('\n')).toContain('support: 1.0.0 reaches end of life on 2030-03-20 (in 19 days');
    const eolTarget = c.candidates!.find((r) => r.version === '1.1.0')!;
    expect(eolTarget).toMatchObject({ blocked: true });
    expect(eolTarget.reason).toContain('1.1.0 is END OF LIFE since 2030-02-01');
    expect(eolTarget.reason).toContain('its replacement is 1.2.x');
    expect(c.candidates!.find((r) => r.version === '1.2.0')!.blocked).toBe(false);
    expect(c.latestCompatible?.version).toBe('1.2.0');

    // The plan reads the same dates: its default target is 1.2.0, and 1.1.0 only when asked for, with a warning.
    const plan = await engine.plan('p');
    expect(plan.to.version).toBe('1.2.0');
    expect(plan.support?.current).toMatchObject({ soon: true, eolDate: '2030-03-20' });
    expect(plan.warnings!.join('\n')).toContain('support: the current 1.0.0 reaches end of life on 2030-03-20');
    const asked = await engine.plan('p', { to: '1.1.0' });
    expect(asked.blocked).toBe(false);
    expect(asked.support?.target).toMatchObject({ eol: true, source: 'metadata' });
    expect(asked.warnings!.join('\n')).toContain('installed only because you asked for it');

    // Three weeks later the running version itself is past its end of life (a cached reading, no new git read).
    day.t = '2030-03-22T08:00:00Z';
    const later = (await engine.check(['p'])).projects[0]!;
    expect(later.support).toMatchObject({ eol: true, soon: false, daysLeft: -2 });
    expect(later.blockers.join('\n')).toContain('support: 1.0.0 is END OF LIFE since 2030-03-20');
  });

  it('a day more than 30 days away is not flagged, and the manifest policy wins over the metadata date', async () => {
    const fx = fixture('support:\n  eol:\n    "1.0.x": "2030-12-31"\n');
    const day = { t: '2030-01-15T00:00:00Z' };
    const engine = await engineAt(day);
    await engine.addProject(fx.work, { name: 'p' });
    const c = (await engine.check(['p'])).projects[0]!;
    expect(c.support).toMatchObject({ eol: false, soon: false, eolDate: '2030-12-31', source: 'eol' });
    expect(c.blockers.join('\n')).not.toContain('support:');
    // 1.1.0's own metadata (EOL 2030-02-01) is 17 days away: offered, not held back.
    expect(c.candidates!.find((r) => r.version === '1.1.0')!.blocked).toBe(false);
    day.t = '2030-02-02T00:00:00Z';
    expect((await engine.check(['p'])).projects[0]!.candidates!.find((r) => r.version === '1.1.0')!.reason).toContain('END OF LIFE since 2030-02-01');
  });
});
