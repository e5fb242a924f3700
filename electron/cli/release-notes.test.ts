import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ReleaseNote } from '../../shared/api/types.js';
import { findChangelogSection } from '../core/release/changelog.js';
import { changelogNote } from '../core/release/info.js';
import { makeStyle } from './format.js';
import { releaseNoteLines } from './release-notes.js';

const NOTES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/notes');
const plain = makeStyle(false);

function note(section: NonNullable<ReturnType<typeof findChangelogSection>>, file: string, version: string): ReleaseNote {
  return { version, tag: `v${version}`, ...changelogNote(section, file), breaking: [], date: section.date };
}

describe('release notes in the human plan', () => {
  it("jq's 201-line section: 15 lines at most, cut at a line boundary, then how many lines are left and where", () => {
    const section = findChangelogSection(readFileSync(path.join(NOTES, 'jq/NEWS.md'), 'utf8'), '1.7')!;
    const lines = releaseNoteLines(plain, note(section, 'NEWS.md', '1.7.0'));
    expect(lines[0]).toBe('  1.7.0  from NEWS.md, section "1.7"');
    const shown = lines.slice(1, -1).map((l) => l.slice(4));
    expect(lines.slice(1, -1).every((l) => l === '' || l.startsWith('    '))).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(15);
    expect(section.body.startsWith(shown.join('\n'))).toBe(true);
    expect(lines.at(-1)).toBe(`    … ${201 - shown.length} more lines in NEWS.md`);
  });

  it('a short section is shown whole, with no mark; the date and origin head it', () => {
    const section = findChangelogSection(readFileSync(path.join(NOTES, 'click/CHANGES.rst'), 'utf8'), '8.1.7', undefined, 'rst')!;
    expect(releaseNoteLines(plain, note(section, 'CHANGES.rst', '8.1.7'))).toEqual([
      '  8.1.7 (2023-08-17)  from CHANGES.rst, section "Version 8.1.7"',
      '    Released 2023-08-17',
      '',
      '    -   Fix issue with regex flags in shell completion. :issue:`2581`',
      '    -   Bash version detection issues a warning instead of an error. :issue:`2574`',
      '    -   Fix issue with completion script for Fish shell. :issue:`2567`',
    ]);
  });

  it('a note the engine already shortened counts its left-out lines too, and says it once', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `- change ${i + 1}`).join('\n');
    const n = note({ heading: '## 2.0.0', title: '2.0.0', body, date: null }, 'CHANGELOG.md', '2.0.0');
    expect(n.truncated).toEqual({ omittedLines: 1500, from: 'CHANGELOG.md' });
    const lines = releaseNoteLines(plain, n);
    expect(lines.slice(1, -1)).toEqual(Array.from({ length: 15 }, (_, i) => `    - change ${i + 1}`));
    expect(lines.at(-1)).toBe('    … 2985 more lines in CHANGELOG.md');
    expect(lines.filter((l) => l.includes('more lines'))).toHaveLength(1);
  });

  it('notes recorded before origin existed name their source; an empty body says so', () => {
    const tagged: ReleaseNote = { version: '1.2.0', tag: 'v1.2.0', body: Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'), source: 'tag-message', breaking: [], date: null };
    const lines = releaseNoteLines(plain, tagged);
    expect(lines[0]).toBe('  1.2.0  from the tag message');
    expect(lines.at(-1)).toBe('    … 5 more lines in the tag message');
    expect(releaseNoteLines(plain, { ...tagged, body: '', source: 'none' })).toEqual(['  1.2.0', '    (no notes for this release)']);
  });
});
