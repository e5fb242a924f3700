/**
 * What a release says about itself: metadata, notes and breaking changes, read from the local repository.
 * Precondition for everything here: the release's tag has been fetched (`fetchTag`), so its commit and tree
 * are local.
 */
export type { BreakingChange, InvalidMetadata, ReleaseInput, ReleaseMetadata, ReleaseMetadataIssue } from './types.js';
export { formatMetadataIssue, formatMetadataIssues, invalidMetadata, isIsoDate, releaseEntrySchema } from './metadata-schema.js';
export { readReleaseMetadata, parseReleaseMetadata, METADATA_FILES, type MetadataResult, type ReadMetadataOptions } from './metadata.js';
export { changelogVersions, findChangelogSection, notesFileRank, notesFormat, NOTES_BASENAMES, NOTES_DIRS, NOTES_EXTENSIONS, type ChangelogSection, type NotesFormat } from './changelog.js';
export { excerptNotes, moreLinesText, type NotesExcerpt } from './excerpt.js';
export { isTrivialTagMessage } from './tag-message.js';
export { breakingChangesOfCommit, breakingFooters, parseConventionalHeader, type CommitBreakingChange, type CommitMessage, type ParsedHeader } from './conventional.js';
export {
  loadReleaseInfo,
  releaseNotes,
  breakingChanges,
  metadataMarkdown,
  type ReleaseInfo,
  type ReleaseInfoInput,
  type ReleaseInfoOptions,
  type NotesInput,
} from './info.js';
