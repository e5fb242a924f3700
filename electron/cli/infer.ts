/**
 * The project a command means when it is run from inside a watched checkout without naming one (`upshift plan`,
 * `upshift history`, `upshift check .`): the watched project whose checkout holds the current directory, both
 * compared as real paths (symbolic links resolved), the innermost one when checkouts are nested.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { ProjectInfo } from '../../shared/api/types.js';
import { nearest } from '../../shared/text/nearest.js';
import { usageError } from '../core/errors.js';
import type { ParsedCommand } from './args.js';

export interface InferredCommand {
  cmd: ParsedCommand;
  /** The project taken from the current directory, or null when the command named its project (or needs none). */
  inferred: { name: string; path: string } | null;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The watched project whose checkout holds `cwd` (the innermost one), or null. */
export function projectAt(cwd: string, projects: ReadonlyArray<Pick<ProjectInfo, 'name' | 'path'>>): { name: string; path: string } | null {
  const here = real(cwd);
  let best: { name: string; path: string } | null = null;
  for (const p of projects) {
    const root = real(p.path);
    const inside = here === root || here.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    if (inside && (best === null || root.length > best.path.length)) best = { name: p.name, path: root };
  }
  return best;
}

/**
 * Fills in the project of a command that takes one (CommandSpec.infersProject) from the current directory: when the
 * project is left out, or given as `.`. `config` also reads `upshift config smoke.command` as a key of the current
 * project, unless the word is (nearly) a watched project's name. Outside every watched checkout, leaving the
 * project out is the usual usage error, naming what to pass.
 */
export function inferProject(cmd: ParsedCommand, projects: ReadonlyArray<Pick<ProjectInfo, 'name' | 'path'>>, cwd: string): InferredCommand {
  const mode = cmd.spec.infersProject;
  // `upgrade --all` / `plan --all` name no project.
  if (!mode || cmd.help || cmd.values.all === true) return { cmd, inferred: null };
  const names = projects.map((p) => p.name);
  const here = (): { name: string; path: string } | null => projectAt(cwd, projects);
  const notInside = (what: string): Error =>
    usageError(
      'BAD_ARGUMENTS',
      `${what}: name the project, or run the command from inside a watched checkout (${real(cwd)} is not inside one). Usage: ${cmd.spec.usage}. ${
        names.length > 0 ? `Watched: ${names.join(', ')}.` : 'No project is watched yet: `upshift add <path>`.'
      }`,
    );
  const positionals = [...cmd.positionals];
  let inferred: { name: string; path: string } | null = null;
  const take = (what: string) => {
    inferred ??= here();
    if (!inferred) throw notInside(what);
    return inferred.name;
  };
  if (mode === 'all') {
    // `check .`: every `.` is the current directory's project.
    for (let i = 0; i < positionals.length; i++) if (positionals[i] === '.') positionals[i] = take('"." stands for the project of the current directory');
  } else if (positionals[0] === '.') {
    positionals[0] = take('"." stands for the project of the current directory');
  } else {
    const [min] = cmd.spec.positionals;
    const keyNotProject =
      cmd.spec.name === 'config' && positionals.length > 0 && !names.includes(positionals[0]!) && (positionals[0]!.includes('.') || nearest(positionals[0]!, names) === null);
    if (positionals.length < min || keyNotProject) {
      positionals.unshift(take(`\`upshift ${cmd.spec.name}\` needs a project`));
    } else if (mode === 'optional' && positionals.length === 0) {
      // `upshift history` inside a checkout: that project's history; elsewhere, every project's.
      const found = here();
      if (found) {
        inferred = found;
        positionals.unshift(found.name);
      }
    }
  }
  if (positionals.length > cmd.spec.positionals[1]) throw usageError('BAD_ARGUMENTS', `Wrong number of arguments for "${cmd.spec.name}". Usage: ${cmd.spec.usage}`);
  return { cmd: { ...cmd, positionals }, inferred };
}
