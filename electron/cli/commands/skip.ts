/**
 * `upshift skip <project> [version] [--major]` and `upshift unskip <project> <version|N.x>`: the dashboard's "Skip this
 * version", "Skip all N.x" and "Offer again" from a terminal, on the same decisions in the state database. A skipped
 * release is neither offered by the dashboard and the tray nor notified (shared/policy/skips.ts). Without a version,
 * `skip` lists what is skipped.
 */
import { isMajorSkip, majorSkip } from '../../../shared/policy/skips.js';
import { parseVersion } from '../../../shared/version/index.js';
import { usageError } from '../../core/errors.js';
import type { Engine } from '../../core/engine/index.js';
import { requireProject } from '../../core/engine/projects.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';

interface SkipIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

const skippedOf = (engine: Engine, project: string): string[] =>
  engine.store
    .listDecisions(project)
    .filter((d) => d.kind === 'skip')
    .map((d) => d.version);

const describe = (entry: string): string => (isMajorSkip(entry) ? `every ${entry} release` : entry);

export function skipCommand(cmd: ParsedCommand, engine: Engine, io: SkipIo): ExitCodeValue {
  const [project, version] = cmd.positionals as [string, string | undefined];
  requireProject(engine.store, project);
  const list = (said: string) => {
    const skipped = skippedOf(engine, project);
    io.print({ project, skipped }, () => `${said}${skipped.length === 0 ? `${project}: nothing skipped.` : `${project} skips: ${skipped.map(describe).join(', ')}.`}`);
  };
  if (cmd.spec.name === 'unskip') {
    const entry = version && isMajorSkip(version) ? version : version ? parseVersion(version)?.normalized : undefined;
    const skipped = skippedOf(engine, project);
    if (!entry || !skipped.includes(entry)) {
      throw usageError('NOT_SKIPPED', `${project} has no skip of "${version ?? ''}" (skipped: ${skipped.length > 0 ? skipped.join(', ') : 'none'}). Nothing was changed.`);
    }
    engine.store.clearDecision(project, entry);
    list(`${describe(entry)} of ${project} is offered again. `);
    return ExitCode.ok;
  }
  if (version === undefined) {
    if (cmd.values.major === true) throw usageError('BAD_ARGUMENTS', `--major needs a version of that major: \`upshift skip ${project} 2.0.0 --major\`. Nothing was changed.`);
    list('');
    return ExitCode.ok;
  }
  const normalized = parseVersion(version)?.normalized;
  if (!normalized) throw usageError('BAD_ARGUMENTS', `"${version}" is not a version. Nothing was changed.`);
  const entry = cmd.values.major === true ? majorSkip(normalized)! : normalized;
  engine.store.setDecision(project, entry, 'skip', null);
  list(`Skipped ${describe(entry)} of ${project}: not offered or notified; \`upshift unskip ${project} ${entry}\` takes it back. `);
  return ExitCode.ok;
}
