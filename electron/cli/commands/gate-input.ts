/**
 * What `upshift ci` and `upshift matrix` judge: the core (`--core <path|project>`) and the verticals (`--verticals`
 * and further arguments, else the watched projects built on the core). The state directory is opened only when a
 * watched project is needed, so the gate runs in CI without one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../core/engine/index.js';
import { usageError } from '../../core/errors.js';
import { coreAt, findVerticalManifests, loadVerticalManifests, manifestsInvalidError, watchedVerticals, type GateCore, type VerticalManifest } from '../../core/gate/index.js';
import type { ProjectContext } from '../../core/engine/projects.js';
import type { ParsedCommand } from '../args.js';

export interface GateDeps {
  print: (doc: unknown, human: () => string) => void;
  /** A line for a person on stderr. */
  err: (text: string) => void;
  cwd: string;
  /** Opens the engine (state directory); called only when a watched project is needed. */
  openEngine: () => Promise<Engine>;
}

export interface GateInput {
  core: GateCore;
  verticals: VerticalManifest[];
}

/** Resolves --core and the verticals; the engine, when it had to be opened, is closed before this returns. */
export async function gateInput(cmd: ParsedCommand, deps: GateDeps): Promise<GateInput> {
  const coreArg = typeof cmd.values.core === 'string' ? cmd.values.core : null;
  if (coreArg === null) throw usageError('BAD_ARGUMENTS', `Name the core with --core <path|project>. Usage: ${cmd.spec.usage}`, { flag: '--core' });
  const specs = [...(cmd.lists?.verticals ?? []), ...cmd.positionals];
  let engine: Engine | null = null;
  const open = async () => (engine ??= await deps.openEngine());
  try {
    const asPath = path.resolve(deps.cwd, coreArg);
    let core: GateCore;
    let project: string | null = null;
    if (fs.existsSync(asPath) || coreArg.includes('/') || !(await open()).store.getProject(coreArg)) {
      core = await coreAt(asPath, undefined, coreArg);
    } else {
      const ctx = (await open()).context(coreArg);
      const base = await coreAt(ctx.record.path, ctx.record.name);
      core = { ...base, manifest: ctx.manifest, pattern: ctx.pattern };
      project = ctx.record.name;
    }
    if (specs.length > 0) {
      const { verticals, failures } = loadVerticalManifests(findVerticalManifests(specs, deps.cwd), core.name);
      if (failures.length > 0) throw manifestsInvalidError(failures);
      return { core, verticals };
    }
    const e = await open();
    const records = e.listProjects().projects;
    if (project === null) {
      const byPath = records.find((p) => sameDir(p.path, core.path));
      if (!byPath) {
        throw usageError(
          'GATE_NO_VERTICALS',
          `No verticals to judge: pass --verticals <dir|file|glob> (a vertical, a directory of them or a quoted glob), or watch the core and its verticals (\`upshift add ${core.path}\`, \`upshift add <vertical> --core <core>\`) and pass --core <project>. Nothing was judged.`,
          { flag: '--verticals' },
        );
      }
      project = byPath.name;
      core = { ...core, name: project };
    }
    const contexts: ProjectContext[] = [];
    for (const p of records) contexts.push(e.context(p.name));
    const verticals = watchedVerticals(project, contexts);
    if (verticals.length === 0) {
      throw usageError(
        'GATE_NO_VERTICALS',
        `No watched project is built on ${project} (added with --core ${project}, or requiring it in its manifest), and no --verticals were given. Pass --verticals <dir|file|glob>, or \`upshift add <vertical> --core ${project}\`. Nothing was judged.`,
        { flag: '--verticals', core: project },
      );
    }
    return { core, verticals };
  } finally {
    (engine as Engine | null)?.close();
  }
}

function sameDir(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

/** Writes a report file (JUnit, HTML), making its directory; a failure names the flag and the file. */
export function writeReport(flag: string, file: string, text: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  } catch (err) {
    throw usageError('GATE_REPORT_UNWRITABLE', `${flag} ${file}: could not write ${abs} (${(err as Error).message}). Give a path in a directory you can write to.`, { flag, path: abs });
  }
  return abs;
}
