/**
 * `upshift matrix --core <path|project> [--last K] [--version <v> [--at …]] [--verticals …] [--run-smoke [--jobs N]]
 * [--html <file>] [--json]`: verticals × core versions (electron/core/gate/matrix.ts). Exit 0 when the table was made
 * (and the candidate, when named, suits every vertical), 1 when the candidate's column has an incompatible cell or a
 * failing smoke run, 2 for bad input, 128 + n when stopped by a signal (Ctrl-C: 130) — after every worktree of the
 * cells that were running is removed.
 */
import { matrixHtml, runMatrix } from '../../core/gate/index.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';
import { GATE_BLOCKED } from './ci.js';
import { formatMatrix } from './gate-format.js';
import { gateInput, writeReport, type GateDeps } from './gate-input.js';

const DEFAULT_LAST = 5;
/** Smoke cells at once by default: each runs a command and two checkouts; more rarely helps on a laptop or a CI runner. */
const DEFAULT_JOBS = 2;

const SIGNAL_EXIT: Record<string, ExitCodeValue> = { SIGHUP: ExitCode.sighup, SIGINT: ExitCode.sigint, SIGTERM: ExitCode.sigterm };

/** Ctrl-C, SIGTERM, SIGHUP abort the smoke runs (their worktrees are still removed); a second signal exits at once. */
function installInterrupt(controller: AbortController, say: (line: string) => void): { received: () => string | null; uninstall: () => void } {
  let received: string | null = null;
  const on = (signal: NodeJS.Signals) => {
    if (received !== null) process.exit(SIGNAL_EXIT[signal] ?? ExitCode.sigint);
    received = signal;
    say(`${signal}: stopping the smoke runs and removing their worktrees…`);
    controller.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, on);
  return { received: () => received, uninstall: () => signals.forEach((s) => process.off(s, on)) };
}

export async function matrixCommand(cmd: ParsedCommand, deps: GateDeps & { style: Style }): Promise<ExitCodeValue> {
  const last = typeof cmd.values.last === 'string' ? Number(cmd.values.last) : DEFAULT_LAST;
  const jobs = typeof cmd.values.jobs === 'string' ? Number(cmd.values.jobs) : DEFAULT_JOBS;
  const human = cmd.values.json !== true;
  const { core, verticals } = await gateInput(cmd, deps);
  const controller = new AbortController();
  const interrupt = cmd.values['run-smoke'] === true ? installInterrupt(controller, (line) => deps.err(deps.style.yellow(line))) : null;
  let report;
  try {
    report = await runMatrix(core, verticals, {
      last,
      version: typeof cmd.values.version === 'string' ? cmd.values.version : null,
      at: typeof cmd.values.at === 'string' ? cmd.values.at : null,
      smoke:
        cmd.values['run-smoke'] === true
          ? {
              jobs,
              signal: controller.signal,
              onCell: (cell, r) => {
                if (human) deps.err(deps.style.dim(`smoke ${cell.vertical.name} × ${cell.column.version}: ${r.status}${r.status === 'skipped' ? '' : ` (${(r.durationMs / 1000).toFixed(1)} s)`}`));
              },
            }
          : null,
    });
  } finally {
    interrupt?.uninstall();
  }
  if (typeof cmd.values.html === 'string') {
    const file = writeReport('--html', cmd.values.html, matrixHtml(report, { generatedAt: new Date() }), deps.cwd);
    if (human) deps.err(deps.style.dim(`HTML written to ${file}`));
  }
  deps.print(report, () => formatMatrix(deps.style, report, deps.cwd));
  const signal = interrupt?.received();
  if (signal) return SIGNAL_EXIT[signal] ?? ExitCode.sigint;
  return report.candidateBlocked ? GATE_BLOCKED : ExitCode.ok;
}
