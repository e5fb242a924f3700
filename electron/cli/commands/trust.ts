/**
 * `upshift trust accept <project> <tag> [--json]` (also `upshift trust <project> <tag>`): accepts the commit a release
 * tag points at now, after it moved since Upshift first saw it (trust on first use, docs/trust.md). Recorded with who
 * accepted it and when; until then check, plan and the dashboard flag the tag and no upgrade goes to it.
 * `upshift trust list [project...] [--json]`: the moved tags waiting for a decision, as last seen.
 */
import { userInfo } from 'node:os';
import type { TagMove } from '../../../shared/api/trust.js';
import type { Engine } from '../../core/engine/index.js';
import { usageError } from '../../core/errors.js';
import { acceptCommand, acceptMovedTag, TagCommitRecord } from '../../core/trust/index.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';

interface TrustIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

/** Who accepts: the login name (USER/USERNAME when the OS cannot say). */
export function whoAccepts(): string {
  let name = process.env.USER || process.env.USERNAME || 'unknown';
  try {
    name = userInfo().username || name;
  } catch {
    // No passwd entry (some containers): the environment's name stands.
  }
  return name;
}

const USAGE = 'upshift trust accept <project> <tag> | upshift trust list [project...]';

export async function trustCommand(cmd: ParsedCommand, engine: Engine, io: TrustIo): Promise<ExitCodeValue> {
  const words = cmd.positionals;
  if (words[0] === 'list') return listMoved(engine, words.slice(1), io);
  // `trust accept p tag`, and the shorter `trust p tag` (a project named "accept" is `trust accept accept tag`).
  const [project, tag] = words[0] === 'accept' && words.length === 3 ? [words[1]!, words[2]!] : words.length === 2 ? [words[0]!, words[1]!] : [null, null];
  if (!project || !tag) throw usageError('MISSING_ARGUMENT', `Name the project and the tag to trust: \`${USAGE}\` (the tag check or plan reports as moved). Nothing was changed.`);
  const accepted = await acceptMovedTag(engine, project, tag, whoAccepts());
  io.print({ project, tag, accepted: { sha: accepted.sha, previousSha: accepted.previousSha, by: accepted.by, at: accepted.at } }, () =>
    [
      `${io.style.green('✓')} ${project} ${tag} now trusted at ${accepted.sha} (was ${accepted.previousSha}).`,
      `  Accepted by ${accepted.by} at ${accepted.at}. Check, plan and upgrade treat ${tag} as any other release again.`,
    ].join('\n'),
  );
  return ExitCode.ok;
}

/** The moved tags of the projects named (every watched project when none), from the record: no network. */
function listMoved(engine: Engine, names: readonly string[], io: TrustIo): ExitCodeValue {
  const known = engine.store.listProjects().map((p) => p.name);
  for (const n of names) if (!known.includes(n)) throw usageError('PROJECT_NOT_FOUND', `No watched project is named "${n}". Watched: ${known.join(', ') || 'none'}.`);
  const record = new TagCommitRecord(engine.store.database, () => engine.store.now());
  const moved: Array<{ project: string } & TagMove> = (names.length > 0 ? names : known).flatMap((project) => record.moved(project).map((m) => ({ project, ...m })));
  io.print({ moved: moved.map(({ fresh: _fresh, ...m }) => m) }, () =>
    moved.length === 0
      ? 'No release tag has moved since first seen.'
      : moved
          .map((m) => `${io.style.red('TAG MOVED')} ${m.project} ${m.tag}: was ${m.was.slice(0, 12)} (first seen ${m.firstSeenAt}), now ${m.now.slice(0, 12)} (seen ${m.movedSeenAt})\n  check the new commit, then: ${acceptCommand(m.project, m.tag)}`)
          .join('\n'),
  );
  return ExitCode.ok;
}
