/** The Updates row's honest parts (issue 11 §1), rendered to static HTML: what it acts on and what it does not. */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ProjectCheck } from '../../shared/api/types.js';
import { Nav } from '../components/Nav.js';
import { StoreContext } from '../store/context.js';
import { createAppStore } from '../store/store.js';
import type { DataState } from '../store/types.js';
import { appState, projectView } from '../testing/fixtures.js';
import { fakeTransport } from '../testing/fakeTransport.js';
import { UpdatesView } from './UpdatesView.js';

function render(ui: ReactElement, initial: Partial<DataState>): string {
  const store = createAppStore(fakeTransport(), { initial });
  return renderToStaticMarkup(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
}
const ready = { load: { status: 'ready' as const, error: null } };
const cand = (version: string, gate: 'auto' | 'review' | 'manual' | 'skip', reasons: string[], level: 'low' | 'medium' | 'high') => ({
  version,
  tag: `v${version}`,
  sha: version,
  prerelease: false,
  blocked: reasons.length > 0,
  reason: reasons.join('; ') || null,
  reasons,
  risk: { level, reasons: [] },
  verdict: { bump: 'minor' as const, crosses: null, gate, gateKey: null, compatible: reasons.length === 0, refusedBy: [], unverifiedReason: null, breaking: [], breakingAllowed: true, notOffered: null, diverged: false },
});
function core(candidates: ProjectCheck['candidates'], extra: Parameters<typeof projectView>[1] = {}) {
  const base = projectView('core');
  return projectView('core', { check: { ...base.check!, latest: candidates![0]!, candidates }, ...extra });
}

describe('Updates row: what it acts on', () => {
  it('names the target with its gate and risk; the blocked newer release is its own line with a list of reasons', () => {
    const p = core([cand('2.0.0', 'review', ['finance requires core <=1.x.x', 'breaking change not allowed'], 'high'), cand('1.3.0', 'review', [], 'low')]);
    const html = render(<UpdatesView />, { ...ready, app: appState([p]) });
    expect(html).toMatch(/<button[^>]*>Upgrade to 1.3.0<\/button>/);
    expect(html).toContain('Low risk');
    expect(html).toMatch(/<ul class="blocked-releases" aria-label="Blocked releases of core">/);
    expect(html).toMatch(/<ul class="reasons"><li>finance requires core &lt;=1.x.x<\/li><li>breaking change not allowed<\/li><\/ul>/);
    expect(html).toContain('href="#/plan/core?to=2.0.0"');
    // Approval buttons name the release the row offers, never the blocked newer one.
    expect(html).toContain('Approve 1.3.0');
    expect(html).not.toContain('Approve 2.0.0');
  });

  it('a skip gate and skipped versions are neither headline nor counted; the skipped are listed to offer again', () => {
    const hidden = core([cand('2.0.0', 'skip', ['policy: skip'], 'high')]);
    const html = render(<UpdatesView />, { ...ready, app: appState([hidden]) });
    expect(html).not.toMatch(/Upgrade to/);
    expect(html).toContain('2.0.0 never offered (gate: Skip)');
    expect(html).toContain('everything is up to date');
    expect(render(<Nav route={{ view: 'updates' }} />, { ...ready, app: appState([hidden]) })).not.toMatch(/class="nav-count"/);

    const skipped = core([cand('1.3.0', 'review', [], 'low')], { decision: { skipped: ['1.3.0', '2.x'], snoozedUntil: null } });
    const list = render(<UpdatesView />, { ...ready, app: appState([skipped]) });
    expect(list).not.toMatch(/Upgrade to/);
    expect(list).toMatch(/Skipped 1.3.0<\/span> <button[^>]*aria-label="Offer 1.3.0 of core again"[^>]*>Offer again<\/button>/);
    expect(list).toContain('Skipped every 2.x release');
  });

  it('says a release failed and was rolled back, linking the operation', () => {
    const p = core([cand('1.3.0', 'review', [], 'low')], { failedReleases: [{ version: '1.3.0', operationId: 'op_7', step: { id: 'smoke', title: 'Run smoke tests' }, at: '2026-12-04T10:00:00Z' }] });
    const html = render(<UpdatesView />, { ...ready, app: appState([p]) });
    expect(html).toMatch(/<a href="#\/operation\/op_7">1.3.0 failed its smoke tests on Dec 4 — rolled back<\/a>/);
  });
});
