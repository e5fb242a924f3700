/**
 * Breaking changes are shown once (issue 11 §1): the plan lists them in their own box above each release's notes,
 * so a "Breaking changes" section of the notes that says nothing more (release metadata renders one) is left out.
 * A section with anything the box lacks is kept whole: dropping words the user should read is worse than repeating.
 */
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

const norm = (s: string): string => s.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

export function withoutBreakingSection(body: string, breaking: readonly string[]): string {
  if (breaking.length === 0) return body;
  const lines = body.split('\n');
  const start = lines.findIndex((l) => {
    const m = HEADING.exec(l);
    return m !== null && /breaking/i.test(m[2]!);
  });
  if (start < 0) return body;
  const depth = HEADING.exec(lines[start]!)![1]!.length;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = HEADING.exec(lines[i]!);
    if (m && m[1]!.length <= depth) {
      end = i;
      break;
    }
  }
  const known = breaking.map(norm);
  const said = lines.slice(start + 1, end).filter((l) => l.trim() !== '');
  const covered = said.every((l) => {
    const item = norm(l.replace(/^\s*[-*+]\s+/, ''));
    return known.some((k) => item === k || item.startsWith(`${k} (`) || item.startsWith(k));
  });
  if (!covered) return body;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
