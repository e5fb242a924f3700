/**
 * The matrix as one self-contained HTML page (`upshift matrix --html <file>`): inline CSS, no script, no external
 * resource, every text escaped. Colours pair a tinted background with dark text (light scheme) or the reverse (dark
 * scheme), each pair above WCAG's 4.5:1 contrast, and every state also has a symbol and a word, so nothing depends
 * on colour alone.
 */
import { escapeMarkup } from './escape.js';
import { smokeFailed } from './matrix.js';
import type { MatrixCell, MatrixReport, SmokeResult } from './types.js';

const CSS = `
:root { color-scheme: light dark; --bg:#ffffff; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0;
  --ok-bg:#dafbe1; --ok-fg:#0f5323; --no-bg:#ffebe9; --no-fg:#82071e; --warn-bg:#fff8c5; --warn-fg:#633c01; --cand:#0969da; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#9198a1; --line:#3d444d;
  --ok-bg:#0f3d1f; --ok-fg:#aff5b4; --no-bg:#4c1219; --no-fg:#ffdcd7; --warn-bg:#3b2e05; --warn-fg:#f8e3a1; --cand:#4493f8; } }
* { box-sizing: border-box; }
body { margin: 2rem; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p.meta { color: var(--muted); margin: 0 0 1.25rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .45rem .6rem; vertical-align: top; text-align: left; }
thead th { position: sticky; top: 0; background: var(--bg); }
th.candidate { border-top: 3px solid var(--cand); }
th small, td small { display: block; color: inherit; opacity: .85; font-weight: normal; }
td.ok { background: var(--ok-bg); color: var(--ok-fg); }
td.no { background: var(--no-bg); color: var(--no-fg); }
td.warn { background: var(--warn-bg); color: var(--warn-fg); }
.state { font-weight: 600; }
details { margin-top: .25rem; max-width: 28rem; }
summary { cursor: pointer; }
details p { margin: .25rem 0 0; white-space: pre-wrap; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1rem; }
ul.legend li span { display: inline-block; padding: .1rem .5rem; border-radius: .25rem; margin-right: .35rem; }
.ok-chip { background: var(--ok-bg); color: var(--ok-fg); } .no-chip { background: var(--no-bg); color: var(--no-fg); } .warn-chip { background: var(--warn-bg); color: var(--warn-fg); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .92em; }
`;

function smokeText(s: SmokeResult): string {
  const secs = `${(s.durationMs / 1000).toFixed(1)} s`;
  switch (s.status) {
    case 'passed':
      return `smoke ✓ passed (${secs})`;
    case 'failed':
      return `smoke ✗ failed${s.exitCode !== null ? ` (exit ${s.exitCode})` : ''}`;
    case 'error':
      return `smoke ✗ error${s.exitCode !== null ? ` (exit ${s.exitCode})` : ''}`;
    case 'timeout':
      return 'smoke ✗ timed out';
    case 'cancelled':
      return 'smoke – cancelled';
    default:
      return 'smoke – none';
  }
}

/** The class of a cell: ok (compatible, smoke passed or not run), no (incompatible or smoke failed), warn (compatible by the manifest but the smoke run did not finish). */
function cellClass(cell: MatrixCell): 'ok' | 'no' | 'warn' {
  if (!cell.compatible || smokeFailed(cell.smoke)) return 'no';
  if (cell.smoke?.status === 'cancelled') return 'warn';
  return 'ok';
}

function cellHtml(cell: MatrixCell): string {
  const e = escapeMarkup;
  const cls = cellClass(cell);
  const state = cell.compatible ? '✓ compatible' : '✗ not compatible';
  const details = [...cell.reasons, ...(cell.smoke && cell.smoke.status !== 'skipped' && cell.smoke.excerpt ? [`${smokeText(cell.smoke)}:\n${cell.smoke.excerpt}`] : [])];
  return [
    `<td class="${cls}">`,
    `<span class="state">${e(state)}</span>`,
    cell.smoke ? `<small>${e(smokeText(cell.smoke))}</small>` : '',
    details.length > 0 ? `<details><summary>why</summary>${details.map((d) => `<p>${e(d)}</p>`).join('')}</details>` : '',
    '</td>',
  ].join('');
}

/** The whole page. `generatedAt` is shown (and injectable for tests). */
export function matrixHtml(report: MatrixReport, opts: { generatedAt: Date }): string {
  const e = escapeMarkup;
  const title = `Compatibility matrix: ${report.core.name}`;
  const head = report.columns
    .map(
      (c) =>
        `<th scope="col"${c.candidate ? ' class="candidate"' : ''}>${e(c.version)}${c.candidate ? ' <small>candidate</small>' : ''}<small>${e(c.label)}</small>` +
        `<small>contracts ${e(c.contractsVersion ?? 'not declared')}, ${c.breakingChanges} breaking</small></th>`,
    )
    .join('');
  const body = report.rows
    .map((r) => `<tr><th scope="row">${e(r.name)}<small><code>${e(r.manifest)}</code></small></th>${r.cells.map(cellHtml).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${e(title)}</h1>
<p class="meta">${report.rows.length} vertical${report.rows.length === 1 ? '' : 's'} × ${report.columns.length} core version${report.columns.length === 1 ? '' : 's'} · core at <code>${e(report.core.path)}</code> · ${report.smoke ? 'smoke tests run in throwaway worktrees' : 'manifests only (no smoke runs)'} · generated ${e(opts.generatedAt.toISOString())} by <code>upshift matrix</code></p>
<table>
<thead><tr><th scope="col">vertical</th>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<h2>Legend</h2>
<ul class="legend">
<li><span class="ok-chip">✓ compatible</span>the vertical's manifest accepts this version (and its smoke test passed, when run)</li>
<li><span class="no-chip">✗ not compatible</span>a requirement fails (version bounds, contracts major, a breaking change not allowed, unreadable metadata) or the smoke test failed</li>
<li><span class="warn-chip">✓ compatible</span>the smoke run was cancelled before it finished</li>
<li><strong>candidate</strong> (blue top border): the version named with <code>--version</code></li>
<li><strong>why</strong>: open it for the verdict's reasons and the end of the smoke output</li>
</ul>
</body>
</html>
`;
}
