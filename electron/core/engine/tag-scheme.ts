/**
 * On `add` without a manifest: the tag pattern the repository's tags follow, read from the remote (`git ls-remote`,
 * as checks will) or, offline, without a remote, or when it cannot be reached, from the checkout's own tags.
 */
import { detectTagScheme, type TagScheme } from '../../../shared/version/index.js';
import { listRemoteTags, runGit } from '../git/index.js';

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
      const listed = await listRemoteTags(path, remote, { timeoutMs: REMOTE_TIMEOUT_MS });
      const scheme = detectTagScheme(listed.tags.map((t) => t.tag));
      if (scheme) return { ...scheme, from: { remote } };
    } catch {
      // No such remote, or it cannot be reached now: the local tags say the same in most checkouts.
    }
  }
  try {
    const { stdout } = await runGit(['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/tags'], { cwd: path });
    const scheme = detectTagScheme(stdout.split('\n').filter(Boolean));
    return scheme ? { ...scheme, from: 'local' } : null;
  } catch {
    return null;
  }
}
