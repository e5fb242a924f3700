import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManifestError, loadManifest } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function load(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upshift-manifest-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'upshift.yml'), text);
  return loadManifest(dir);
}

function problems(text: string): string[] {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ManifestError) return e.issues.map((i) => `${i.line}:${i.field}: ${i.problem}`);
    throw e;
  }
  return [];
}

describe('strategy keys', () => {
  it('reads strategies, exclusions and the minimum release age', () => {
    expect(load('strategy: range\nrange: ">=2.9 <3"\nexclude: [2.9.3, "3.0.0"]\nminimumReleaseAge: 3\n').strategy).toEqual({
      type: 'range',
      version: null,
      range: '>=2.9 <3',
      exclude: ['2.9.3', '3.0.0'],
      minimumReleaseAge: 3,
    });
    const pinned = load('strategy: pinned\nversion: 1.10\n');
    expect(pinned.strategy).toMatchObject({ type: 'pinned', version: '1.10' });
    // With a pin, `version` is the pin, not the declared version.
    expect(pinned.declaredVersion).toBeNull();
    expect(load('version: 1.2.0\n').declaredVersion).toBe('1.2.0');
    expect(load('').strategy).toBeUndefined();
  });

  it('refuses a strategy without what it needs, and bad values', () => {
    expect(problems('strategy: pinned\n')).toEqual(['1:strategy: strategy "pinned" needs `version:` (the version to pin to)']);
    expect(problems('strategy: range\n')).toEqual(['1:strategy: strategy "range" needs `range:` (e.g. ">=2.9 <3")']);
    expect(problems('range: ">=1"\n')).toEqual(['1:range: `range` applies only with strategy: range']);
    expect(problems('strategy: newest\n')[0]).toMatch(/^1:strategy: /);
    expect(problems('strategy: range\nrange: ">>2"\n')[0]).toMatch(/^2:range: ">>2" is not a valid version constraint/);
    expect(problems('exclude: [soon]\n')[0]).toMatch(/^1:exclude\[0\]: must be a version/);
    expect(problems('minimumReleaseAge: -1\n')[0]).toMatch(/^1:minimumReleaseAge: /);
  });
});

describe('health keys', () => {
  it('reads checks with their defaults, the watch window and the rollback limit', () => {
    const m = load(
      [
        'health:',
        '  - type: http',
        '    url: http://127.0.0.1:8080/health',
        '  - { type: tcp, host: localhost, port: 5432 }',
        '  - { type: exec, command: ./check.sh }',
        'watch: { seconds: 60 }',
        'maxAutoRollbacksPerHour: 5',
        'offline: true',
        '',
      ].join('\n'),
    );
    expect(m.health).toEqual([
      { type: 'http', url: 'http://127.0.0.1:8080/health', expectStatus: '200-399', retries: 3, backoffMs: 500, timeoutMs: 5000 },
      { type: 'tcp', host: 'localhost', port: 5432, timeoutMs: 5000 },
      { type: 'exec', command: './check.sh', timeoutSeconds: 60 },
    ]);
    expect(m.watch).toEqual({ seconds: 60, intervalSeconds: 5 });
    expect(m.maxAutoRollbacksPerHour).toBe(5);
    expect(m.offline).toBe(true);
  });

  it('refuses malformed checks with their location', () => {
    expect(problems('health:\n  - type: http\n    url: ftp://x\n')[0]).toMatch(/^3:health\[0\]\.url: must be an http/);
    expect(problems('health:\n  - type: http\n    url: http://x\n    expectStatus: "2xx"\n')[0]).toMatch(/^4:health\[0\]\.expectStatus: must be a status/);
    expect(problems('health:\n  - type: tcp\n    host: x\n    port: 70000\n')[0]).toMatch(/^4:health\[0\]\.port: /);
    expect(problems('health:\n  - type: smtp\n')[0]).toMatch(/^2:health\[0\]/);
    expect(problems('watch: { intervalSeconds: 2 }\n')[0]).toMatch(/watch\.seconds/);
    expect(load('watch: { seconds: 30 }\n').warnings).toEqual(['watch: there are no health checks to keep running; the watch window is ignored (add `health:` checks)']);
  });
});
