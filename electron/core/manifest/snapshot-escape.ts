import fs from 'node:fs';
import path from 'node:path';

/**
 * Why a snapshot path that is lexically inside the project still leads out of it through a symlink (which
 * would make a restore write outside the project), or null. Paths that do not exist yet are checked through
 * their nearest existing parent. Depends on the file system, not on the manifest's text: a remembered manifest
 * (manifest/memo.ts) is checked again with it every time.
 */
export function symlinkEscape(root: string, relative: string): string | null {
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    return null;
  }
  let existing = path.join(root, relative);
  const rest: string[] = [];
  while (fs.lstatSync(existing, { throwIfNoEntry: false }) === undefined && existing !== root) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  let real: string;
  try {
    real = path.join(fs.realpathSync(existing), ...rest);
  } catch {
    return `leads through a broken symlink (${path.relative(root, existing)})`;
  }
  const rel = path.relative(realRoot, real);
  if (rel === '') return 'resolves to the project root itself through a symlink';
  if (rel === '.git' || rel.startsWith(`.git${path.sep}`)) return 'resolves into .git through a symlink';
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return `resolves outside the project through a symlink (to ${real})`;
  }
  return null;
}
