// eslint-disable-next-line no-restricted-imports -- test-only: reads the recorded fixtures
import { existsSync, readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports -- test-only
import path from 'node:path';
// eslint-disable-next-line no-restricted-imports -- test-only
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Requirement } from '../compat/index.js';
import { planBatch, type BatchProject } from './index.js';

const FIXTURES =
  process.env.UPSHIFT_FIXTURES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real');
const VITRUVYAN = path.join(FIXTURES, 'vitruvyan');

/** The seed's `compatibility:` block, mapped the way the manifest loader maps it (as shared/compat's tests read it). */
function seedRequirement(file: string): Requirement {
  const doc = parseYaml(readFileSync(path.join(VITRUVYAN, file), 'utf8')) as {
    compatibility: { min_core_version?: string; max_core_version?: string; contracts_major?: number; breaking_changes_allowlist?: string[] };
  };
  const c = doc.compatibility;
  return { min: c.min_core_version, max: c.max_core_version, contractsMajor: c.contracts_major, allowBreaking: c.breaking_changes_allowlist };
}

function seedBreaking(): { version: string; breaking: string[] } {
  const r = JSON.parse(readFileSync(path.join(VITRUVYAN, 'releases.json'), 'utf8')) as { version: string; changes: { breaking_changes: string[] } };
  return { version: r.version, breaking: r.changes.breaking_changes };
}

describe('planBatch on the seed’s real manifests (max: 1.x.x, contracts major 1)', () => {
  it('has the fixtures', () => {
    expect(existsSync(VITRUVYAN), `fixtures not found at ${VITRUVYAN}; set UPSHIFT_FIXTURES`).toBe(true);
  });
  if (!existsSync(VITRUVYAN)) return;

  const vertical = (name: string, current: string, releases: BatchProject['releases'] = []): BatchProject => ({
    name,
    current,
    core: 'core',
    requires: { core: seedRequirement(`${name}.vertical_manifest.yaml`) },
    releases,
  });

  it('takes the newest 1.x core: 2.0.0 is past max 1.x.x and changes the contracts major for all three', () => {
    const plan = planBatch(
      [
        { name: 'core', current: '1.2.1', contractsVersion: '1.2.0', releases: [{ version: '1.3.1', contractsVersion: '1.2.0' }, { version: '2.0.0', contractsVersion: '2.0.0' }] },
        vertical('finance', '0.2.0'),
        vertical('root', '1.0.0'),
        vertical('enterprise', '1.0.0'),
      ],
      { root: 'core' },
    );
    expect(plan.members.map((m) => `${m.project} ${m.from}→${m.to}`)).toEqual(['core 1.2.1→1.3.1', 'enterprise 1.0.0→1.0.0', 'finance 0.2.0→0.2.0', 'root 1.0.0→1.0.0']);
    expect(plan.conflicts.map((c) => [c.project, c.reasons])).toEqual([
      ['enterprise', ['enterprise 1.0.0 (current): enterprise requires core <= 1.x.x; target is 2.0.0; Contracts major mismatch: core 2.0.0 has contracts 2.0.0, enterprise requires 1']],
      ['finance', ['finance 0.2.0 (current): finance requires core <= 1.x.x; target is 2.0.0; Contracts major mismatch: core 2.0.0 has contracts 2.0.0, finance requires 1']],
      ['root', ['root 1.0.0 (current): root requires core <= 1.x.x; target is 2.0.0; Contracts major mismatch: core 2.0.0 has contracts 2.0.0, root requires 1']],
    ]);
    expect(plan.members[0]?.requirements).toEqual([]);
    expect(plan.members.find((m) => m.project === 'finance')?.requirements[0]?.reason).toBe(
      'finance requires core >= 1.0.0, <= 1.x.x, contracts major 1; target is 1.3.1 with contracts 1.2.0; no breaking changes',
    );
  });

  it('with 1.3.0’s real breaking changes and empty allowlists, no joint target: the core stays, each vertical says why', () => {
    const seed = seedBreaking();
    const plan = planBatch(
      [
        { name: 'core', current: '1.2.1', contractsVersion: '1.2.0', releases: [{ version: seed.version, contractsVersion: '1.2.0', breaking: seed.breaking }] },
        vertical('finance', '0.2.0'),
        vertical('root', '1.0.0'),
        vertical('enterprise', '1.0.0'),
      ],
      { root: 'core' },
    );
    expect(plan.blocked).toBe(false);
    expect(plan.order).toEqual([]);
    expect(plan.conflicts.map((c) => c.project)).toEqual(['enterprise', 'finance', 'root']);
    expect(plan.conflicts[1]?.reasons[0]).toBe(
      'finance 0.2.0 (current): finance does not allow breaking change "Python imports changed: infrastructure.edge.oculus_prime → vitruvyan_edge.oculus_prime" (core 1.3.0); ' +
        'finance does not allow breaking change "Dockerfile COPY changed: infrastructure/edge/oculus_prime → vitruvyan_edge" (core 1.3.0)',
    );
  });

  it('a vertical release that allows 1.3.0’s breaking changes is a bridge: it goes first, then the core', () => {
    const seed = seedBreaking();
    const allowing = { ...seedRequirement('finance.vertical_manifest.yaml'), allowBreaking: ['1.3.0'] };
    const plan = planBatch(
      [
        { name: 'core', current: '1.2.1', contractsVersion: '1.2.0', releases: [{ version: seed.version, contractsVersion: '1.2.0', breaking: seed.breaking }] },
        vertical('finance', '0.2.0', [{ version: '0.2.1', requires: { core: allowing } }]),
      ],
      { root: 'core' },
    );
    expect(plan.order).toEqual(['finance', 'core']);
    expect(plan.members.map((m) => `${m.project} ${m.from}→${m.to}`)).toEqual(['core 1.2.1→1.3.0', 'finance 0.2.0→0.2.1']);
    expect(plan.members[1]?.requirements[0]?.reason).toBe(
      'finance requires core >= 1.0.0, <= 1.x.x, contracts major 1; target is 1.3.0 with contracts 1.2.0; 2 breaking changes allowed',
    );
  });
});

describe('planBatch on large inputs', () => {
  it('plans 200 projects and a core with 500 releases into a consistent joint plan', () => {
    const coreReleases = Array.from({ length: 500 }, (_, i) => ({
      version: `${1 + Math.floor(i / 100)}.${i % 100}.0`,
      contractsVersion: `${1 + Math.floor(i / 100)}.0.0`,
    }));
    const projects: BatchProject[] = [{ name: 'core', current: '1.0.0', contractsVersion: '1.0.0', releases: coreReleases.slice(1) }];
    for (let d = 0; d < 199; d++) {
      const major = 1 + (d % 4); // the current release of each accepts one core major; newer releases accept the next
      const name = `p${String(d).padStart(3, '0')}`;
      const deps = d >= 20 ? { core: { max: `${major + 1}.x.x` }, [`p${String(d % 20).padStart(3, '0')}`]: { min: '1.0.0' } } : { core: { max: `${major + 1}.x.x` } };
      projects.push({
        name,
        current: '1.0.0',
        core: 'core',
        requires: { core: { max: `${major}.x.x` } },
        releases: Array.from({ length: 5 }, (_, r) => ({ version: `1.${r + 1}.0`, requires: deps })),
      });
    }
    const plan = planBatch(projects, { root: 'core' });
    expect(plan.blocked).toBe(false);
    expect(plan.members).toHaveLength(200);
    expect(plan.members.find((m) => m.project === 'core')?.to).toBe('2.99.0');
    for (const m of plan.members) for (const r of m.requirements) expect(r.compatible, `${m.project}: ${r.reason}`).toBe(true);
    const at = new Map(plan.dependencyOrder.map((n, i) => [n, i]));
    for (const p of projects) for (const d of Object.keys(p.requires ?? {})) expect(at.get(d)!).toBeLessThan(at.get(p.name)!);
  });
});
