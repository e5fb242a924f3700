/**
 * How each snapshot path is set aside before an upgrade (issue 12 §3), decided from the manifest alone so the plan
 * can say it. Pure: runs in the renderer and in Node.
 *
 * - `move`: renamed into the operation's snapshot directory; the install starts without it. Nearly free.
 * - `copy`: cloned there, by reflink where the file system supports copy-on-write (btrfs, XFS, APFS), else copied
 *   file by file with progress; the original stays in place for the install to update.
 *
 * `auto` (the default) moves a directory the install recreates anyway (its contents would be thrown away by it, so
 * moving loses nothing and copies nothing), and copies everything else.
 */
export type SnapshotModeSetting = 'auto' | 'move' | 'copy';

export interface SnapshotPathMode {
  path: string;
  mode: 'move' | 'copy';
  /** Why, in words for the plan: "npm ci recreates it", "set to move in upshift.yml". */
  reason: string;
}

const word = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Why the install command recreates `path` from nothing, or null when it may keep and update what is there. Known
 * cases only: `npm ci` (removes node_modules first), `rm -rf <path>` in the command, `python -m venv --clear` /
 * `virtualenv --clear` / `uv venv` of the path.
 */
export function recreatedByInstall(install: string | null, path: string): string | null {
  if (!install) return null;
  const p = path.replace(/^\.\//, '').replace(/\/+$/, '');
  const at = `(?:\\./)?${word(p)}/?`;
  const end = '(?=$|[\\s;&|)])';
  if (p === 'node_modules' && /(?:^|[\s;&|(])npm\s+(?:ci|clean-install|install-clean|isntall-clean|ic)(?=$|[\s;&|)])/.test(install)) return 'npm ci recreates it';
  // `rm` with a recursive flag among its options (-rf, -fr, -r -f, -R, --recursive), then the path.
  const rm = new RegExp(`(?:^|[\\s;&|(])rm\\s+((?:-[a-zA-Z-]+\\s+)+)(?:--\\s+)?${at}${end}`).exec(install);
  if (rm && /(?:^|\s)(?:-[a-zA-Z]*[rR]|--recursive)/.test(rm[1]!)) return `the install removes ${p} first`;
  if (new RegExp(`(?:python3?\\s+-m\\s+venv|virtualenv)\\s+(?:[^;&|]*\\s)?--clear\\s+(?:[^;&|]*\\s)?${at}${end}`).test(install) || new RegExp(`(?:python3?\\s+-m\\s+venv|virtualenv)\\s+(?:[^;&|]*\\s)?${at}\\s+(?:[^;&|]*\\s)?--clear${end}`).test(install)) {
    return `the install recreates ${p} (--clear)`;
  }
  if (new RegExp(`(?:^|[\\s;&|(])uv\\s+venv\\s+(?:[^;&|]*\\s)?${at}${end}`).test(install)) return `uv venv recreates ${p}`;
  return null;
}

/** The mode of each path under `setting`, with the reason the plan gives. */
export function snapshotModes(setting: SnapshotModeSetting, paths: readonly string[], install: string | null): SnapshotPathMode[] {
  return paths.map((path) => {
    if (setting === 'move') return { path, mode: 'move', reason: 'snapshot.mode is move' };
    if (setting === 'copy') return { path, mode: 'copy', reason: 'snapshot.mode is copy' };
    const recreated = recreatedByInstall(install, path);
    return recreated ? { path, mode: 'move', reason: recreated } : { path, mode: 'copy', reason: 'the install may keep it' };
  });
}

/** The plan's words for setting the paths aside: "move node_modules aside (npm ci recreates it); copy data aside (reflink where supported)". */
export function describeSnapshotModes(modes: readonly SnapshotPathMode[]): string {
  const moved = modes.filter((m) => m.mode === 'move');
  const copied = modes.filter((m) => m.mode === 'copy');
  const parts: string[] = [];
  if (moved.length > 0) parts.push(`move ${moved.map((m) => `${m.path} (${m.reason})`).join(', ')} aside`);
  if (copied.length > 0) parts.push(`copy ${copied.map((m) => m.path).join(', ')} aside (a reflink clone where the file system supports it, else a full copy)`);
  return parts.join('; ');
}
