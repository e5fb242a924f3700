/** Schedule view: the pause line, who schedules, the windows table (rendered without a browser). */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { pausedText, schedulerText, WindowsTable } from './ScheduleView.js';

const NOW = Date.parse('2026-03-10T09:00:00.000Z'); // a Tuesday

describe('Schedule lines', () => {
  it('paused until an instant, in the schedule time zone, with the reason; or until resumed', () => {
    expect(pausedText({ until: '2026-03-12T17:00:00.000Z', reason: 'release week' }, 'Europe/Rome', NOW)).toBe('Paused until Thu 18:00 Europe/Rome (release week): nothing upgrades unattended.');
    expect(pausedText({ until: '2026-04-20T08:00:00.000Z', reason: null }, 'UTC', NOW)).toBe('Paused until Apr 20 08:00 UTC: nothing upgrades unattended.');
    expect(pausedText({ until: null, reason: null }, 'UTC', NOW)).toBe('Paused until resumed: nothing upgrades unattended.');
  });

  it('names the scheduler in words, or says none runs and how to start one', () => {
    expect(schedulerText({ role: 'app', pid: 42, host: 'laptop' })).toBe('Scheduler: the tray app (pid 42 on laptop).');
    expect(schedulerText({ role: 'daemon', pid: 7, host: 'box' })).toBe('Scheduler: upshift daemon (pid 7 on box).');
    expect(schedulerText(null)).toContain('start the tray app, `upshift serve` or `upshift daemon`');
  });

  it('windows: each with whom it is for, its period and zone, and its next opening', () => {
    const html = renderToStaticMarkup(
      <WindowsTable
        windows={[
          { name: 'nightly', project: null, period: 'daily 02:00–05:00', timeZone: 'Europe/Rome', next: { start: '', end: '', open: false, text: 'opens Wed 02:00 Europe/Rome' } },
          { name: 'sunday', project: 'finance', period: 'Sun 06:00–08:00', timeZone: 'UTC', next: null },
        ]}
      />,
    );
    expect(html).toContain('<th scope="row">nightly</th><td>all projects</td><td>daily 02:00–05:00 Europe/Rome</td><td>opens Wed 02:00 Europe/Rome</td>');
    expect(html).toContain('<th scope="row">sunday</th><td>finance</td>');
    expect(html).toContain('not within a month (blackouts)');
    expect(renderToStaticMarkup(<WindowsTable windows={[]} />)).toContain('may start at any time');
  });
});
