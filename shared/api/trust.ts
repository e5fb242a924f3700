/**
 * Release trust and support as the CLI's JSON and the dashboard see them (issue 10 §4, §5): who signed a tag, tags
 * that moved since first seen (trust on first use), and whether a version is past or near its end of life.
 */

/** The result of `git verify-tag` on a release tag against the manifest's `verify:` signers. */
export interface TagVerification {
  tag: string;
  /** Which kind of signature was found (or was required when none was). */
  method: 'ssh' | 'gpg' | 'any';
  /** good: signed by an allowed key; untrusted: a valid signature by a key not allowed; unsigned: nobody signed; bad: altered or unreadable. */
  status: 'good' | 'untrusted' | 'unsigned' | 'bad';
  /** The principal (SSH) or user id (OpenPGP) of the signer, when known. */
  signer: string | null;
  /** The key: `ED25519 SHA256:…` for SSH, the fingerprint or key id for OpenPGP. */
  key: string | null;
  message: string;
}

/** A release tag that points at another commit than when Upshift first saw it. */
export interface TagMove {
  tag: string;
  /** The commit first seen (or last accepted). */
  was: string;
  /** Where the tag points now. */
  now: string;
  firstSeenAt: string;
  movedSeenAt: string;
  /** First noticed by this check (a notification goes out). */
  fresh: boolean;
  message: string;
}

/** Where a version stands in its support window. */
export interface SupportStatus {
  version: string;
  /** The version line the policy speaks of (`1.x`, `1.4.x`). */
  line: string;
  /** End of life (YYYY-MM-DD), when a date is known. */
  eolDate: string | null;
  /** Past its end of life now. */
  eol: boolean;
  /** Not EOL yet, but within the warning window (30 days). */
  soon: boolean;
  /** Days until the end of life (negative: since), when a date is known. */
  daysLeft: number | null;
  /** What the release metadata names as its replacement. */
  replacement: string | null;
  /** Where the verdict comes from: the manifest's `support.eol`, `support.lastMinors`, or the release metadata's `eol_date`. */
  source: 'eol' | 'lastMinors' | 'metadata' | null;
  /** One sentence for the badge's tooltip and the CLI. */
  message: string;
}

/** A moved tag accepted (`upshift trust accept`, the dashboard's "Trust …" button): the record as it stands now. */
export interface TagAcceptance {
  project: string;
  tag: string;
  /** The commit the tag is trusted at from now on. */
  sha: string;
  /** The commit it pointed at before (first seen, or last accepted). */
  previousSha: string;
  by: string;
  at: string;
}
