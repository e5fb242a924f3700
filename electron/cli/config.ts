/**
 * `upshift config <project> [key] [value] [--unset]`: Upshift's own configuration for a project, kept in the state
 * directory rather than in the checkout (engine/config.ts), and every setting in effect with where it comes from.
 */
import type { Engine } from '../core/engine/index.js';
import { usageError } from '../core/errors.js';
import type { ParsedCommand } from './args.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { formatSettings, showOrigin, showValue, type Style } from './format.js';

interface ConfigIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

export async function configCommand(cmd: ParsedCommand, engine: Engine, io: ConfigIo): Promise<ExitCodeValue> {
  const [project, key, value] = cmd.positionals as [string, string | undefined, string | undefined];
  const unset = cmd.values.unset === true;
  if (unset && (key === undefined || value !== undefined)) {
    throw usageError('BAD_ARGUMENTS', `--unset takes exactly one key: upshift config ${project} <key> --unset. Nothing was written.`);
  }
  if (unset || value !== undefined) {
    const before = engine.projectConfig(project);
    const view = engine.editProjectConfig(project, unset ? { unset: [key!] } : { set: { [key!]: value! } });
    const entry = engine.projectConfigEntry(project, key!);
    const changed = JSON.stringify(before.values) !== JSON.stringify(view.values) || before.exists !== view.exists;
    io.print({ config: view, entry, changed }, () => {
      if (unset) {
        const was = changed ? `Removed ${key} from ${view.file}` : `${key} was not set in ${before.file}; nothing changed`;
        return `${was}. Now ${key} = ${showValue(entry.value)} (${showOrigin(entry)}).`;
      }
      return `Set ${key} = ${showValue(entry.value)} in ${view.file}.${entry.source !== 'config' ? ` Note: ${showOrigin(entry)} still decides it.` : ''}`;
    });
    return ExitCode.ok;
  }
  if (key !== undefined) {
    const entry = engine.projectConfigEntry(project, key);
    io.print({ entry }, () => `${showValue(entry.value)}  ${io.style.dim(`(${showOrigin(entry)})`)}`);
    return ExitCode.ok;
  }
  const view = engine.projectConfig(project);
  io.print({ config: view }, () =>
    [
      `${view.project}: ${view.exists ? `configuration in ${view.file}` : `no configuration of its own yet (it would live in ${view.file})`}`,
      ...formatSettings(io.style, view.settings, '  '),
    ].join('\n'),
  );
  return ExitCode.ok;
}
