import { runGit, GitError } from './core.js';
import { withObjectReader, type ObjectReader } from './object-reader.js';
import { identDateIsoStrict, parseObjectHeaders, splitTagMessage } from './object-text.js';
import { assertFullSha, assertRepoPath, assertUsableTagName } from './refname.js';
import { resolveCommit } from './rev-parse.js';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ShowOptions {
  signal?: AbortSignal | undefined;
  /** Read through this long-lived `cat-file` (object-reader.ts) instead of a git process per read. */
  reader?: ObjectReader | undefined;
}

export interface BlobInfo {
  oid: string;
  size: number;
}

/**
 * Looks up several paths at one commit in a single git process (`cat-file --batch-check`). A path that is
 * missing, or is a directory or submodule rather than a file, maps to null.
 */
export async function statFilesAtCommit(cwd: string, sha: string, paths: readonly string[], opts: ShowOptions = {}): Promise<Map<string, BlobInfo | null>> {
  assertFullSha(sha, cwd);
  for (const p of paths) assertRepoPath(p, cwd);
  const result = new Map<string, BlobInfo | null>();
  if (paths.length === 0) return result;
  return withObjectReader(
    opts.reader,
    async (r) => {
      const infos = await Promise.all(paths.map((p) => r.info(`${sha}:${p}`, { signal: opts.signal })));
      paths.forEach((p, i) => {
        const info = infos[i];
        result.set(p, info && info.type === 'blob' ? { oid: info.oid, size: info.size } : null);
      });
      return result;
    },
    () => statWithCatFile(cwd, sha, paths, result, opts),
  );
}

async function statWithCatFile(cwd: string, sha: string, paths: readonly string[], result: Map<string, BlobInfo | null>, opts: ShowOptions): Promise<Map<string, BlobInfo | null>> {
  const { stdout } = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
    cwd,
    signal: opts.signal,
    stdin: paths.map((p) => `${sha}:${p}\n`).join(''),
  });
  const lines = stdout.split('\n');
  paths.forEach((p, i) => {
    const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(lines[i] ?? '');
    result.set(p, m && m[2] === 'blob' ? { oid: m[1] as string, size: Number(m[3]) } : null);
  });
  return result;
}

/** A blob's content as UTF-8; `output-too-large` when it is bigger than `maxBytes`. */
export async function readBlob(cwd: string, blob: BlobInfo, maxBytes = DEFAULT_MAX_FILE_BYTES, opts: ShowOptions = {}): Promise<string> {
  assertFullSha(blob.oid, cwd);
  if (blob.size > maxBytes) {
    throw new GitError({
      kind: 'output-too-large',
      args: ['cat-file', 'blob', blob.oid],
      exitCode: null,
      stderr: '',
      cwd,
      message: `The file is ${blob.size} bytes, more than the ${maxBytes} bytes Upshift reads. It was not read.`,
      details: { size: blob.size, maxBytes },
    });
  }
  return withObjectReader(
    opts.reader,
    async (r) => {
      const obj = await r.contents(blob.oid, { signal: opts.signal, maxBytes });
      if (!obj || obj.type !== 'blob') {
        throw new GitError({ kind: 'ref-not-found', args: ['cat-file', 'blob', blob.oid], exitCode: 128, stderr: '', cwd, message: `The file ${blob.oid.slice(0, 12)} is not in the repository at ${cwd}. Nothing was read.` });
      }
      return obj.data.toString('utf8');
    },
    async () => (await runGit(['cat-file', 'blob', blob.oid], { cwd, signal: opts.signal, maxOutputBytes: maxBytes })).stdout,
  );
}

/**
 * The content of `path` at commit `sha` (`git show <sha>:<path>` without textconv or filters), or null when the
 * commit has no such file. A file bigger than `maxBytes` (default 1 MiB) throws `output-too-large`.
 */
export async function readFileAtCommit(
  cwd: string,
  sha: string,
  path: string,
  opts: ShowOptions & { maxBytes?: number } = {},
): Promise<string | null> {
  const info = (await statFilesAtCommit(cwd, sha, [path], opts)).get(path) ?? null;
  if (!info) return null;
  return readBlob(cwd, info, opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES, opts);
}

export interface TagInfo {
  name: string;
  /** True for a tag object (`git tag -a`), false for a lightweight tag. */
  annotated: boolean;
  /** The commit the tag points to (peeled). */
  sha: string;
  /** The annotated tag's message without its signature (subject, blank line, body); null for lightweight tags. */
  message: string | null;
  /** Tagger date for an annotated tag, committer date for a lightweight one (ISO 8601). */
  date: string | null;
}

/**
 * A local tag and, if annotated, its message (`git for-each-ref refs/tags/<name>`), or null when there is no such
 * local tag. Remote tags must be fetched first (see `fetchTag`).
 */
export async function readTag(cwd: string, name: string, opts: ShowOptions = {}): Promise<TagInfo | null> {
  assertUsableTagName(name, cwd);
  return withObjectReader(opts.reader, (r) => readTagWithReader(r, name, opts), () => readTagWithForEachRef(cwd, name, opts));
}

async function readTagWithForEachRef(cwd: string, name: string, opts: ShowOptions): Promise<TagInfo | null> {
  const ref = `refs/tags/${name}`;
  const format = ['%(refname)', '%(objecttype)', '%(objectname)', '%(*objectname)', '%(creatordate:iso-strict)', '%(contents:subject)', '%(contents:body)'];
  const { stdout } = await runGit(['for-each-ref', `--format=${format.join('%00')}%00`, ref], { cwd, signal: opts.signal, maxOutputBytes: 4 * 1024 * 1024 });
  const fields = stdout.split('\0');
  const width = format.length;
  for (let i = 0; i + width <= fields.length; i += width) {
    const refname = (fields[i] as string).replace(/^\n/, '');
    // A pattern also matches refs below it (`refs/tags/v1/x`): keep only the exact ref.
    if (refname !== ref) continue;
    const type = fields[i + 1] as string;
    const annotated = type === 'tag';
    // `%(*objectname)` dereferences one level only; a tag of a tag needs full peeling.
    const sha = annotated ? ((await resolveCommit(cwd, ref, opts)) ?? (fields[i + 3] as string)) : (fields[i + 2] as string);
    const subject = (fields[i + 5] as string).trim();
    const body = (fields[i + 6] as string).trim();
    const date = (fields[i + 4] as string).trim();
    return {
      name,
      annotated,
      sha,
      message: annotated ? [subject, body].filter((s) => s !== '').join('\n\n') : null,
      date: date === '' ? null : date,
    };
  }
  return null;
}

/**
 * readTag from the tag's objects: the same fields `for-each-ref` gives (creatordate: the tagger's date, a lightweight
 * tag's commit's committer date; the message split as %(contents:subject) and %(contents:body)).
 */
async function readTagWithReader(reader: ObjectReader, name: string, opts: ShowOptions): Promise<TagInfo | null> {
  const ref = `refs/tags/${name}`;
  const [own, peeled] = await Promise.all([reader.contents(ref, { signal: opts.signal, maxBytes: 4 * 1024 * 1024 }), reader.info(`${ref}^{commit}`, { signal: opts.signal })]);
  if (!own) return null;
  if (own.type !== 'tag') {
    const date = own.type === 'commit' ? identDateIsoStrict(parseObjectHeaders(own.data).headers.get('committer')?.[0]) : null;
    return { name, annotated: false, sha: own.oid, message: null, date };
  }
  const { headers, message } = parseObjectHeaders(own.data);
  const { subject, body } = splitTagMessage(message);
  // A tag of a tree or blob has no commit: the object it names, as `%(*objectname)` gives it.
  const sha = peeled?.oid ?? headers.get('object')?.[0] ?? own.oid;
  return {
    name,
    annotated: true,
    sha,
    message: [subject.trim(), body.trim()].filter((s) => s !== '').join('\n\n'),
    date: identDateIsoStrict(headers.get('tagger')?.[0]),
  };
}
