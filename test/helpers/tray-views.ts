/** Project views for the tray tests: the shapes the engine service produces, trimmed to what the tray reads. */
import type { PollerState, ProjectView } from '../../shared/api/contract.js';
import type { ProjectCheck, ReleaseRef } from '../../shared/api/types.js';

export const NOW = Date.parse('2026-11-21T10:00:00Z');

export const POLLER: PollerState = { paused: false, lastCheckAt: '2026-11-21T09:55:00Z', nextCheckAt: '2026-11-21T10:55:00Z', failures: 0 };

function release(version: string): ReleaseRef {
  return { version, tag: `v${version}`, sha: 'a'.repeat(40), prerelease: false };
}

export interface ViewOptions {
  current?: string;
  latest?: string | null;
  /** The newest compatible release; `null` when nothing newer is compatible. Default: the latest. */
  latestCompatible?: string | null;
  /** What `upgrade` without a target installs (the gates' default); absent as in checks made before it existed. */
  offered?: string | null;
  error?: string;
  skipped?: string[];
  snoozedUntil?: string | null;
  busy?: boolean;
  unchecked?: boolean;
  /** A local-only project: no remote, so no release source (ProjectCheck.noSource); nothing newer is known. */
  noSource?: boolean;
}

export function view(name: string, o: ViewOptions = {}): ProjectView {
  const current = o.current ?? '1.0.0';
  const latest = o.latest === undefined ? current : o.latest;
  const updateAvailable = latest !== null && latest !== current;
  const compatible = o.latestCompatible === undefined ? (updateAvailable ? latest : null) : o.latestCompatible;
  const check: ProjectCheck = {
    name,
    path: `/src/${name}`,
    current: { version: current, tag: `v${current}`, sha: 'b'.repeat(40), source: 'tag' },
    latest: latest ? release(latest) : null,
    latestCompatible: compatible ? release(compatible) : null,
    updateAvailable: o.error ? false : updateAvailable,
    bump: updateAvailable ? 'minor' : 'none',
    gate: updateAvailable ? 'review' : null,
    risk: updateAvailable ? { level: 'medium', reasons: ['minor release'] } : null,
    compatible: compatible !== null,
    blockers: [],
    ...(o.offered !== undefined ? { offered: o.offered ? release(o.offered) : null } : {}),
    error: o.error ? { code: 'GIT_FAILED', message: o.error, retryable: true } : null,
    ...(o.noSource ? { noSource: { reason: 'no release source: the checkout has no git remote, and its manifest names no other source' } } : {}),
    checkedAt: '2026-11-21T09:55:00Z',
  };
  return {
    name,
    path: `/src/${name}`,
    core: null,
    manifest: 'upshift.yml',
    channel: 'stable',
    addedAt: '2026-11-01T00:00:00Z',
    check: o.unchecked ? null : check,
    decision: { skipped: o.skipped ?? [], snoozedUntil: o.snoozedUntil ?? null },
    operationInProgress: o.busy ? { id: `op_20261121T100000Z_${name}`, kind: 'upgrade' } : null,
  };
}
