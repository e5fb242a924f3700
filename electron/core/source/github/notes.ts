import type { ReleaseNote } from '../../../../shared/api/types.js';
import { metadataMarkdown, type ReleaseInfo } from '../../release/info.js';
import { normalizeText } from '../../release/conventional.js';
import type { BreakingChange } from '../../release/types.js';
import type { SourceReleaseNotes } from '../types.js';

/**
 * A release's info read from git, with what its source says about it on top: the source's body is the note
 * (a GitHub release body), its metadata (a `release_metadata.json` asset) adds breaking changes and the contracts
 * version; an invalid asset makes the release `invalid` (blocked), whatever git said. Without anything from the source,
 * `info` is returned unchanged.
 */
export function applySourceNotes(info: ReleaseInfo, notes: SourceReleaseNotes | null): ReleaseInfo {
  if (!notes) return info;
  const meta = notes.metadata;
  const breaking: BreakingChange[] = [];
  const seen = new Set<string>();
  const add = (b: BreakingChange) => {
    const key = normalizeText(b.text);
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    breaking.push(b);
  };
  for (const b of meta?.breaking ?? []) add(b.id === undefined ? { text: b.text, version: info.version } : { text: b.text, id: b.id, version: info.version });
  for (const b of info.breaking) add(b);
  const fromMeta = meta ? metadataMarkdown(meta) : '';
  // The source's own words replace what git said, and where they came from with them.
  const fromSource: Pick<ReleaseNote, 'body' | 'source' | 'origin' | 'file' | 'truncated'> =
    notes.body !== ''
      ? { body: notes.body, source: 'release', origin: notes.url ? `the GitHub release ${info.tag}` : `the release folder's notes for ${info.tag}` }
      : fromMeta !== ''
        ? { body: fromMeta, source: 'metadata', origin: `release metadata (${meta!.file})`, file: meta!.file }
        : info.note;
  return {
    ...info,
    note: { version: info.note.version, tag: info.note.tag, ...pickNote(fromSource), breaking: breaking.map((b) => b.text), date: meta?.releaseDate ?? notes.date ?? info.note.date },
    breaking,
    contractsVersion: meta?.contractsVersion ?? info.contractsVersion,
    metadata: meta ?? info.metadata,
    ...(notes.invalid ? { invalid: notes.invalid } : {}),
    warnings: [...info.warnings, ...notes.warnings],
  };
}

function pickNote(n: Pick<ReleaseNote, 'body' | 'source' | 'origin' | 'file' | 'truncated'>): Pick<ReleaseNote, 'body' | 'source' | 'origin' | 'file' | 'truncated'> {
  return {
    body: n.body,
    source: n.source,
    ...(n.origin !== undefined ? { origin: n.origin } : {}),
    ...(n.file !== undefined ? { file: n.file } : {}),
    ...(n.truncated !== undefined ? { truncated: n.truncated } : {}),
  };
}
