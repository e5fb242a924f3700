/**
 * "Notification channels" in Projects & settings: each channel (its URL with secrets hidden), its routing and health
 * (unhealthy once a message was given up), the outbox depth, and "Send test" per channel or for all of them.
 * Channels are added with `upshift notify add`, UPSHIFT_NOTIFY_URLS or `notify:` in a manifest.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MethodOutputs, UpshiftApi } from '../../shared/api/contract.js';
import type { ChannelHealth, NotifyTestResult } from '../../shared/api/notify.js';
import type { ApiError } from '../../shared/api/types.js';
import { useApp } from '../store/context.js';
import { toApiError } from '../transport/errors.js';

type Overview = MethodOutputs['notifyChannels'];

const STATE_TEXT: Record<ChannelHealth['state'], { label: string; className: string }> = {
  ok: { label: 'Working', className: 'badge risk-low' },
  retrying: { label: 'Retrying', className: 'badge risk-medium' },
  unhealthy: { label: 'Unhealthy', className: 'badge risk-high' },
  unused: { label: 'Not used yet', className: 'badge badge-neutral' },
};

/** Loads the channels; an error comes back instead of throwing. */
export async function loadChannels(api: Pick<UpshiftApi, 'notifyChannels'>): Promise<{ overview: Overview | null; error: ApiError | null }> {
  try {
    return { overview: await api.notifyChannels({}), error: null };
  } catch (e) {
    return { overview: null, error: toApiError(e) };
  }
}

/** Sends a test to one channel (by id) or all; an error comes back instead of throwing. */
export async function sendTest(api: Pick<UpshiftApi, 'testNotify'>, channel?: string): Promise<{ results: NotifyTestResult[]; error: ApiError | null }> {
  try {
    return { results: (await api.testNotify(channel ? { channel } : {})).results, error: null };
  } catch (e) {
    return { results: [], error: toApiError(e) };
  }
}

function routing(c: ChannelHealth): string {
  const parts = [c.events ? `events: ${c.events.join(', ')}` : 'all events', c.projects ? `projects: ${c.projects.join(', ')}` : 'all projects'];
  if (c.digest) parts.push(`daily digest at ${c.digest}`);
  return parts.join(' · ');
}

export interface NotifyChannelsPanelProps {
  overview: Overview | null;
  error: ApiError | null;
  results: NotifyTestResult[];
  busy: boolean;
  onTest: (channel?: string) => void;
}

export function NotifyChannelsPanel({ overview, error, results, busy, onTest }: NotifyChannelsPanelProps) {
  const channels = overview?.channels ?? [];
  const resultOf = (id: string) => results.find((r) => r.id === id);
  return (
    <section className="panel" aria-labelledby="settings-channels">
      <h2 id="settings-channels">Notification channels</h2>
      <p className="muted small">
        Where Upshift tells about updates, upgrades, rollbacks and failing checks besides the desktop: Slack, Discord, ntfy, Gotify, e-mail,
        webhooks, a log file. Add one with <code>upshift notify add &lt;url&gt;</code>, <code>UPSHIFT_NOTIFY_URLS</code> or <code>notify:</code> in a
        project&apos;s manifest.
      </p>
      {error && (
        <p role="alert" className="invalid">
          {error.message}
        </p>
      )}
      {!overview && !error && <p role="status">Loading channels…</p>}
      {overview && channels.length === 0 && <p>No channels yet.</p>}
      {channels.length > 0 && (
        <ul className="channel-list" aria-label="Notification channels">
          {channels.map((c) => {
            const st = STATE_TEXT[c.state];
            const r = resultOf(c.id);
            return (
              <li key={`${c.id}:${c.project ?? ''}`} className="channel">
                <p>
                  <strong>{c.name}</strong> <span className="muted">({c.kind})</span> <span className={st.className}>{st.label}</span>
                </p>
                {c.name !== c.redacted && (
                  <p className="muted small">
                    <code>{c.redacted}</code>
                  </p>
                )}
                <p className="muted small">
                  {routing(c)}
                  {c.origin === 'manifest' ? ` · from the manifest of ${c.project}` : c.origin === 'env' ? ' · from UPSHIFT_NOTIFY_URLS' : ''}
                  {c.pending > 0 ? ` · ${c.pending} waiting` : ''}
                  {c.gaveUp > 0 ? ` · ${c.gaveUp} given up` : ''}
                </p>
                {c.lastError && c.state !== 'ok' && <p className="invalid small">Last error: {c.lastError}</p>}
                <p>
                  <button type="button" className="button" disabled={busy} onClick={() => onTest(c.id)} aria-label={`Send test to ${c.name}`}>
                    Send test
                  </button>{' '}
                  {r && <span role="status">{r.ok ? `Delivered in ${r.durationMs} ms.` : `Not delivered: ${r.error}`}</span>}
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {overview && overview.problems.length > 0 && (
        <ul aria-label="Channel problems">
          {overview.problems.map((p) => (
            <li key={p} className="invalid small">
              {p}
            </li>
          ))}
        </ul>
      )}
      {overview && (
        <p className="muted small">
          Outbox: {overview.outboxDepth} message{overview.outboxDepth === 1 ? '' : 's'} waiting.
          {channels.length > 1 && (
            <>
              {' '}
              <button type="button" className="button" disabled={busy} onClick={() => onTest()}>
                Send test to all
              </button>
            </>
          )}
        </p>
      )}
    </section>
  );
}

export function NotifyChannelsSettings() {
  const api = useApp((s) => s.transport.api);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [results, setResults] = useState<NotifyTestResult[]>([]);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const r = await loadChannels(api);
    setOverview(r.overview);
    setError(r.error);
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const onTest = async (channel?: string) => {
    setBusy(true);
    const r = await sendTest(api, channel);
    setResults(r.results);
    setError(r.error);
    await refresh();
    setBusy(false);
  };

  return <NotifyChannelsPanel overview={overview} error={error} results={results} busy={busy} onTest={(c) => void onTest(c)} />;
}
