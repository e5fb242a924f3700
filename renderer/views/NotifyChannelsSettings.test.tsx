/** "Notification channels" in Projects & settings: health, redacted URLs, "Send test", and the calls behind them. */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ChannelHealth } from '../../shared/api/notify.js';
import { apiError, fakeTransport } from '../testing/fakeTransport.js';
import { loadChannels, NotifyChannelsPanel, sendTest } from './NotifyChannelsSettings.js';

const slack: ChannelHealth = {
  id: 'a1b2c3d4e5f60718',
  name: 'slack://***',
  kind: 'slack',
  redacted: 'slack://***',
  origin: 'settings',
  project: null,
  events: ['upgraded', 'rolled_back'],
  projects: ['core'],
  digest: null,
  state: 'unhealthy',
  pending: 2,
  gaveUp: 1,
  lastSuccessAt: null,
  lastFailureAt: '2026-03-02T10:00:00.000Z',
  lastError: 'HTTP 404: no_service',
};
const mail: ChannelHealth = { ...slack, id: 'ffeeddccbbaa0099', name: 'ops mail', kind: 'email', redacted: 'smtp://me:***@mail.example:587?from=a@b.c&to=d@e.f', origin: 'manifest', project: 'core', events: null, projects: ['core'], digest: '09:00', state: 'ok', pending: 0, gaveUp: 0, lastError: null };

describe('notification channels panel', () => {
  it('shows each channel by name with its redacted URL, routing, health and a Send test button', () => {
    const html = renderToStaticMarkup(
      <NotifyChannelsPanel overview={{ channels: [slack, mail], problems: ['UPSHIFT_NOTIFY_URLS: Notification URL ntfy://host/***: bad'], outboxDepth: 2 }} error={null} results={[]} busy={false} onTest={() => undefined} />,
    );
    expect(html).toContain('<h2 id="settings-channels">Notification channels</h2>');
    expect(html).toMatch(/<strong>slack:\/\/\*\*\*<\/strong> <span class="muted">\(slack\)<\/span> <span class="badge risk-high">Unhealthy<\/span>/);
    expect(html).toContain('events: upgraded, rolled_back · projects: core');
    expect(html).toContain('2 waiting · 1 given up');
    expect(html).toContain('Last error: HTTP 404: no_service');
    expect(html).toMatch(/<strong>ops mail<\/strong>.*<span class="badge risk-low">Working<\/span>/);
    expect(html).toContain('<code>smtp://me:***@mail.example:587?from=a@b.c&amp;to=d@e.f</code>');
    expect(html).toContain('daily digest at 09:00 · from the manifest of core');
    expect(html).toContain('aria-label="Send test to slack://***"');
    expect(html).toContain('aria-label="Send test to ops mail"');
    expect(html).toContain('Send test to all');
    expect(html).toContain('Notification URL ntfy://host/***: bad');
    expect(html).toContain('Outbox: 2 messages waiting.');
  });

  it('says what a test did per channel, and disables the buttons while one runs', () => {
    const html = renderToStaticMarkup(
      <NotifyChannelsPanel
        overview={{ channels: [slack, mail], problems: [], outboxDepth: 0 }}
        error={null}
        results={[
          { id: slack.id, name: slack.name, kind: 'slack', ok: false, error: 'HTTP 404: no_service', durationMs: 12 },
          { id: mail.id, name: mail.name, kind: 'email', ok: true, error: null, durationMs: 85 },
        ]}
        busy={true}
        onTest={() => undefined}
      />,
    );
    expect(html).toContain('<span role="status">Not delivered: HTTP 404: no_service</span>');
    expect(html).toContain('<span role="status">Delivered in 85 ms.</span>');
    expect(html.match(/<button[^>]*disabled=""/g)).toHaveLength(3);
  });

  it('with no channels says how to add one', () => {
    const html = renderToStaticMarkup(<NotifyChannelsPanel overview={{ channels: [], problems: [], outboxDepth: 0 }} error={null} results={[]} busy={false} onTest={() => undefined} />);
    expect(html).toContain('No channels yet.');
    expect(html).toContain('<code>upshift notify add &lt;url&gt;</code>');
    expect(html).not.toContain('Send test');
  });

  it('loads through notifyChannels and tests through testNotify, one channel or all; a refusal comes back as the error', async () => {
    const t = fakeTransport({
      notifyChannels: () => ({ channels: [slack], problems: [], outboxDepth: 2 }),
      testNotify: (i: { channel?: string }) => {
        if (i.channel === 'nope') throw apiError('NOTIFY_CHANNEL_UNKNOWN', 'No notification channel matches "nope".');
        return { results: [{ id: slack.id, name: slack.name, kind: 'slack', ok: true, error: null, durationMs: 3 }] };
      },
    });
    expect(await loadChannels(t.api)).toEqual({ overview: { channels: [slack], problems: [], outboxDepth: 2 }, error: null });
    expect((await sendTest(t.api, slack.id)).results[0]!.ok).toBe(true);
    await sendTest(t.api);
    const refused = await sendTest(t.api, 'nope');
    expect(refused.error?.code).toBe('NOTIFY_CHANNEL_UNKNOWN');
    expect(t.calls.map((c) => [c.method, c.input])).toEqual([
      ['notifyChannels', {}],
      ['testNotify', { channel: slack.id }],
      ['testNotify', {}],
      ['testNotify', { channel: 'nope' }],
    ]);
    const failing = fakeTransport({ notifyChannels: () => Promise.reject(apiError('STATE_CORRUPT', 'state.db is damaged')) });
    expect((await loadChannels(failing.api)).error?.message).toBe('state.db is damaged');
  });
});
