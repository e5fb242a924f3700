// `npm run demo`: a throwaway workspace to try every journey within a minute, then the dashboard on it.
//
//   core      checked out at v1.0.0; its remote has v1.1.0 (good: notes in the annotated tag and CHANGELOG.md),
//             v1.2.0 (its smoke test fails, so the upgrade rolls back) and v2.0.0 (a major the vertical refuses)
//   finance   a vertical in the seed format (vertical_manifest.yaml) that accepts core 1.x.x only
//
// Both are registered in a fresh UPSHIFT_HOME with the CLI, then `upshift serve` starts (opening a browser when
// there is a display). Nothing outside the workspace is touched; delete it when done.
//
// Options: --no-serve (create and register only), --json (print the workspace as JSON instead of the guide),
//          --dir <path> (an empty directory to use instead of a new one under the system temp dir).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(root, 'dist', 'upshift.mjs');

// ------------------------------------------------------------------------------------------------------------
// git, with a fixed identity and none of the user's configuration (a global commit.gpgsign or hooksPath would
// break the fixture commits), and none of a parent git's repository variables (run from a hook, GIT_DIR would
// point at this repository).

const GIT_REPO_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX'];
// Releases ten days apart, the last one a few days ago, so dates in notes and history read naturally.
const DAY = 86_400;
let tick = Math.floor(Date.now() / 1000 / DAY) * DAY - 55 * DAY + 9 * 3600;

/** The date of the next release (advances the clock the fixture commits use). */
function nextReleaseDate() {
  tick += 10 * DAY;
  return new Date(tick * 1000).toISOString().slice(0, 10);
}

function gitEnv() {
  const env = { ...process.env };
  for (const k of GIT_REPO_VARS) delete env[k];
  const date = `${tick} +0000`;
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Upshift Demo',
    GIT_AUTHOR_EMAIL: 'demo@upshift.invalid',
    GIT_COMMITTER_NAME: 'Upshift Demo',
    GIT_COMMITTER_EMAIL: 'demo@upshift.invalid',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(tmpdir(), 'upshift-demo-no-gitconfig'),
    GIT_TERMINAL_PROMPT: '0',
  };
}

function git(cwd, ...args) {
  try {
    return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${e.stderr || e.message}`);
  }
}

function write(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content, rel.endsWith('.sh') ? { mode: 0o755 } : undefined);
  }
}

/** Commits `files` in `dir` and tags the commit (annotated when `message` is given). */
function release(dir, version, files, message) {
  nextReleaseDate();
  write(dir, typeof files === 'function' ? files(new Date(tick * 1000).toISOString().slice(0, 10)) : files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `Release ${version}`);
  if (message) git(dir, 'tag', '-a', `v${version}`, '-m', message);
  else git(dir, 'tag', `v${version}`);
}

// ------------------------------------------------------------------------------------------------------------
// The fixture content

const CORE_MANIFEST = `# Upshift reads this file to know how to install and test core (docs/manifest.md).
name: core
install: sh scripts/install.sh
smoke: { command: sh scripts/smoke.sh, timeoutSeconds: 60 }
gates: { patch: auto, minor: review, major: manual }
`;

const INSTALL = `#!/bin/sh
# A stand-in for "npm ci": quick, and it says what it did.
set -e
echo "installing core $(cat VERSION)"
sleep 1
echo "dependencies ready"
`;

const SMOKE_OK = `#!/bin/sh
# The smoke test: starts nothing, checks the release files are coherent.
set -e
echo "smoke: core $(cat VERSION)"
sleep 1
test -s VERSION
echo "smoke: GET /health -> 200 OK"
`;

const SMOKE_FAILS = `#!/bin/sh
# 1.2.0 shipped with a broken health endpoint: the smoke test catches it and Upshift rolls back.
echo "smoke: core $(cat VERSION)"
sleep 1
echo "smoke: GET /health -> 500 Internal Server Error (expected 200)" >&2
echo "smoke: FAILED: the health endpoint is broken in this release" >&2
exit 1
`;

const CHANGELOG_1_0 = `# Changelog

## 1.0.0

- First stable release of core.
`;

const CHANGELOG_1_1 = `# Changelog

## 1.1.0

- **Faster startup**: plugins load lazily (about 40% quicker on large installs).
- New \`core doctor\` command that checks a deployment.
- Fix: config reload no longer drops environment overrides.

${CHANGELOG_1_0.replace('# Changelog\n\n', '')}`;

const CHANGELOG_1_2 = `# Changelog

## 1.2.0

- New health endpoint format (\`/health\` returns JSON).
- Upgrade the HTTP layer.

${CHANGELOG_1_1.replace('# Changelog\n\n', '')}`;

const CHANGELOG_2_0 = `# Changelog

## 2.0.0

- **Breaking**: the plugin contract moves to v2 — \`GraphPlugin.run()\` is async and returns a result object.
- **Breaking**: Python 3.9 support removed.

${CHANGELOG_1_2.replace('# Changelog\n\n', '')}`;

const NOTES_1_1 = `core 1.1.0

Faster startup and a new doctor command.

- Plugins load lazily: about 40% quicker on large installs.
- New \`core doctor\` command that checks a deployment.
- Fix: config reload no longer drops environment overrides.`;

const metadata2 = (date) => `${JSON.stringify(
  {
    version: '2.0.0',
    contracts_version: '2.0.0',
    release_date: date,
    breaking_changes: ['Plugin contract v2: GraphPlugin.run() is async and returns a result object', 'Python 3.9 support removed'],
    features: ['Plugin contract v2'],
  },
  null,
  2,
)}\n`;

const VERTICAL_MANIFEST = `# Finance vertical (demo) — the seed system's manifest format, read by Upshift as is.

domain_name: "finance"
domain_version: "0.2.0"
status: "active"

compatibility:
  min_core_version: "1.0.0"          # Minimum supported core version
  max_core_version: "1.x.x"          # Any 1.x.x: core 2.0.0 is refused
  contracts_major: 1                  # Contracts major version (must match core)
  update_channel: "stable"
  breaking_changes_allowlist: []
  smoke_tests_timeout: 180

ownership:
  team: "finance-vertical-team"
  contact: "finance@example.invalid"
`;

const VERTICAL_SMOKE = `#!/bin/sh
# Seed convention: exit 0 pass, 1 fail, 2 error.
echo "finance smoke: ok"
exit 0
`;

// ------------------------------------------------------------------------------------------------------------

/** A bare remote with `publish` applied in a scratch clone, and a working clone made before the later releases. */
function makeCore(ws) {
  const remote = path.join(ws, 'remotes', 'core.git');
  const scratch = path.join(ws, 'remotes', '.core-publish');
  const work = path.join(ws, 'core');
  git(ws, 'init', '-q', '--bare', '-b', 'main', remote);
  git(ws, 'init', '-q', '-b', 'main', scratch);
  git(scratch, 'remote', 'add', 'origin', remote);
  release(scratch, '1.0.0', { 'VERSION': '1.0.0\n', 'upshift.yml': CORE_MANIFEST, 'scripts/install.sh': INSTALL, 'scripts/smoke.sh': SMOKE_OK, 'CHANGELOG.md': CHANGELOG_1_0, 'README.md': '# core\n\nThe demo platform.\n' });
  git(scratch, 'push', '-q', 'origin', 'main', '--tags');
  // The user's checkout, cloned when 1.0.0 was the latest release.
  git(ws, 'clone', '-q', remote, work);
  // Published later: what Upshift will find on the remote.
  release(scratch, '1.1.0', { 'VERSION': '1.1.0\n', 'CHANGELOG.md': CHANGELOG_1_1, 'src/doctor.txt': 'core doctor\n' }, NOTES_1_1);
  release(scratch, '1.2.0', { 'VERSION': '1.2.0\n', 'CHANGELOG.md': CHANGELOG_1_2, 'scripts/smoke.sh': SMOKE_FAILS });
  release(scratch, '2.0.0', (date) => ({ 'VERSION': '2.0.0\n', 'CHANGELOG.md': CHANGELOG_2_0, 'release_metadata.json': metadata2(date), 'scripts/smoke.sh': SMOKE_OK }), 'core 2.0.0\n\nPlugin contract v2 (breaking). See CHANGELOG.md.');
  git(scratch, 'push', '-q', 'origin', 'main', '--tags');
  return { remote, work };
}

function makeFinance(ws) {
  const remote = path.join(ws, 'remotes', 'finance.git');
  const scratch = path.join(ws, 'remotes', '.finance-publish');
  const work = path.join(ws, 'finance');
  git(ws, 'init', '-q', '--bare', '-b', 'main', remote);
  git(ws, 'init', '-q', '-b', 'main', scratch);
  git(scratch, 'remote', 'add', 'origin', remote);
  release(scratch, '0.2.0', { 'vertical_manifest.yaml': VERTICAL_MANIFEST, 'smoke_tests/run.sh': VERTICAL_SMOKE, 'README.md': '# finance\n\nA vertical on core 1.x.\n' });
  git(scratch, 'push', '-q', 'origin', 'main', '--tags');
  git(ws, 'clone', '-q', remote, work);
  return { remote, work };
}

function upshift(home, ...args) {
  try {
    return execFileSync(process.execPath, [CLI, ...args], { env: { ...process.env, UPSHIFT_HOME: home, NO_COLOR: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`upshift ${args.join(' ')} failed (exit ${e.status}): ${e.stderr || e.stdout || e.message}`);
  }
}

/** Creates the workspace and registers both projects; returns where everything is. */
export function createDemoWorkspace(dir) {
  if (!existsSync(CLI)) throw new Error(`${path.relative(process.cwd(), CLI) || CLI} is missing: run \`npm run build\` first (npm run demo does).`);
  let ws;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty; give an empty directory or none.`);
    ws = realpathSync(dir);
  } else {
    ws = mkdtempSync(path.join(realpathSync(tmpdir()), 'upshift-demo-'));
  }
  const home = path.join(ws, 'upshift-home');
  const core = makeCore(ws);
  const finance = makeFinance(ws);
  upshift(home, 'add', core.work);
  upshift(home, 'add', finance.work, '--core', 'core');
  return { workspace: ws, home, core: core.work, coreRemote: core.remote, finance: finance.work, financeRemote: finance.remote };
}

function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function guide(demo) {
  const env = process.platform === 'win32' ? `set UPSHIFT_HOME=${demo.home}` : `export UPSHIFT_HOME=${demo.home}`;
  return `
Upshift demo workspace: ${demo.workspace}
  core      ${demo.core}   (at 1.0.0; its remote has 1.1.0, 1.2.0 and 2.0.0)
  finance   ${demo.finance}   (a vertical that accepts core 1.x.x only)

Try, in the dashboard:
  1. Updates: core shows an update. "Check now" checks again; finance refuses 2.0.0, so the plan targets 1.2.0.
  2. Plan for core 1.1.0 (Target version): release notes, dependents, the steps. "Start upgrade" → succeeded.
  3. Plan for 1.2.0: its smoke test fails, and Upshift rolls the checkout back to 1.1.0 by itself.
  4. Plan for 2.0.0: blocked, with finance's reason (max 1.x.x, contracts v1).
  5. History: every operation, its steps and logs; "Roll back" to before the 1.1.0 upgrade.

The same state from a terminal (the dashboard follows along without a reload):
  ${env}
  node dist/upshift.mjs check
  node dist/upshift.mjs history

When done: Ctrl+C here, and delete ${demo.workspace}
`;
}

async function main() {
  const args = process.argv.slice(2);
  const dirAt = args.indexOf('--dir');
  const dir = dirAt !== -1 ? args[dirAt + 1] : undefined;
  if (dirAt !== -1 && !dir) throw new Error('--dir needs a path');
  const demo = createDemoWorkspace(dir);
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(demo)}\n`);
  else process.stdout.write(guide(demo));
  if (args.includes('--no-serve')) return;

  const serveArgs = [CLI, 'serve', ...(hasDisplay() ? ['--open'] : [])];
  if (!hasDisplay()) process.stdout.write('No display found: open the dashboard URL below in a browser.\n');
  const child = spawn(process.execPath, serveArgs, { env: { ...process.env, UPSHIFT_HOME: demo.home }, stdio: 'inherit' });
  const stop = (signal) => child.kill(signal);
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`upshift demo: ${e.message}`);
    process.exit(1);
  });
}
