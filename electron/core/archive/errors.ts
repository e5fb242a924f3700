import { UpshiftError, type ErrorCategory } from '../errors.js';

/** Why an archive or a checksum was refused. Stable: callers and `--json` output match on these. */
export type ArchiveErrorCode =
  /** A line of a sha256sums file is neither GNU nor BSD format, or a name has two different sums. */
  | 'BAD_CHECKSUM_FILE'
  /** The file's sha256 differs from the sums file. */
  | 'CHECKSUM_MISMATCH'
  /** The sums file has no entry for the file. */
  | 'CHECKSUM_MISSING'
  /** One or more entries would escape the destination, or are special files (see `problems`). */
  | 'UNSAFE_ARCHIVE'
  /** Not a tar or tar.gz archive at all (another format, or random bytes). */
  | 'NOT_AN_ARCHIVE'
  /** The archive ends early (in a header, in a file's data, or without the end-of-archive marker). */
  | 'TRUNCATED_ARCHIVE'
  /** A header, a pax record or the gzip data is malformed, or the archive changed while it was extracted. */
  | 'CORRUPT_ARCHIVE'
  /** Over the size or entry-count cap (a decompression bomb, or simply too big). */
  | 'TOO_LARGE'
  /** The extraction destination already exists. */
  | 'DEST_EXISTS'
  /** The archive or sums file could not be read, or writing the extracted files failed. */
  | 'ARCHIVE_IO'
  /** The caller's AbortSignal fired. */
  | 'ARCHIVE_ABORTED';

/**
 * How the CLI treats each code: refusals made for safety are `blocked` (exit 3, "nothing was changed"), broken or
 * unreadable inputs `failed` (exit 1). A caller that knows better (a user-supplied file to `upshift import`) can
 * pass its own category.
 */
const CATEGORY: Record<ArchiveErrorCode, ErrorCategory> = {
  BAD_CHECKSUM_FILE: 'failed',
  CHECKSUM_MISMATCH: 'blocked',
  CHECKSUM_MISSING: 'blocked',
  UNSAFE_ARCHIVE: 'blocked',
  NOT_AN_ARCHIVE: 'failed',
  TRUNCATED_ARCHIVE: 'failed',
  CORRUPT_ARCHIVE: 'failed',
  TOO_LARGE: 'blocked',
  DEST_EXISTS: 'blocked',
  ARCHIVE_IO: 'failed',
  ARCHIVE_ABORTED: 'failed',
};

/** One refused archive entry. `entry` is the name as written in the archive (before strip). */
export interface ArchiveProblem {
  entry: string;
  reason: string;
}

export interface ArchiveErrorOptions {
  /** The archive or sums file the error is about. */
  file?: string | undefined;
  problems?: readonly ArchiveProblem[] | undefined;
  category?: ErrorCategory | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

/**
 * A refused archive or checksum. An UpshiftError, so the CLI prints the message and picks the exit code from the
 * category, and `toApiError()` gives `{code, message, retryable, details}` with the file and every problem.
 */
export class ArchiveError extends UpshiftError {
  declare readonly code: ArchiveErrorCode;
  readonly file: string | undefined;
  /** The offending entry names (for UNSAFE_ARCHIVE: every one of them, in archive order). */
  readonly entries: string[];
  /** The offending entries with the reason for each. */
  readonly problems: readonly ArchiveProblem[];

  constructor(code: ArchiveErrorCode, message: string, opts: ArchiveErrorOptions = {}) {
    const problems = opts.problems ?? [];
    super(code, message, {
      category: opts.category ?? CATEGORY[code],
      retryable: false,
      details: {
        ...(opts.file !== undefined ? { file: opts.file } : {}),
        ...(problems.length > 0 ? { problems: problems.map((p) => ({ ...p })) } : {}),
        ...opts.details,
      },
      cause: opts.cause,
    });
    this.name = 'ArchiveError';
    this.file = opts.file;
    this.problems = problems;
    this.entries = problems.map((p) => p.entry);
  }
}

export function isArchiveError(err: unknown, code?: ArchiveErrorCode): err is ArchiveError {
  return err instanceof ArchiveError && (code === undefined || err.code === code);
}

/** Why a download failed. `DOWNLOAD_<KIND>` is the error code. */
export type DownloadErrorKind =
  /** The server answered with a non-2xx status (or a redirect without a usable Location). */
  | 'http-status'
  /** Content-Length or the running count went over maxBytes. */
  | 'too-large'
  /** The whole-download deadline passed. */
  | 'timeout'
  /** No bytes arrived for idleTimeoutMs. */
  | 'idle-timeout'
  | 'aborted'
  /** Connection refused, reset, DNS, TLS, or the body ended before Content-Length. */
  | 'network'
  /** The proxy could not be reached or refused the tunnel. */
  | 'proxy'
  /** More than the allowed number of redirects. */
  | 'too-many-redirects'
  /** A URL Upshift will not fetch: not http(s), plain http to another machine, an https→http redirect. */
  | 'refused-url'
  /** Writing the file failed (disk full, permissions). */
  | 'write';

const DOWNLOAD_CATEGORY: Record<DownloadErrorKind, ErrorCategory> = {
  'http-status': 'failed',
  'too-large': 'blocked',
  timeout: 'failed',
  'idle-timeout': 'failed',
  aborted: 'failed',
  network: 'failed',
  proxy: 'failed',
  'too-many-redirects': 'failed',
  'refused-url': 'usage',
  write: 'failed',
};

/**
 * A failed download. Messages and details name the URL without credentials or query string (signed asset URLs
 * carry secrets there) and never the Authorization header.
 */
export class DownloadError extends UpshiftError {
  readonly kind: DownloadErrorKind;
  /** The HTTP status for `http-status`, else null. */
  readonly status: number | null;
  /** The URL being fetched when it failed, as displayed (see displayUrl). */
  readonly url: string;

  constructor(kind: DownloadErrorKind, message: string, opts: { url: string; status?: number | null; cause?: unknown }) {
    const status = opts.status ?? null;
    const retryable = kind === 'timeout' || kind === 'idle-timeout' || kind === 'network' || kind === 'proxy' || (kind === 'http-status' && status !== null && (status >= 500 || status === 429 || status === 408));
    super(`DOWNLOAD_${kind.toUpperCase().replace(/-/g, '_')}`, message, {
      category: DOWNLOAD_CATEGORY[kind],
      retryable,
      details: { kind, url: opts.url, ...(status !== null ? { status } : {}) },
      cause: opts.cause,
    });
    this.name = 'DownloadError';
    this.kind = kind;
    this.status = status;
    this.url = opts.url;
  }
}

export function isDownloadError(err: unknown, kind?: DownloadErrorKind): err is DownloadError {
  return err instanceof DownloadError && (kind === undefined || err.kind === kind);
}

/**
 * A name from an archive or a sums file as it may be shown in a message: control characters (a hostile name could
 * rewrite the terminal) become `\xNN`, and very long names are shortened.
 */
export function printable(name: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const safe = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
