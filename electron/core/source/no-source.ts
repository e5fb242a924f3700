/**
 * A checkout with no git remote at all, whose manifest names no other source, is a local-only project (a vertical
 * developed in place): it has no release source, which is a normal state and not a failing check. A remote that is
 * named but not configured, while others are, stays an error — naming the remotes there are.
 */
import { UpshiftError } from '../errors.js';
import { GitError, isGitError, runGit } from '../git/index.js';

export const NO_RELEASE_SOURCE = 'NO_RELEASE_SOURCE';

/** The project has no release source (see {@link explainMissingRemote}); plan and upgrade have nothing to do (exit 4). */
export function isNoReleaseSource(err: unknown): err is UpshiftError {
  return err instanceof UpshiftError && err.code === NO_RELEASE_SOURCE;
}

/** The `reason` of ProjectCheck.noSource. */
export const NO_SOURCE_REASON = 'no release source: the checkout has no git remote, and its manifest names no other source';

/**
 * `err` from listing or fetching `remote` in the checkout at `path`, made exact: when git found no remote of that
 * name and the checkout has none at all, NO_RELEASE_SOURCE; when it has others, remote-not-found naming them.
 * Anything else is returned as it was.
 */
export async function explainMissingRemote(path: string, remote: string, err: unknown): Promise<unknown> {
  if (!isGitError(err, 'remote-not-found')) return err;
  let remotes: string[];
  try {
    remotes = (await runGit(['remote'], { cwd: path })).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return err;
  }
  if (remotes.length === 0) {
    return new UpshiftError(
      NO_RELEASE_SOURCE,
      `${path} has no release source: the checkout has no git remote, and its manifest names no other source. That is fine for a local-only project; nothing was changed. To follow releases, add a remote (\`git remote add origin <url>\`) or name a source in upshift.yml (or with \`upshift config\`).`,
      { category: 'nothing-to-do', details: { path, remote } },
    );
  }
  return new GitError({
    kind: 'remote-not-found',
    args: err.args,
    exitCode: err.exitCode,
    stderr: err.stderr,
    cwd: err.cwd,
    message: `No remote named "${remote}" is configured in ${path}; its remotes are ${remotes.map((r) => `"${r}"`).join(', ')}. Nothing was changed. Name the one to follow as source.remote (in upshift.yml, or \`upshift config <project> source.remote ${remotes[0]}\`).`,
    details: { remotes },
  });
}
