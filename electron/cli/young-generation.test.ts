import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The module as the CLI runs it, in a child process of its own (the heap's sizing is per process): its tsc output, so
// this test needs `npm run build` first, as the CLI tests do.
const built = fileURLToPath(new URL('../../dist/electron/cli/young-generation.js', import.meta.url));
if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);

/** The young generation's size after allocating ~100 MB of short-lived objects, in a child that imported the module. */
function youngGenerationMb(nodeArgs: string[], env: NodeJS.ProcessEnv = {}): number {
  const script = `
    const keep = [];
    for (let i = 0; i < 2e6; i++) { const o = { i, s: 'x' + i }; if (i % 1000 === 0) keep.push(o); }
    const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 1048576));`;
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', pathToFileURL(built).href, '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } });
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout);
}

describe('young-generation', () => {
  it('holds the young generation at its initial two 1 MB semi-spaces', () => {
    expect(youngGenerationMb([])).toBeLessThanOrEqual(2);
  });

  it('leaves it alone when the user sized it (a node flag or NODE_OPTIONS)', () => {
    expect(youngGenerationMb(['--max-semi-space-size=8'])).toBeGreaterThan(2);
    expect(youngGenerationMb([], { NODE_OPTIONS: '--max-semi-space-size=8' })).toBeGreaterThan(2);
  });
});
