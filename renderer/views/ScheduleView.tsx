/**
 * Schedule (issue 9 §6): what the scheduler will do and when, per project ("core 1.4.1 will upgrade Tue 02:00
 * Europe/Rome — window 'nightly'"), the reason for every release it will not upgrade, the maintenance windows with
 * their next opening, the global pause (pause for a while or until resumed, resume), and the approval buttons of
 * releases waiting for a person. The same document as `upshift schedule --json`.
 */
import { useState } from 'react';
import type { ProjectSchedule, ReleaseDecision, Schedule } from '../../shared/policy/index.js';
import { formatWhen } from '../../shared/policy/zoned.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { SkeletonBlock } from '../components/Skeleton.js';
import { useActions } from '../store/context.js';
import { SchedulerRunLog } from './SchedulerRunLog.js';
import { useSchedule, type ScheduleDocument } from './useSchedule.js';
import { ViewHeading } from './ViewHeading.js';

const HOUR = 3_600_000;
export const PAUSE_CHOICES = [
  { id: '1h', label: 'for 1 hour', ms: HOUR },
  { id: '4h', label: 'for 4 hours', ms: 4 * HOUR },
  { id: '1d', label: 'for 1 day', ms: 24 * HOUR },
  { id: '1w', label: 'for 1 week', ms: 7 * 24 * HOUR },
  { id: 'resumed', label: 'until resumed', ms: null },
] as const;

/** "Paused until Thu 17:00 Europe/Rome (release week)", "Paused until resumed". */
export function pausedText(paused: NonNullable<Schedule['paused']>, timeZone: string, now: number): string {
  const until = paused.until ? `until ${formatWhen(Date.parse(paused.until), timeZone, now)}` : 'until resumed';
  return `Paused ${until}${paused.reason ? ` (${paused.reason})` : ''}: nothing upgrades unattended.`;
}

const ROLES: Record<string, string> = { app: 'the tray app', serve: 'upshift serve', daemon: 'upshift daemon' };

export function schedulerText(s: ScheduleDocument['scheduler']): string {
  if (!s) return 'No scheduler is running for this state directory: start the tray app, `upshift serve` or `upshift daemon`.';
  return `Scheduler: ${ROLES[s.role] ?? s.role} (pid ${s.pid} on ${s.host}).`;
}

const STATUS: Record<ReleaseDecision['status'], { label: string; tone: string }> = {
  due: { label: 'Due now', tone: 'badge-ok' },
  scheduled: { label: 'Scheduled', tone: 'badge-ok' },
  waiting: { label: 'Waiting', tone: 'badge-warning' },
  refused: { label: 'Not unattended', tone: 'badge-neutral' },
};

function ApprovalButtons({ project, version }: { project: string; version: string }) {
  const { approveUpdate, rejectUpdate } = useActions();
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<boolean>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };
  return (
    <div className="approval" role="group" aria-label={`Approval of ${project} ${version}`}>
      <button type="button" className="button button-small" disabled={busy} onClick={() => run(() => approveUpdate(project, version, 'now'))}>
        Approve {project} {version}
      </button>
      <button type="button" className="button button-small" disabled={busy} onClick={() => run(() => approveUpdate(project, version, 'next-window'))}>
        Approve {project} {version} for the next window
      </button>
      <button type="button" className="button button-small" disabled={busy} onClick={() => run(() => rejectUpdate(project, version))}>
        Reject {project} {version}
      </button>
    </div>
  );
}

export function ReleaseRow({ project, r }: { project: string; r: ReleaseDecision }) {
  const status = STATUS[r.status];
  const awaiting = r.reasons.some((x) => x.code === 'awaiting-approval');
  return (
    <li className="schedule-release" data-status={r.status}>
      <span className={`badge ${status.tone}`}>{status.label}</span> <strong>{r.version}</strong>
      {r.security && <span className="badge badge-danger">Security</span>}
      <span className="schedule-summary"> {r.summary.replace(`${project} ${r.version}`, '').replace(/^:\s*/, '').trim() || r.summary}</span>
      {r.reasons.length > 1 && (
        <ul className="schedule-reasons">
          {r.reasons.map((x) => (
            <li key={x.code + x.text}>{x.text}</li>
          ))}
        </ul>
      )}
      {awaiting && <ApprovalButtons project={project} version={r.version} />}
    </li>
  );
}

function ProjectCard({ p }: { p: ProjectSchedule }) {
  const id = `schedule-${p.project}`;
  return (
    <section className="panel schedule-project" aria-labelledby={id} data-project={p.project}>
      <h3 id={id}>{p.project}</h3>
      <p className="schedule-next">{p.next ? p.next.summary : p.summary}</p>
      {p.releases.length > 0 && (
        <ul className="schedule-releases" aria-label={`Releases of ${p.project}`}>
          {p.releases.map((r) => (
            <ReleaseRow key={r.version} project={p.project} r={r} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PauseControls({ doc, busy, pause, resume }: { doc: ScheduleDocument; busy: boolean; pause: (until: string | null, reason: string) => Promise<boolean>; resume: () => Promise<boolean> }) {
  const [choice, setChoice] = useState<(typeof PAUSE_CHOICES)[number]['id']>('1d');
  const [reason, setReason] = useState('');
  const paused = doc.schedule.paused;
  if (paused) {
    return (
      <div className="banner banner-warning schedule-paused" role="status">
        <p>{pausedText(paused, doc.schedule.timeZone, Date.now())}</p>
        <button type="button" className="button" disabled={busy} onClick={() => void resume()}>
          Resume automation
        </button>
      </div>
    );
  }
  return (
    <form
      className="schedule-pause"
      aria-label="Pause automation"
      onSubmit={(e) => {
        e.preventDefault();
        const c = PAUSE_CHOICES.find((x) => x.id === choice)!;
        void pause(c.ms === null ? null : new Date(Date.now() + c.ms).toISOString(), reason).then((ok) => ok && setReason(''));
      }}
    >
      <label>
        Pause{' '}
        <select value={choice} onChange={(e) => setChoice(e.target.value as typeof choice)}>
          {PAUSE_CHOICES.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Reason <input type="text" value={reason} maxLength={200} placeholder="release week" onChange={(e) => setReason(e.target.value)} />
      </label>{' '}
      <button type="submit" className="button" disabled={busy}>
        Pause automation
      </button>
    </form>
  );
}

export function WindowsTable({ windows }: { windows: ScheduleDocument['windows'] }) {
  if (windows.length === 0) return <p className="muted">No maintenance windows: unattended upgrades may start at any time the policy allows.</p>;
  return (
    <table className="schedule-windows">
      <thead>
        <tr>
          <th scope="col">Window</th>
          <th scope="col">For</th>
          <th scope="col">When</th>
          <th scope="col">Next</th>
        </tr>
      </thead>
      <tbody>
        {windows.map((w) => (
          <tr key={`${w.project ?? ''}/${w.name}`}>
            <th scope="row">{w.name}</th>
            <td>{w.project ?? 'all projects'}</td>
            <td>
              {w.period} {w.timeZone}
            </td>
            <td>{w.next ? w.next.text : 'not within a month (blackouts)'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ScheduleView() {
  const { doc, error, busy, reload, pause, resume } = useSchedule();
  return (
    <div className="view schedule-view" data-schedule-ready={doc ? 'true' : undefined}>
      <ViewHeading>Schedule</ViewHeading>
      {error && <ErrorBanner error={error} onRetry={() => void reload()} />}
      {!doc && !error && <SkeletonBlock lines={5} label="Loading the schedule…" />}
      {doc && (
        <>
          <section className="panel" aria-labelledby="schedule-automation">
            <h2 id="schedule-automation">Automation</h2>
            <p>
              {doc.enabled
                ? 'Unattended upgrades are on: what the policy allows upgrades by itself, in its windows.'
                : 'Unattended upgrades are off in the global policy (projects may turn them on for themselves): `upshift policy enabled true`.'}
            </p>
            <p className="muted">{schedulerText(doc.scheduler)}</p>
            <PauseControls doc={doc} busy={busy} pause={pause} resume={resume} />
            {doc.problems.length > 0 && (
              <ul className="schedule-problems" aria-label="Problems">
                {doc.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="schedule-projects">
            <h2 id="schedule-projects">Next actions</h2>
            {doc.schedule.projects.length === 0 && <p className="muted">No projects are watched yet.</p>}
            {doc.schedule.projects.map((p) => (
              <ProjectCard key={p.project} p={p} />
            ))}
          </section>
          <section className="panel" aria-labelledby="schedule-windows">
            <h2 id="schedule-windows">Maintenance windows</h2>
            <WindowsTable windows={doc.windows} />
          </section>
          <SchedulerRunLog runs={doc.runs ?? []} />
        </>
      )}
    </div>
  );
}
