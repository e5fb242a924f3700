/**
 * The on-disk layout of a `kind: artifact` project: every installed release in `versions/<version>/`, and a
 * `current` symlink to the one in use. Switching is one rename of a freshly made symlink over `current` (atomic on
 * POSIX: a reader sees the old or the new target, never none), so an upgrade and its rollback cost the same
 * handful of microseconds whatever the size of the install.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { compareVersions, parseVersion, type Version } from '../../../shared/version/index.js';
import { UpshiftError } from '../errors.js';

export const CURRENT_LINK = 'current';
export const VERSIONS_DIR = 'versions';
/** Written into each version directory Upshift installed: what it came from, and when it was last switched to. */
export const INSTALL_MARKER = '.upshift-install.json';

export interface InstallMarker {
  version: string;
  asset: string;
  sha256: string;
  installedAt: string;
  /** Last time `current` was switched to this version (retention keeps the most recently used). */
  activatedAt: string | null;
}

export interface CurrentLink {
  /** The link's target as stored, relative to the project: `versions/1.8.2`. */
  target: string;
  /** The version directory's name. */
  dir: string;
  version: Version | null;
}

/** `versions/<version>` for a normalised version, refusing anything that is not one plain path component. */
export function versionDirName(version: string): string {
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]{0,99}$/.test(version)) {
    throw new UpshiftError('BAD_VERSION', `Refused to use ${JSON.stringify(version)} as a directory name under ${VERSIONS_DIR}/. Nothing was changed.`, { category: 'usage' });
  }
  return `${VERSIONS_DIR}/${version}`;
}

/**
 * Where `current` points, or null when there is no `current` yet (nothing installed). A `current` that is a
 * real file or directory, or a link that leads anywhere but `versions/<dir>`, is refused: Upshift will not
 * replace what it did not make.
 */
export function readCurrentLink(root: string): CurrentLink | null {
  const link = path.join(root, CURRENT_LINK);
  const st = fs.lstatSync(link, { throwIfNoEntry: false });
  if (!st) return null;
  if (!st.isSymbolicLink()) {
    throw new UpshiftError(
      'CURRENT_NOT_A_LINK',
      `${link} is a ${st.isDirectory() ? 'directory' : 'file'}, not a symlink: Upshift switches versions by replacing a \`current\` symlink and will not replace something it did not make. Move it into ${VERSIONS_DIR}/<version>/ and run \`ln -s ${VERSIONS_DIR}/<version> current\`. Nothing was changed.`,
      { category: 'blocked' },
    );
  }
  const raw = fs.readlinkSync(link);
  const rel = path.isAbsolute(raw) ? path.relative(root, raw) : path.normalize(raw);
  const parts = rel.split(path.sep);
  if (parts.length !== 2 || parts[0] !== VERSIONS_DIR || parts[1] === '..' || parts[1] === '.' || parts[1] === '') {
    throw new UpshiftError('CURRENT_OUTSIDE', `${link} points at ${raw}, not at a directory in ${path.join(root, VERSIONS_DIR)}: Upshift will not switch a link it did not make. Nothing was changed.`, {
      category: 'blocked',
    });
  }
  const dir = parts[1]!;
  return { target: `${VERSIONS_DIR}/${dir}`, dir, version: parseVersion(dir) };
}

/**
 * Points `current` at `target` (`versions/<dir>`), or removes it for null, atomically: a new symlink is made
 * under a temporary name and renamed over `current`; the directory is synced so the switch survives a power cut.
 * Returns how long the switch itself took, in milliseconds.
 */
export function switchCurrentLink(root: string, target: string | null): number {
  const started = process.hrtime.bigint();
  const link = path.join(root, CURRENT_LINK);
  if (target === null) {
    fs.rmSync(link, { force: true });
  } else {
    if (!fs.statSync(path.join(root, target), { throwIfNoEntry: false })?.isDirectory()) {
      throw new UpshiftError('VERSION_MISSING', `${path.join(root, target)} is not an installed version (no such directory); \`current\` was left as it was.`);
    }
    const tmp = path.join(root, `.${CURRENT_LINK}.${process.pid}.${randomBytes(4).toString('hex')}`);
    fs.symlinkSync(target, tmp, 'dir');
    try {
      fs.renameSync(tmp, link);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }
  syncDir(root);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export function readMarker(dir: string): InstallMarker | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, INSTALL_MARKER), 'utf8')) as InstallMarker;
    return typeof m.sha256 === 'string' && typeof m.version === 'string' ? m : null;
  } catch {
    return null;
  }
}

export function writeMarker(dir: string, marker: InstallMarker): void {
  const file = path.join(dir, INSTALL_MARKER);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(`${file}.tmp`, file);
}

/** Records that `current` now points at `target` (retention keeps the most recently used versions). */
export function markActivated(root: string, target: string, at: string): void {
  const dir = path.join(root, target);
  const m = readMarker(dir);
  if (m) writeMarker(dir, { ...m, activatedAt: at });
}

export interface InstalledVersion {
  dir: string;
  path: string;
  version: Version | null;
  marker: InstallMarker | null;
}

/** Every directory under versions/, newest version first (unparseable names last). */
export function listInstalled(root: string): InstalledVersion[] {
  const base = path.join(root, VERSIONS_DIR);
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(base, { withFileTypes: true });
  } catch {
    return [];
  }
  const out = names
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => ({ dir: d.name, path: path.join(base, d.name), version: parseVersion(d.name), marker: readMarker(path.join(base, d.name)) }));
  return out.sort((a, b) => (a.version && b.version ? compareVersions(b.version, a.version) : a.version ? -1 : b.version ? 1 : a.dir.localeCompare(b.dir)));
}

export interface RetentionRule {
  keep: number;
  keepDays: number | null;
}

/**
 * The installed versions a retention rule removes: of the ones Upshift installed (a directory without its marker
 * is never touched), the `keep` most recently used stay (`current` always among them), and with `keepDays` so
 * does any used within that many days; `protect` (targets like `versions/1.2.0`) are never removed.
 */
export function versionsToPrune(root: string, rule: RetentionRule, now: Date, protect: readonly string[] = []): InstalledVersion[] {
  const current = readCurrentLinkQuiet(root);
  const ours = listInstalled(root).filter((v) => v.marker !== null);
  const used = (v: InstalledVersion) => Date.parse(v.marker!.activatedAt ?? v.marker!.installedAt) || 0;
  const byUse = [...ours].sort((a, b) => used(b) - used(a));
  const kept = new Set<string>();
  if (current) kept.add(current.dir);
  for (const p of protect) kept.add(path.basename(p));
  for (const v of byUse) {
    if (kept.size >= rule.keep && !kept.has(v.dir)) break;
    kept.add(v.dir);
  }
  const cutoff = rule.keepDays === null ? null : now.getTime() - rule.keepDays * 86_400_000;
  return ours.filter((v) => !kept.has(v.dir) && !(cutoff !== null && used(v) >= cutoff));
}

function readCurrentLinkQuiet(root: string): CurrentLink | null {
  try {
    return readCurrentLink(root);
  } catch {
    return null;
  }
}

/** Removes what {@link versionsToPrune} chose; returns the directory names removed. */
export function pruneVersions(root: string, rule: RetentionRule, now: Date, protect: readonly string[] = []): string[] {
  const removed: string[] = [];
  for (const v of versionsToPrune(root, rule, now, protect)) {
    // Renamed first, so a crash half way through a large removal never leaves a half-deleted version behind its name.
    const trash = path.join(root, VERSIONS_DIR, `.removing-${v.dir}-${randomBytes(3).toString('hex')}`);
    fs.renameSync(v.path, trash);
    fs.rmSync(trash, { recursive: true, force: true });
    removed.push(v.dir);
  }
  return removed;
}

/** `{version}`, `{tag}`, `{os}`, `{arch}` filled into an asset or URL pattern (Go-style os/arch names, as release assets use). */
export function fillAssetPattern(pattern: string, release: { version: string; tag: string }, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const goArch: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'armv7', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return pattern
    .replaceAll('{version}', release.version)
    .replaceAll('{tag}', release.tag)
    .replaceAll('{os}', os)
    .replaceAll('{arch}', goArch[arch] ?? arch);
}

/** True for asset names installed by unpacking (the rest are single files copied in). */
export function isTarName(name: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/i.test(name);
}
