/**
 * "Projects & settings": add and remove projects, per-project channel and gates, checks, notifications, the GitHub
 * token, theme.
 */
import { useEffect, useId, useState } from 'react';
import type { Settings } from '../../shared/api/contract.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { SkeletonBlock } from '../components/Skeleton.js';
import { formatRelative } from '../lib/format.js';
import { setThemeChoice, useTheme, type ThemeChoice } from '../lib/theme.js';
import { useActions, useApp } from '../store/context.js';
import { AddProjectForm } from './AddProjectForm.js';
import { GitHubTokenSettings } from './GitHubTokenSettings.js';
import { NotifyChannelsSettings } from './NotifyChannelsSettings.js';
import { ProjectSettings } from './ProjectSettings.js';
import { ViewHeading } from './ViewHeading.js';

export const POLL_MIN = 5;
export const POLL_MAX = 7 * 24 * 60;

/** The poll interval field's text as minutes, or an error message. */
export function parsePollMinutes(text: string): { minutes: number } | { error: string } {
  const n = Number(text.trim());
  if (!text.trim() || !Number.isInteger(n)) return { error: 'Enter a whole number of minutes.' };
  if (n < POLL_MIN) return { error: `At least ${POLL_MIN} minutes.` };
  if (n > POLL_MAX) return { error: `At most ${POLL_MAX} minutes (one week).` };
  return { minutes: n };
}

function ChecksSettings({ settings }: { settings: Settings }) {
  const poller = useApp((s) => s.app?.poller);
  const { saveSettings, pauseChecks } = useActions();
  const [text, setText] = useState(String(settings.pollMinutes));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const errId = useId();
  const offlineId = useId();
  const offlineHelpId = useId();
  const paused = poller?.paused ?? settings.paused;
  useEffect(() => setText(String(settings.pollMinutes)), [settings.pollMinutes]);

  const commit = () => {
    const parsed = parsePollMinutes(text);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(null);
    if (parsed.minutes !== settings.pollMinutes) void saveSettings({ pollMinutes: parsed.minutes });
  };

  return (
    <section className="panel" aria-labelledby="settings-checks">
      <h2 id="settings-checks">Checks</h2>
      <div className="field">
        <label htmlFor={id}>Check every (minutes)</label>
        <div className="field-row">
          <input
            id={id}
            type="number"
            inputMode="numeric"
            min={POLL_MIN}
            max={POLL_MAX}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
            }}
            aria-invalid={error !== null}
            aria-describedby={error ? errId : undefined}
          />
        </div>
        {error ? (
          <p id={errId} className="invalid">
            {error}
          </p>
        ) : (
          <p className="muted small">A little random delay is added so many machines do not ask the remote at once.</p>
        )}
      </div>
      <div className="actions">
        <button type="button" className="button" onClick={() => void pauseChecks(!paused)}>
          {paused ? 'Resume checks' : 'Pause checks'}
        </button>
        <span className="muted small" role="status">
          {paused
            ? 'Background checks are paused. “Check now” still works.'
            : poller?.nextCheckAt
              ? `Next check ${formatRelative(poller.nextCheckAt, Date.now())}.`
              : 'Background checks are on.'}
        </span>
      </div>
      <p className="field-check">
        <input
          id={offlineId}
          type="checkbox"
          checked={settings.offline}
          aria-describedby={offlineHelpId}
          onChange={(e) => void saveSettings({ offline: e.target.checked })}
        />
        <label htmlFor={offlineId}>Offline (no network use)</label>
      </p>
      <p id={offlineHelpId} className="muted small">
        Checks use the releases seen last; plans and upgrades use only tags already in each checkout. Same as <code>upshift offline on</code>.
      </p>
    </section>
  );
}

function NotificationSettings({ settings }: { settings: Settings }) {
  const mode = useApp((s) => s.transport.mode);
  const { saveSettings } = useActions();
  const notifId = useId();
  const loginId = useId();
  return (
    <section className="panel" aria-labelledby="settings-notifications">
      <h2 id="settings-notifications">Desktop notifications</h2>
      <p className="field-check">
        <input
          id={notifId}
          type="checkbox"
          checked={settings.notifications.enabled}
          onChange={(e) => void saveSettings({ notifications: { ...settings.notifications, enabled: e.target.checked } })}
        />
        <label htmlFor={notifId}>Notify me when a new release is out (once per version)</label>
      </p>
      {mode === 'electron' && (
        <p className="field-check">
          <input id={loginId} type="checkbox" checked={settings.launchAtLogin} onChange={(e) => void saveSettings({ launchAtLogin: e.target.checked })} />
          <label htmlFor={loginId}>Start Upshift when I log in</label>
        </p>
      )}
    </section>
  );
}

function AppearanceSettings() {
  const { choice } = useTheme();
  const options: Array<{ value: ThemeChoice; label: string }> = [
    { value: 'system', label: 'Same as the system' },
    { value: 'light', label: 'Light' },
    { value: 'dark', label: 'Dark' },
  ];
  return (
    <section className="panel" aria-labelledby="settings-appearance">
      <h2 id="settings-appearance">Appearance</h2>
      <fieldset className="radio-group">
        <legend>Theme</legend>
        {options.map((o) => (
          <label key={o.value} className="field-check">
            <input type="radio" name="theme" value={o.value} checked={choice === o.value} onChange={() => setThemeChoice(o.value)} />
            {o.label}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

export function SettingsView() {
  const app = useApp((s) => s.app);
  const load = useApp((s) => s.load);
  const { refresh } = useActions();
  return (
    <div className="view">
      <header className="view-header">
        <ViewHeading>Projects &amp; settings</ViewHeading>
      </header>
      {load.status === 'error' && load.error && <ErrorBanner error={load.error} title="Could not load the settings" onRetry={() => void refresh()} />}
      <AddProjectForm />
      <section aria-labelledby="settings-projects" className="section">
        <h2 id="settings-projects">Projects</h2>
        {!app ? (
          <SkeletonBlock lines={3} />
        ) : app.projects.length === 0 ? (
          <EmptyState title="No projects yet — add one">
            <p>Enter the path of a git checkout above.</p>
          </EmptyState>
        ) : (
          app.projects.map((p) => <ProjectSettings key={p.name} project={p} settings={app.settings} />)
        )}
      </section>
      {app && (
        <div className="plan-grid">
          <ChecksSettings settings={app.settings} />
          <NotificationSettings settings={app.settings} />
        </div>
      )}
      {app && <NotifyChannelsSettings />}
      <GitHubTokenSettings />
      <AppearanceSettings />
    </div>
  );
}
