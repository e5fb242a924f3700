/**
 * A core repository whose release tags carry release metadata (contracts bumps, breaking changes, the seed's real
 * releases.json), and verticals: the real vitruvyan manifests and generated ones — for `upshift ci` and `matrix`.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { commitFiles, createRemoteWithReleases, FIXTURES_DIR, git, makeTempDir, writeFiles, type FileMap } from './repos.js';

export const VITRUVYAN = path.join(FIXTURES_DIR, 'vitruvyan');
export const REAL_MANIFESTS = ['finance', 'root', 'enterprise'].map((n) => `${n}.vertical_manifest.yaml`);

function metadata(version: string, contracts: string, breaking: string[] = []): string {
  return `${JSON.stringify({ version, release_date: '2026-01-15', contracts_version: contracts, changes: { breaking_changes: breaking, features: [`Release ${version}`] } }, null, 2)}\n`;
}

export interface GateCoreFixture {
  /** The core checkout: every release tag local, on main at the newest. */
  path: string;
  sha(tag: string): string;
}

/**
 * Releases: 1.0.0 (contracts 1.0.0), 1.2.0 and 1.2.1 (contracts 1.1.0), 1.3.0 with the seed's real releases.json
 * (two breaking changes, no release_metadata.json), 1.4.0 (contracts 1.2.0, none breaking), 2.0.0 (contracts 2.0.0,
 * one breaking change).
 */
export function makeGateCore(): GateCoreFixture {
  const realReleases = readFileSync(path.join(VITRUVYAN, 'releases.json'), 'utf8');
  const fx = createRemoteWithReleases({
    releases: [
      { version: '1.0.0', files: { 'release_metadata.json': metadata('1.0.0', '1.0.0'), VERSION: '1.0.0\n' } },
      { version: '1.2.0', files: { 'release_metadata.json': metadata('1.2.0', '1.1.0'), VERSION: '1.2.0\n' } },
      { version: '1.2.1', files: { 'release_metadata.json': metadata('1.2.1', '1.1.0'), VERSION: '1.2.1\n' } },
      { version: '1.3.0', files: { 'release_metadata.json': null, 'releases.json': realReleases, VERSION: '1.3.0\n' } },
      { version: '1.4.0', files: { 'releases.json': null, 'release_metadata.json': metadata('1.4.0', '1.2.0'), VERSION: '1.4.0\n' } },
      { version: '2.0.0', files: { 'release_metadata.json': metadata('2.0.0', '2.0.0', ['Removed the v1 plugin API']), VERSION: '2.0.0\n' }, message: 'Release 2.0.0' },
    ],
    initialFiles: { 'README.md': '# core\n', 'upshift.yml': 'name: core\n' },
    checkout: 'v2.0.0',
  });
  return { path: fx.work, sha: (tag) => fx.sha(tag) };
}

/** A commit on the core's main after the last release (not tagged): `files` plus a conventional-commit message. */
export function commitOnCore(core: GateCoreFixture, files: FileMap, message: string): string {
  return commitFiles(core.path, files, message);
}

/** `verticals/` with the three real vitruvyan manifests copied in (names as in the fixtures). */
export function realVerticalsDir(parent = makeTempDir('upshift-verticals-')): string {
  const dir = path.join(parent, 'verticals');
  mkdirSync(dir, { recursive: true });
  for (const f of REAL_MANIFESTS) copyFileSync(path.join(VITRUVYAN, f), path.join(dir, f));
  return dir;
}

export interface GeneratedVertical {
  name: string;
  min?: string;
  max?: string;
  contractsMajor?: number;
  allow?: string[];
  /** The seed format (vertical_manifest.yaml) instead of upshift.yml. */
  seed?: boolean;
  /** A smoke command (upshift.yml) or smoke_tests/run.sh body (seed). */
  smoke?: string;
  /** The name upshift.yml's `requires:` gives the core (default `core`). */
  requires?: string;
  /** Make the vertical a git repository (needed for smoke runs in worktrees). */
  git?: boolean;
}

/** A vertical directory `<parent>/<dir>` with a manifest requiring `core`. */
export function makeVertical(parent: string, v: GeneratedVertical, dir = v.name.replace(/[^A-Za-z0-9._-]/g, '_') || 'vertical'): string {
  const root = path.join(parent, dir);
  const files: FileMap = {};
  if (v.seed) {
    const lines = [
      `domain_name: ${JSON.stringify(v.name)}`,
      'domain_version: "0.1.0"',
      'compatibility:',
      ...(v.min ? [`  min_core_version: "${v.min}"`] : []),
      ...(v.max ? [`  max_core_version: "${v.max}"`] : []),
      ...(v.contractsMajor !== undefined ? [`  contracts_major: ${v.contractsMajor}`] : []),
      `  breaking_changes_allowlist: ${JSON.stringify(v.allow ?? [])}`,
      '  smoke_tests_timeout: 60',
    ];
    files['vertical_manifest.yaml'] = `${lines.join('\n')}\n`;
    if (v.smoke) files['smoke_tests/run.sh'] = { content: `#!/bin/sh\n${v.smoke}\n`, executable: true };
  } else {
    const req = [
      ...(v.min ? [`min: "${v.min}"`] : []),
      ...(v.max ? [`max: "${v.max}"`] : []),
      ...(v.contractsMajor !== undefined ? [`contractsMajor: ${v.contractsMajor}`] : []),
      ...(v.allow ? [`allowBreaking: ${JSON.stringify(v.allow)}`] : []),
    ];
    files['upshift.yml'] = [`name: ${JSON.stringify(v.name)}`, 'requires:', `  ${v.requires ?? 'core'}: { ${req.join(', ')} }`, ...(v.smoke ? [`smoke: { command: ${JSON.stringify(v.smoke)}, timeoutSeconds: 60 }`] : []), ''].join('\n');
  }
  mkdirSync(root, { recursive: true });
  if (v.git) {
    git(root, 'init', '-q', '-b', 'main');
    commitFiles(root, files, 'vertical');
  } else {
    writeFiles(root, files);
  }
  return root;
}
