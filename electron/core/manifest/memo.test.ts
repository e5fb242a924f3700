import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../state/db.js';
import { ManifestMemoStore } from '../state/manifest-memo.js';
import { loadManifest, ManifestError } from './index.js';
import { ManifestMemo, type FullManifestLoader } from './memo.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A project directory with `files`, and where Upshift's configuration for it would be. */
function project(files: Record<string, string>): { root: string; config: string } {
  const root = tempDir('upshift-memo-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return { root, config: path.join(tempDir('upshift-memo-home-'), 'projects', 'web', 'upshift.yml') };
}

const MANIFEST = `name: web
source: { remote: upstream, tagPattern: "release-{version}" }
install: npm ci
smoke: { command: npm test, timeoutSeconds: 90 }
snapshot: { paths: [data, cache/], mode: move }
requires:
  platform: { min: 1.2.0, range: ">=1.2 <2", allowBreaking: ["drop node 18"] }
gates: { minor: auto }
strategy: range
range: ">=2 <3"
exclude: [2.1.0]
notify: ["desktop://"]
health: [{ type: http, url: "http://127.0.0.1:8080/health" }]
version: 2.0.0
`;

/** A memo over a real state database, and a loader that counts full loads. */
function setup(): { memo: () => ManifestMemo; full: FullManifestLoader; loads: () => number } {
  const db = openDatabase(path.join(tempDir('upshift-memo-db-'), 'state.db'));
  let n = 0;
  const full: FullManifestLoader = (root, opts) => {
    n++;
    return loadManifest(root, opts);
  };
  // A new memo each time: what a new CLI process sees (it reads the rows the last one wrote).
  return { memo: () => new ManifestMemo(new ManifestMemoStore(db)), full, loads: () => n };
}

describe('ManifestMemo', () => {
  it('gives exactly what loading gives, and loads again only when an input changed', () => {
    const p = project({ 'upshift.yml': MANIFEST });
    const { memo, full, loads } = setup();
    const first = memo();
    const loaded = first.load('web', p.root, { config: p.config }, full);
    first.flush();
    expect(loads()).toBe(1);

    const again = memo().load('web', p.root, { config: p.config }, full);
    expect(loads()).toBe(1);
    expect(again).toStrictEqual(loaded);
    expect(again).toStrictEqual(loadManifest(p.root, { config: p.config }));

    // The manifest's bytes, the configuration, --core and a second candidate file are each an input.
    const changes: Array<[string, () => void, { core?: string; config: string }]> = [
      ['manifest edited', () => fs.writeFileSync(path.join(p.root, 'upshift.yml'), MANIFEST.replace('npm ci', 'npm install')), { config: p.config }],
      ['configuration added', () => (fs.mkdirSync(path.dirname(p.config), { recursive: true }), fs.writeFileSync(p.config, 'install: make\n')), { config: p.config }],
      ['core named', () => undefined, { core: 'platform2', config: p.config }],
      ['upshift.yaml beside it', () => fs.writeFileSync(path.join(p.root, 'upshift.yaml'), 'name: other\n'), { core: 'platform2', config: p.config }],
    ];
    for (const [what, change, opts] of changes) {
      change();
      const before = loads();
      const m = memo();
      const got = m.load('web', p.root, opts, full);
      m.flush();
      expect(loads(), what).toBe(before + 1);
      expect(got, what).toStrictEqual(loadManifest(p.root, opts));
      expect(memo().load('web', p.root, opts, full), what).toStrictEqual(got);
      expect(loads(), what).toBe(before + 1);
    }
    const last = memo().load('web', p.root, { core: 'platform2', config: p.config }, full);
    expect(last.install).toBe('make');
    expect(last.core).toBe('platform2');
    expect(last.warnings.some((w) => w.includes('upshift.yaml is also present'))).toBe(true);
  });

  it('never remembers a broken manifest: each load reports its error as loading does', () => {
    const p = project({ 'upshift.yml': 'smoke: { timeoutSeconds: -1 }\n' });
    const { memo, full, loads } = setup();
    const expected = (() => {
      try {
        loadManifest(p.root, { config: p.config });
      } catch (err) {
        return err as ManifestError;
      }
      throw new Error('the manifest should not load');
    })();
    for (let i = 0; i < 2; i++) {
      const m = memo();
      expect(() => m.load('web', p.root, { config: p.config }, full)).toThrow(ManifestError);
      try {
        m.load('web', p.root, { config: p.config }, full);
      } catch (err) {
        expect((err as ManifestError).message).toBe(expected.message);
      }
      m.flush();
    }
    expect(loads()).toBe(4);
  });

  it('checks snapshot paths for symlinks out of the project on every use', () => {
    const p = project({ 'upshift.yml': MANIFEST });
    const { memo, full } = setup();
    const first = memo();
    first.load('web', p.root, { config: p.config }, full);
    first.flush();
    // Same bytes, but `data` now leads outside the project: the remembered manifest must not hide it.
    fs.symlinkSync(tempDir('upshift-memo-outside-'), path.join(p.root, 'data'));
    expect(() => memo().load('web', p.root, { config: p.config }, full)).toThrow(/snapshot\.paths\[0\].*outside the project through a symlink/s);
  });

  it('loads the seed format and an unreadable manifest in full every time', () => {
    const seed = project({ 'vertical_manifest.yaml': 'name: web\nversion: 1.0.0\ncompatibility:\n  min_core_version: 1.0.0\n' });
    const dir = project({});
    fs.mkdirSync(path.join(dir.root, 'upshift.yml'));
    const { memo, full, loads } = setup();
    for (let i = 0; i < 2; i++) {
      const m = memo();
      expect(m.load('seed', seed.root, { core: 'core', config: seed.config }, full).seedFormat).toBe(true);
      expect(() => m.load('dir', dir.root, { config: dir.config }, full)).toThrow(/not a regular file/);
      m.flush();
    }
    expect(loads()).toBe(4);
  });
});
