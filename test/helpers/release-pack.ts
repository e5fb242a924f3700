/**
 * Offline release folders and release packs for tests, built the way a person would by hand (docs/offline.md):
 * `git bundle create` from a throwaway repository, payload tarballs and packs with the system `tar`, SHA256SUMS from
 * node's crypto in `sha256sum` format. Plus ways to damage them (a flipped byte, a dropped sums line, an unlisted
 * file, hostile tar entries through tar-builder.ts) and a snapshot to assert a folder did not change at all.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { git, makeTempDir } from './repos.js';
import { buildTar, type TarSpec } from './tar-builder.js';

export const METADATA = 'release_metadata.json';
export const SUMS = 'SHA256SUMS';

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** `git bundle create <file> refs/tags/<tag>` in `repo` (a bare remote or a clone); `base` makes it incremental. */
export function makeBundle(repo: string, tag: string, file: string, opts: { base?: string; extraRefs?: string[] } = {}): string {
  const range = opts.base ? [`${opts.base}..refs/tags/${tag}`] : [`refs/tags/${tag}`];
  git(repo, 'bundle', 'create', '-q', file, ...range, ...(opts.extraRefs ?? []));
  return file;
}

/** A tarball of `files` (name → content) made with the system tar, from a scratch directory. */
export function makeTarball(file: string, files: Record<string, string | Buffer>, opts: { gzip?: boolean } = {}): string {
  const dir = makeTempDir('upshift-tarball-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  execFileSync('tar', [opts.gzip === false ? '-cf' : '-czf', file, '-C', dir, ...Object.keys(files).map((n) => n.split('/')[0]!).filter((n, i, a) => a.indexOf(n) === i)]);
  return file;
}

/** SHA256SUMS text for the given files of `dir` (default: every file but SHA256SUMS), GNU format, sorted. */
export function sumsText(dir: string, names?: string[]): string {
  const list = (names ?? readdirSync(dir).filter((n) => n !== SUMS && lstatSync(path.join(dir, n)).isFile())).sort();
  return list.map((n) => `${sha256(readFileSync(path.join(dir, n)))}  ${n}\n`).join('');
}

export interface ReleaseDirSpec {
  version: string;
  /** Written as the metadata's `tag` when given. */
  tag?: string;
  /** Replaces the default metadata object (`{version, tag?, date, notes}`); a string is written as it is. */
  metadata?: Record<string, unknown> | string;
  /** Payload files by name. */
  files?: Record<string, string | Buffer>;
  /** A git bundle of `refs/tags/<tag>` from `repo`, as `<name>` (default `<project>.bundle`). */
  bundle?: { repo: string; tag: string; name?: string; base?: string };
  /** Leave SHA256SUMS out entirely. */
  noSums?: boolean;
}

/** Writes one release directory (metadata, payload, bundle, SHA256SUMS) at `dir`; returns `dir`. */
export function writeReleaseDir(dir: string, spec: ReleaseDirSpec): string {
  mkdirSync(dir, { recursive: true });
  const metadata =
    typeof spec.metadata === 'string'
      ? spec.metadata
      : `${JSON.stringify(spec.metadata ?? { version: spec.version, ...(spec.tag ? { tag: spec.tag } : {}), date: '2026-01-15', notes: `Release ${spec.version}` }, null, 2)}\n`;
  writeFileSync(path.join(dir, METADATA), metadata);
  for (const [name, content] of Object.entries(spec.files ?? {})) writeFileSync(path.join(dir, name), content);
  if (spec.bundle) makeBundle(spec.bundle.repo, spec.bundle.tag, path.join(dir, spec.bundle.name ?? 'project.bundle'), spec.bundle.base ? { base: spec.bundle.base } : {});
  if (!spec.noSums) writeFileSync(path.join(dir, SUMS), sumsText(dir));
  return dir;
}

/** A release folder holding one directory per spec, named after the version (or `dirName`). */
export function makeReleaseFolder(folder: string, specs: Array<ReleaseDirSpec & { dirName?: string }>): string {
  mkdirSync(folder, { recursive: true });
  for (const s of specs) writeReleaseDir(path.join(folder, s.dirName ?? s.version), s);
  return folder;
}

/**
 * A release pack: the release directory made by writeReleaseDir, then `tar czf` (or a plain `.tar`) of its files,
 * at the top of the archive or under a top directory. `kind: 'dir'` returns the directory itself.
 */
export function makePack(spec: ReleaseDirSpec, opts: { kind?: 'tgz' | 'tar' | 'dir'; topDir?: string; edit?: (dir: string) => void } = {}): string {
  const root = makeTempDir('upshift-pack-');
  const top = opts.topDir ?? '';
  const dir = writeReleaseDir(path.join(root, 'src', top), spec);
  opts.edit?.(dir);
  if (opts.kind === 'dir') return path.join(root, 'src');
  const file = path.join(root, `pack-${spec.version}.${opts.kind === 'tar' ? 'tar' : 'tar.gz'}`);
  const args = top ? ['-C', path.join(root, 'src'), top] : ['-C', dir, ...readdirSync(dir).sort()];
  execFileSync('tar', [opts.kind === 'tar' ? '-cf' : '-czf', file, ...args]);
  return file;
}

/** The files of a release directory as raw tar entries, for packs with hostile entries added (tar-builder.ts). */
export function releaseEntries(dir: string): TarSpec[] {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, body: readFileSync(path.join(dir, name)) }));
}

/** A .tar.gz of `entries` written byte by byte (hostile names, links out of the tree, devices). */
export function writeRawPack(file: string, entries: TarSpec[]): string {
  writeFileSync(file, buildTar(entries, { gzip: true }));
  return file;
}

// ---------------------------------------------------------------------------------------------------------
// Damage

/** Flips one byte of `file` (default: the middle one). */
export function flipByte(file: string, offset?: number): void {
  const buf = readFileSync(file);
  const at = offset ?? Math.floor(buf.length / 2);
  buf[at] = buf[at]! ^ 0xff;
  writeFileSync(file, buf);
}

/** Removes the SHA256SUMS line of `name` in the release directory `dir`. */
export function dropSumsLine(dir: string, name: string): void {
  const file = path.join(dir, SUMS);
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.endsWith(`  ${name}`));
  writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
}

/** Adds a file that SHA256SUMS does not list. */
export function addUnlistedFile(dir: string, name = 'unlisted.txt', content = 'not in the sums\n'): void {
  writeFileSync(path.join(dir, name), content);
}

// ---------------------------------------------------------------------------------------------------------
// Assertions

/**
 * Every entry under `dir` (recursively) with its type, mode, and content hash or link target: two snapshots are
 * equal exactly when nothing was added, removed or changed. Null when `dir` does not exist.
 */
export function snapshotTree(dir: string): Record<string, string> | null {
  if (!existsSync(dir)) return null;
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, r);
      const st = lstatSync(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${mode}`;
        walk(r);
      } else out[r] = `file ${mode} ${sha256(readFileSync(full))}`;
    }
  };
  walk('');
  return out;
}
