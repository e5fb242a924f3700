/**
 * The offline release folder's write side: `importRelease` checks a release pack completely, then places it in the
 * folder in one rename. The read side is `source/folder.ts` (FolderSource). See docs/offline.md.
 */
export { importRelease, IMPORT_TEMP_PREFIX, type ImportOptions, type ImportResult } from './import.js';
export { asImportError, importError, type ImportErrorCode } from './errors.js';
export type { CheckedBundle, VerifiedFile } from './verify.js';
