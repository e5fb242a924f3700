import { constants } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { extractTar } from '../archive/index.js';
import { displayName } from '../git/refname.js';
import { RELEASE_METADATA_FILE } from '../source/folder.js';
import { asImportError, importError } from './errors.js';

/** How each entry of a pack's release directory was found; only `file` is acceptable. */
type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

async function entriesOf(dir: string): Promise<Array<{ name: string; kind: EntryKind }>> {
  const list = await readdir(dir, { withFileTypes: true });
  return list
    .map((e) => ({ name: e.name, kind: (e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'symlink' : 'other') as EntryKind }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The release directory of an unpacked pack: `dir` itself when release_metadata.json is at its top, else its only
 * entry when that is a directory (a pack made with `tar czf pack.tgz 1.2.0/`). Anything else is PACK_LAYOUT.
 */
export async function packRoot(dir: string, label: string): Promise<string> {
  const top = await entriesOf(dir);
  if (top.some((e) => e.name === RELEASE_METADATA_FILE)) return dir;
  const only = top.length === 1 ? top[0]! : null;
  if (only?.kind === 'dir') {
    const inner = path.join(dir, only.name);
    if ((await entriesOf(inner)).some((e) => e.name === RELEASE_METADATA_FILE)) return inner;
  }
  throw importError(
    'PACK_LAYOUT',
    `${label} is not a release pack: it has no ${RELEASE_METADATA_FILE} at its top or under a single top directory ` +
      `(found ${top.length === 0 ? 'nothing' : top.slice(0, 10).map((e) => `"${displayName(e.name)}"${e.kind === 'dir' ? '/' : ''}`).join(', ')}). See docs/offline.md for the layout. Nothing was imported.`,
    { input: label },
  );
}

/**
 * The names of the files of a release directory, which must all be plain files: a release is one flat directory,
 * so a subdirectory, a symlink (even one pointing inside) or a special file is PACK_LAYOUT, naming every one.
 */
export async function releaseFiles(root: string, label: string): Promise<string[]> {
  const entries = await entriesOf(root);
  const bad = entries.filter((e) => e.kind !== 'file');
  if (bad.length > 0) {
    const what = (k: EntryKind) => (k === 'dir' ? 'a directory' : k === 'symlink' ? 'a symlink' : 'not a regular file');
    throw importError(
      'PACK_LAYOUT',
      `${label} was refused: a release holds plain files in one directory, but ${bad
        .slice(0, 20)
        .map((e) => `"${displayName(e.name)}" is ${what(e.kind)}`)
        .join(', ')}${bad.length > 20 ? `, … (${bad.length} in all)` : ''}. Nothing was imported.`,
      { input: label, entries: bad.map((e) => ({ name: e.name, kind: e.kind })) },
    );
  }
  return entries.map((e) => e.name);
}

/** Copies one file without following a symlink at either end (the destination must not exist). */
async function copyPlainFile(from: string, to: string): Promise<void> {
  const src = await open(from, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const st = await src.stat();
    if (!st.isFile()) throw importError('PACK_LAYOUT', `${from} is not a regular file. Nothing was imported.`);
    const dst = await open(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), st.mode & 0o755);
    try {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      for (;;) {
        const { bytesRead } = await src.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        for (let done = 0; done < bytesRead; ) done += (await dst.write(buf, done, bytesRead - done)).bytesWritten;
      }
      await dst.sync();
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}

/**
 * Puts a copy of the pack at `staged` (which must not exist) and returns its release directory. A tarball is
 * inspected first (inspectTar refuses `../`, absolute names, links leading out, devices, and names every one),
 * then extracted by extractTar; a directory's files are copied (its layout checked first). Nothing outside `staged`
 * is written.
 */
export async function stagePack(input: string, kind: 'tar' | 'dir', staged: string, label: string, signal?: AbortSignal): Promise<string> {
  if (kind === 'tar') {
    try {
      // extractTar runs inspectTar over the whole archive before it writes anything.
      await extractTar(input, staged, signal ? { signal } : {});
    } catch (e) {
      throw asImportError(e);
    }
    return packRoot(staged, label);
  }
  const root = await packRoot(input, label);
  const names = await releaseFiles(root, label);
  await mkdir(staged);
  for (const name of names) await copyPlainFile(path.join(root, name), path.join(staged, name));
  return staged;
}
