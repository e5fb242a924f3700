/** Human output of `upshift ci` and `upshift matrix`. */
import { smokeFailed, type CiReport, type MatrixCell, type MatrixReport, type SmokeResult } from '../../core/gate/index.js';
import type { Style } from '../format.js';

function relative(file: string, cwd: string): string {
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}

/** The candidate in one line: `core 1.4.0 (tag v1.4.0, 1a2b3c4d5e6f): contracts 1.3.0, 2 breaking changes since 1.3.0`. */
function candidateLine(r: CiReport): string {
  const c = r.candidate;
  const where = c.kind === 'tag' && c.sha ? `${c.label}, ${c.sha.slice(0, 12)}` : c.label;
  const breaking = c.breakingChanges.length === 0 ? 'no breaking changes' : `${c.breakingChanges.length} breaking change${c.breakingChanges.length === 1 ? '' : 's'}`;
  const since = c.previous ? ` since ${c.previous.version}` : '';
  const meta = c.metadataFile ? `from ${c.metadataFile}` : 'no release metadata';
  return `${r.core.name} ${c.version} (${where}): contracts ${c.contractsVersion ?? 'not declared'}, ${breaking}${since} (${meta})`;
}

export function formatCi(s: Style, r: CiReport, cwd: string): string {
  const lines = [`Release gate for ${candidateLine(r)}`];
  for (const b of r.candidate.breakingChanges) lines.push(s.dim(`  breaking: ${b.text}${b.id ? ` [${b.id}]` : ''}`));
  for (const w of r.candidate.warnings) lines.push(`${s.yellow('warning:')} ${w}`);
  lines.push('');
  const width = Math.max(...r.results.map((x) => x.name.length), 8);
  for (const x of r.results) {
    const mark = x.compatible ? s.green('✓') : s.red('✗');
    lines.push(`${mark} ${x.name.padEnd(width)}  ${s.dim(relative(x.manifest, cwd))}`);
    for (const reason of x.reasons) lines.push(`    ${x.compatible ? s.dim(reason) : reason}`);
    if (x.warnings.length > 0) lines.push(s.dim(`    ${x.warnings.length} manifest warning${x.warnings.length === 1 ? '' : 's'} (keys Upshift does not use…): --json lists them`));
  }
  lines.push('');
  lines.push(r.blocked ? `${s.red(s.bold('BLOCKED'))}: ${r.reason}` : `${s.green(s.bold('PASSED'))}: ${r.reason}`);
  return lines.join('\n');
}

function smokeWord(sm: SmokeResult | undefined): string {
  if (!sm) return '';
  return { passed: ' smoke ok', failed: ' smoke FAIL', error: ' smoke ERR', timeout: ' smoke T/O', cancelled: ' smoke –', skipped: '' }[sm.status];
}

function cellText(cell: MatrixCell): string {
  return `${cell.compatible ? '✓' : '✗'}${smokeWord(cell.smoke)}`;
}

/** The matrix as a table (verticals down, versions across), then every cell that failed and why. */
export function formatMatrix(s: Style, r: MatrixReport, cwd: string): string {
  const heads = r.columns.map((c) => `${c.version}${c.candidate ? '*' : ''}`);
  const nameWidth = Math.max(8, ...r.rows.map((row) => row.name.length));
  const widths = r.columns.map((_, i) => Math.max(heads[i]!.length, ...r.rows.map((row) => cellText(row.cells[i]!).length)) + 2);
  const paint = (cell: MatrixCell, text: string) => (!cell.compatible || smokeFailed(cell.smoke) ? s.red(text) : s.green(text));
  const lines = [
    `Compatibility of ${r.rows.length} vertical${r.rows.length === 1 ? '' : 's'} with ${r.core.name} (${r.core.path})${r.smoke ? ', with smoke runs' : ''}:`,
    '',
    `${'vertical'.padEnd(nameWidth)}  ${heads.map((h, i) => h.padEnd(widths[i]!)).join('')}`.trimEnd(),
  ];
  for (const row of r.rows) {
    lines.push(`${row.name.padEnd(nameWidth)}  ${row.cells.map((cell, i) => paint(cell, cellText(cell).padEnd(widths[i]!))).join('')}`.trimEnd());
  }
  const cand = r.columns.find((c) => c.candidate);
  if (cand) lines.push('', s.dim(`* candidate: ${cand.label}`));
  const failures: string[] = [];
  r.rows.forEach((row) =>
    row.cells.forEach((cell, i) => {
      const col = r.columns[i]!;
      if (!cell.compatible) failures.push(`  ${row.name} × ${col.version}: ${cell.reasons.join('; ')}`);
      if (smokeFailed(cell.smoke)) failures.push(`  ${row.name} × ${col.version}: ${cell.smoke!.excerpt.split('\n').slice(0, 6).join('\n      ')}`);
    }),
  );
  if (failures.length > 0) lines.push('', 'Failures:', ...failures);
  const rows = new Set(r.rows.map((row) => relative(row.manifest, cwd)));
  lines.push('', s.dim(`Manifests: ${[...rows].join(', ')}`));
  if (cand) lines.push(r.candidateBlocked ? `${s.red(s.bold('BLOCKED'))}: the candidate ${cand.version} fails for at least one vertical.` : `${s.green(s.bold('PASSED'))}: the candidate ${cand.version} suits every vertical.`);
  return lines.join('\n');
}
