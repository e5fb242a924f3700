import type { Engine } from '../core/engine/index.js';
import { usageError } from '../core/errors.js';
import { importRelease, type ImportOptions, type ImportResult } from '../core/folder/index.js';
import type { ParsedCommand } from './args.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Style } from './format.js';

interface ImportIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** What was verified and where the release went, for a person. */
export function formatImport(s: Style, input: string, r: ImportResult, project: string | null): string {
  const lines: string[] = [];
  const n = r.files.length;
  lines.push(`Verified ${input}: ${n} file${n === 1 ? '' : 's'}, each matching its sha256 in ${r.sumsFile}, and no file without an entry there:`);
  const width = Math.max(...r.files.map((f) => f.name.length));
  for (const f of r.files) {
    const about =
      f.name === r.bundle?.name
        ? `git bundle holding ${r.bundle.ref}${r.bundle.commit ? ` → ${r.bundle.commit.slice(0, 12)}` : ''}`
        : f.name === 'release_metadata.json'
          ? `version ${r.version}, tag ${r.tag}`
          : (() => {
              const a = r.archives.find((x) => x.name === f.name);
              return a ? `tarball, ${a.entries} entr${a.entries === 1 ? 'y' : 'ies'}, none leading outside its directory` : size(f.size);
            })();
    lines.push(`  ${s.dim(f.sha256)}  ${f.name.padEnd(width)}  ${s.dim(about)}`);
  }
  for (const w of r.warnings) lines.push(`${s.yellow('warning:')} ${w}`);
  if (r.alreadyPresent) {
    lines.push(`${r.version} is already in ${r.dir} with the same files; nothing was changed.`);
  } else {
    lines.push(`${s.green('Imported')} ${r.version} (${r.tag}) into ${r.dir}${r.createdFolder ? ` (created the release folder ${r.folder})` : ''}.`);
  }
  if (project) lines.push(s.dim(`\`upshift check ${project}\` lists it.`));
  return lines.join('\n');
}

/**
 * `upshift import <file|dir> (--project <name> | --into <folder>)`. With --project the folder is the project's
 * `source.path` (it must be a folder project), its tag pattern spells and checks the tag, and a git project's
 * history checks an incremental bundle. Exit 0 imported, 4 already there, 2 bad input, 3 refused.
 */
export async function importCommand(cmd: ParsedCommand, engine: Engine, io: ImportIo): Promise<ExitCodeValue> {
  const input = cmd.positionals[0]!;
  const projectName = typeof cmd.values.project === 'string' ? cmd.values.project : null;
  const into = typeof cmd.values.into === 'string' ? cmd.values.into : null;
  if ((projectName === null) === (into === null)) {
    throw usageError('BAD_ARGUMENTS', `Say where the release goes: --project <name> (its release folder) or --into <folder>, one of them. Usage: ${cmd.spec.usage}`);
  }
  let folder: string;
  const opts: ImportOptions = {};
  if (projectName !== null) {
    const ctx = engine.context(projectName);
    const src = ctx.manifest.source;
    if (src.type !== 'folder' || !src.path) {
      throw usageError(
        'NOT_A_FOLDER_PROJECT',
        `${projectName} takes its releases from ${src.type === 'github' ? 'GitHub' : 'its git remote'}, not from a release folder (source.type folder in its manifest). Use --into <folder> to fill a folder anyway. Nothing was imported.`,
        { project: projectName, sourceType: src.type },
      );
    }
    folder = src.path;
    opts.tagPattern = ctx.pattern;
    if ((ctx.manifest.kind ?? 'git') === 'git') opts.repo = ctx.record.path;
  } else {
    folder = into!;
  }
  const r = await importRelease(input, folder, opts);
  io.print({ import: { ...r, input, project: projectName } }, () => formatImport(io.style, input, r, projectName));
  return r.alreadyPresent ? ExitCode.nothingToDo : ExitCode.ok;
}
