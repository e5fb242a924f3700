import { describe, expect, it } from 'vitest';
import { withoutBreakingSection } from './breaking.js';
import { headingLevels, lex } from './Markdown.js';

describe('breaking changes shown once', () => {
  const body = 'Summary.\n\n### Breaking changes\n\n- Drops Node 18 (BR-1)\n- Renames `run`\n\n### Fixes\n\n- a fix';
  it('leaves out a breaking section the box already says, keeps the rest', () => {
    expect(withoutBreakingSection(body, ['Drops Node 18', 'Renames run'])).toBe('Summary.\n\n### Fixes\n\n- a fix');
  });
  it('keeps a section that says more than the box, and notes without breaking changes as they are', () => {
    expect(withoutBreakingSection(body, ['Drops Node 18'])).toBe(body);
    expect(withoutBreakingSection(body, [])).toBe(body);
  });
});

describe('release-note heading levels', () => {
  it('start at the given level and never skip one, whatever depth the notes began at', () => {
    expect([...headingLevels(lex('## A\n\n#### B\n\n## C\n\n###### D'), 4)]).toEqual([
      [2, 4],
      [4, 5],
      [6, 6],
    ]);
  });
});
