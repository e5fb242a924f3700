/** The configuration Upshift keeps outside the checkout, layered over the manifest in it (loadManifest's `config`). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManifestError, loadManifest } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(files: Record<string, string>, config: string | null): { root: string; config: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'upshift-layers-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  const file = path.join(root, 'home', 'projects', 'p', 'upshift.yml');
  if (config !== null) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, config);
  }
  return { root, config: file };
}

function problem(fn: () => unknown): ManifestError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ManifestError) return e;
    throw e;
  }
  throw new Error('no ManifestError');
}

describe('configuration layered over the manifest', () => {
  it('mappings merge key by key, lists are replaced, and each setting names its origin', () => {
    const { root, config } = setup(
      { 'upshift.yml': 'install: npm ci\nsmoke:\n  command: npm test\n  timeoutSeconds: 60\nsnapshot:\n  paths: [data, cache]\n' },
      '# mine\nsmoke:\n  command: npm run smoke\nsnapshot:\n  paths: [data]\n',
    );
    const m = loadManifest(root, { config });
    expect(m.smoke).toEqual({ command: 'npm run smoke', timeoutSeconds: 60, seedExitCodes: false });
    expect(m.snapshot.paths).toEqual(['data']);
    expect(m.install).toBe('npm ci');
    expect(m.file).toBe('upshift.yml');
    expect(m.config).toBe(config);
    const by = Object.fromEntries((m.origins ?? []).map((o) => [o.key, o]));
    expect(by['smoke.command']).toEqual({ key: 'smoke.command', value: 'npm run smoke', source: 'config', file: config });
    expect(by['smoke.timeoutSeconds']).toEqual({ key: 'smoke.timeoutSeconds', value: 60, source: 'manifest', file: 'upshift.yml' });
    expect(by['snapshot.paths']).toMatchObject({ value: ['data'], source: 'config' });
    expect(by['gates.major']).toEqual({ key: 'gates.major', value: 'manual', source: 'default', file: null });
  });

  it('a problem is located in the file that holds the value: the configuration, or the manifest', () => {
    const inConfig = setup({ 'upshift.yml': 'install: npm ci\n' }, 'install: npm ci\nsmoke:\n  timeoutSeconds: fast\n');
    const e = problem(() => loadManifest(inConfig.root, { config: inConfig.config }));
    expect(e.issues.map((i) => [i.file, i.line, i.field])).toEqual([
      [inConfig.config, 2, 'smoke.command'],
      [inConfig.config, 3, 'smoke.timeoutSeconds'],
    ]);
    const inRepo = setup({ 'upshift.yml': 'chanel: stable\n' }, 'install: make\n');
    const r = problem(() => loadManifest(inRepo.root, { config: inRepo.config }));
    expect(r.issues).toMatchObject([{ file: path.join(inRepo.root, 'upshift.yml'), line: 1, field: 'chanel', problem: 'unknown key (did you mean "channel"?)' }]);
  });

  it('with no manifest in the checkout the configuration alone applies; a missing configuration file is no configuration', () => {
    const { root, config } = setup({}, 'smoke:\n  command: make check\n');
    const m = loadManifest(root, { config });
    expect(m).toMatchObject({ file: null, filePath: null, config, smoke: { command: 'make check' } });
    const none = setup({}, null);
    expect(loadManifest(none.root, { config: none.config }).config).toBeUndefined();
  });

  it('over a seed manifest: the seed stays the seed (requirement, exit codes) and the configuration adds its keys', () => {
    const { root, config } = setup(
      {
        'vertical_manifest.yaml': 'domain_name: finance\ndomain_version: 0.2.0\ncompatibility:\n  min_core_version: 1.0.0\n  max_core_version: 1.x.x\n',
        'smoke_tests/run.sh': 'exit 0\n',
      },
      'install: pip install -e .\n',
    );
    const m = loadManifest(root, { core: 'core', config });
    expect(m).toMatchObject({ file: 'vertical_manifest.yaml', seedFormat: true, install: 'pip install -e .', requires: { core: { min: '1.0.0', max: '1.x.x' } } });
    expect(m.smoke).toMatchObject({ command: 'sh smoke_tests/run.sh', seedExitCodes: true });
    const by = Object.fromEntries((m.origins ?? []).map((o) => [o.key, o]));
    expect(by['install']).toMatchObject({ source: 'config' });
    expect(by['smoke.command']).toMatchObject({ source: 'manifest', file: 'vertical_manifest.yaml' });
  });
});
