// `npm run dist [-- <electron-builder flags>]`: build, package with electron-builder, then give Node its own
// better-sqlite3 back — also when packaging failed. As a one-line npm script, `npm run dist -- --linux` appended
// --linux to the last command (`npm rebuild`), and a failed electron-builder skipped the rebuild, leaving the CLI
// and the tests with a module built for Electron's ABI.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The commands, in order; `always` ones run even after a failure. */
export function distSteps(args) {
  return [
    { cmd: npm, args: ['run', 'build'], always: false },
    { cmd: process.execPath, args: [path.join(root, 'node_modules/electron-builder/cli.js'), '--config', 'build/electron-builder.yml', ...args], always: false },
    { cmd: npm, args: ['rebuild', 'better-sqlite3'], always: true },
  ];
}

/** Runs the steps; the exit code is the first failure's (a failed rebuild after success fails too). */
export function runDist(args, run = (cmd, a) => spawnSync(cmd, a, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1) {
  let code = 0;
  for (const step of distSteps(args)) {
    if (code !== 0 && !step.always) continue;
    const status = run(step.cmd, step.args);
    if (status !== 0 && code === 0) code = status;
  }
  return code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = runDist(process.argv.slice(2));
}
