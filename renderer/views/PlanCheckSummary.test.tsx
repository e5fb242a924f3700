/** The Plan view while its plan is being built: what the last check already knows is on screen at once. */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { StoreContext } from '../store/context.js';
import { createAppStore } from '../store/store.js';
import { appState, projectView } from '../testing/fixtures.js';
import { fakeTransport } from '../testing/fakeTransport.js';
import { PlanView } from './PlanView.js';

function renderPlanLoading(to: string | null, projects = [projectView('core'), projectView('finance', { core: 'core' })]): string {
  const store = createAppStore(fakeTransport(), {
    initial: { app: appState(projects), load: { status: 'ready', error: null }, plan: { project: 'core', to, status: 'loading', plan: null, error: null } },
  });
  return renderToStaticMarkup(
    <StoreContext.Provider value={store}>
      <PlanView project="core" to={to} />
    </StoreContext.Provider>,
  );
}

describe('Plan view while the plan loads', () => {
  it('shows from → to, the risk, compatibility and dependents from the last check, and the skeleton for the rest', () => {
    const html = renderPlanLoading(null);
    expect(html).toContain('aria-label="From the last check"');
    expect(html).toMatch(/<span class="version">1\.2\.0<\/span>.*<span class="version version-new">1\.3\.0<\/span>/);
    expect(html).toContain('Medium risk');
    expect(html).toContain('Compatible');
    expect(html).toContain('Projects that depend on core: finance.');
    expect(html).toContain('Planning: reading release notes, commits and compatibility…');
  });

  it('for an older target it does not borrow the latest release’s risk', () => {
    const html = renderPlanLoading('1.2.5', [projectView('core')]);
    expect(html).toContain('<span class="version version-new">1.2.5</span>');
    expect(html).not.toContain('Medium risk');
    expect(html).toContain('No watched project depends on core.');
  });

  it('says nothing it does not know: no check yet', () => {
    const html = renderPlanLoading(null, [projectView('core', { check: null })]);
    expect(html).not.toContain('From the last check');
    expect(html).toContain('Planning: reading release notes');
  });
});
