import { ArchiveError, isArchiveError, type ArchiveErrorCode } from '../archive/index.js';
import { UpshiftError, type ErrorCategory } from '../errors.js';

/** Codes of an import refused for something other than the archive library's own reasons. */
export type ImportErrorCode =
  /** The file or directory to import does not exist, or is neither. */
  | 'INPUT_NOT_FOUND'
  /** The folder (or its parent, when it is to be created) does not exist or is not a directory. */
  | 'FOLDER_NOT_FOUND'
  /** The pack is not laid out as a release: no release_metadata.json at the top, subdirectories, symlinks. */
  | 'PACK_LAYOUT'
  /** SHA256SUMS lists a file the pack does not hold. */
  | 'PACK_FILE_MISSING'
  /** release_metadata.json is missing, not JSON, or has no usable version or tag. */
  | 'BAD_METADATA'
  /** A .bundle is not a git bundle, does not hold the release's tag, or its objects cannot be read. */
  | 'BAD_BUNDLE'
  /** More than one .bundle. */
  | 'BUNDLE_AMBIGUOUS'
  /** The folder already holds this version with other files. */
  | 'RELEASE_EXISTS';

/** Usage (exit 2): the input is not what `upshift import` takes. Blocked (exit 3): refused for safety or a conflict. */
const CATEGORY: Record<ImportErrorCode, ErrorCategory> = {
  INPUT_NOT_FOUND: 'usage',
  FOLDER_NOT_FOUND: 'usage',
  PACK_LAYOUT: 'usage',
  PACK_FILE_MISSING: 'blocked',
  BAD_METADATA: 'usage',
  BAD_BUNDLE: 'blocked',
  BUNDLE_AMBIGUOUS: 'usage',
  RELEASE_EXISTS: 'blocked',
};

export function importError(code: ImportErrorCode, message: string, details?: Record<string, unknown>): UpshiftError {
  return new UpshiftError(code, message, { category: CATEGORY[code], ...(details ? { details } : {}) });
}

/**
 * Archive-library codes seen as `upshift import` sees them: a user-supplied pack that is not a tarball, is cut
 * short or has a malformed sums file is bad input (usage, exit 2), not a failure of Upshift's; safety refusals stay
 * blocked (exit 3); I/O errors and cancellation stay failed.
 */
const ARCHIVE_CATEGORY: Partial<Record<ArchiveErrorCode, ErrorCategory>> = {
  NOT_AN_ARCHIVE: 'usage',
  TRUNCATED_ARCHIVE: 'usage',
  CORRUPT_ARCHIVE: 'usage',
  BAD_CHECKSUM_FILE: 'usage',
};

/** `err` re-categorised for import, its message optionally replaced; anything else is returned as is. */
export function asImportError(err: unknown, message?: string): unknown {
  if (!isArchiveError(err)) return err;
  const category = ARCHIVE_CATEGORY[err.code] ?? err.category;
  if (message === undefined && category === err.category) return err;
  return new ArchiveError(err.code, message ?? err.message, { file: err.file, problems: err.problems, category, details: err.details, cause: err });
}
