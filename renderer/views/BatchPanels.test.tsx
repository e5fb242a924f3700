/**
 * The batch and path views rendered to static HTML: a rolled-back batch with each member's status and links to its
 * upgrade and rollback, a path's hops with why each stop is required and the button that runs them (instead of the
 * single Upgrade button, which the engine would refuse), and the batch panel on the Updates view.
 */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { BatchOperation } from '../../shared/api/types.js';
import { StoreContext } from '../store/context.js';
import { createAppStore } from '../store/store.js';
import { appState, plan, projectView } from '../testing/fixtures.js';
import { fakeTransport } from '../testing/fakeTransport.js';
import { BatchMembers } from './BatchMembers.js';
import { PlanView } from './PlanView.js';
import { UpdatesView } from './UpdatesView.js';

function render(ui: ReactElement, initial = {}): string {
  const store = createAppStore(fakeTransport(), { initial });
  return renderToStaticMarkup(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
}

const rolledBack: BatchOperation = {
  id: 'batch-20261206T090000Z-abcdef',
  kind: 'batch',
  mode: 'all',
  root: null,
  onFailure: 'all-or-nothing',
  status: 'rolled_back',
  phase: 'done',
  startedAt: '2026-12-06T09:00:00.000Z',
  finishedAt: '2026-12-06T09:01:00.000Z',
  error: 'reports 1.1.0: smoke failed. Every member was put back where it started (all-or-nothing).',
  host: 'h',
  user: 'u',
  pid: 1,
  startedBy: null,
  members: [
    { seq: 0, project: 'finance', from: '0.2.0', to: '0.3.0', status: 'rolled_back', operationId: 'op_20261206T090000Z_000001', rollbackId: 'op_20261206T090100Z_000002', reason: 'rolled back: another member failed' },
    { seq: 1, project: 'reports', from: '1.0.0', to: '1.1.0', status: 'failed', operationId: 'op_20261206T090030Z_000003', rollbackId: null, reason: 'smoke failed' },
  ],
};

describe('batch views', () => {
  it('a batch lists every member with its status and links to its upgrade and rollback', () => {
    const html = renderToStaticMarkup(<BatchMembers batch={rolledBack} />);
    expect(html).toContain('Batch: every project');
    expect(html).toContain('Rolled back');
    expect(html).toMatch(/<strong>finance<\/strong> 0\.2\.0 → 0\.3\.0 — Rolled back/);
    expect(html).toContain('href="#/operation/op_20261206T090100Z_000002"');
    expect(html).toContain('smoke failed');
    expect(html).toContain('All or nothing');
  });

  it('a plan beyond required stops shows every hop and "Upgrade in 3 hops" instead of the single upgrade', () => {
    const hops = {
      project: 'core',
      from: '1.0.0',
      to: '1.5.0',
      requiredStops: [],
      skipped: [],
      refused: null,
      warnings: [],
      hops: [
        { from: '1.0.0', to: '1.2.0', stop: [{ source: 'metadata' as const, reason: 'the release metadata of 1.2.0 declares required_stop' }], releases: ['1.1.0', '1.2.0'], breaking: [], compatibility: null },
        { from: '1.2.0', to: '1.4.0', stop: [{ source: 'manifest' as const, reason: 'upgradePath names 1.4.x' }], releases: ['1.3.0', '1.4.0'], breaking: ['db.url renamed'], compatibility: null },
        { from: '1.4.0', to: '1.5.0', stop: [{ source: 'target' as const, reason: 'the target' }], releases: ['1.5.0'], breaking: [], compatibility: null },
      ],
    };
    const p = plan({ to: { version: '1.5.0', tag: 'v1.5.0', sha: 'a'.repeat(40) }, hops });
    const html = render(<PlanView project="core" to="1.5.0" />, { load: { status: 'ready', error: null }, app: appState(), plan: { project: 'core', to: '1.5.0', status: 'ready', plan: p, error: null } });
    expect(html).toContain('1.5.0 is reached in 3 hops');
    expect(html).toContain('declares required_stop');
    expect(html).toContain('Breaking: db.url renamed');
    expect(html).toContain('Upgrade in 3 hops');
    expect(html).toContain('Keep the last good hop');
  });

  it('the Updates view offers a batch plan when two or more projects are watched', () => {
    const two = appState([projectView('core'), projectView('finance')]);
    expect(render(<UpdatesView />, { app: two, load: { status: 'ready', error: null } })).toContain('Plan a batch');
    const one = appState([projectView('core')]);
    expect(render(<UpdatesView />, { app: one, load: { status: 'ready', error: null } })).not.toContain('Plan a batch');
  });
});
