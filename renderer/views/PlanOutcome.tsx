/**
 * What the plan says about what already happened to its target (issue 11 §1), and where focus goes when the view
 * swaps the plan for the progress of the upgrade just started.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { failedReleaseText } from '../lib/outcomes.js';
import { formatRoute } from '../lib/route.js';
import { useApp } from '../store/context.js';

/** "1.2.0 failed its smoke tests on Dec 4 — rolled back", linking to that operation, when the target did. */
export function PlanFailedNote({ project, version }: { project: string; version: string | null }) {
  const failed = useApp((s) => s.app?.projects.find((p) => p.name === project)?.failedReleases?.find((f) => f.version === version) ?? null);
  if (!failed) return null;
  return (
    <div className="banner banner-warning" role="note">
      <a href={formatRoute({ view: 'operation', id: failed.operationId })}>{failedReleaseText(failed)}</a>. Trying again runs the same steps; see that operation
      for the output of the step that failed.
    </div>
  );
}

/**
 * A region that takes focus when it appears: the button that started the upgrade is gone, and focus must not fall
 * to <body> (keyboard and screen-reader users would lose their place).
 */
export function FocusOnMount({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) ref.current?.focus();
  }, []);
  return (
    <div ref={ref} tabIndex={-1} role="region" aria-label={label} className="focus-region">
      {children}
    </div>
  );
}
