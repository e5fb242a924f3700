/**
 * Accepting a release tag that moved since Upshift first saw it (trust on first use, docs/trust.md): the one function
 * behind `upshift trust accept` and the dashboard's button (the contract's `acceptTag`), so both look at the remote
 * again first, refuse the same way, and record who accepted which commit when.
 */
import type { TagAcceptance } from '../../../shared/api/trust.js';
import type { Engine } from '../engine/index.js';
import { usageError, UpshiftError } from '../errors.js';
import { TagCommitRecord } from './tag-record.js';

/**
 * Accepts where `tag` of `project` points now. A fresh check first: the tag must still be moved as seen now (a
 * tag moved again since the dashboard showed it is accepted at the commit it points at now, which the result names).
 * Throws TAG_NOT_SEEN (usage) for a tag never seen, NOTHING_TO_DO when it did not move; nothing is changed then.
 */
export async function acceptMovedTag(engine: Engine, project: string, tag: string, by: string, signal?: AbortSignal): Promise<TagAcceptance> {
  const result = await engine.check([project], signal);
  const check = result.projects[0];
  const record = new TagCommitRecord(engine.store.database, () => engine.store.now());
  const move = check?.tagMoves?.find((m) => m.tag === tag) ?? record.moved(project).find((m) => m.tag === tag);
  if (!move) {
    const known = record.get(project, tag);
    if (!known) {
      throw usageError('TAG_NOT_SEEN', `Upshift has not seen a release tag ${tag} of ${project}. Run \`upshift check ${project}\` to list its releases. Nothing was changed.`, { project, tag });
    }
    throw new UpshiftError(
      'NOTHING_TO_DO',
      `${tag} of ${project} still points at ${known.sha.slice(0, 12)}, the commit first seen${known.acceptedBy ? ` (accepted by ${known.acceptedBy} at ${known.acceptedAt})` : ''}: nothing to accept. Nothing was changed.`,
      { category: 'nothing-to-do', details: { project, tag } },
    );
  }
  const accepted = record.accept(project, tag, move.now, by);
  // Checked again so the stored check (which the dashboard, the tray and other processes read) no longer flags it.
  await engine.check([project], signal);
  return { project, tag, sha: accepted.sha, previousSha: move.was, by: accepted.acceptedBy ?? by, at: accepted.acceptedAt ?? engine.store.now() };
}
