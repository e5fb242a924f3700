import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultManifest, loadManifest } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A real temporary project directory holding `files`. */
function project(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upshift-manifest-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const FULL = `# yaml-language-server: $schema=../docs/upshift.schema.json
name: billing
source:
  type: git
  remote: upstream
  tagPattern: "release-{version}"
channel: prerelease
install: npm ci
smoke:
  command: npm test -- --run
  timeoutSeconds: 120
snapshot:
  paths: [data, ./config/local.json, "cache/"]
  mode: move
hooks:
  preUpgrade: ./scripts/stop.sh
  postCheckout: git submodule update --init
  postUpgrade: ./scripts/start.sh
  onRollback: ./scripts/start.sh
requires:
  platform:
    min: 1.2.0
    max: 1.x.x
    range: ">=1.2 <2"
    contractsMajor: 1
    allowBreaking: ["drop node 18", "1.5.0"]
core: platform
gates:
  patch: auto
  minor: auto
  major: review
  prerelease: skip
version: 2.3.0
`;

describe('loadManifest: upshift.yml', () => {
  it('reads every key of a full manifest', () => {
    const root = project({ 'upshift.yml': FULL });
    const { origins, ...m } = loadManifest(root);
    expect(origins?.find((o) => o.key === 'smoke.command')).toMatchObject({ source: 'manifest', file: 'upshift.yml' });
    expect(m).toEqual({
      file: 'upshift.yml',
      filePath: path.join(root, 'upshift.yml'),
      name: 'billing',
      source: { type: 'git', remote: 'upstream', tagPattern: 'release-{version}' },
      channel: 'prerelease',
      install: 'npm ci',
      smoke: { command: 'npm test -- --run', timeoutSeconds: 120, seedExitCodes: false },
      snapshot: { paths: ['data', 'config/local.json', 'cache'], mode: 'move' },
      hooks: {
        preUpgrade: './scripts/stop.sh',
        postCheckout: 'git submodule update --init',
        postUpgrade: './scripts/start.sh',
        onRollback: './scripts/start.sh',
      },
      requires: {
        platform: { min: '1.2.0', max: '1.x.x', range: '>=1.2 <2', contractsMajor: 1, allowBreaking: ['drop node 18', '1.5.0'] },
      },
      core: 'platform',
      gates: { patch: 'auto', minor: 'auto', major: 'review', prerelease: 'skip' },
      declaredVersion: '2.3.0',
      seedFormat: false,
      warnings: [],
    });
  });

  it('gives every default for an empty file, a comment-only file and an explicit null document', () => {
    for (const text of ['', '# nothing yet\n', '~\n', '---\n']) {
      const root = project({ 'upshift.yml': text });
      const { origins, ...m } = loadManifest(root);
      expect(m).toEqual({ ...defaultManifest(), file: 'upshift.yml', filePath: path.join(root, 'upshift.yml') });
      expect(origins?.every((o) => o.source === 'default')).toBe(true);
    }
  });

  it('documents the defaults: origin, v{version}, stable, copy, patch auto / minor review / major+prerelease manual', () => {
    const m = defaultManifest();
    expect(m.source).toEqual({ type: 'git', remote: 'origin', tagPattern: 'v{version}' });
    expect(m.channel).toBe('stable');
    expect(m.snapshot).toEqual({ paths: [], mode: 'auto' });
    expect(m.gates).toEqual({ patch: 'auto', minor: 'review', major: 'manual', prerelease: 'manual' });
    expect(m.smoke).toBeNull();
  });

  it('fills defaults inside partly written blocks', () => {
    const root = project({ 'upshift.yml': 'source:\n  remote: upstream\nsmoke:\n  command: make test\ngates:\n  major: skip\n' });
    const m = loadManifest(root);
    expect(m.source).toEqual({ type: 'git', remote: 'upstream', tagPattern: 'v{version}' });
    expect(m.smoke).toEqual({ command: 'make test', timeoutSeconds: 300, seedExitCodes: false });
    expect(m.gates).toEqual({ patch: 'auto', minor: 'review', major: 'skip', prerelease: 'manual' });
  });

  it('returns defaults with file null when the project has no manifest', () => {
    const root = project({ 'README.md': '# hi\n' });
    const { origins, ...m } = loadManifest(root);
    expect(m).toEqual(defaultManifest());
    expect(origins?.find((o) => o.key === 'smoke.command')).toEqual({ key: 'smoke.command', value: null, source: 'default', file: null });
    expect(loadManifest(root, { core: 'platform' }).core).toBe('platform');
  });

  it('accepts upshift.yaml', () => {
    const root = project({ 'upshift.yaml': 'name: alt\n' });
    const m = loadManifest(root);
    expect(m.file).toBe('upshift.yml');
    expect(m.filePath).toBe(path.join(root, 'upshift.yaml'));
    expect(m.name).toBe('alt');
  });

  it('prefers upshift.yml over upshift.yaml, and says so', () => {
    const root = project({ 'upshift.yml': 'name: one\n', 'upshift.yaml': 'name: two\n' });
    const m = loadManifest(root);
    expect(m.name).toBe('one');
    expect(m.warnings).toEqual([expect.stringContaining('upshift.yaml is also present and was ignored')]);
  });

  it('prefers upshift.yml over vertical_manifest.yaml, and warns', () => {
    const root = project({
      'upshift.yml': 'name: mine\nrequires:\n  platform: {min: "2.0.0"}\n',
      'vertical_manifest.yaml': 'domain_name: seed\ncompatibility:\n  min_core_version: "1.0.0"\n',
    });
    const m = loadManifest(root);
    expect(m.file).toBe('upshift.yml');
    expect(m.name).toBe('mine');
    expect(m.seedFormat).toBe(false);
    expect(m.requires).toEqual({ platform: { min: '2.0.0' } });
    expect(m.warnings).toEqual(['vertical_manifest.yaml is also present and was not read: upshift.yml takes precedence']);
  });

  it('keeps versions as written when YAML would read them as numbers', () => {
    const root = project({ 'upshift.yml': 'version: 1.10\nrequires:\n  platform:\n    min: 1.2\n    max: 2\n    allowBreaking: [1.50]\n' });
    const m = loadManifest(root);
    expect(m.declaredVersion).toBe('1.10');
    expect(m.requires.platform).toEqual({ min: '1.2', max: '2', allowBreaking: ['1.50'] });
  });

  it('takes core from the only entry of requires, and not when there are several', () => {
    expect(loadManifest(project({ 'upshift.yml': 'requires:\n  platform: {}\n' })).core).toBe('platform');
    expect(loadManifest(project({ 'upshift.yml': 'requires:\n  a: {}\n  b: {}\n' })).core).toBeNull();
  });

  it('lets --core override core: with a warning when they differ', () => {
    const root = project({ 'upshift.yml': 'core: platform\n' });
    expect(loadManifest(root, { core: 'platform' }).warnings).toEqual([]);
    const m = loadManifest(root, { core: 'kernel' });
    expect(m.core).toBe('kernel');
    expect(m.warnings).toEqual(['core: upshift.yml names "platform" but --core names "kernel"; using "kernel"']);
  });

  it('dedupes snapshot paths after normalising them', () => {
    const root = project({ 'upshift.yml': 'snapshot:\n  paths: [data, ./data, data/, "data\\\\x", a/../b]\n' });
    expect(loadManifest(root).snapshot.paths).toEqual(['data', 'data/x', 'b']);
  });

  it('accepts snapshot paths that are symlinks staying inside the project', () => {
    const root = project({ 'real/keep.txt': 'x', 'upshift.yml': 'snapshot:\n  paths: [link, link/keep.txt, missing/deeper]\n' });
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'));
    expect(loadManifest(root).snapshot.paths).toEqual(['link', 'link/keep.txt', 'missing/deeper']);
  });

  it('accepts a $schema key (for editors) and a BOM', () => {
    const root = project({ 'upshift.yml': '\uFEFF$schema: ./upshift.schema.json\nname: x\n' });
    expect(loadManifest(root).name).toBe('x');
  });

  it('warns when a project requires itself', () => {
    const m = loadManifest(project({ 'upshift.yml': 'name: a\nrequires:\n  a: {min: "1.0.0"}\n  b: {}\n' }));
    expect(m.warnings).toEqual(['requires.a: a project cannot require itself; this requirement will never be checked']);
  });

  it('refuses a project root that does not exist', () => {
    expect(() => loadManifest(path.join(os.tmpdir(), 'upshift-no-such-dir-' + process.pid))).toThrow(/not a directory/);
  });

  it('never writes to the project', () => {
    const root = project({ 'upshift.yml': FULL });
    const before = fs.readdirSync(root);
    loadManifest(root);
    expect(fs.readdirSync(root)).toEqual(before);
  });
});
