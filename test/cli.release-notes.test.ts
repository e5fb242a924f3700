import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const NOTES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/notes');
const corpus = (file: string) => readFileSync(path.join(NOTES, file), 'utf8');

describe('release notes in `upshift plan` (issue 8 §7)', () => {
  it("shows the changelog section over a trivial tag message, says where each note came from, and marks what the human plan leaves out", () => {
    const fx = createRemoteWithReleases({
      releases: [
        { version: '1.0.0' },
        // jq's NEWS.md: a 201-line section for 1.7.
        { version: '1.7.0', files: { 'NEWS.md': corpus('jq/NEWS.md') } },
        // click's CHANGES.rst and the kind of tag message click's plan showed instead of it.
        { version: '8.1.7', files: { 'CHANGES.rst': corpus('click/CHANGES.rst') }, message: 'Release version 8.1.7.' },
      ],
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);

    const json = cli.run('plan', 'p', '--to', '8.1.7', '--json');
    expect(json.code, json.stderr).toBe(0);
    const notes = json.json<UpgradePlan>().releaseNotes;
    expect(notes.map((n) => [n.version, n.source, n.origin])).toEqual([
      ['8.1.7', 'changelog', 'CHANGES.rst, section "Version 8.1.7"'],
      ['1.7.0', 'changelog', 'NEWS.md, section "1.7"'],
    ]);
    expect(notes[0]!.body).not.toContain('Release version 8.1.7.');
    expect(notes[0]!.date).toBe('2023-08-17');
    // The JSON plan has every line; nothing was shortened in the engine.
    expect(notes[1]!.body.split('\n')).toHaveLength(201);
    expect(notes.every((n) => n.truncated === undefined)).toBe(true);

    const human = cli.run('plan', 'p', '--to', '8.1.7');
    expect(human.code, human.stderr).toBe(0);
    const out = human.stdout;
    expect(out).toContain('  8.1.7 (2023-08-17)  from CHANGES.rst, section "Version 8.1.7"\n    Released 2023-08-17\n\n    -   Fix issue with regex flags in shell completion. :issue:`2581`');
    expect(out).toMatch(/^ {2}1\.7\.0 \(.+\) {2}from NEWS\.md, section "1\.7"\n {4}After a five year hiatus/m);
    const jq = out.slice(out.indexOf('from NEWS.md'), out.indexOf('Commits:'));
    const lines = jq.split('\n');
    const markAt = lines.findIndex((l) => /^ {4}… \d+ more lines in NEWS\.md$/.test(l));
    expect(markAt, jq).toBeGreaterThan(0);
    const shown = lines.slice(1, markAt).map((l) => l.slice(4));
    const omitted = Number(/(\d+) more lines/.exec(lines[markAt]!)![1]);
    // The lines shown are the section's first lines, as written; with the mark's count they are the whole section
    // (a blank line at the cut is neither shown nor counted): nothing is dropped without a word.
    expect(shown.length).toBeLessThanOrEqual(15);
    expect(notes[1]!.body.startsWith(shown.join('\n'))).toBe(true);
    expect(shown.length + omitted).toBeGreaterThanOrEqual(200);
    expect(shown.length + omitted).toBeLessThanOrEqual(201);
  });
});
