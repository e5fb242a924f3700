/**
 * Safe archives, checksums and downloads: what an offline release folder, `upshift import <file>` and `kind: artifact`
 * components build on. Every check happens before anything is written; see README.md for the refusal rules.
 */
export { parseSha256Sums, sha256File, verifyAgainstSums } from './checksums.js';
export { ArchiveError, DownloadError, isArchiveError, isDownloadError, type ArchiveErrorCode, type ArchiveProblem, type DownloadErrorKind } from './errors.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, extractTar, inspectTar, type ExtractOptions, type ExtractResult, type InspectOptions, type TarEntry, type TarEntryType } from './tar.js';
export { displayUrl, downloadToFile, type DownloadOptions, type DownloadResult } from './download.js';
