/**
 * What a dependent project requires of the project it builds on (its "core"). Read from `requires:` in
 * upshift.yml or from the seed format's `compatibility:` block in vertical_manifest.yaml.
 */
export interface Requirement {
  /** Lower bound: a version, wildcard (`1.x.x`) or full range (`>=1.7.0 <2.0.0`, `^1.2`). */
  min?: string;
  /** Upper bound: a version or wildcard; `1.x.x` admits every 1.y.z. */
  max?: string;
  /** A full constraint (`^1.2`, `>=1.7 <2`), checked in addition to min/max. */
  range?: string;
  /** Must equal the major of the target release's `contracts_version`. */
  contractsMajor?: number;
  /**
   * Breaking changes this dependent accepts. An entry matches a breaking change when it equals the change's
   * text or id, names the release version that carries it, or is `*`.
   */
  allowBreaking?: string[];
}
