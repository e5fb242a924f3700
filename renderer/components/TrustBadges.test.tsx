/** The release-trust badges in the Updates view and the plan, and the store's acceptTag (the contract's method). */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SupportStatus, TagMove } from '../../shared/api/types.js';
import { StoreContext } from '../store/context.js';
import { createAppStore } from '../store/store.js';
import { appState, plan, projectView } from '../testing/fixtures.js';
import { fakeTransport } from '../testing/fakeTransport.js';
import { UpdatesView } from '../views/UpdatesView.js';
import { PlanView } from '../views/PlanView.js';

const soon: SupportStatus = { version: '1.2.0', line: '1.2.x', eolDate: '2026-12-01', eol: false, soon: true, daysLeft: 10, replacement: '1.3.x', source: 'metadata', message: '1.2.0 reaches end of life on 2026-12-01 (in 10 days, 1.2.x); its replacement is 1.3.x' };
const past: SupportStatus = { ...soon, version: '1.1.0', eol: true, soon: false, daysLeft: -3, message: '1.1.0 is END OF LIFE since 2026-11-18 (1.1.x)' };
const move: TagMove = { tag: 'v1.3.0', was: 'c'.repeat(40), now: 'd'.repeat(40), firstSeenAt: '2026-11-01T00:00:00.000Z', movedSeenAt: '2026-11-21T10:00:00.000Z', fresh: false, message: 'TAG MOVED: v1.3.0 …' };

function withCheck(extra: Record<string, unknown>) {
  const base = projectView('core');
  return projectView('core', { check: { ...base.check!, ...extra } });
}

function renderUpdates(p = withCheck({})): string {
  const store = createAppStore(fakeTransport(), { initial: { app: appState([p]), load: { status: 'ready', error: null } } });
  return renderToStaticMarkup(
    <StoreContext.Provider value={store}>
      <UpdatesView />
    </StoreContext.Provider>,
  );
}

describe('Updates view badges', () => {
  it('shows the current version becoming EOL with its sentence, and nothing while supported', () => {
    const html = renderUpdates(withCheck({ support: soon }));
    expect(html).toContain('data-eol="soon"');
    expect(html).toContain('End of life in 10 days');
    expect(html).toContain('its replacement is 1.3.x');
    expect(renderUpdates(withCheck({ support: past }))).toContain('>End of life<');
    expect(renderUpdates(withCheck({ support: { ...soon, soon: false, daysLeft: 200 } }))).not.toContain('data-eol');
  });

  it('flags a moved tag loudly, with both commits and a Trust button', () => {
    const html = renderUpdates(withCheck({ tagMoves: [move] }));
    expect(html).toContain('aria-label="Tag v1.3.0 of core moved"');
    expect(html).toContain('Tag v1.3.0 moved');
    expect(html).toMatch(/<code>cccccc[0-9a-f]*<\/code>.*<code>dddddd[0-9a-f]*<\/code>/);
    expect(html).toContain('Trust v1.3.0…');
  });
});

describe('Plan badges', () => {
  function renderPlan(p: ReturnType<typeof plan>): string {
    const store = createAppStore(fakeTransport(), {
      initial: { app: appState(), load: { status: 'ready', error: null }, plan: { project: 'core', to: null, status: 'ready', plan: p, error: null } },
    });
    return renderToStaticMarkup(
      <StoreContext.Provider value={store}>
        <PlanView project="core" to={null} />
      </StoreContext.Provider>,
    );
  }

  it('says who signed the target, or that the signature was refused and why', () => {
    const good = renderPlan(plan({ verification: { tag: 'v1.3.0', method: 'ssh', status: 'good', signer: 'alice@example.com', key: 'ED25519 SHA256:x', message: 'tag v1.3.0 is signed by alice@example.com (ED25519 SHA256:x)' } }));
    expect(good).toContain('data-signature="good"');
    expect(good).toContain('Signed by alice@example.com');
    const bad = renderPlan(plan({ blocked: true, blockers: ['signature: …'], verification: { tag: 'v1.3.0', method: 'gpg', status: 'untrusted', signer: null, key: 'ABCD', message: 'tag v1.3.0 is signed by OpenPGP key ABCD, which is not in the allowed keyring' } }));
    expect(bad).toContain('Signature refused');
    expect(bad).toContain('which is not in the allowed keyring');
    expect(renderPlan(plan())).not.toContain('data-signature');
  });

  it('shows the current and target end of life, and offers an EOL target in the picker only as a choice', () => {
    const html = renderPlan(
      plan({
        support: { current: soon, target: null },
        candidates: [
          { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40), prerelease: false, blocked: false, reason: null },
          { version: '1.2.5', tag: 'v1.2.5', sha: 'e'.repeat(40), prerelease: false, blocked: true, reason: 'support: …', onlyIfAsked: 'end of life since 2026-11-18: installed only if you choose it' },
        ],
      }),
    );
    expect(html).toContain('Current 1.2.0: End of life in 10 days');
    expect(html).toMatch(/<option value="1\.2\.5">1\.2\.5 — end of life since 2026-11-18: installed only if you choose it<\/option>/);
  });
});

describe('acceptTag', () => {
  it('calls the contract and says what was recorded; a refusal is a toast and false', async () => {
    const t = fakeTransport({ acceptTag: (i) => ({ project: 'core', tag: (i as { tag: string }).tag, sha: 'd'.repeat(40), previousSha: 'c'.repeat(40), by: 'ann@host', at: '2026-11-21T10:00:00.000Z' }) });
    const store = createAppStore(t);
    expect(await store.getState().actions.acceptTag('core', 'v1.3.0')).toBe(true);
    expect(t.calls).toEqual([{ method: 'acceptTag', input: { project: 'core', tag: 'v1.3.0' } }]);
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'success', title: 'Trusted core v1.3.0' });
    expect(store.getState().toasts[0]!.body).toContain('accepted by ann@host');
    t.handlers.acceptTag = () => {
      throw Object.assign(new Error('nothing'), { code: 'NOTHING_TO_DO', message: 'v1.3.0 of core still points at cccccccccccc', retryable: false });
    };
    expect(await store.getState().actions.acceptTag('core', 'v1.3.0')).toBe(false);
    expect(store.getState().toasts.some((x) => x.title === 'Could not trust core v1.3.0')).toBe(true);
  });
});
