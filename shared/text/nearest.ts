/**
 * "Did you mean …?" for commands, flags and project names. Pure: the CLI, the engine and the renderer share it.
 *
 * The distance is optimal string alignment (Damerau–Levenshtein with adjacent transpositions counted once), so
 * `chekc` is one edit from `check`, as a typist would count it. Case is ignored.
 */

/** Edits (insert, delete, substitute, swap two adjacent characters) between `a` and `b`, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  // Three rows are enough for the transposition look-back.
  let before = new Array<number>(t.length + 1).fill(0);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let row = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    row[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[t.length]!;
}

/**
 * The candidate nearest to `input`, or null when none is near enough to be a likely typo: at most one edit for
 * words of up to four characters, two up to eight, three beyond (`chek` → `check`, `--too` → `--to`, `upgarde` →
 * `upgrade`; `xyz` → nothing). An input of three characters or more that begins exactly one candidate
 * (`hist` → `history`, not `list`) means that one. Ties go to the candidate listed first.
 */
export function nearest(input: string, candidates: Iterable<string>): string | null {
  const word = input.trim();
  if (word === '') return null;
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | null = null;
  let bestDistance = Infinity;
  const prefixed: string[] = [];
  for (const c of candidates) {
    if (c === word) return c;
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
    if (word.length >= 3 && c.toLowerCase().startsWith(word.toLowerCase())) prefixed.push(c);
  }
  if (prefixed.length === 1) return prefixed[0]!;
  if (best !== null && bestDistance <= limit && bestDistance < Math.max(word.length, best.length)) return best;
  return null;
}

/** ` Did you mean "check"?` for a message, or '' when nothing is near. */
export function didYouMean(input: string, candidates: Iterable<string>, show: (s: string) => string = (s) => `"${s}"`): string {
  const n = nearest(input, candidates);
  return n === null ? '' : ` Did you mean ${show(n)}?`;
}
