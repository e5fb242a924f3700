/**
 * Value types of the version module. Plain data (no classes) so they cross IPC and JSON unchanged.
 */

/**
 * A parsed version. `parts` has length 3, or 4 when a non-zero fourth part was given (`1.0.0.1`);
 * a zero fourth part is dropped so that equal versions always have equal `normalized` strings.
 */
export interface Version {
  /** `[major, minor, patch]` or `[major, minor, patch, fourth]`; missing parts are 0. */
  parts: number[];
  /** SemVer prerelease identifiers; numeric ones as numbers (leading zeros stripped). Empty for a release. */
  prerelease: (string | number)[];
  /**
   * Canonical text: `9.2.995`, `8.0.0-m01`, `1.8.2-rc1`. Build metadata is dropped. With four parts the
   * fourth is kept (`1.0.0.1`), which is not valid SemVer 2.0: check `parts.length` before handing it to
   * a strict SemVer tool.
   */
  normalized: string;
}

/** A tag as listed by a release source; `sha` is the commit the tag points at (peeled). */
export interface TagRef {
  tag: string;
  sha: string;
}

/** A tag that is a release under a tag pattern. */
export interface Release {
  tag: string;
  sha: string;
  version: Version;
  prerelease: boolean;
}
