/**
 * `upshift trust <project> <tag> [--json]`: accepts the commit a release tag points at now, after it moved since
 * Upshift first saw it (trust on first use, docs/trust.md). Recorded with who accepted it and when; until then check,
 * plan and the dashboard flag the tag and no upgrade goes to it.
 */
import { userInfo } from 'node:os';
import type { Engine } from '../../core/engine/index.js';
import { usageError, UpshiftError } from '../../core/errors.js';
import { TagCommitRecord } from '../../core/trust/index.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';

interface TrustIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

/** Who accepts: the login name (USER/USERNAME when the OS cannot say), and the host. */
export function whoAccepts(): string {
  let name = process.env.USER || process.env.USERNAME || 'unknown';
  try {
    name = userInfo().username || name;
  } catch {
    // No passwd entry (some containers): the environment's name stands.
  }
  return name;
}

export async function trustCommand(cmd: ParsedCommand, engine: Engine, io: TrustIo): Promise<ExitCodeValue> {
  const [project, tag] = cmd.positionals as [string, string | undefined];
  if (!tag) throw usageError('MISSING_ARGUMENT', 'Name the tag to trust: `upshift trust <project> <tag>` (the tag check or plan reports as moved).');
  // A fresh look at the remote: where the tag points now, recorded as a move if it moved.
  const result = await engine.check([project]);
  const check = result.projects[0];
  const record = new TagCommitRecord(engine.store.database, () => engine.store.now());
  const move = check?.tagMoves?.find((m) => m.tag === tag) ?? record.moved(project).find((m) => m.tag === tag);
  if (!move) {
    const known = record.get(project, tag);
    if (!known) throw usageError('TAG_NOT_SEEN', `Upshift has not seen a release tag ${tag} of ${project}. Run \`upshift check ${project}\` to list its releases. Nothing was changed.`);
    throw new UpshiftError('NOTHING_TO_DO', `${tag} of ${project} still points at ${known.sha.slice(0, 12)}, the commit first seen${known.acceptedBy ? ` (accepted by ${known.acceptedBy} at ${known.acceptedAt})` : ''}: nothing to accept.`, {
      category: 'nothing-to-do',
    });
  }
  const by = whoAccepts();
  const accepted = record.accept(project, tag, move.now, by);
  io.print({ project, tag, accepted: { sha: accepted.sha, previousSha: accepted.previousSha, by: accepted.acceptedBy, at: accepted.acceptedAt } }, () =>
    [
      `${io.style.green('✓')} ${project} ${tag} now trusted at ${accepted.sha} (was ${move.was}).`,
      `  Accepted by ${by} at ${accepted.acceptedAt}. Check, plan and upgrade treat ${tag} as any other release again.`,
    ].join('\n'),
  );
  return ExitCode.ok;
}
