import type { ReleaseNote } from '../../shared/api/types.js';
import { excerptNotes, moreLinesText } from '../core/release/excerpt.js';
import { formatDay, systemTime } from './time.js';

/** Lines of each release's notes in the human plan; the JSON plan has them all. */
export const PLAN_NOTE_LINES = 15;

/** Where notes came from when the plan predates `origin` (and what "N more lines in …" names without a file). */
const FROM: Record<ReleaseNote['source'], string> = {
  metadata: 'the release metadata',
  release: 'the GitHub release',
  'tag-message': 'the tag message',
  changelog: 'the changelog',
  commits: 'the commit log',
  none: '',
};

interface NoteStyle {
  bold(s: string): string;
  dim(s: string): string;
}

/**
 * One release's notes in the human plan: its version, date and where the notes came from, then at most `maxLines`
 * lines cut at a line boundary (never inside a code block) and, when anything was left out, `… N more lines in
 * CHANGES.rst` counting what the engine had already left out too (issue 8 §7: jq's notes were cut mid-section
 * without a word).
 */
export function releaseNoteLines(s: NoteStyle, n: ReleaseNote, maxLines = PLAN_NOTE_LINES): string[] {
  const from = n.origin ?? FROM[n.source];
  const out = [`  ${s.bold(n.version)}${n.date ? s.dim(` (${formatDay(n.date, systemTime())})`) : ''}${from ? s.dim(`  from ${from}`) : ''}`];
  let body = n.body;
  let alreadyOmitted = 0;
  const mark = n.truncated ? body.lastIndexOf('\n\n… ') : -1;
  if (n.truncated && mark >= 0) {
    // The engine's own mark is said again below, with the lines this excerpt leaves out added to it.
    body = body.slice(0, mark);
    alreadyOmitted = n.truncated.omittedLines;
  }
  if (body.trim() === '') return [...out, s.dim('    (no notes for this release)')];
  const cut = excerptNotes(body, { maxLines });
  for (const line of cut.text.split('\n')) out.push(line.trim() === '' ? '' : `    ${line}`);
  const omitted = cut.omittedLines + alreadyOmitted;
  if (omitted > 0) out.push(s.dim(`    ${moreLinesText(omitted, n.truncated?.from ?? n.file ?? (FROM[n.source] || 'the notes'))}`));
  return out;
}
