/**
 * On `add` without a manifest: the tag pattern the repository's tags follow, read from the remote (`git ls-remote`,
 * as checks will) or, offline, without a remote, or when it cannot be reached, from the checkout's own tags.
 */
import { compileTagPattern, detectTagScheme, suggestTagPattern, tagPatternAdvice, type TagScheme } from '../../../shared/version/index.js';
import { runGit } from '../git/index.js';
import { listRemoteTagsNative } from '../discovery/index.js';

export interface DetectedTagScheme extends TagScheme {
  /** Where the tags were read: the remote (its name) or the checkout's local tags. */
  from: { remote: string } | 'local';
}

/** A short deadline: `add` must not hang on a slow remote, and local tags are the fallback. */
const REMOTE_TIMEOUT_MS = 20_000;

/** The detected scheme, or null when no tag anywhere looks like a version (a new repository). */
export async function detectProjectTagScheme(path: string, remote: string, opts: { offline: boolean }): Promise<DetectedTagScheme | null> {
  if (!opts.offline) {
    try {
      const listed = await listRemoteTagsNative(path, remote, { timeoutMs: REMOTE_TIMEOUT_MS });
      const scheme = detectTagScheme(listed.tags.map((t) => t.tag));
      if (scheme) return { ...scheme, from: { remote } };
    } catch {
      // No such remote, or it cannot be reached now: the local tags say the same in most checkouts.
    }
  }
  const scheme = detectTagScheme(await localTags(path));
  return scheme ? { ...scheme, from: 'local' } : null;
}

async function localTags(path: string): Promise<string[]> {
  try {
    const { stdout } = await runGit(['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/tags'], { cwd: path });
    return stdout.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * On `add` of a checkout whose manifest (or --tag-pattern) names a pattern: when none of its local tags matches it but
 * they look like versions named another way, the advice check and plan would give — from local tags only, so adding
 * a project with a manifest never waits on the network for it. Null when the pattern matches or nothing is better.
 */
export async function localTagPatternAdvice(path: string, pattern: string, project: string): Promise<string | null> {
  const tags = await localTags(path);
  let tp;
  try {
    tp = compileTagPattern(pattern);
  } catch {
    return null; // the manifest's own validation names a malformed pattern
  }
  if (tags.some((t) => tp.match(t) !== null)) return null;
  const scheme = suggestTagPattern(tags, pattern);
  return scheme ? tagPatternAdvice(pattern, scheme, project) : null;
}
