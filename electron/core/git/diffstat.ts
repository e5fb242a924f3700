import type { DiffStat } from '../../../shared/api/types.js';
import { runGit } from './core.js';
import { assertFullSha } from './refname.js';

export interface DiffStatOptions {
  /** Files listed in the text (git prints ` ...` for the rest; the totals still count every file). Default 200. */
  maxFiles?: number;
  /** Cap on the text in characters; default 64 KiB. */
  maxTextChars?: number;
  signal?: AbortSignal | undefined;
}

/**
 * What changes between two commits: totals and `git diff --stat` text, in one git process. The per-file list is
 * capped by git itself (`--stat-count`); the summary line always counts every file. External diff drivers and
 * textconv filters are off: they are the project's programs.
 */
export async function diffStat(cwd: string, fromSha: string, toSha: string, opts: DiffStatOptions = {}): Promise<DiffStat> {
  assertFullSha(fromSha, cwd);
  assertFullSha(toSha, cwd);
  const maxFiles = Math.max(1, opts.maxFiles ?? 200);
  const maxText = opts.maxTextChars ?? 64 * 1024;
  const { stdout } = await runGit(
    ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--stat=120', `--stat-count=${maxFiles}`, fromSha, toSha, '--'],
    { cwd, signal: opts.signal },
  );
  const totals = parseShortStat(stdout);
  const text = stdout.replace(/\n+$/, '');
  return { ...totals, text: text.length > maxText ? `${text.slice(0, maxText)}\n… (truncated)` : text };
}

/** Reads the `N files changed, X insertions(+), Y deletions(-)` line (anywhere in the text); zeros when absent. */
export function parseShortStat(text: string): Omit<DiffStat, 'text'> {
  const line = text
    .split('\n')
    .reverse()
    .find((l) => /\d+ files? changed/.test(l));
  if (!line) return { filesChanged: 0, insertions: 0, deletions: 0 };
  const num = (re: RegExp) => Number.parseInt(re.exec(line)?.[1] ?? '0', 10);
  return {
    filesChanged: num(/(\d+) files? changed/),
    insertions: num(/(\d+) insertions?\(\+\)/),
    deletions: num(/(\d+) deletions?\(-\)/),
  };
}
