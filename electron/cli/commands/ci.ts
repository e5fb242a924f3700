/**
 * `upshift ci --core <path|project> --version <v> [--at <tag|commit|worktree>] [--verticals …] [--json] [--junit <file>]`:
 * the release gate (electron/core/gate). Exit 0 when every vertical accepts the candidate, 1 when it is blocked (the
 * seed's gate used 1, and CI systems treat any non-zero as a failed step), 2 for bad input (a missing core, a
 * manifest that does not parse, a --verticals glob that matches nothing), 5 when a watched project's state directory
 * fails.
 */
import { usageError } from '../../core/errors.js';
import { ciJunitXml, runCiGate } from '../../core/gate/index.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';
import { formatCi } from './gate-format.js';
import { gateInput, writeReport, type GateDeps } from './gate-input.js';

/** The gate's exit code when a vertical is not compatible: 1, as the seed's gate (README "Exit codes"). */
export const GATE_BLOCKED: ExitCodeValue = ExitCode.failed;

export async function ciCommand(cmd: ParsedCommand, deps: GateDeps & { style: Style }): Promise<ExitCodeValue> {
  const version = typeof cmd.values.version === 'string' ? cmd.values.version : null;
  if (version === null) throw usageError('BAD_ARGUMENTS', `Name the candidate with --version <v> (its release tag, or with --at a commit or the working tree). Usage: ${cmd.spec.usage}`, { flag: '--version' });
  const started = performance.now();
  const timestamp = new Date();
  const { core, verticals } = await gateInput(cmd, deps);
  const report = await runCiGate(core, verticals, { version, at: typeof cmd.values.at === 'string' ? cmd.values.at : null });
  if (typeof cmd.values.junit === 'string') {
    const file = writeReport('--junit', cmd.values.junit, ciJunitXml(report, { durationMs: performance.now() - started, timestamp, cwd: deps.cwd }), deps.cwd);
    if (cmd.values.json !== true) deps.err(deps.style.dim(`JUnit XML written to ${file}`));
  }
  deps.print(report, () => formatCi(deps.style, report, deps.cwd));
  return report.blocked ? GATE_BLOCKED : ExitCode.ok;
}
