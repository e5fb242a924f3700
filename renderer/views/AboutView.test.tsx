/** About: the origin and runtime lines, and the self-update panel in each state (rendered without a browser). */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SelfUpdateStatus } from '../../shared/policy/selfupdate.js';
import { originText, runtimeText } from './AboutView.js';
import { SelfUpdatePanel } from './SelfUpdatePanel.js';

const app: SelfUpdateStatus = {
  managed: 'app',
  note: null,
  current: '0.1.0',
  channel: 'stable',
  phase: 'available',
  available: { version: '0.2.0', releaseName: 'Upshift 0.2.0', notes: '# Faster\n\nChecks in half the time. <img src=x onerror=alert(1)>', releaseDate: '2026-12-05T12:00:00.000Z' },
  offer: 'offer',
  remindUntil: null,
  installOnQuit: false,
  progress: null,
  lastCheckAt: '2026-12-06T09:00:00.000Z',
  error: null,
  refused: null,
};
const panel = (s: Partial<SelfUpdateStatus>) => renderToStaticMarkup(<SelfUpdatePanel status={{ ...app, ...s }} pending={null} act={async () => undefined} />);
const buttons = (html: string) => [...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]);

describe('About lines', () => {
  it('says where a build came from, or that it is not one', () => {
    expect(originText({ version: '0.1.0', commit: 'cc437cb451e3b03ecd071257a417e031f68a786c', dirty: true, builtAt: '2026-12-06T09:00:00Z' })).toBe('commit cc437cb451e3 with uncommitted changes');
    expect(originText({ version: '0.1.0', commit: 'cc437cb451e3b03ecd071257a417e031f68a786c', dirty: false, builtAt: '2026-12-06T09:00:00Z' })).toBe('commit cc437cb451e3');
    expect(originText({ version: '0.1.0', commit: null, dirty: null, builtAt: '2026-12-06T09:00:00Z' })).toBe('built outside a git checkout: no commit recorded');
    expect(originText({ version: '0.1.0', commit: null, dirty: null, builtAt: null })).toBe('not a build: running from the sources');
  });
  it('names Electron and Chromium only where they run', () => {
    expect(runtimeText({ node: '22.20.0', electron: '45.4.1', chrome: '142.0.1', platform: 'darwin', arch: 'arm64' })).toBe('Electron 45.4.1 · Chromium 142.0.1 · Node 22.20.0 · darwin arm64');
    expect(runtimeText({ node: '20.20.2', electron: null, chrome: null, platform: 'linux', arch: 'x64' })).toBe('Node 20.20.2 · linux x64');
  });
});

describe('SelfUpdatePanel', () => {
  it('browser mode: who updates Upshift, and no button at all', () => {
    const html = panel({ managed: 'external', note: 'In browser mode (upshift serve) Upshift is updated the way it was installed.', available: null, offer: null, phase: 'idle' });
    expect(html).toContain('Updates of Upshift');
    expect(html).toContain('updated the way it was installed');
    expect(buttons(html)).toEqual([]);
    expect(html).not.toContain('<select');
  });

  it('an offered release: its notes (Markdown, no raw HTML), Install on quit, Remind me later, Skip', () => {
    const html = panel({});
    expect(html).toContain('Upshift 0.2.0 is available</h3>');
    expect(html).toContain('<h4');
    expect(html).not.toContain('<img');
    expect(buttons(html)).toEqual(['Install 0.2.0 on quit', 'Remind me later', 'Skip this version', 'Check for updates']);
  });

  it('postponed: no second Remind me later; skipped: only Offer again', () => {
    expect(buttons(panel({ offer: 'remind-later', remindUntil: '2026-12-07T09:00:00.000Z' }))).toEqual(['Install 0.2.0 on quit', 'Skip this version', 'Check for updates']);
    const skipped = panel({ offer: 'skipped' });
    expect(skipped).toContain('You skipped this version');
    expect(buttons(skipped)).toEqual(['Offer 0.2.0 again', 'Check for updates']);
  });

  it('chosen for install on quit: the download with its progress, and a way back', () => {
    const html = panel({ installOnQuit: true, phase: 'downloading', progress: { percent: 42.5, transferred: 1, total: 2, bytesPerSecond: 1 } });
    expect(html).toContain('Upshift 0.2.0 will be installed when you quit</h3>');
    expect(html).toContain('Downloading Upshift 0.2.0… 42%');
    expect(html).toMatch(/<progress[^>]*value="42.5"/);
    expect(buttons(html)).toEqual(['Do not install 0.2.0 on quit', 'Check for updates']);
  });

  it('a refused downgrade and a failed check are said as they are', () => {
    expect(panel({ phase: 'up-to-date', available: null, offer: null, refused: { version: '0.0.9', reason: '0.0.9 is older than 0.1.0, which is running: Upshift never downgrades itself' } })).toContain(
      'The update feed offered 0.0.9, which was not installed: 0.0.9 is older than 0.1.0, which is running: Upshift never downgrades itself.',
    );
    expect(panel({ phase: 'error', error: 'HttpError: 404', available: null, offer: null })).toContain('The last attempt failed: HttpError: 404');
  });
});
