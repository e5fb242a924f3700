/**
 * What `check` loads (issue 12: the CLI's peak RSS during a 200-project check). The upgrade and rollback executor,
 * batches, the planner and node's HTTP/TLS modules are imported when an operation, a plan or an https remote needs
 * them, not when the engine opens: each costs every `check` its code's memory. Recorded from the real built CLI by an
 * ES module resolve hook (every module it loads) and `process.moduleLoadList` (every builtin), through NODE_OPTIONS.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const dir = makeTempDir('upshift-lazy-');
const log = join(dir, 'loaded.log');
// The resolve hook runs on the loader's thread: it appends each resolved URL to the log. The builtins are read at exit
// (a builtin fetched with process.getBuiltinModule never passes through the hook).
writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\nprocess.on('exit', () => appendFileSync(${JSON.stringify(log)}, process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'builtin:' + m.slice(13)).join('\\n') + '\\n'));\n`);

/** The sources (from each chunk's source map) and builtins one CLI command loaded. */
function loadedBy(cli: CliHarness, ...args: string[]): { sources: Set<string>; builtins: Set<string> } {
  writeFileSync(log, '');
  const r = withNodeOptions(cli, () => cli.run(...args));
  expect(r.code, r.stderr).toBe(0);
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const sources = new Set<string>();
  const dist = pathToFileURL(dirname(CLI)).href;
  for (const url of lines.filter((l) => l.startsWith(dist) && l.endsWith('.mjs'))) {
    const map = JSON.parse(readFileSync(new URL(`${url}.map`), 'utf8')) as { sources: string[] };
    for (const s of map.sources) sources.add(s.replace(/^(\.\.\/)+/, ''));
  }
  return { sources, builtins: new Set(lines.filter((l) => l.startsWith('builtin:')).map((l) => l.slice(8))) };
}

function withNodeOptions<T>(cli: CliHarness, fn: () => T): T {
  cli.env.NODE_OPTIONS = `--import ${pathToFileURL(join(dir, 'register.mjs')).href}`;
  try {
    return fn();
  } finally {
    delete cli.env.NODE_OPTIONS;
  }
}

const UPGRADE_PATH = ['electron/core/engine/run.ts', 'electron/core/executor/upgrade.ts', 'electron/core/executor/recovery.ts', 'electron/core/batch/run.ts', 'electron/core/batch/recover.ts', 'electron/core/engine/plan.ts', 'electron/core/health/index.ts'];
const NETWORK = ['https', 'tls', 'http2', 'http'];

describe('what a check of a path remote loads', () => {
  const fx = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n' }, releases: [{ version: '1.0.0' }, { version: '1.1.0' }], checkout: 'v1.0.0' });
  const cli = new CliHarness();

  it('check loads neither the upgrade path, the planner nor node:http/https/tls/http2', () => {
    expect(cli.run('add', fx.work, '--name', 'app').code).toBe(0);
    const { sources, builtins } = loadedBy(cli, 'check', '--json');
    // The hook saw the engine itself: an empty log would pass the assertions below for the wrong reason.
    expect(sources.has('electron/core/engine/index.ts')).toBe(true);
    expect(sources.has('electron/core/engine/check.ts')).toBe(true);
    expect(UPGRADE_PATH.filter((s) => sources.has(s))).toEqual([]);
    expect(NETWORK.filter((b) => builtins.has(b))).toEqual([]);
  });

  it('plan loads the planner, upgrade the executor: the same record shows them when they are used', () => {
    expect(loadedBy(cli, 'plan', 'app', '--json').sources.has('electron/core/engine/plan.ts')).toBe(true);
    const up = loadedBy(cli, 'upgrade', 'app', '--yes', '--json').sources;
    expect(['electron/core/engine/run.ts', 'electron/core/executor/upgrade.ts'].filter((s) => !up.has(s))).toEqual([]);
    expect(cli.run('status', '--json').json<{ projects: { current: { version: string } }[] }>().projects[0]!.current.version).toBe('1.1.0');
  });
});
