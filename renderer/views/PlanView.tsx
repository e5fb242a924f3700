/**
 * "Plan": everything the engine's plan holds, the target selector, and the decision (Start upgrade, Skip this
 * version, Remind me later). Once an upgrade starts, its live progress takes the top of the view.
 */
import { useEffect, useId, useState } from 'react';
import type { UpgradePlan } from '../../shared/api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { EmptyState } from '../components/EmptyState.js';
import { OperationProgress } from '../components/OperationProgress.js';
import { RemindLater } from '../components/RemindLater.js';
import { SkeletonBlock } from '../components/Skeleton.js';
import { PlanTrustBadges } from '../components/TrustBadges.js';
import { BUMP_LABELS, formatEstimate, shortSha } from '../lib/format.js';
import { formatRoute, navigate, planHref } from '../lib/route.js';
import { useActions, useApp } from '../store/context.js';
import { CommitsSection, DependentsSection, DiffstatSection, KindSection, ReleaseNotesSection, RiskSection, StepsSection } from './PlanSections.js';
import { PlanCheckSummary } from './PlanCheckSummary.js';
import { PlanNotices } from './PlanNotices.js';
import { PathHops } from './BatchPanels.js';
import { RollbackLoopNotice } from './RollbackLoopNotice.js';
import { ViewHeading } from './ViewHeading.js';
import { FocusOnMount, PlanFailedNote } from './PlanOutcome.js';
import { majorSkip } from '../../shared/policy/skips.js';

function TargetSelect({ plan, busy }: { plan: UpgradePlan; busy: boolean }) {
  const id = useId();
  const latest = plan.candidates[0]?.version;
  return (
    <div className="field field-inline">
      <label htmlFor={id}>Target version</label>
      <select
        id={id}
        value={plan.to.version ?? ''}
        disabled={busy || plan.candidates.length === 0}
        onChange={(e) => navigate(planHref(plan.project, e.target.value), { replace: true })}
      >
        {plan.to.version && !plan.candidates.some((c) => c.version === plan.to.version) && <option value={plan.to.version}>{plan.to.version}</option>}
        {plan.candidates.map((c) => (
          // A blocked release stays choosable: its plan opens read-only and lists why (once, as a list, in the banner).
          <option key={c.version} value={c.version}>
            {c.version}
            {c.prerelease ? ' (prerelease)' : ''}
            {c.version === latest ? ' — latest' : ''}
            {c.blocked ? (c.onlyIfAsked ? ` — ${c.onlyIfAsked}` : ' — blocked (plan read-only)') : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

function Decision({ plan, busy }: { plan: UpgradePlan; busy: boolean }) {
  const { startUpgrade, skipVersion, snooze } = useActions();
  const refused = useApp((s) => (s.upgradeRefused?.project === plan.project ? s.upgradeRefused.error : null));
  // Work that would not apply on the target is set aside by default only when it applies cleanly.
  const [stash, setStash] = useState(false);
  const [keepOnConflict, setKeepOnConflict] = useState(false);
  const keepId = useId();
  const conflicting = plan.uncommittedWork ? !plan.uncommittedWork.appliesCleanly : false;
  const [starting, setStarting] = useState(false);
  const reasonId = useId();
  const stashId = useId();
  const version = plan.to.version;
  const blocked = plan.blocked;
  // A manual gate is crossed only by an explicit choice of this version (README "Gates"): Start waits for it, and the
  // service is told the user confirmed it (confirmManual), which it requires.
  const manual = plan.gate === 'manual' && !blocked;
  const [chosen, setChosen] = useState(false);
  const manualId = useId();
  const chosenId = useId();
  const confirmManual = manual && chosen;
  const majorLine = version ? majorSkip(version) : null;
  return (
    <section className="panel decision-panel" aria-label="Decision">
      <PlanFailedNote project={plan.project} version={version} />
      {blocked && (
        <div id={reasonId} className="banner banner-warning" role="note">
          <strong>This upgrade is blocked.</strong>
          <ul>
            {(plan.blockers.length > 0 ? plan.blockers : ['The policy does not allow it.']).map((b, i) => (
              <li key={i}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      {manual && (
        <div id={manualId} className="banner banner-warning" role="note">
          <strong>
            {version} is a {BUMP_LABELS[plan.bump]} update, gated manual.
          </strong>{' '}
          It is installed only when you choose it explicitly.
          <span className="field-check">
            <input id={chosenId} type="checkbox" checked={chosen} onChange={(e) => setChosen(e.target.checked)} />
            <label htmlFor={chosenId}>I choose {version} explicitly</label>
          </span>
        </div>
      )}
      {refused && !blocked && (
        <RollbackLoopNotice project={plan.project} version={version} error={refused} onForce={async () => (await startUpgrade(plan.project, version, { stash, keepOnConflict, force: true, confirmManual })) !== null} />
      )}
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          // While starting, the button stays enabled (aria-disabled): disabling it would drop focus to <body>.
          disabled={blocked || busy || !version || (manual && !chosen)}
          aria-disabled={starting || undefined}
          aria-describedby={blocked ? reasonId : manual ? manualId : undefined}
          onClick={async () => {
            if (starting) return;
            setStarting(true);
            await startUpgrade(plan.project, version, { stash, keepOnConflict, confirmManual });
            setStarting(false);
          }}
        >
          {starting ? 'Starting…' : blocked ? 'Start upgrade' : `Start upgrade to ${version}`}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || !version}
          onClick={async () => {
            if (version && (await skipVersion(plan.project, version))) navigate('#/updates');
          }}
        >
          Skip this version
        </button>
        {majorLine && (
          <button
            type="button"
            className="button"
            disabled={busy || !version}
            onClick={async () => {
              if (version && (await skipVersion(plan.project, version, 'major'))) navigate('#/updates');
            }}
          >
            Skip all {majorLine}
          </button>
        )}
        <RemindLater
          disabled={busy || !version}
          onChoose={async (minutes) => {
            if (version && (await snooze(plan.project, version, minutes))) navigate('#/updates');
          }}
        />
        <span className="field-check">
          <input id={stashId} type="checkbox" checked={stash} onChange={(e) => setStash(e.target.checked)} />
          <label htmlFor={stashId}>Set uncommitted changes aside (stash) and give them back afterwards</label>
        </span>
        {stash && conflicting && (
          <span className="field-check">
            <input id={keepId} type="checkbox" checked={keepOnConflict} onChange={(e) => setKeepOnConflict(e.target.checked)} />
            <label htmlFor={keepId}>
              They conflict with {version}: keep {version} anyway and leave my changes in a stash to merge by hand (otherwise the upgrade is refused)
            </label>
          </span>
        )}
      </div>
      <p className="muted small">
        Gate for a {BUMP_LABELS[plan.bump]} update: <strong>{plan.gate}</strong>. Any failure rolls everything back automatically.
      </p>
      {plan.explicitChoice && plan.explicitChoice.version !== version && (
        <p className="muted small">
          {plan.explicitChoice.version} is a {BUMP_LABELS[plan.explicitChoice.bump]} update, gated manual: choose it as the target version to see its plan.
        </p>
      )}
    </section>
  );
}

function PlanBody({ plan, busy }: { plan: UpgradePlan; busy: boolean }) {
  return (
    <div className={busy ? 'plan-body stale' : 'plan-body'} aria-busy={busy}>
      <div className="plan-summary panel">
        <p className="plan-endpoints">
          <strong>{plan.project}</strong> <span className="version">{plan.from.version ?? shortSha(plan.from.sha)}</span>
          <span aria-hidden="true"> → </span>
          <span className="visually-hidden"> to </span>
          <span className="version version-new">{plan.to.version ?? '—'}</span> <span className="muted small">({BUMP_LABELS[plan.bump]})</span>
        </p>
        <p className="muted small">
          {plan.to.tag && <>Tag <code>{plan.to.tag}</code> · </>}commit <code>{shortSha(plan.to.sha)}</code> · {plan.path}
        </p>
        <PlanTrustBadges plan={plan} />
        <p className="estimate">
          Estimated time: <strong>{formatEstimate(plan.estimatedSeconds)}</strong>
        </p>
        <TargetSelect plan={plan} busy={busy} />
      </div>
      <PlanNotices plan={plan} />
      {/* Beyond required stops the upgrade runs hop by hop (startUpgrade would refuse it: PATH_REQUIRED). */}
      {plan.hops ? <PathHops plan={plan} /> : <Decision key={plan.to.version} plan={plan} busy={busy} />}
      <div className="plan-grid">
        <RiskSection plan={plan} />
        <DependentsSection plan={plan} />
      </div>
      <ReleaseNotesSection plan={plan} />
      {plan.kind === 'artifact' || plan.kind === 'command' ? (
        <KindSection plan={plan} />
      ) : (
        <div className="plan-grid">
          <CommitsSection plan={plan} />
          <DiffstatSection plan={plan} />
        </div>
      )}
      <StepsSection plan={plan} />
    </div>
  );
}

export function PlanView({ project, to }: { project: string; to: string | null }) {
  const planState = useApp((s) => s.plan);
  const activeId = useApp((s) => s.activeByProject[project] ?? s.app?.projects.find((p) => p.name === project)?.operationInProgress?.id ?? null);
  const activeRunning = useApp((s) => (activeId ? s.operations[activeId]?.operation?.status === 'running' : false));
  const { loadPlan } = useActions();
  // An operation that had already finished when the view opened belongs to an earlier visit: show the plan.
  const [dismissed, setDismissed] = useState<string | null>(() => (activeId && !activeRunning ? activeId : null));

  useEffect(() => {
    void loadPlan(project, to);
  }, [project, to, loadPlan]);

  // Asking for another target after an operation finished means: show me that plan.
  useEffect(() => {
    if (activeId && !activeRunning) setDismissed(activeId);
    // Only on a new target: a finished operation must stay visible until then.
  }, [to]);

  const showProgress = activeId !== null && dismissed !== activeId;
  const mine = planState.project === project && planState.to === to;
  const plan = mine || planState.project === project ? planState.plan : null;
  const loading = !mine || planState.status === 'loading';

  return (
    <div className="view">
      <header className="view-header">
        <ViewHeading>Plan</ViewHeading>
        <p className="view-subtitle">
          Upgrade <strong>{project}</strong>
        </p>
      </header>

      {showProgress && (
        <>
          <FocusOnMount label={`Progress of ${project}`}>
            <OperationProgress operationId={activeId} />
          </FocusOnMount>
          {!activeRunning && (
            <div className="actions">
              <a className="button" href="#/updates">
                Done
              </a>
              <a className="button" href={formatRoute({ view: 'history' })}>
                All operations
              </a>
              <button
                type="button"
                className="button button-ghost"
                onClick={() => {
                  setDismissed(activeId);
                  void loadPlan(project, null);
                }}
              >
                Show the current plan
              </button>
            </div>
          )}
        </>
      )}

      {!showProgress && mine && planState.status === 'error' && planState.error ? (
        planState.error.code === 'NOTHING_TO_DO' ? (
          <EmptyState title={`${project} is up to date`} action={<a className="button" href="#/updates">Back to the list</a>}>
            <p>{planState.error.message}</p>
          </EmptyState>
        ) : (
          <ErrorBanner error={planState.error} title={`Could not plan the upgrade of ${project}`} onRetry={() => void loadPlan(project, to)} />
        )
      ) : !showProgress && plan ? (
        <PlanBody plan={plan} busy={loading} />
      ) : !showProgress ? (
        <>
          <PlanCheckSummary project={project} to={to} />
          <SkeletonBlock lines={8} label="Planning: reading release notes, commits and compatibility…" />
        </>
      ) : null}
    </div>
  );
}
