/** "Updates": every watched project with current → latest, risk, compatibility, last check; Check now; Upgrade. */
import { BatchPlanPanel } from './BatchPanels.js';
import type { ProjectView } from '../../shared/api/contract.js';
import { CompatBadge, RiskBadge } from '../components/Badges.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { Skeleton } from '../components/Skeleton.js';
import { ProjectTrustBadges } from '../components/TrustBadges.js';
import { BUMP_LABELS, domId, formatDateTime, formatRelative, formatVersion } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import { formatRoute, navigate, planHref } from '../lib/route.js';
import { useActions, useApp } from '../store/context.js';
import { ApprovalControls } from './ApprovalControls.js';
import { BlockedReleases, ExplicitRelease, FailedReleaseNotes, GateNote, SkippedVersions } from './UpdateOffer.js';
import { classifyBump } from '../../shared/policy/bump.js';
import { updateOffer } from '../../shared/policy/offer.js';
import { ViewHeading } from './ViewHeading.js';

function Snoozed({ p, now }: { p: ProjectView; now: number }) {
  if (!p.decision.snoozedUntil || Date.parse(p.decision.snoozedUntil) <= now) return null;
  return <span className="muted small decision">Reminder {formatRelative(p.decision.snoozedUntil, now)}</span>;
}

/**
 * One project. The exact time of the last check is its tooltip, formatted when the pointer comes over it: the
 * first Intl date formatter of a page loads the locale data, which the first paint should not wait for.
 */
function ProjectRow({ p, now }: { p: ProjectView; now: number }) {
  const nameId = domId('project', p.name);
  const check = p.check;
  // What the row acts on: the plan's default target, not the newest release (that may be blocked or gated skip).
  const offer = updateOffer(check, p.decision.skipped);
  const target = offer.target;
  const targetCandidate = target ? check?.candidates?.find((c) => c.version === target.version) : undefined;
  const bump = target && check?.current.version ? classifyBump(check.current.version, target.version) : null;
  const failed = p.failedReleases ?? [];
  return (
    <tr aria-labelledby={nameId} className={offer.counts ? 'row-update' : undefined}>
      <th scope="row" id={nameId} className="project-name">
        {p.name}
      </th>
      <td className="project-version">
        <span className="version">{formatVersion(check?.current ?? null)}</span>
        {target && (
          <>
            <span aria-hidden="true"> → </span>
            <span className="visually-hidden"> to </span>
            <span className="version version-new">{target.version}</span>
            {bump && <span className="muted small"> ({BUMP_LABELS[bump]})</span>}
            <GateNote gate={target.gate} />
          </>
        )}
        {!target && check && !check.error && (
          <span className="muted small">{check.noSource ? ' · no release source (local only)' : offer.blocked.length > 0 || offer.explicit ? ' · nothing installable by default' : ' · up to date'}</span>
        )}
        {offer.hiddenByGate.length > 0 && <span className="muted small block-reason">{offer.hiddenByGate.join(', ')} never offered (gate: Skip)</span>}
        <ExplicitRelease project={p.name} offer={offer} />
        <BlockedReleases project={p.name} offer={offer} />
        <FailedReleaseNotes failed={failed} now={now} />
        <SkippedVersions p={p} />
        <Snoozed p={p} now={now} />
        {check && <ProjectTrustBadges project={p.name} tagMoves={check.tagMoves} support={check.support} />}
      </td>
      <td data-label="Risk">{target ? <RiskBadge risk={target.risk} /> : <span className="muted">—</span>}</td>
      <td data-label="Compatibility">
        {!check || check.noSource ? (
          <span className="muted">—</span>
        ) : target ? (
          <CompatBadge compatible={targetCandidate?.verdict?.compatible ?? (targetCandidate ? !targetCandidate.blocked : check.compatible)} />
        ) : (
          <CompatBadge compatible={offer.blocked.length > 0 ? false : check.compatible} />
        )}
      </td>
      <td data-label="Last checked">
        {check?.error ? (
          <span className="check-error" title={check.error.message}>
            Check failed: {check.error.message}
          </span>
        ) : check ? (
          <time dateTime={check.checkedAt} onPointerEnter={(e) => (e.currentTarget.title ||= formatDateTime(check.checkedAt))}>
            {formatRelative(check.checkedAt, now)}
          </time>
        ) : (
          <span className="muted">Not checked yet</span>
        )}
      </td>
      <td className="row-actions">
        {p.operationInProgress ? (
          <a className="button button-small" href={formatRoute({ view: 'operation', id: p.operationInProgress.id })} aria-describedby={nameId}>
            {p.operationInProgress.kind === 'upgrade' ? 'Upgrading…' : 'Working…'}
          </a>
        ) : target ? (
          <button type="button" className="button button-primary button-small" onClick={() => navigate(planHref(p.name, target.version))} aria-describedby={nameId}>
            Upgrade to {target.version}
          </button>
        ) : null}
        {!p.operationInProgress && <ApprovalControls p={p} describedBy={nameId} />}
      </td>
    </tr>
  );
}

function SkeletonRows() {
  return (
    <>
      {[0, 1, 2].map((i) => (
        <tr key={i} aria-hidden="true">
          {[0, 1, 2, 3, 4, 5].map((j) => (
            <td key={j}>
              <Skeleton className="skeleton-line" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function UpdatesView() {
  const app = useApp((s) => s.app);
  const load = useApp((s) => s.load);
  const checking = useApp((s) => s.checking);
  const { checkNow, refresh, pauseChecks } = useActions();
  const now = useNow(30_000);
  const projects = app?.projects ?? [];
  const poller = app?.poller;
  const updates = projects.filter((p) => updateOffer(p.check, p.decision.skipped).counts).length;

  return (
    <div className="view">
      <header className="view-header">
        <ViewHeading>Updates</ViewHeading>
        <div className="actions">
          {checking && (
            <span className="muted" role="status">
              Checking…
            </span>
          )}
          <button type="button" className="button button-primary" onClick={() => void checkNow()} disabled={checking || projects.length === 0} aria-busy={checking}>
            Check now
          </button>
        </div>
      </header>

      {poller && (
        <p className="muted poller" aria-live="polite">
          {poller.paused ? (
            <>
              Background checks are paused.{' '}
              <button type="button" className="link-button" onClick={() => void pauseChecks(false)}>
                Resume checks
              </button>
            </>
          ) : (
            <>
              Last check {formatRelative(poller.lastCheckAt, now)}
              {poller.nextCheckAt ? ` · next ${formatRelative(poller.nextCheckAt, now)}` : ''}
              {poller.failures > 0 ? ` · ${poller.failures} failed in a row, retrying with backoff` : ''}
            </>
          )}
          {projects.length > 0 && ` · ${updates === 0 ? 'everything is up to date' : `${updates} ${updates === 1 ? 'update' : 'updates'} available`}`}
        </p>
      )}

      {load.status === 'error' && load.error && <ErrorBanner error={load.error} title="Could not load your projects" onRetry={() => void refresh()} />}

      {load.status !== 'error' && app && projects.length === 0 ? (
        <EmptyState title="No projects yet — add one" action={<a className="button button-primary" href="#/settings">Add a project</a>}>
          <p>Upshift watches git checkouts and tells you when a new release is out. Add the folder of a checkout to start.</p>
        </EmptyState>
      ) : load.status !== 'error' ? (
        <div className="table-wrap">
          <table className="table projects-table" aria-label="Projects" aria-busy={!app}>
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Version</th>
                <th scope="col">Risk</th>
                <th scope="col">Compatibility</th>
                <th scope="col">Last checked</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>{app ? projects.map((p) => <ProjectRow key={p.name} p={p} now={now} />) : <SkeletonRows />}</tbody>
          </table>
        </div>
      ) : null}
      {projects.length > 1 && <BatchPlanPanel />}
    </div>
  );
}
