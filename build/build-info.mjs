// Where a build came from, baked into the bundles (esbuild `define` __UPSHIFT_BUILD__) by build/postbuild.mjs (the
// CLI) and build/electron.mjs (the tray app): `upshift --version` and the dashboard's About view show it.
//   version  package.json's
//   commit   `git rev-parse HEAD` of the checkout built, null outside a git checkout (a source tarball)
//   dirty    tracked files differed from that commit (a build nobody can reproduce from the commit alone)
//   builtAt  SOURCE_DATE_EPOCH when set (reproducible builds: https://reproducible-builds.org/specs/source-date-epoch/), else now
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function git(args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The build's origin; `env` for SOURCE_DATE_EPOCH (tests pass their own). */
export function buildInfo(env = process.env) {
  const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
  const commit = git(['rev-parse', 'HEAD']);
  // Untracked files do not count: a stray scratch file does not change what was built from the commit.
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  const builtAt = new Date(Number.isFinite(epoch) && env.SOURCE_DATE_EPOCH ? epoch * 1000 : Date.now()).toISOString();
  return { version, commit, dirty: status === null ? null : status !== '', builtAt };
}

/** The esbuild `define` that bakes it in. */
export function buildInfoDefine(env = process.env) {
  return { __UPSHIFT_BUILD__: JSON.stringify(buildInfo(env)) };
}
