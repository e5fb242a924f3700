import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readConfigFile } from './git-config.js';
import { ObjectReader } from './objects.js';

/**
 * The tag refs of a repository on this machine, read from its files the way `git upload-pack` would advertise them
 * to `git ls-remote --tags`: loose refs under refs/tags over packed-refs, annotated tags peeled (packed-refs' `^`
 * lines, else the loose tag object). Returns ls-remote's text, so the one parser (parseLsRemoteTags) applies its
 * hostile-name rules to both; or `fallback` with the reason when only git can answer exactly (a tag object only in a
 * pack as a delta, reftable, a symbolic tag ref, a worktree's gitdir, another owner's repository).
 */
export type LocalRefsResult = { text: string } | { fallback: string };

export class LocalRefsTooLarge extends Error {
  constructor(
    readonly what: 'bytes' | 'tags',
    readonly found: number,
    readonly limit: number,
  ) {
    super(`${what} over the limit`);
  }
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** git's enter_repo: `<path>/.git`, `<path>`, `<path>.git/.git`, `<path>.git`, the first that is a repository. */
export function findGitDir(path: string): string | { fallback: string } | null {
  for (const candidate of [join(path, '.git'), path, `${path}.git/.git`, `${path}.git`]) {
    const s = statSync(candidate, { throwIfNoEntry: false });
    if (!s) continue;
    if (s.isFile() && candidate.endsWith('.git')) return { fallback: 'a .git file (worktree or submodule)' };
    if (!s.isDirectory()) continue;
    if (statSync(join(candidate, 'HEAD'), { throwIfNoEntry: false })?.isFile() && statSync(join(candidate, 'objects'), { throwIfNoEntry: false })?.isDirectory()) return candidate;
  }
  return null;
}

/** Reads the advertisement. `maxBytes` caps packed-refs and the text; `maxTags` the number of tag refs. */
export function readLocalTagRefs(path: string, opts: { maxBytes: number; maxTags: number }): LocalRefsResult {
  const dir = findGitDir(path);
  if (dir === null) return { fallback: 'no repository at that path (git says why)' };
  if (typeof dir !== 'string') return dir;
  const s = statSync(dir);
  if (typeof process.getuid === 'function' && s.uid !== process.getuid()) return { fallback: 'owned by another user (git applies safe.directory)' };
  for (const f of ['commondir', 'reftable']) if (statSync(join(dir, f), { throwIfNoEntry: false })) return { fallback: `a ${f} repository` };
  const config = readConfigFile(join(dir, 'config'));
  if (config === null) return { fallback: 'a repository configuration this reader does not parse' };
  if (config.some(([k]) => /^(include|includeif)\.|^uploadpack\.|^transfer\.hiderefs$|^extensions\.refstorage$/.test(k))) return { fallback: 'hidden refs, includes or another ref storage' };

  const refs = new Map<string, { sha: string; peeled: string | null | undefined }>();
  const packed = readPacked(join(dir, 'packed-refs'), opts.maxBytes);
  if ('fallback' in packed) return packed;
  for (const [name, r] of packed.refs) refs.set(name, r);
  const loose = readLoose(join(dir, 'refs', 'tags'), 'refs/tags/', opts.maxTags);
  if ('fallback' in loose) return loose;
  // A loose ref wins over its packed copy; its peel is not known from packed-refs.
  for (const [name, sha] of loose.refs) refs.set(name, { sha, peeled: undefined });
  if (refs.size > opts.maxTags) throw new LocalRefsTooLarge('tags', refs.size, opts.maxTags);

  const sha256 = config.some(([k, v]) => k === 'extensions.objectformat' && v?.toLowerCase() === 'sha256');
  const objects = new ObjectReader(join(dir, 'objects'), sha256 ? 32 : 20);
  const names = [...refs.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let text = '';
  for (const name of names) {
    const r = refs.get(name)!;
    let peeled = r.peeled;
    if (peeled === undefined) {
      const p = objects.peel(r.sha);
      if (typeof p !== 'string' && p !== null) return p;
      peeled = p;
    }
    text += `${r.sha}\t${name}\n`;
    if (peeled !== null) text += `${peeled}\t${name}^{}\n`;
    if (text.length > opts.maxBytes) throw new LocalRefsTooLarge('bytes', text.length, opts.maxBytes);
  }
  return { text };
}

/** packed-refs' tag lines. `peeled` is null when the file's traits say the ref does not peel, undefined when unknown. */
function readPacked(file: string, maxBytes: number): { refs: Map<string, { sha: string; peeled: string | null | undefined }> } | { fallback: string } {
  const refs = new Map<string, { sha: string; peeled: string | null | undefined }>();
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return { refs };
  if (st.size > maxBytes) throw new LocalRefsTooLarge('bytes', st.size, maxBytes);
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let knowsPeel = false;
  let last: { sha: string; peeled: string | null | undefined } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (i === 0 && line.startsWith('# pack-refs with:')) knowsPeel = / (fully-)?peeled /.test(`${line} `);
      continue;
    }
    if (line.startsWith('^')) {
      const sha = line.slice(1);
      if (!SHA.test(sha) || last === null) return { fallback: 'a packed-refs line this reader does not parse' };
      last.peeled = sha;
      continue;
    }
    const sp = line.indexOf(' ');
    const sha = line.slice(0, sp);
    const name = line.slice(sp + 1);
    if (sp < 0 || !SHA.test(sha)) return { fallback: 'a packed-refs line this reader does not parse' };
    if (!name.startsWith('refs/tags/')) {
      last = null;
      continue;
    }
    last = { sha, peeled: knowsPeel ? null : undefined };
    refs.set(name, last);
  }
  return { refs };
}

function readLoose(dir: string, prefix: string, maxTags: number, acc = new Map<string, string>()): { refs: Map<string, string> } | { fallback: string } {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return { refs: acc };
  }
  for (const e of entries) {
    const name = `${prefix}${e.name}`;
    if (e.isDirectory()) {
      const r = readLoose(join(dir, e.name), `${name}/`, maxTags, acc);
      if ('fallback' in r) return r;
      continue;
    }
    if (!e.isFile()) return { fallback: 'a tag ref that is not a plain file' };
    // git skips lock files of a ref being written.
    if (e.name.endsWith('.lock')) continue;
    const content = readFileSync(join(dir, e.name), 'utf8').trim();
    if (content.startsWith('ref:')) return { fallback: 'a symbolic tag ref' };
    // A broken loose ref: git advertises it with no object id, which the parser drops; say the same.
    acc.set(name, SHA.test(content) ? content : '0'.repeat(40));
    if (acc.size > maxTags) throw new LocalRefsTooLarge('tags', acc.size, maxTags);
  }
  return { refs: acc };
}
