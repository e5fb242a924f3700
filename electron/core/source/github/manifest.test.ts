import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/helpers/repos.js';
import { loadManifest } from '../../manifest/index.js';
import { SourceRouter } from '../router.js';
import type { ReleaseSource } from '../types.js';

function project(yaml: string): string {
  const dir = makeTempDir();
  fs.writeFileSync(path.join(dir, 'upshift.yml'), yaml);
  return dir;
}

describe('source.type github in upshift.yml', () => {
  it('loads repo and apiUrl', () => {
    const m = loadManifest(project('source:\n  type: github\n  repo: prometheus/node_exporter\n  apiUrl: https://ghe.example/api/v3\n'));
    expect(m.source).toMatchObject({ type: 'github', repo: 'prometheus/node_exporter', apiUrl: 'https://ghe.example/api/v3', remote: 'origin', tagPattern: 'v{version}' });
    expect(loadManifest(project('source:\n  type: github\n  repo: o/r\n')).source.apiUrl).toBeUndefined();
  });

  it.each([
    ['source:\n  type: github\n', /source\.type: type "github" needs `repo: owner\/name`/],
    ['source:\n  type: github\n  repo: just-a-name\n', /source\.repo: must be "owner\/name"/],
    ['source:\n  type: github\n  repo: o/r\n  apiUrl: http://ghe.example/api/v3\n', /source\.apiUrl: must be an https:\/\/ URL/],
    ['source:\n  type: github\n  repo: o/r\n  apiUrl: https://user:secret@ghe.example/api/v3\n', /must not contain credentials/],
    ['source:\n  repo: o/r\n', /`repo` applies only with type: github/],
  ])('refuses %j', (yaml, problem) => {
    expect(() => loadManifest(project(yaml))).toThrow(problem);
  });

  it('allows plain http to this machine (tests, a local mirror)', () => {
    expect(loadManifest(project('source:\n  type: github\n  repo: o/r\n  apiUrl: http://127.0.0.1:8080\n')).source.apiUrl).toBe('http://127.0.0.1:8080');
  });

  it('the router sends GitHub projects to the GitHub source, others to git, reading the manifest when not told', async () => {
    const seen: string[] = [];
    const fake = (name: string): ReleaseSource => ({
      listReleases: async (p) => {
        seen.push(`${name}:${p.github?.repo ?? '-'}`);
        return [];
      },
    });
    const router = new SourceRouter(fake('git'), fake('github'));
    const base = { remote: 'origin', tagPattern: 'v{version}', channel: 'stable' as const };
    await router.listReleases({ ...base, path: project('source:\n  type: github\n  repo: o/r\n') });
    await router.listReleases({ ...base, path: project('install: make\n') });
    await router.listReleases({ ...base, path: makeTempDir(), github: { repo: 'x/y' } });
    expect(seen).toEqual(['github:o/r', 'git:-', 'github:x/y']);
  });
});
