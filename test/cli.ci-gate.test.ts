/**
 * `upshift ci` through the real CLI: the real vitruvyan manifests and generated verticals against a core repository
 * whose tags carry release metadata; the candidate as a tag, a commit and the working tree; the JSON report, the JUnit
 * XML parsed with a real XML parser, exit codes, and bad input named.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CiReport } from '../electron/core/gate/types.js';
import { CliHarness } from './helpers/cli.js';
import { commitOnCore, makeGateCore, makeVertical, realVerticalsDir, REAL_MANIFESTS, VITRUVYAN } from './helpers/gate-fixture.js';
import { git, makeTempDir, writeFiles } from './helpers/repos.js';

interface JunitCase {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '#text': string };
}

function parseJunit(file: string) {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' || name === 'testsuite' || name === 'property' }).parse(xml) as {
    testsuites: { '@_tests': string; '@_failures': string; testsuite: Array<{ '@_name': string; '@_tests': string; '@_failures': string; testcase: JunitCase[]; properties: { property: Array<{ '@_name': string; '@_value': string }> } }> };
  };
  expect(doc.testsuites.testsuite).toHaveLength(1);
  return doc.testsuites.testsuite[0]!;
}

const byManifest = (r: CiReport) => Object.fromEntries(r.results.map((x) => [path.basename(x.manifest), x]));

describe('upshift ci over the real vitruvyan manifests', () => {
  const core = makeGateCore();
  const verticals = realVerticalsDir();
  const cli = new CliHarness();

  it('a release every vertical accepts passes: exit 0, the seed keys, one result per manifest with its requirement', () => {
    const out = path.join(makeTempDir(), 'reports', 'gate.xml');
    const r = cli.run('ci', '--core', core.path, '--version', '1.2.1', '--verticals', verticals, '--junit', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = r.json<CiReport>();
    expect(report).toMatchObject({ blocked: false, failing_verticals: [], total_verticals: 3, core: { name: 'core', path: core.path } });
    expect(report.reason).toBe('All 3 verticals are compatible with core 1.2.1 (tag v1.2.1).');
    expect(report.candidate).toMatchObject({ version: '1.2.1', kind: 'tag', tag: 'v1.2.1', sha: core.sha('v1.2.1'), contractsVersion: '1.1.0', metadataFile: 'release_metadata.json', previous: { version: '1.2.0', tag: 'v1.2.0' }, unread: null });
    const results = byManifest(report);
    expect(Object.keys(results).sort()).toEqual([...REAL_MANIFESTS].sort());
    expect(results['finance.vertical_manifest.yaml']).toMatchObject({
      name: 'finance',
      format: 'vertical_manifest.yaml',
      compatible: true,
      requirement: { min: '1.0.0', max: '1.x.x', contractsMajor: 1, allowBreaking: [] },
      reasons: ['finance requires core >= 1.0.0, <= 1.x.x, contracts major 1; target is 1.2.1 with contracts 1.1.0; no breaking changes'],
    });
    expect(results['root.vertical_manifest.yaml']!.requirement).toEqual({ min: '1.2.1', max: '1.x.x', contractsMajor: 1, allowBreaking: [] });
    expect(results['enterprise.vertical_manifest.yaml']!.manifest).toBe(path.join(verticals, 'enterprise.vertical_manifest.yaml'));

    const suite = parseJunit(out);
    expect(suite['@_tests']).toBe('3');
    expect(suite['@_failures']).toBe('0');
    expect(suite.testcase.map((c) => c['@_name']).sort()).toEqual(
      [`enterprise (${path.join(verticals, 'enterprise.vertical_manifest.yaml')})`, `finance (${path.join(verticals, 'finance.vertical_manifest.yaml')})`, `finance (${path.join(verticals, 'root.vertical_manifest.yaml')})`].sort(),
    );
    expect(suite.testcase.every((c) => c['@_classname'] === 'upshift.ci.core')).toBe(true);
    expect(suite.testcase.every((c) => c.failure === undefined)).toBe(true);
    const props = Object.fromEntries(suite.properties.property.map((p) => [p['@_name'], p['@_value']]));
    expect(props).toMatchObject({ core: 'core', 'candidate.version': '1.2.1', 'candidate.source': 'tag v1.2.1', 'candidate.contracts_version': '1.1.0', blocked: 'false' });
  });

  it('1.3.0 with the seed’s real releases.json: its breaking_changes are read (the seed dropped them) and block every empty allowlist — exit 1', () => {
    const out = path.join(makeTempDir(), 'gate.xml');
    const r = cli.run('ci', '--core', core.path, '--version', 'v1.3.0', '--verticals', verticals, '--junit', out, '--json');
    expect(r.code, r.stderr).toBe(1);
    const report = r.json<CiReport>();
    expect(report.blocked).toBe(true);
    expect(report.total_verticals).toBe(3);
    expect([...report.failing_verticals].sort()).toEqual(['enterprise', 'finance', 'finance']);
    expect(report.reason).toMatch(/^3 of 3 verticals are not compatible with core 1\.3\.0 \(tag v1\.3\.0\): /);
    expect(report.candidate.metadataFile).toBe('releases.json');
    expect(report.candidate.breakingChanges.map((b) => b.text)).toEqual([
      'Python imports changed: infrastructure.edge.oculus_prime → vitruvyan_edge.oculus_prime',
      'Dockerfile COPY changed: infrastructure/edge/oculus_prime → vitruvyan_edge',
    ]);
    expect(byManifest(report)['finance.vertical_manifest.yaml']!.reasons).toEqual([
      'finance does not allow breaking change "Python imports changed: infrastructure.edge.oculus_prime → vitruvyan_edge.oculus_prime" (core 1.3.0); ' +
        'finance does not allow breaking change "Dockerfile COPY changed: infrastructure/edge/oculus_prime → vitruvyan_edge" (core 1.3.0)',
    ]);

    const suite = parseJunit(out);
    expect(suite['@_failures']).toBe('3');
    for (const c of suite.testcase) {
      expect(c.failure?.['@_message']).toContain('does not allow breaking change "Python imports changed');
      expect(c.failure?.['#text']).toContain('Dockerfile COPY changed');
    }
  });

  it('1.2.0 is below root’s and enterprise’s minimum; the human report names each and says BLOCKED', () => {
    const r = cli.run('ci', '--core', core.path, '--version', '1.2.0', '--verticals', verticals);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Release gate for core 1.2.0 (tag v1.2.0');
    expect(r.stdout).toContain('✓ finance');
    expect(r.stdout).toContain('enterprise requires core >= 1.2.1; target is 1.2.0');
    expect(r.stdout).toMatch(/BLOCKED: 2 of 3 verticals are not compatible with core 1\.2\.0 \(tag v1\.2\.0\): /);
  });

  it('2.0.0: above every max 1.x.x and a contracts major mismatch, both reasons listed', () => {
    const report = cli.run('ci', '--core', core.path, '--version', '2.0.0', '--verticals', path.join(verticals, 'finance.vertical_manifest.yaml'), '--json').json<CiReport>();
    expect(report.results[0]!.reasons[0]).toBe(
      'finance requires core <= 1.x.x; target is 2.0.0; Contracts major mismatch: core 2.0.0 has contracts 2.0.0, finance requires 1; finance does not allow breaking change "Removed the v1 plugin API" (core 2.0.0)',
    );
  });
});

describe('upshift ci with generated verticals and candidates that are not tags', () => {
  it('a commit (--at <sha>) carries a conventional-commit breaking change; an allowlist that names it passes, one that does not is blocked', () => {
    const core = makeGateCore();
    const sha = commitOnCore(core, { 'release_metadata.json': '{"version": "1.5.0", "release_date": "2026-03-01", "contracts_version": "1.3.0"}\n' }, 'feat(api)!: drop the legacy parser');
    const parent = makeTempDir();
    makeVertical(parent, { name: 'billing', min: '1.2.0', max: '1.x', contractsMajor: 1, allow: ['drop the legacy parser'], requires: 'platform' });
    makeVertical(parent, { name: 'search', min: '1.2.0', max: '1.x', contractsMajor: 1 }, 'search');
    makeVertical(parent, { name: 'ledger', seed: true, min: '1.0.0', max: '1.x.x', contractsMajor: 1, allow: ['*'] });
    const cli = new CliHarness();
    const r = cli.run('ci', '--core', core.path, '--version', '1.5.0', '--at', sha.slice(0, 10), '--verticals', `${parent}/*`, '--json');
    expect(r.code, r.stderr).toBe(1);
    const report = r.json<CiReport>();
    expect(report.candidate).toMatchObject({ kind: 'commit', sha, tag: null, label: `commit ${sha.slice(0, 12)}`, contractsVersion: '1.3.0', previous: { version: '1.4.0' } });
    expect(report.candidate.breakingChanges).toEqual([{ text: 'drop the legacy parser', id: sha.slice(0, 7), version: '1.5.0' }]);
    const by = Object.fromEntries(report.results.map((x) => [x.name, x]));
    expect(by.billing).toMatchObject({ compatible: true, format: 'upshift.yml', requirement: { min: '1.2.0', max: '1.x', contractsMajor: 1 } });
    expect(by.billing!.reasons).toContain('requires.platform is read as its requirement on core (the project it names as its core)');
    expect(by.ledger).toMatchObject({ compatible: true, format: 'vertical_manifest.yaml' });
    expect(by.search).toMatchObject({ compatible: false, reasons: ['search does not allow breaking change "drop the legacy parser" (core 1.5.0)'] });
    expect(report.failing_verticals).toEqual(['search']);
  });

  it('the working tree (--at worktree): its uncommitted release_metadata.json decides, and invalid metadata fails every vertical naming the file and field', () => {
    const core = makeGateCore();
    const parent = makeTempDir();
    makeVertical(parent, { name: 'billing', min: '1.2.0', max: '1.x', contractsMajor: 1 });
    makeVertical(parent, { name: 'ledger', seed: true, min: '1.0.0', max: '1.x.x', contractsMajor: 1 });
    const cli = new CliHarness();
    const run = () => cli.run('ci', '--core', core.path, '--version', '1.6.0', '--at', 'worktree', '--verticals', parent, '--json');

    writeFiles(core.path, { 'release_metadata.json': '{"version": "1.6.0", "release_date": "2026-04-01", "contracts_version": "1.4.0"}\n' });
    let r = run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<CiReport>().candidate).toMatchObject({ kind: 'worktree', label: `working tree of ${core.path}`, contractsVersion: '1.4.0', metadataFile: 'release_metadata.json' });

    writeFiles(core.path, { 'release_metadata.json': '{"version": "1.6.0", "release_date": "2026-04-01", "contracts_version": "2.0.0"}\n' });
    r = run();
    expect(r.code).toBe(1);
    expect(r.json<CiReport>().results.map((x) => x.reasons[0])).toEqual([
      'Contracts major mismatch: core 1.6.0 has contracts 2.0.0, billing requires 1',
      'Contracts major mismatch: core 1.6.0 has contracts 2.0.0, ledger requires 1',
    ]);

    writeFiles(core.path, { 'release_metadata.json': '{"version": "1.6.0", "release_date": "yesterday"}\n' });
    r = run();
    expect(r.code).toBe(1);
    const report = r.json<CiReport>();
    expect(report.candidate.unread).toMatch(/^the release metadata of working tree of .* is invalid: release_metadata\.json:1:\d+: release_date: /);
    for (const x of report.results) {
      expect(x.compatible).toBe(false);
      expect(x.reasons.at(-1)).toMatch(/^the metadata of core 1\.6\.0 cannot be used: the release metadata of .* is invalid: release_metadata\.json:1:\d+: release_date/);
    }
  });

  it('the watched verticals of a watched core when no --verticals are given', () => {
    const core = makeGateCore();
    const parent = makeTempDir();
    const billing = makeVertical(parent, { name: 'billing', min: '1.3.0', max: '1.x', contractsMajor: 1, git: true });
    const cli = new CliHarness();
    expect(cli.run('add', core.path, '--name', 'core').code).toBe(0);
    expect(cli.run('add', billing, '--core', 'core').code).toBe(0);
    const r = cli.run('ci', '--core', 'core', '--version', '1.2.1', '--json');
    expect(r.code, r.stderr).toBe(1);
    const report = r.json<CiReport>();
    expect(report.results.map((x) => [x.name, x.manifest, x.compatible])).toEqual([['billing', path.join(billing, 'upshift.yml'), false]]);
    expect(report.results[0]!.reasons[0]).toBe('billing requires core >= 1.3.0; target is 1.2.1');
    // The same core given by its path finds the same watched verticals.
    expect(cli.run('ci', '--core', core.path, '--version', '1.4.0', '--json').json<CiReport>().results.map((x) => [x.name, x.compatible])).toEqual([['billing', true]]);
  });

  it('escapes what the XML would not survive: a vertical named <script> with quotes and an ampersand', () => {
    const core = makeGateCore();
    const parent = makeTempDir();
    const name = `<script>alert("x")</script> & 'co'`;
    makeVertical(parent, { name, seed: true, min: '9.0.0' }, 'hostile');
    const out = path.join(parent, 'junit.xml');
    const cli = new CliHarness();
    const r = cli.run('ci', '--core', core.path, '--version', '1.4.0', '--verticals', parent, '--junit', out);
    expect(r.code).toBe(1);
    expect(readFileSync(out, 'utf8')).not.toContain('<script>');
    const suite = parseJunit(out);
    expect(suite.testcase[0]!['@_name']).toBe(`${name} (${path.join(parent, 'hostile', 'vertical_manifest.yaml')})`);
    expect(suite.testcase[0]!.failure!['@_message']).toBe(`${name} requires core >= 9.0.0; target is 1.4.0`);
  });
});

describe('upshift ci: bad input is named, exit 2, nothing judged', () => {
  const core = makeGateCore();
  const verticals = realVerticalsDir();
  const cli = new CliHarness();

  it('a core path that does not exist', () => {
    const r = cli.run('ci', '--core', '/nonexistent/core', '--version', '1.2.1', '--verticals', verticals, '--json');
    expect(r.code).toBe(2);
    expect(r.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'GATE_CORE_NOT_FOUND' });
    expect(r.stderr).toContain('--core "/nonexistent/core": /nonexistent/core is not a directory');
  });

  it('a vertical manifest that does not parse: file, line and field', () => {
    const parent = makeTempDir();
    writeFileSync(path.join(parent, 'broken.vertical_manifest.yaml'), 'domain_name: broken\ncompatibility:\n  min_core_version: "1.0.0"\n  max_core_verison: "1.x.x"\n');
    writeFileSync(path.join(parent, 'bad-yaml.vertical_manifest.yaml'), 'compatibility: [unclosed\n');
    const r = cli.run('ci', '--core', core.path, '--version', '1.2.1', '--verticals', parent, verticals, '--json');
    expect(r.code).toBe(2);
    const error = r.json<{ error: { code: string; message: string; details: { manifests: Array<{ file: string }> } } }>().error;
    expect(error.code).toBe('GATE_MANIFEST_INVALID');
    expect(error.details.manifests.map((m) => path.basename(m.file)).sort()).toEqual(['bad-yaml.vertical_manifest.yaml', 'broken.vertical_manifest.yaml']);
    expect(error.message).toContain(`${path.join(parent, 'broken.vertical_manifest.yaml')}:4:3: compatibility.max_core_verison: unknown key (did you mean "max_core_version"?)`);
    expect(error.message).toContain(`${path.join(parent, 'bad-yaml.vertical_manifest.yaml')}:`);
  });

  it('a --verticals glob that matches nothing, and a directory without verticals', () => {
    let r = cli.run('ci', '--core', core.path, '--version', '1.2.1', '--verticals', `${verticals}/*.toml`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--verticals "${verticals}/*.toml" matches nothing`);
    const empty = makeTempDir();
    r = cli.run('ci', '--core', core.path, '--version', '1.2.1', '--verticals', empty, '--json');
    expect(r.code).toBe(2);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('GATE_NO_VERTICALS');
  });

  it('a version with no tag, a flag without a value, and no --version at all', () => {
    let r = cli.run('ci', '--core', core.path, '--version', '1.9.0', '--verticals', verticals);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No tag for version 1.9.0 in the core at');
    expect(r.stderr).toContain('newest local release tags: v2.0.0, v1.4.0, v1.3.0');
    r = cli.run('ci', '--core', core.path, '--version=', '--verticals', verticals, '--json');
    expect(r.code).toBe(2);
    expect(r.json<{ error: { code: string; details: { flag: string } } }>().error).toMatchObject({ code: 'BAD_FLAG_VALUE', details: { flag: '--version' } });
    r = cli.run('ci', '--core', core.path, '--verticals', verticals);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--version');
  });

  it('several --verticals and shell-expanded paths count together, each manifest once', () => {
    const files = REAL_MANIFESTS.map((f) => path.join(verticals, f));
    const r = cli.run('ci', '--core', core.path, '--version', '1.2.1', '--verticals', files[0]!, '--verticals', files[1]!, files[2]!, files[0]!, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<CiReport>().results.map((x) => x.manifest)).toEqual(files);
    expect(readFileSync(path.join(VITRUVYAN, REAL_MANIFESTS[0]!), 'utf8')).toBe(readFileSync(files[0]!, 'utf8'));
  });

  it('the core checkout is left exactly as it was', () => {
    const before = [git(core.path, 'rev-parse', 'HEAD'), git(core.path, 'status', '--porcelain'), git(core.path, 'for-each-ref')];
    expect(cli.run('ci', '--core', core.path, '--version', '1.3.0', '--verticals', verticals).code).toBe(1);
    expect([git(core.path, 'rev-parse', 'HEAD'), git(core.path, 'status', '--porcelain'), git(core.path, 'for-each-ref')]).toEqual(before);
  });
});
