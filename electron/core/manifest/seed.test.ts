import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, SEED_CORE_PLACEHOLDER } from './index.js';

/** The recorded real-world manifests (read-only); `UPSHIFT_FIXTURES` overrides where they live. */
const FIXTURES = path.join(
  process.env.UPSHIFT_FIXTURES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/real'),
  'vitruvyan',
);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upshift-seed-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A project holding the fixture as its vertical_manifest.yaml (and optionally the seed smoke script). */
function fixtureProject(fixture: string, withSmoke: boolean): string {
  const text = fs.readFileSync(path.join(FIXTURES, fixture), 'utf8');
  return project({ 'vertical_manifest.yaml': text, ...(withSmoke ? { 'smoke_tests/run.sh': '#!/bin/sh\nexit 0\n' } : {}) });
}

const COMMON_IGNORED = [
  'ownership: not used by Upshift; ignored',
  'required_components: not used by Upshift; ignored',
  'optional_components: not used by Upshift; ignored',
  'adapters: not used by Upshift; ignored',
  'contracts_used: not used by Upshift; ignored',
];

describe('seed format: the real vitruvyan manifests', () => {
  it('has the fixtures', () => {
    expect(fs.existsSync(FIXTURES), `fixtures not found at ${FIXTURES}; set UPSHIFT_FIXTURES`).toBe(true);
  });

  it('loads finance.vertical_manifest.yaml', () => {
    const root = fixtureProject('finance.vertical_manifest.yaml', true);
    const m = loadManifest(root, { core: 'vitruvyan-core' });
    expect(m).toMatchObject({
      file: 'vertical_manifest.yaml',
      filePath: path.join(root, 'vertical_manifest.yaml'),
      name: 'finance',
      declaredVersion: '0.2.0',
      seedFormat: true,
      channel: 'stable',
      core: 'vitruvyan-core',
      requires: { 'vitruvyan-core': { min: '1.0.0', max: '1.x.x', contractsMajor: 1, allowBreaking: [] } },
      smoke: { command: 'sh smoke_tests/run.sh', timeoutSeconds: 180, seedExitCodes: true },
      source: { type: 'git', remote: 'origin', tagPattern: 'v{version}' },
      snapshot: { paths: [], mode: 'auto' },
      install: null,
      gates: { patch: 'auto', minor: 'review', major: 'manual', prerelease: 'manual' },
    });
    expect(m.warnings).toEqual([
      'status "active": not used by Upshift; ignored',
      ...COMMON_IGNORED,
      'domain_metadata: not used by Upshift; ignored',
    ]);
  });

  it('loads root.vertical_manifest.yaml (status "draft", notifications, docker, upstream)', () => {
    const m = loadManifest(fixtureProject('root.vertical_manifest.yaml', true), { core: 'vitruvyan-core' });
    expect(m).toMatchObject({
      name: 'finance',
      declaredVersion: '0.1.0',
      requires: { 'vitruvyan-core': { min: '1.2.1', max: '1.x.x', contractsMajor: 1, allowBreaking: [] } },
      smoke: { command: 'sh smoke_tests/run.sh', timeoutSeconds: 300, seedExitCodes: true },
    });
    expect(m.warnings).toEqual([
      'status "draft": not used by Upshift; ignored',
      'notifications: not used by Upshift (Upshift runs its own update checks and notifications); ignored',
      ...COMMON_IGNORED,
      'docker: not used by Upshift; ignored',
      'upstream: not used by Upshift (releases are read from the project\'s git remote ("origin" unless an upshift.yml sets source.remote)); ignored',
    ]);
  });

  it('loads enterprise.vertical_manifest.yaml (contract_version, sacred_orders_packs, compliance)', () => {
    const m = loadManifest(fixtureProject('enterprise.vertical_manifest.yaml', false), { core: 'vitruvyan-core' });
    expect(m).toMatchObject({ name: 'enterprise', declaredVersion: '0.2.0', smoke: null, seedFormat: true });
    expect(m.requires).toEqual({ 'vitruvyan-core': { min: '1.2.1', max: '1.x.x', contractsMajor: 1, allowBreaking: [] } });
    expect(m.warnings).toContain('contract_version: not used by Upshift (only compatibility.contracts_major is compared); ignored');
    expect(m.warnings).toContain('sacred_orders_packs: not used by Upshift; ignored');
    expect(m.warnings).toContain('compliance: not used by Upshift; ignored');
    expect(m.warnings).toContain('compatibility.smoke_tests_timeout: there is no smoke_tests/run.sh, so no smoke test runs; ignored');
  });

  it('keeps the requirement under a placeholder and says to pass --core when the core is unknown', () => {
    for (const fixture of ['finance.vertical_manifest.yaml', 'root.vertical_manifest.yaml', 'enterprise.vertical_manifest.yaml']) {
      const m = loadManifest(fixtureProject(fixture, false));
      expect(m.core).toBeNull();
      expect(Object.keys(m.requires)).toEqual([SEED_CORE_PLACEHOLDER]);
      expect(m.warnings.some((w) => w.includes('pass --core <project>'))).toBe(true);
    }
  });
});

describe('seed format: rules', () => {
  const seed = (text: string, files: Record<string, string> = {}): string => project({ 'vertical_manifest.yaml': text, ...files });

  it('reads core: from the file, and lets --core win with a warning', () => {
    const root = seed('core: platform\ncompatibility:\n  min_core_version: "1.0.0"\n');
    expect(loadManifest(root).requires).toEqual({ platform: { min: '1.0.0' } });
    const m = loadManifest(root, { core: 'kernel' });
    expect(m.requires).toEqual({ kernel: { min: '1.0.0' } });
    expect(m.warnings).toEqual(['core: vertical_manifest.yaml names "platform" but --core names "kernel"; using "kernel"']);
  });

  it('maps update_channel beta to prerelease', () => {
    expect(loadManifest(seed('compatibility:\n  update_channel: beta\n'), { core: 'c' }).channel).toBe('prerelease');
  });

  it('defaults the smoke timeout to 300 seconds when the script exists and no timeout is set', () => {
    const m = loadManifest(seed('domain_name: x\n', { 'smoke_tests/run.sh': 'exit 0\n' }));
    expect(m.smoke).toEqual({ command: 'sh smoke_tests/run.sh', timeoutSeconds: 300, seedExitCodes: true });
  });

  it('uses a timeout outside the seed contract but says so', () => {
    const m = loadManifest(seed('compatibility:\n  smoke_tests_timeout: 30\n', { 'smoke_tests/run.sh': 'exit 0\n' }), { core: 'c' });
    expect(m.smoke?.timeoutSeconds).toBe(30);
    expect(m.warnings).toContain("compatibility.smoke_tests_timeout 30 is outside the seed contract's 60..600 seconds; used as is");
  });

  it('warns when there is no compatibility block', () => {
    const m = loadManifest(seed('domain_name: x\ndomain_version: 1.0\n'), { core: 'c' });
    expect(m.requires).toEqual({});
    expect(m.declaredVersion).toBe('1.0');
    expect(m.warnings).toEqual(['compatibility: missing from vertical_manifest.yaml, so nothing limits which core versions this project accepts']);
  });

  it('warns about a status outside the seed schema and unknown compatibility keys', () => {
    const m = loadManifest(seed('status: experimental\ncode: 1\ncompatibility:\n  notes: hi\n'), { core: 'c' });
    expect(m.warnings).toEqual([
      'status "experimental" is not one of "draft", "active", "deprecated"; ignored',
      'code: not used by Upshift; ignored',
      'compatibility.notes: not used by Upshift; ignored',
    ]);
  });

  it('refuses a misspelling of a key it reads, since ignoring it would skip a check', () => {
    const e = (() => {
      try {
        loadManifest(seed('compatibilty:\n  min_core_version: "1.0.0"\n'));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(ManifestError);
    expect((e as ManifestError).message).toBe(
      'vertical_manifest.yaml:1:1: compatibilty: unknown key (did you mean "compatibility"?); Upshift reads "compatibility" and would otherwise skip it. Nothing was changed.',
    );
    expect(() => loadManifest(seed('compatibility:\n  max_core_verison: "1.x.x"\n'))).toThrow(/2:3: compatibility\.max_core_verison: unknown key \(did you mean "max_core_version"\?\)/);
  });

  it('refuses wrong types and values in the blocks it reads', () => {
    let err: unknown;
    try {
      loadManifest(seed('domain_version: soon\ncompatibility:\n  contracts_major: one\n  update_channel: nightly\n  breaking_changes_allowlist: all\n  smoke_tests_timeout: 0\n'));
    } catch (e) {
      err = e;
    }
    expect((err as ManifestError).issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.problem}`)).toEqual([
      '1:1 domain_version: must be a version such as "0.2.0"',
      '3:3 compatibility.contracts_major: expected a number, got "one"',
      '4:3 compatibility.update_channel: expected one of "stable", "beta", got "nightly"',
      '5:3 compatibility.breaking_changes_allowlist: expected a list, got "all"',
      '6:3 compatibility.smoke_tests_timeout: must be at least 1, got 0',
    ]);
  });

  it('refuses a compatibility block that is not a mapping', () => {
    expect(() => loadManifest(seed('compatibility: [1, 2]\n'))).toThrow(/1:1: compatibility: expected a mapping, got a list/);
  });

  it('treats empty values as absent (the seed is lenient there)', () => {
    const m = loadManifest(seed('domain_name:\ncompatibility:\n  min_core_version:\n  breaking_changes_allowlist:\n'), { core: 'c' });
    expect(m.name).toBeNull();
    expect(m.requires).toEqual({ c: {} });
  });
});
