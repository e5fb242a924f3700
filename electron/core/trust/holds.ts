/**
 * What release trust and support windows say about each release, as the `held` input of the one verdict
 * (engine/verdict.ts): check and plan both build it here, so they refuse the same releases for the same reasons.
 */
import type { SupportStatus, TagMove, TagVerification } from '../../../shared/api/trust.js';
import { supportStatus, type ReleaseEol, type SupportPolicy } from '../../../shared/policy/support.js';
import type { Release } from '../../../shared/version/index.js';
import type { ReadResult } from '../engine/verdict.js';

export interface HoldInput {
  project: string;
  /** Releases judged by the verdict. */
  releases: readonly Release[];
  /** Every version released (for `support.lastMinors`). */
  released: readonly string[];
  moves: readonly TagMove[];
  /** Plan: the signature of each fetched release tag (absent without `verify:`). */
  verifications?: ReadonlyMap<string, TagVerification>;
  support?: SupportPolicy | undefined;
  /**
   * Release metadata's `eol_date`/`replacement`, by tag: what the verdict's readings say (see {@link eolOfReadings}),
   * so check and plan read the same dates.
   */
  eol?: ReadonlyMap<string, ReleaseEol>;
  now: number;
  /** The tag asked for with `--to`: an end of life does not hold it back (it is said as a warning instead). */
  asked?: string | null;
}

/** The `eol_date`/`replacement` each read release's metadata gives, by tag (the verdict's readings). */
export function eolOfReadings(readings: ReadonlyMap<string, ReadResult>): Map<string, ReleaseEol> {
  const out = new Map<string, ReleaseEol>();
  for (const [tag, read] of readings) if ('reading' in read && read.reading.eol) out.set(tag, read.reading.eol);
  return out;
}

/** The command that accepts a moved tag, as every face says it (CLI, notification, dashboard). */
export function acceptCommand(project: string, tag: string): string {
  return `upshift trust accept ${project} ${tag}`;
}

/** The reasons per tag, and each release's support standing (for warnings and badges). */
export function releaseHolds(input: HoldInput): { held: Map<string, string[]>; support: Map<string, SupportStatus> } {
  const held = new Map<string, string[]>();
  const support = new Map<string, SupportStatus>();
  const add = (tag: string, reason: string) => held.set(tag, [...(held.get(tag) ?? []), reason]);
  for (const m of input.moves) add(m.tag, `trust: ${m.message}: run \`${acceptCommand(input.project, m.tag)}\` once you have checked it`);
  for (const r of input.releases) {
    const v = input.verifications?.get(r.tag);
    if (v && v.status !== 'good') add(r.tag, `signature: ${v.message}; only tags signed by an allowed key (verify:) are installed`);
    const s = supportStatus(input.now, input.support, r.version.normalized, input.released, input.eol?.get(r.tag) ?? null);
    if (!s) continue;
    support.set(r.tag, s);
    if (s.eol && r.tag !== input.asked) add(r.tag, `support: ${s.message}, so it is not offered; to install it anyway, ask for it: \`upshift upgrade ${input.project} --to ${r.version.normalized}\``);
  }
  return { held, support };
}
