/**
 * Throwaway git repositories for tests: real git, never mocks. A bare "remote" plus a working clone, built
 * with `git fast-import` so a remote with many releases costs a handful of processes, and fixture tag lists
 * (up to vim's ~20,000 tags) written straight into `packed-refs`.
 *
 * Every helper runs git with a fixed identity and without the machine's global or system configuration, so
 * tests behave the same on a fresh CI box and on a developer's laptop. Variables such as GIT_DIR that a parent
 * git process (a pre-commit hook running the tests) may have set are removed: otherwise the helpers would act on
 * the project's own repository.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, onTestFinished } from 'vitest';
import { REPOSITORY_LOCAL_VARS } from '../../electron/core/git/core.js';

// ---------------------------------------------------------------------------------------------------------
// Temporary directories

const liveDirs = new Set<string>();

function removeDir(dir: string): void {
  liveDirs.delete(dir);
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Best effort: a leftover temp dir must not fail a test.
  }
}

/** Removes every directory made by makeTempDir that is still there. */
export function cleanupTempDirs(): void {
  for (const dir of [...liveDirs]) removeDir(dir);
}

// Directories made outside a test (in beforeAll, at collection) go when the test file finishes; anything left
// when the worker exits goes then.
try {
  afterAll(cleanupTempDirs);
} catch {
  // Imported outside a vitest file (a benchmark): the exit handler below still cleans up.
}
process.once('exit', cleanupTempDirs);

/**
 * A new empty directory under the system temp dir (its real path, so it compares equal to what git prints).
 * Called inside a test it is removed when that test finishes; otherwise when the test file finishes. `dispose`
 * removes it at once.
 */
export function makeTempDir(prefix = 'upshift-test-'): string {
  const dir = mkdtempSync(path.join(realpathSync(tmpdir()), prefix));
  liveDirs.add(dir);
  try {
    onTestFinished(() => removeDir(dir));
  } catch {
    // Not inside a test: afterAll/exit cleanup covers it.
  }
  return dir;
}

/** Removes a directory made by makeTempDir now. */
export function disposeTempDir(dir: string): void {
  removeDir(dir);
}

// ---------------------------------------------------------------------------------------------------------
// Running git


export const TEST_AUTHOR = { name: 'Upshift Test', email: 'test@upshift.invalid' };

/** The environment the helpers run git with: fixed identity, no global/system config, no prompts. */
export function testGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of REPOSITORY_LOCAL_VARS) delete env[k];
  return {
    ...env,
    GIT_AUTHOR_NAME: TEST_AUTHOR.name,
    GIT_AUTHOR_EMAIL: TEST_AUTHOR.email,
    GIT_COMMITTER_NAME: TEST_AUTHOR.name,
    GIT_COMMITTER_EMAIL: TEST_AUTHOR.email,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

/**
 * Runs git synchronously in `cwd` and returns stdout without its final newline. Throws (with git's stderr in
 * the message) on a non-zero exit.
 */
export function git(cwd: string, ...args: string[]): string {
  return gitWithInput(cwd, undefined, ...args);
}

/** Like `git`, writing `input` to git's stdin. */
export function gitWithInput(cwd: string, input: string | Buffer | undefined, ...args: string[]): string {
  try {
    const out = execFileSync('git', args, {
      cwd,
      env: testGitEnv(),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(input !== undefined ? { input } : {}),
    });
    return out.replace(/\n$/, '');
  } catch (e) {
    const err = e as { stderr?: string; status?: number };
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed with exit ${String(err.status)}: ${err.stderr ?? String(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Building repositories

/** File content for a commit: text, `null` to delete the file, or text with the executable bit. */
export type FileContent = string | null | { content: string; executable?: boolean };
export type FileMap = Record<string, FileContent>;

export interface ReleaseSpec {
  /** The version; the tag is `v<version>` unless `tag` is given. */
  version?: string;
  tag?: string;
  /** Files changed by the release commit. */
  files?: FileMap;
  /** Tag message; giving one makes the tag annotated. */
  message?: string;
  /** Annotated tag (default: whether `message` is given; the message then defaults to `Release <tag>`). */
  annotated?: boolean;
  /** Message of the release commit; default `Release <tag>`. */
  commitMessage?: string;
  /** Commits made before the release commit (conventional-commit tests, changelog ranges). */
  commits?: Array<{ message: string; files?: FileMap }>;
}

export interface CreateRemoteOptions {
  releases: ReleaseSpec[];
  /** Content of the first commit (before any release); default a README. */
  initialFiles?: FileMap;
  /**
   * The tag the working clone is at, on branch `main`. Releases after it are added to the remote after the
   * clone is made, as if published later (the clone does not have their tags). Default: the first release.
   * `null`: make no working clone.
   */
  checkout?: string | null;
  /** Parent directory; default a new temp dir. */
  dir?: string;
}

export interface TagInfo {
  /** The commit. */
  sha: string;
  /** The tag object for an annotated tag, else the commit. */
  objectSha: string;
  annotated: boolean;
}

export interface RemoteFixture {
  /** Directory holding `remote.git` and `work`. */
  root: string;
  /** Path of the bare remote repository. */
  remote: string;
  /** Path of the working clone (origin = remote), or '' when none was made. */
  work: string;
  branch: 'main';
  /** Every tag made, by name. */
  tags: Record<string, TagInfo>;
  /** The commit of a tag; throws for an unknown tag. */
  sha(tag: string): string;
}

let clock = 1_700_000_000;
function nextTime(): string {
  clock += 60;
  return `${clock} +0000`;
}

function tagOf(spec: ReleaseSpec): string {
  const tag = spec.tag ?? (spec.version !== undefined ? `v${spec.version}` : undefined);
  if (!tag) throw new Error('a release needs a version or a tag');
  return tag;
}

/** fast-import's quoted path form, so any file name works. */
function quotePath(p: string): string {
  return `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

class ImportStream {
  private parts: string[] = [];
  private mark = 0;

  /** Adds a commit on `ref`; returns its mark. `from` is a mark (`:3`) or a committish the repository knows. */
  commit(ref: string, message: string, files: FileMap, from: string | null): string {
    const mark = `:${++this.mark}`;
    const who = `${TEST_AUTHOR.name} <${TEST_AUTHOR.email}> ${nextTime()}`;
    this.parts.push(`commit ${ref}\nmark ${mark}\nauthor ${who}\ncommitter ${who}\n${data(message)}`);
    if (from !== null) this.parts.push(`from ${from}\n`);
    for (const [p, c] of Object.entries(files)) {
      if (c === null) {
        this.parts.push(`D ${quotePath(p)}\n`);
        continue;
      }
      const content = typeof c === 'string' ? c : c.content;
      const mode = typeof c === 'object' && c.executable ? '100755' : '100644';
      this.parts.push(`M ${mode} inline ${quotePath(p)}\n${data(content)}`);
    }
    this.parts.push('\n');
    return mark;
  }

  tag(name: string, from: string, message: string | null): void {
    if (message === null) {
      this.parts.push(`reset refs/tags/${name}\nfrom ${from}\n\n`);
    } else {
      this.parts.push(`tag ${name}\nfrom ${from}\ntagger ${TEST_AUTHOR.name} <${TEST_AUTHOR.email}> ${nextTime()}\n${data(message)}`);
    }
  }

  run(bareRepo: string): void {
    gitWithInput(bareRepo, this.parts.join(''), 'fast-import', '--quiet', '--done', '--force');
  }

  done(): void {
    this.parts.push('done\n');
  }
}

function addRelease(stream: ImportStream, spec: ReleaseSpec, from: string): string {
  const tag = tagOf(spec);
  let parent = from;
  for (const c of spec.commits ?? []) parent = stream.commit('refs/heads/main', c.message, c.files ?? {}, parent);
  const mark = stream.commit('refs/heads/main', spec.commitMessage ?? `Release ${tag}`, spec.files ?? { 'VERSION': `${spec.version ?? tag}\n` }, parent);
  const annotated = spec.annotated ?? spec.message !== undefined;
  stream.tag(tag, mark, annotated ? (spec.message ?? `Release ${tag}`) : null);
  return mark;
}

function readTags(repo: string): Record<string, TagInfo> {
  const out = git(repo, 'for-each-ref', '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)', 'refs/tags');
  const tags: Record<string, TagInfo> = {};
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [name, object, peeled] = line.split('\0') as [string, string, string];
    tags[name] = { sha: peeled || object, objectSha: object, annotated: peeled !== '' };
  }
  return tags;
}

/** An empty bare repository whose HEAD is `main`. */
export function initBare(dir: string): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '--bare', '-b', 'main');
  return dir;
}

/**
 * A bare remote with the given releases as tags on `main` (one commit per release, plus `commits`), and a
 * working clone on `main` at the `checkout` release. Releases after `checkout` are published after the clone,
 * so the clone knows only the tags it would have had at the time.
 */
export function createRemoteWithReleases(opts: CreateRemoteOptions): RemoteFixture {
  const root = opts.dir ?? makeTempDir('upshift-remote-');
  const remote = initBare(path.join(root, 'remote.git'));
  const tags = opts.releases.map(tagOf);
  const checkoutTag = opts.checkout === undefined ? (tags[0] ?? null) : opts.checkout;
  const split = checkoutTag === null ? opts.releases.length : tags.indexOf(checkoutTag) + 1;
  if (checkoutTag !== null && split === 0) throw new Error(`checkout tag ${checkoutTag} is not among the releases`);

  const first = new ImportStream();
  let last = first.commit('refs/heads/main', 'Initial commit', opts.initialFiles ?? { 'README.md': '# fixture\n' }, null);
  for (const spec of opts.releases.slice(0, split)) last = addRelease(first, spec, last);
  first.done();
  first.run(remote);

  let work = '';
  if (checkoutTag !== null) {
    work = path.join(root, 'work');
    git(root, 'clone', '-q', '--branch', 'main', remote, work);
    const later = opts.releases.slice(split);
    if (later.length > 0) {
      const second = new ImportStream();
      let from = 'refs/heads/main^0';
      for (const spec of later) from = addRelease(second, spec, from);
      second.done();
      second.run(remote);
    }
  }
  const allTags = readTags(remote);
  return {
    root,
    remote,
    work,
    branch: 'main',
    tags: allTags,
    sha(tag: string): string {
      const t = allTags[tag];
      if (!t) throw new Error(`no tag ${tag} in the fixture`);
      return t.sha;
    },
  };
}

export interface PushTagOptions {
  message?: string;
  annotated?: boolean;
  commitMessage?: string;
  commits?: Array<{ message: string; files?: FileMap }>;
  /** Build on this committish instead of the tip of `main` (a maintenance release); `main` is not moved then. */
  parent?: string;
}

/**
 * Publishes a new release on a bare remote: a commit with `files` on top of `main` (or `parent`) and a tag on
 * it. Returns the commit's id.
 */
export function pushTag(remote: string, tag: string, files: FileMap = {}, opts: PushTagOptions = {}): string {
  const stream = new ImportStream();
  const ref = opts.parent !== undefined ? `refs/upshift-test/tmp` : 'refs/heads/main';
  const base = opts.parent !== undefined ? git(remote, 'rev-parse', '--verify', `${opts.parent}^{commit}`) : 'refs/heads/main^0';
  let parent = base;
  for (const c of opts.commits ?? []) parent = stream.commit(ref, c.message, c.files ?? {}, parent);
  const mark = stream.commit(ref, opts.commitMessage ?? `Release ${tag}`, Object.keys(files).length ? files : { VERSION: `${tag}\n` }, parent);
  const annotated = opts.annotated ?? opts.message !== undefined;
  stream.tag(tag, mark, annotated ? (opts.message ?? `Release ${tag}`) : null);
  stream.done();
  stream.run(remote);
  if (opts.parent !== undefined) git(remote, 'update-ref', '-d', ref);
  return git(remote, 'rev-parse', '--verify', `refs/tags/${tag}^{commit}`);
}

/** Commits `files` in a working clone (`git add -A`), returning the new commit's id. */
export function commitFiles(work: string, files: FileMap, message = 'change'): string {
  writeFiles(work, files);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '--no-verify', '-m', message);
  return git(work, 'rev-parse', 'HEAD');
}

/** Writes (or, for null, deletes) files in a working tree, creating directories as needed. */
export function writeFiles(dir: string, files: FileMap): void {
  for (const [p, c] of Object.entries(files)) {
    const full = path.join(dir, p);
    if (c === null) {
      rmSync(full, { force: true });
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, typeof c === 'string' ? c : c.content);
    if (typeof c === 'object' && c.executable) chmodSync(full, 0o755);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fixture tag lists

/** `$UPSHIFT_FIXTURES`, else the recorded data in the repository, test/fixtures/real (see its README). */
export const FIXTURES_DIR =
  process.env.UPSHIFT_FIXTURES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/real');

export interface FixtureTag {
  tag: string;
  /** Recorded object id (tag object or commit) in the original repository. */
  objectSha: string;
  /** Recorded peeled commit, or '' for a lightweight tag. */
  peeledSha: string;
  date: string;
}

/** Reads `tags/<name>.tsv` from the fixtures (`chalk`, `jq`, `node_exporter`, `redis`, `vim`) or a path. */
export function readFixtureTags(nameOrPath: string): FixtureTag[] {
  const file = nameOrPath.includes('/') ? nameOrPath : path.join(FIXTURES_DIR, 'tags', `${nameOrPath}.tsv`);
  if (!existsSync(file)) throw new Error(`fixture ${file} not found; set UPSHIFT_FIXTURES to the fixtures directory`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [tag = '', objectSha = '', peeledSha = '', date = ''] = l.split('\t');
      return { tag, objectSha, peeledSha, date };
    });
}

export interface TagListRemote {
  remote: string;
  /** Every tag written and the dummy commit it points to. */
  tags: Array<{ tag: string; sha: string }>;
  /** The dummy commits. */
  commits: string[];
}

/**
 * A bare remote carrying the given tag names (or a fixture's) as lightweight tags spread over a few dummy
 * commits. The tags are written straight into `packed-refs` (sorted, as git requires for the `sorted` trait), so
 * vim's 19,877 tags take two git processes instead of thousands. Names are written as given: pass hostile ones
 * to test what discovery does with them (git itself skips names it considers malformed).
 */
export function createRemoteFromTagList(source: string | string[], opts: { commits?: number; dir?: string } = {}): TagListRemote {
  const names = Array.isArray(source) ? source : readFixtureTags(source).map((t) => t.tag);
  const remote = initBare(path.join(opts.dir ?? makeTempDir('upshift-tags-'), 'remote.git'));
  const n = Math.max(1, opts.commits ?? 3);
  const stream = new ImportStream();
  let last: string | null = null;
  for (let i = 0; i < n; i++) last = stream.commit('refs/heads/main', `dummy ${i + 1}`, { 'file.txt': `${i + 1}\n` }, last);
  stream.done();
  stream.run(remote);
  const commits = git(remote, 'rev-list', '--reverse', 'refs/heads/main').split('\n');

  const tags = names.map((tag, i) => ({ tag, sha: commits[i % commits.length] as string }));
  const lines = tags
    .map((t) => ({ ref: Buffer.from(`refs/tags/${t.tag}`), sha: t.sha }))
    .sort((a, b) => Buffer.compare(a.ref, b.ref));
  const body = lines.map((l) => `${l.sha} ${l.ref.toString()}\n`).join('');
  writeFileSync(path.join(remote, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${body}`);
  return { remote, tags, commits };
}
