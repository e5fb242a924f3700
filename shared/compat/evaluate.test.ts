// eslint-disable-next-line no-restricted-imports -- test-only: reads the recorded fixtures
import { existsSync, readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports -- test-only
import path from 'node:path';
// eslint-disable-next-line no-restricted-imports -- test-only
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { evaluateDependents, type BreakingChange, type Dependent, type Requirement, type TargetRelease } from './index.js';

const FIXTURES =
  process.env.UPSHIFT_FIXTURES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real');
const VITRUVYAN = path.join(FIXTURES, 'vitruvyan');

/** The seed's `compatibility:` block, mapped the way the manifest loader maps it. */
function seedRequirement(file: string): Requirement {
  const doc = parseYaml(readFileSync(path.join(VITRUVYAN, file), 'utf8')) as {
    compatibility: {
      min_core_version?: string;
      max_core_version?: string;
      contracts_major?: number;
      breaking_changes_allowlist?: string[];
    };
  };
  const c = doc.compatibility;
  return {
    min: c.min_core_version,
    max: c.max_core_version,
    contractsMajor: c.contracts_major,
    allowBreaking: c.breaking_changes_allowlist,
  };
}

function releaseBreaking(): BreakingChange[] {
  const r = JSON.parse(readFileSync(path.join(VITRUVYAN, 'releases.json'), 'utf8')) as {
    version: string;
    changes: { breaking_changes: string[] };
  };
  return r.changes.breaking_changes.map((text) => ({ text, version: r.version }));
}

function target(version: string, contractsVersion: string | null = '1.2.0', breaking: BreakingChange[] = []): TargetRelease {
  return { version, contractsVersion, breaking };
}

function one(requirement: Requirement, t: TargetRelease, project = 'finance') {
  const report = evaluateDependents('core', t, [{ project, requirement }]);
  expect(report.dependents).toHaveLength(1);
  const verdict = report.dependents[0];
  if (verdict === undefined) throw new Error('no verdict');
  expect(report.compatible).toBe(verdict.compatible);
  return verdict;
}

describe('evaluateDependents on the seed’s real manifests', () => {
  it('has the fixtures', () => {
    expect(existsSync(VITRUVYAN), `fixtures not found at ${VITRUVYAN}; set UPSHIFT_FIXTURES`).toBe(true);
  });

  const dependents: Dependent[] = existsSync(VITRUVYAN)
    ? [
        { project: 'finance', requirement: seedRequirement('finance.vertical_manifest.yaml') },
        { project: 'root', requirement: seedRequirement('root.vertical_manifest.yaml') },
        { project: 'enterprise', requirement: seedRequirement('enterprise.vertical_manifest.yaml') },
      ]
    : [];

  it('reads the requirements the files declare', () => {
    expect(dependents.map((d) => d.requirement)).toEqual([
      { min: '1.0.0', max: '1.x.x', contractsMajor: 1, allowBreaking: [] },
      { min: '1.2.1', max: '1.x.x', contractsMajor: 1, allowBreaking: [] },
      { min: '1.2.1', max: '1.x.x', contractsMajor: 1, allowBreaking: [] },
    ]);
  });

  it('core 1.3.0 without breaking changes suits all three, and says what was checked', () => {
    const report = evaluateDependents('core', target('1.3.0'), dependents);
    expect(report.compatible).toBe(true);
    expect(report.dependents.map((d) => d.reason)).toEqual([
      'finance requires core >= 1.0.0, <= 1.x.x, contracts major 1; target is 1.3.0 with contracts 1.2.0; no breaking changes',
      'root requires core >= 1.2.1, <= 1.x.x, contracts major 1; target is 1.3.0 with contracts 1.2.0; no breaking changes',
      'enterprise requires core >= 1.2.1, <= 1.x.x, contracts major 1; target is 1.3.0 with contracts 1.2.0; no breaking changes',
    ]);
  });

  it('core 1.2.0 is below root’s and enterprise’s minimum', () => {
    const report = evaluateDependents('core', target('1.2.0'), dependents);
    expect(report.compatible).toBe(false);
    expect(report.dependents.map((d) => [d.project, d.compatible, d.reason])).toEqual([
      ['finance', true, 'finance requires core >= 1.0.0, <= 1.x.x, contracts major 1; target is 1.2.0 with contracts 1.2.0; no breaking changes'],
      ['root', false, 'root requires core >= 1.2.1; target is 1.2.0'],
      ['enterprise', false, 'enterprise requires core >= 1.2.1; target is 1.2.0'],
    ]);
  });

  it('core 1.3.0 with the breaking changes from releases.json: an empty allowlist blocks them (seed bug: never read)', () => {
    const breaking = releaseBreaking();
    expect(breaking).toHaveLength(2);
    const verdict = evaluateDependents('core', target('1.3.0', '1.2.0', breaking), dependents).dependents[0];
    expect(verdict?.compatible).toBe(false);
    expect(verdict?.reason).toBe(
      'finance does not allow breaking change "Python imports changed: infrastructure.edge.oculus_prime → vitruvyan_edge.oculus_prime" (core 1.3.0); ' +
        'finance does not allow breaking change "Dockerfile COPY changed: infrastructure/edge/oculus_prime → vitruvyan_edge" (core 1.3.0)',
    );
  });

  it('core 2.0.0 with contracts 2.1.0 fails max and contracts for everyone, each reason listed', () => {
    const report = evaluateDependents('core', target('2.0.0', '2.1.0'), dependents);
    expect(report.compatible).toBe(false);
    expect(report.dependents[0]?.reason).toBe(
      'finance requires core <= 1.x.x; target is 2.0.0; Contracts major mismatch: core 2.0.0 has contracts 2.1.0, finance requires 1',
    );
  });

  it('core 2.0.0-rc.1 is a 2.x release: above max 1.x.x', () => {
    const verdict = evaluateDependents('core', target('2.0.0-rc.1'), dependents).dependents[0];
    expect(verdict?.compatible).toBe(false);
    expect(verdict?.reason).toBe('finance requires core <= 1.x.x; target is 2.0.0-rc.1');
  });
});

describe('min and max', () => {
  it.each([
    // [requirement, target, compatible, reason]
    [{ max: '1.x.x' }, '1.9.9', true, 'finance requires core <= 1.x.x; target is 1.9.9'],
    [{ max: '1.x.x' }, 'v1.2.0', true, 'finance requires core <= 1.x.x; target is 1.2.0'],
    [{ max: '1.x.x' }, '1.2', true, 'finance requires core <= 1.x.x; target is 1.2.0'],
    [{ max: '1.x.x' }, '1.5.0-rc.1', true, 'finance requires core <= 1.x.x; target is 1.5.0-rc.1'],
    [{ max: 'v1.X' }, '2.0.0', false, 'finance requires core <= v1.X; target is 2.0.0'],
    [{ max: '1.2.x' }, '1.3.0', false, 'finance requires core <= 1.2.x; target is 1.3.0'],
    [{ max: '1.2.3' }, '1.2.3+build.7', true, 'finance requires core <= 1.2.3; target is 1.2.3'],
    [{ max: '1.0.0.1' }, '1.0.0.2', false, 'finance requires core <= 1.0.0.1; target is 1.0.0.2'],
    // seed bug: a wildcard min gave a misleading reason; the user's text is quoted as written
    [{ min: '1.x.x' }, '0.9.0', false, 'finance requires core >= 1.x.x; target is 0.9.0'],
    [{ min: '1.x.x' }, '1.0.0', true, 'finance requires core >= 1.x.x; target is 1.0.0'],
    [{ min: '1.x.x' }, '3.0.0', true, 'finance requires core >= 1.x.x; target is 3.0.0'],
    [{ min: '1.2.1' }, '1.2.0', false, 'finance requires core >= 1.2.1; target is 1.2.0'],
    [{ min: '1.2.1' }, '1.2.1-rc.1', false, 'finance requires core >= 1.2.1; target is 1.2.1-rc.1'],
    [{ min: 'v9.2.0995' }, 'v9.2.0994', false, 'finance requires core >= v9.2.0995; target is 9.2.994'],
    [{ min: '>=1.7.0 <2.0.0' }, '1.6.0', false, 'finance requires core no older than ">=1.7.0 <2.0.0"; target is 1.6.0'],
    [{ max: '>=1.7.0 <2.0.0' }, '2.1.0', false, 'finance requires core no newer than ">=1.7.0 <2.0.0"; target is 2.1.0'],
    [{ min: '^1.2', max: '^1.2' }, '1.5.0', true, 'finance requires core no older than "^1.2", no newer than "^1.2"; target is 1.5.0'],
    [{ min: '1.0.0', max: '1.x.x' }, '0.1.0', false, 'finance requires core >= 1.0.0; target is 0.1.0'],
  ] as [Requirement, string, boolean, string][])('%j with core %s', (requirement, version, compatible, reason) => {
    const verdict = one(requirement, target(version, null));
    expect(verdict.compatible).toBe(compatible);
    // Compatible reasons end with what else was looked at; compare the part about versions.
    expect(compatible ? verdict.reason.replace(/; no breaking changes$/, '') : verdict.reason).toBe(reason);
  });
});

describe('range', () => {
  it.each([
    ['^1.2', '1.9.0', true, 'finance requires core ^1.2; target is 1.9.0; no breaking changes'],
    ['^1.2', '2.0.0', false, 'finance requires core ^1.2; target is 2.0.0'],
    ['>=1.7.0 <2.0.0', '2.0.0-rc.1', false, 'finance requires core >=1.7.0 <2.0.0; target is 2.0.0-rc.1'],
    ['~1.2.3', '1.2.9', true, 'finance requires core ~1.2.3; target is 1.2.9; no breaking changes'],
    ['1.2.3 - 1.4', '1.5.0', false, 'finance requires core 1.2.3 - 1.4; target is 1.5.0'],
  ])('range %j with core %s', (range, version, compatible, reason) => {
    const verdict = one({ range }, target(version, null));
    expect(verdict).toEqual({ project: 'finance', compatible, reason });
  });

  it('is checked in addition to min and max, and all failures are listed', () => {
    const verdict = one({ min: '1.2.1', max: '1.x.x', range: '^1.3' }, target('2.0.0', null));
    expect(verdict.reason).toBe(
      'finance requires core <= 1.x.x; target is 2.0.0; finance requires core ^1.3; target is 2.0.0',
    );
  });
});

describe('contracts major', () => {
  it('matches the major of contracts_version', () => {
    expect(one({ contractsMajor: 1 }, target('1.3.0', '1.9.0')).compatible).toBe(true);
    expect(one({ contractsMajor: 0 }, target('0.3.0', 'v0.1')).compatible).toBe(true);
  });

  it('mismatch names core, target, contracts and the requirement', () => {
    expect(one({ contractsMajor: 1 }, target('2.0.0', '2.1.0')).reason).toBe(
      'Contracts major mismatch: core 2.0.0 has contracts 2.1.0, finance requires 1',
    );
    expect(one({ contractsMajor: 2 }, target('1.4.0', '1.0.0')).reason).toBe(
      'Contracts major mismatch: core 1.4.0 has contracts 1.0.0, finance requires 2',
    );
  });

  it('a target without contracts_version does not block, and says it was not checked', () => {
    const verdict = one({ min: '1.0.0', contractsMajor: 1 }, target('1.3.0', null));
    expect(verdict).toEqual({
      project: 'finance',
      compatible: true,
      reason:
        'finance requires core >= 1.0.0, contracts major 1 (not checked: target declares no contracts_version); target is 1.3.0; no breaking changes',
    });
  });

  it('a contracts_version that is not a version blocks, naming it', () => {
    const verdict = one({ contractsMajor: 1 }, target('1.3.0', 'TBD'));
    expect(verdict.compatible).toBe(false);
    expect(verdict.reason).toBe(
      'core 1.3.0 declares contracts_version "TBD", which is not a version; finance requires contracts major 1',
    );
  });

  it('an invalid contracts major in the requirement blocks', () => {
    const verdict = one({ contractsMajor: 1.5 }, target('1.3.0'));
    expect(verdict.compatible).toBe(false);
    expect(verdict.reason).toBe('finance has an invalid contracts major "1.5": expected a whole number');
    expect(one({ contractsMajor: '1' as unknown as number }, target('1.3.0')).compatible).toBe(false);
  });

  it('a dependent without contractsMajor ignores contracts', () => {
    expect(one({ min: '1.0.0' }, target('1.3.0', '7.0.0')).compatible).toBe(true);
  });
});

describe('breaking changes and allowBreaking', () => {
  const breaking: BreakingChange[] = [
    { text: 'Removed the v1 API', id: 'BC-1', version: '1.3.0' },
    { text: 'Renamed config key', version: '1.4.0' },
  ];

  it.each([
    [['*'], true, ''],
    [['Removed the v1 API', 'Renamed config key'], true, ''],
    [['BC-1', '1.4.0'], true, ''], // by id, and by release version
    [['v1.3.0', 'v1.4'], true, ''], // release version in another spelling
    [['  Removed the v1 API  ', '1.4.0'], true, ''],
    [
      ['BC-1'],
      false,
      'finance does not allow breaking change "Renamed config key" (core 1.4.0)',
    ],
    [
      [],
      false,
      'finance does not allow breaking change "Removed the v1 API" (core 1.3.0); finance does not allow breaking change "Renamed config key" (core 1.4.0)',
    ],
    [['removed the v1 api', '1.4.1', 'BC-2', ''], false, 'finance does not allow breaking change "Removed the v1 API" (core 1.3.0); finance does not allow breaking change "Renamed config key" (core 1.4.0)'],
  ])('allowBreaking %j', (allowBreaking, compatible, reason) => {
    const verdict = one({ allowBreaking }, target('1.4.0', null, breaking));
    expect(verdict.compatible).toBe(compatible);
    if (compatible) expect(verdict.reason).toBe('finance sets no version requirement on core; target is 1.4.0; 2 breaking changes allowed');
    else expect(verdict.reason).toBe(reason);
  });

  it('no allowBreaking at all allows none', () => {
    const verdict = one({}, target('1.4.0', null, breaking.slice(0, 1)));
    expect(verdict.compatible).toBe(false);
    expect(verdict.reason).toBe('finance does not allow breaking change "Removed the v1 API" (core 1.3.0)');
  });

  it('combines with the other checks', () => {
    const verdict = one(
      { min: '1.0.0', max: '1.x.x', contractsMajor: 1, allowBreaking: ['BC-1'] },
      target('1.4.0', '1.1.0', breaking),
    );
    expect(verdict.reason).toBe('finance does not allow breaking change "Renamed config key" (core 1.4.0)');
    const ok = one(
      { min: '1.0.0', max: '1.x.x', contractsMajor: 1, allowBreaking: ['BC-1', '1.4.0'] },
      target('1.4.0', '1.1.0', breaking),
    );
    expect(ok.reason).toBe(
      'finance requires core >= 1.0.0, <= 1.x.x, contracts major 1; target is 1.4.0 with contracts 1.1.0; 2 breaking changes allowed',
    );
  });
});

describe('bad data never throws and never lets an upgrade through', () => {
  it('an invalid constraint makes that dependent incompatible, naming field and text', () => {
    const verdict = one({ min: '1.x.2', max: 'banana' }, target('1.3.0'));
    expect(verdict.compatible).toBe(false);
    expect(verdict.reason).toBe(
      'finance has an invalid min requirement: Invalid version constraint "1.x.2": a wildcard cannot be followed by a number ("2"); ' +
        'finance has an invalid max requirement: Invalid version constraint "banana": not a version, wildcard or range (Invalid comparator: banana)',
    );
  });

  it('a non-text constraint is reported', () => {
    const verdict = one({ min: 1 as unknown as string }, target('1.3.0'));
    expect(verdict.compatible).toBe(false);
    expect(verdict.reason).toBe('finance has an invalid min requirement: expected text, got number');
  });

  it('blank fields are treated as absent', () => {
    expect(one({ min: '', max: '  ' }, target('1.3.0')).reason).toBe(
      'finance sets no version requirement on core; target is 1.3.0; no breaking changes',
    );
  });

  it('a target version that is not a version makes every dependent incompatible', () => {
    const report = evaluateDependents('core', target('latest'), [
      { project: 'a', requirement: {} },
      { project: 'b', requirement: { min: '1.0.0' } },
    ]);
    expect(report.compatible).toBe(false);
    expect(report.dependents.map((d) => d.reason)).toEqual([
      'Cannot check a: target core version "latest" is not a version',
      'Cannot check b: target core version "latest" is not a version',
    ]);
  });

  it('a malformed breaking-change entry is still reported, not thrown', () => {
    const bad = { text: undefined, version: undefined } as unknown as BreakingChange;
    const verdict = one({ allowBreaking: ['1.3.0'] }, target('1.3.0', null, [bad]));
    expect(verdict.compatible).toBe(false);
    expect(verdict.reason).toBe('finance does not allow breaking change "undefined" (core undefined)');
  });

  it('no dependents: compatible, nothing to report', () => {
    expect(evaluateDependents('core', target('9.9.9'), [])).toEqual({ compatible: true, dependents: [] });
  });

  it('one incompatible dependent makes the report incompatible; order is kept', () => {
    const report = evaluateDependents('vit-core', target('2.0.0', '2.0.0'), [
      { project: 'z', requirement: { max: '2.x' } },
      { project: 'a', requirement: { max: '1.x' } },
    ]);
    expect(report.compatible).toBe(false);
    expect(report.dependents.map((d) => [d.project, d.compatible])).toEqual([
      ['z', true],
      ['a', false],
    ]);
    expect(report.dependents[1]?.reason).toBe('a requires vit-core <= 1.x; target is 2.0.0');
  });
});
