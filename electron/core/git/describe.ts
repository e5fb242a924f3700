import { runGit } from './core.js';
import { assertFullSha, isUsableTagName } from './refname.js';

export interface DescribeOptions {
  signal?: AbortSignal | undefined;
}

function checkRev(rev: string, cwd: string): void {
  if (rev !== 'HEAD') assertFullSha(rev, cwd);
}

/**
 * The tag that names `rev` exactly (`git describe --tags --exact-match`), or null. When several tags point at the
 * commit git picks one; use `tagsPointingAt` and the project's tag pattern to choose among them. Local tag names
 * are checked like remote ones: an unsafe name is treated as no tag.
 */
export async function exactTag(cwd: string, rev = 'HEAD', opts: DescribeOptions = {}): Promise<string | null> {
  checkRev(rev, cwd);
  const r = await runGit(['describe', '--tags', '--exact-match', rev], { cwd, signal: opts.signal, expectedErrors: ['ref-not-found'] });
  if (r.error) return null;
  const tag = r.stdout.trim();
  return tag !== '' && isUsableTagName(tag) ? tag : null;
}

/** The nearest tag reachable from `rev` (`git describe --tags --abbrev=0`), or null when there is none. */
export async function nearestTag(cwd: string, rev = 'HEAD', opts: DescribeOptions = {}): Promise<string | null> {
  checkRev(rev, cwd);
  const r = await runGit(['describe', '--tags', '--abbrev=0', rev], { cwd, signal: opts.signal, expectedErrors: ['ref-not-found'] });
  if (r.error) return null;
  const tag = r.stdout.trim();
  return tag !== '' && isUsableTagName(tag) ? tag : null;
}

/** Every local tag (lightweight or annotated) whose commit is `rev`, sorted by name; unsafe names left out. */
export async function tagsPointingAt(cwd: string, rev = 'HEAD', opts: DescribeOptions = {}): Promise<string[]> {
  checkRev(rev, cwd);
  const { stdout } = await runGit(['tag', '--list', `--points-at=${rev}`], { cwd, signal: opts.signal });
  return stdout.split('\n').filter((t) => t !== '' && isUsableTagName(t));
}
