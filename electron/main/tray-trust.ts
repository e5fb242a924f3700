/**
 * What the tray says about release trust and support windows (issue 10 §4, §5), pure like tray-model.ts: a release
 * tag that moved since first seen (never installed until trusted, so the tray must not stay quiet about it), and a
 * running version that is or becomes end of life within 30 days. Counts for the tooltip, one info line each for the menu.
 */
import type { ProjectView } from '../../shared/api/contract.js';

export interface TrayTrust {
  /** Tooltip parts ("1 tag moved", "1 end of life"). */
  tooltip: string[];
  /** Menu info lines: id and label. */
  lines: Array<{ id: string; label: string }>;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function trayTrust(projects: readonly ProjectView[]): TrayTrust {
  const moved = projects.flatMap((p) => (p.check?.tagMoves ?? []).map((m) => `${p.name} ${m.tag}`));
  const eol = projects.filter((p) => p.check?.support?.eol).map((p) => `${p.name} ${p.check!.support!.version}`);
  const soon = projects.filter((p) => p.check?.support?.soon).map((p) => `${p.name} ${p.check!.support!.version} (${p.check!.support!.eolDate})`);
  const tooltip: string[] = [];
  const lines: TrayTrust['lines'] = [];
  if (moved.length > 0) {
    tooltip.push(`${plural(moved.length, 'tag')} moved`);
    lines.push({ id: 'tag-moved', label: `Tag moved, not installed until trusted: ${moved.join(', ')}` });
  }
  if (eol.length > 0) {
    tooltip.push(`${plural(eol.length, 'version')} end of life`);
    lines.push({ id: 'eol', label: `End of life: ${eol.join(', ')}` });
  }
  if (soon.length > 0) lines.push({ id: 'eol-soon', label: `End of life soon: ${soon.join(', ')}` });
  return { tooltip, lines };
}
