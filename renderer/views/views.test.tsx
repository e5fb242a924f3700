/**
 * The views rendered to static HTML (no DOM in these tests): the headings, controls and accessible names the
 * end-to-end tests rely on, and the empty, loading, error and blocked states.
 */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Nav } from '../components/Nav.js';
import { OperationProgress } from '../components/OperationProgress.js';
import { StoreContext } from '../store/context.js';
import { createAppStore } from '../store/store.js';
import type { DataState } from '../store/types.js';
import type { Approval } from '../../shared/policy/index.js';
import { appState, operation, plan, projectView, step } from '../testing/fixtures.js';
import { fakeTransport } from '../testing/fakeTransport.js';
import type { Transport } from '../transport/types.js';
import { HistoryView } from './HistoryView.js';
import { PlanView } from './PlanView.js';
import { githubTokenProblem } from './GitHubTokenSettings.js';
import { SettingsView } from './SettingsView.js';
import { UpdatesView } from './UpdatesView.js';

function render(ui: ReactElement, initial: Partial<DataState> = {}, transport: Transport = fakeTransport()): string {
  const store = createAppStore(transport, { initial });
  return renderToStaticMarkup(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
}

const ready = { load: { status: 'ready' as const, error: null } };

/** The id-referenced text of an attribute (aria-labelledby / aria-describedby) on the first element matching `before`. */
function referenced(html: string, elementPattern: RegExp, attr: string): string {
  const el = elementPattern.exec(html)?.[0] ?? '';
  const id = new RegExp(`${attr}="([^"]+)"`).exec(el)?.[1];
  expect(id, `${attr} on ${elementPattern}`).toBeTruthy();
  const target = new RegExp(`id="${id!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>([^<]*)`).exec(html);
  return target?.[1] ?? '';
}

describe('Updates view', () => {
  it('lists projects with versions, risk, compatibility and an Upgrade button that names its project and version', () => {
    const html = render(<UpdatesView />, { ...ready, app: appState([projectView('core'), projectView('finance', { check: { ...projectView('finance').check!, updateAvailable: false, latest: null } })]) });
    expect(html).toMatch(/<h1[^>]*>Updates<\/h1>/);
    expect(html).toMatch(/<button[^>]*>Check now<\/button>/);
    expect(html).toContain('Medium risk');
    expect(html).toContain('Compatible');
    expect(html.match(/>Upgrade to 1\.3\.0<\/button>/g)).toHaveLength(1);
    expect(referenced(html, /<button[^>]*>Upgrade to 1\.3\.0<\/button>/, 'aria-describedby')).toBe('core');
    expect(html).toContain('gate: Review');
    expect(referenced(html, /<tr aria-labelledby[^>]*>/, 'aria-labelledby')).toBe('core');
    expect(html).toContain('1.2.0');
    expect(html).toContain('1.3.0');
    expect(html).toContain('up to date');
  });

  it('has an empty state, a loading state and an error state with retry', () => {
    expect(render(<UpdatesView />, { ...ready, app: appState([]) })).toContain('No projects yet — add one');
    const loading = render(<UpdatesView />, { load: { status: 'loading', error: null } });
    expect(loading).toContain('skeleton');
    const error = render(<UpdatesView />, { load: { status: 'error', error: { code: 'UNAUTHORIZED', message: 'Open the address again', retryable: false } } });
    expect(error).toMatch(/role="alert"/);
    expect(error).toContain('Open the address again');
    expect(error).toMatch(/<button[^>]*>Retry<\/button>/);
  });

  it('shows a running operation instead of Upgrade, and paused checks', () => {
    const html = render(<UpdatesView />, {
      ...ready,
      app: { ...appState([projectView('core', { operationInProgress: { id: 'op_1', kind: 'upgrade' } })]), poller: { paused: true, lastCheckAt: null, nextCheckAt: null, failures: 0 } },
    });
    expect(html).not.toMatch(/>Upgrade to [^<]*<\/button>/);
    expect(html).toContain('href="#/operation/op_1"');
    expect(html).toMatch(/<button[^>]*>Resume checks<\/button>/);
  });

  it('shows a project without a release source (no remote) as local only, never as a failed check', () => {
    const local = projectView('vertical', {
      check: { ...projectView('vertical').check!, updateAvailable: false, latest: null, latestCompatible: null, compatible: null, noSource: { reason: 'no release source: the checkout has no git remote' } },
    });
    const html = render(<UpdatesView />, { ...ready, app: appState([local]) });
    expect(html).toContain('no release source (local only)');
    expect(html).not.toContain('Check failed');
    expect(html).not.toContain(' · up to date');
    expect(html).not.toContain('Not checked');
    expect(html).not.toContain('>Upgrade</button>');
  });
});

describe('Updates view: approvals (issue 9 §3)', () => {
  const approval = (over: Partial<Approval>): Approval => ({
    project: 'core', version: '1.3.0', tag: 'v1.3.0', commit: 'b'.repeat(40), state: 'pending', timing: null, requestedAt: '2026-12-01T10:00:00.000Z',
    decidedAt: null, decidedBy: null, reason: null, supersededBy: null, events: [], ...over,
  });

  it('offers Approve, Approve for the next window and Reject, naming the version, for a review-gated update', () => {
    const html = render(<UpdatesView />, { ...ready, app: appState([projectView('core')]) });
    expect(html).toContain('1.3.0 waits for approval (review gate)');
    for (const label of ['Approve 1.3.0', 'Approve 1.3.0 for the next window', 'Reject 1.3.0']) {
      expect(html).toMatch(new RegExp(`<button[^>]*>${label}</button>`));
      expect(referenced(html, new RegExp(`<button[^>]*>${label}</button>`), 'aria-describedby')).toBe('core');
    }
    expect(html).toContain('aria-label="Approval of core 1.3.0"');
  });

  it('says who decided and leaves only the other choices; none for an auto gate or another commit', () => {
    const now = render(<UpdatesView />, { ...ready, app: appState([projectView('core')]), approvals: [approval({ state: 'approved', timing: 'now', decidedBy: 'alice@laptop' })] });
    expect(now).toContain('Approved by alice@laptop: upgrades as soon as the scheduler looks');
    expect(now).not.toMatch(/>Approve 1\.3\.0<\/button>/);
    expect(now).toMatch(/>Approve 1\.3\.0 for the next window<\/button>/);
    expect(now).toMatch(/>Reject 1\.3\.0<\/button>/);
    const rejected = render(<UpdatesView />, { ...ready, app: appState([projectView('core')]), approvals: [approval({ state: 'rejected', decidedBy: 'bob@ci' })] });
    expect(rejected).toContain('Rejected by bob@ci: never upgraded unattended');
    expect(rejected).not.toContain('>Reject 1.3.0</button>');
    // A record of another commit (the tag moved) is not this release's: it waits again.
    const moved = render(<UpdatesView />, { ...ready, app: appState([projectView('core')]), approvals: [approval({ state: 'approved', timing: 'now', commit: 'c'.repeat(40) })] });
    expect(moved).toContain('1.3.0 waits for approval');
    const auto = projectView('core', { check: { ...projectView('core').check!, gate: 'auto' } });
    expect(render(<UpdatesView />, { ...ready, app: appState([auto]) })).not.toContain('Approve');
  });
});

describe('Plan view', () => {
  const planState = (p = plan()) => ({ plan: { project: 'core', to: '1.3.0', status: 'ready' as const, plan: p, error: null } });

  it('says before approval where HEAD is, what happens to the branch and whether uncommitted work comes back', () => {
    const base = plan();
    const html = render(<PlanView project="core" to="1.3.0" />, {
      ...ready,
      app: appState(),
      ...planState({
        ...base,
        from: { ...base.from, tag: null, ahead: { tag: 'v1.2.0', count: 25, describe: 'v1.2.0-25-ga7dcc3a', localOnly: 2, remoteBranches: ['origin/main'] } },
        warnings: ['After the upgrade, branch main stays at a7dcc3a; HEAD is detached at v1.3.0.'],
        uncommittedWork: { appliesCleanly: false, conflicts: ['package.json'], untrackedCollisions: ['docs/new.md'] },
      }),
    });
    expect(html).toContain('aria-label="Before you approve"');
    expect(html).toContain('HEAD is <code>v1.2.0-25-ga7dcc3a</code>: 25 commits after <code>v1.2.0</code>, 2 of them only in this clone (on origin/main).');
    expect(html).toContain('branch main stays at a7dcc3a');
    expect(html).toMatch(/would not apply cleanly on 1\.3\.0:\s*package\.json conflict with it; untracked docs\/new\.md would be overwritten/);
    const signed = render(<PlanView project="core" to="1.3.0" />, {
      ...ready,
      app: appState(),
      ...planState({
        ...base,
        verification: { tag: 'v1.3.0', method: 'ssh', status: 'untrusted', signer: 'mallory', key: 'ED25519 SHA256:abc', message: 'signed by mallory (ED25519 SHA256:abc), a key not allowed' },
        tagMoves: [{ tag: 'v1.2.0', was: 'a'.repeat(40), now: 'b'.repeat(40), firstSeenAt: '2026-11-01T00:00:00Z', movedSeenAt: '2026-12-01T00:00:00Z', fresh: false, message: 'it pointed at aaaaaaa when first seen and points at bbbbbbb now' }],
        support: { current: { version: '1.2.0', line: '1.2.x', eolDate: '2026-12-20', eol: false, soon: true, daysLeft: 14, replacement: '1.3.0', source: 'eol', message: '1.2.x ends on 2026-12-20' }, target: null },
      }),
    });
    expect(signed).toContain('Signature of <code>v1.3.0</code>: signed by mallory (ED25519 SHA256:abc), a key not allowed');
    expect(signed).toContain('Tag <code>v1.2.0</code> moved: it pointed at aaaaaaa');
    expect(signed).toContain('1.2.0 reaches its end of life soon (2026-12-20); its replacement is 1.3.0.');
    // Nothing to say: no section at all.
    expect(render(<PlanView project="core" to="1.3.0" />, { ...ready, app: appState(), ...planState() })).not.toContain('Before you approve');
  });

  it('shows what an artifact or command upgrade changes instead of commits', () => {
    const artifact = render(<PlanView project="core" to="1.3.0" />, { ...ready, app: appState(), ...planState({ ...plan(), kind: 'artifact' }) });
    expect(artifact).toContain('>Install<');
    expect(artifact).toContain('<code>versions/1.3.0</code>');
    expect(artifact).not.toContain('>Commits (');
    const command = render(<PlanView project="core" to="1.3.0" />, {
      ...ready,
      app: appState(),
      ...planState({ ...plan(), kind: 'command', steps: [{ id: 'apply', title: 'Apply 1.3.0', command: './deploy install 1.3.0' }] }),
    });
    expect(command).toContain('>Commands<');
    expect(command).toContain('<code class="command">./deploy install 1.3.0</code>');
    expect(command).not.toContain('>Changes<');
  });

  it('shows everything in the plan, with the decision buttons', () => {
    const html = render(<PlanView project="core" to="1.3.0" />, { ...ready, app: appState(), ...planState() });
    expect(html).toMatch(/<h1[^>]*>Plan<\/h1>/);
    expect(html).toMatch(/<label for="([^"]+)">Target version<\/label><select id="\1"/);
    // A blocked release stays choosable (its plan opens read-only); its reasons are not repeated in the selector.
    expect(html).toMatch(/<option value="2.0.0">2.0.0 — latest — blocked \(plan read-only\)<\/option>/);
    expect(html).toMatch(/<option value="1.3.0" selected="">1.3.0<\/option>/);
    expect(html).toMatch(/<button type="button" class="button button-primary">Start upgrade to 1.3.0<\/button>/);
    expect(html).toMatch(/<button[^>]*>Skip all 1.x<\/button>/);
    expect(html).toMatch(/<button[^>]*>Skip this version<\/button>/);
    expect(html).toMatch(/<button[^>]*aria-haspopup="true"[^>]*>Remind me later<\/button>/);
    for (const heading of ['Risk', 'Dependents', 'Release notes', 'Commits (3)', 'Changes', 'Steps']) expect(html).toContain(`>${heading}`);
    expect(html).toContain('requires core &gt;=1.0.0 &lt;=1.x.x; target is 1.3.0');
    expect(html).toContain('config key renamed');
    expect(html).toContain('<code class="command">npm test</code>');
    expect(html).toContain('About 42 s');
    expect(html).toContain('2 files changed');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<a href="https://example.com/" target="_blank" rel="noopener noreferrer" class="md-link">docs</a>');
    expect(html).not.toContain('javascript:');
  });

  it("release notes say where they came from and when they were shortened (issue 8 §7)", () => {
    const notes = plan().releaseNotes;
    const changelog = {
      ...notes[0]!,
      source: 'changelog' as const,
      origin: 'CHANGES.rst, section "Version 8.1.7"',
      file: 'CHANGES.rst',
      body: '- first change\n\n… 1500 more lines in CHANGES.rst',
      truncated: { omittedLines: 1500, from: 'CHANGES.rst' },
    };
    const html = render(<PlanView project="core" to="1.3.0" />, { ...ready, app: appState(), ...planState({ ...plan(), releaseNotes: [changelog] }) });
    expect(html).toContain('· from CHANGES.rst, section &quot;Version 8.1.7&quot;');
    expect(html).toContain(' · shortened: 1,500 more lines in CHANGES.rst');
    expect(html).toContain('… 1500 more lines in CHANGES.rst');
    // A note without origin (a plan recorded before it) keeps its source label, and says nothing of shortening.
    const old = render(<PlanView project="core" to="1.3.0" />, { ...ready, app: appState(), ...planState() });
    expect(old).toContain('from release metadata');
    expect(old).not.toContain('shortened');
  });

  it('disables Start upgrade when blocked and says why', () => {
    const blocked = plan({ blocked: true, blockers: ['finance requires core <=1.x.x'] });
    const html = render(<PlanView project="core" to="1.3.0" />, { ...ready, app: appState(), ...planState(blocked) });
    const button = /<button[^>]*>Start upgrade<\/button>/.exec(html)![0];
    expect(button).toContain('disabled=""');
    const id = /aria-describedby="([^"]+)"/.exec(button)![1];
    expect(html).toMatch(new RegExp(`id="${id}"[^>]*><strong>This upgrade is blocked.</strong><ul><li>finance requires core &lt;=1.x.x</li>`));
  });

  it('asks for an explicit choice before a manual-gated upgrade, and names a manual release the default left out', () => {
    const manual = plan({ bump: 'major', gate: 'manual', to: { version: '2.0.0', tag: 'v2.0.0', sha: 'c'.repeat(40) } });
    const html = render(<PlanView project="core" to="2.0.0" />, { ...ready, app: appState(), ...planState(manual) });
    const button = /<button[^>]*>Start upgrade to 2.0.0<\/button>/.exec(html)![0];
    // Start waits for the checkbox; the button points at the explanation.
    expect(button).toContain('disabled=""');
    const id = /aria-describedby="([^"]+)"/.exec(button)![1];
    expect(html).toMatch(new RegExp(`id="${id}"[^>]*role="note"><strong>2.0.0 is a major update, gated manual.</strong> It is installed only when you choose it explicitly.`));
    const box = /<input id="([^"]+)" type="checkbox"\/><label for="\1">I choose 2.0.0 explicitly<\/label>/.exec(html);
    expect(box).not.toBeNull();

    // A review gate needs no such choice.
    const review = render(<PlanView project="core" to="1.3.0" />, { ...ready, app: appState(), ...planState() });
    expect(/<button[^>]*>Start upgrade to [^<]*<\/button>/.exec(review)![0]).not.toContain('disabled');
    expect(review).not.toContain('gated manual');

    const withMajor = plan({ explicitChoice: { version: '2.0.0', tag: 'v2.0.0', bump: 'major', gate: 'manual', message: '2.0.0 is a major upgrade, gated manual: run `upshift upgrade core --to 2.0.0`' } });
    const named = render(<PlanView project="core" to={null} />, { ...ready, app: appState(), plan: { project: 'core', to: null, status: 'ready' as const, plan: withMajor, error: null } });
    expect(named).toContain('2.0.0 is a major update, gated manual: choose it as the target version to see its plan.');
  });

  it('has loading and error states', () => {
    expect(render(<PlanView project="core" to={null} />, { ...ready, app: appState() })).toContain('Planning');
    const err = render(<PlanView project="core" to={null} />, {
      ...ready,
      app: appState(),
      plan: { project: 'core', to: null, status: 'error', plan: null, error: { code: 'UNKNOWN_PROJECT', message: 'No project named core', retryable: false } },
    });
    expect(err).toContain('No project named core');
    expect(err).toMatch(/>Retry<\/button>/);
    const none = render(<PlanView project="core" to={null} />, {
      ...ready,
      app: appState(),
      plan: { project: 'core', to: null, status: 'error', plan: null, error: { code: 'NOTHING_TO_DO', message: 'Already on 1.3.0', retryable: false } },
    });
    expect(none).toContain('core is up to date');
  });
});

describe('Progress', () => {
  it('shows live steps with a Cancel button while running', () => {
    const op = operation({ steps: [step('preflight', 'succeeded', { durationMs: 35, title: 'Preflight' }), step('smoke', 'running', { title: 'Run smoke tests', command: 'npm test' })] });
    const html = render(<OperationProgress operationId={op.id} />, { operations: { [op.id]: { id: op.id, operation: op, logs: { smoke: ['ok 1', 'ok 2'] }, stepStartedAt: {}, pendingSteps: [] } } });
    expect(html).toMatch(/<h2>Progress<\/h2>/);
    expect(html).toMatch(/<button[^>]*>Cancel<\/button>/);
    expect(html).toContain('Done · 35 ms');
    expect(html).toMatch(/role="log" aria-label="Log of Run smoke tests"[^>]*>ok 1\nok 2</);
  });

  it('shows the failing step and its output after a rollback', () => {
    const op = operation({
      status: 'rolled_back',
      error: 'smoke tests failed (exit 1)',
      durationMs: 4000,
      steps: [step('preflight', 'succeeded'), step('smoke', 'failed', { title: 'Run smoke tests', error: 'exit 1', outputExcerpt: 'FAIL test/a.test.js\nexpected 1 to be 2' })],
    });
    const html = render(<OperationProgress operationId={op.id} />, { operations: { [op.id]: { id: op.id, operation: op, logs: {}, stepStartedAt: {}, pendingSteps: [] } } });
    expect(html).not.toMatch(/>Cancel<\/button>/);
    expect(html).toContain('<strong>Rolled back.</strong>');
    expect(html).toContain('The step “Run smoke tests” failed');
    expect(html).toContain('FAIL test/a.test.js\nexpected 1 to be 2');
    // Not watched here (no step seen starting): the past tense.
    expect(html).toContain('failed, so core was put back on 1.2.0.');
    // Watched finishing in this dashboard: the present.
    const live = render(<OperationProgress operationId={op.id} />, { operations: { [op.id]: { id: op.id, operation: op, logs: {}, stepStartedAt: { smoke: 1 }, pendingSteps: [] } } });
    expect(live).toContain('core is on 1.2.0 again');
  });

  it('says succeeded, and loudly when a rollback needs a hand', () => {
    const ok = operation({ status: 'succeeded', durationMs: 1200 });
    expect(render(<OperationProgress operationId={ok.id} />, { operations: { [ok.id]: { id: ok.id, operation: ok, logs: {}, stepStartedAt: { smoke: 1 }, pendingSteps: [] } } })).toContain('core is now on 1.3.0');
    const old = render(<OperationProgress operationId={ok.id} />, { operations: { [ok.id]: { id: ok.id, operation: ok, logs: {}, stepStartedAt: {}, pendingSteps: [], undoneBy: { id: 'op_2', finishedAt: null } } } });
    expect(old).toContain('core was upgraded to 1.3.0.');
    expect(old).toMatch(/Undone by <a href="#\/operation\/op_2"><code>op_2<\/code><\/a>/);
    const bad = operation({ status: 'failed', error: 'restore failed', manualRecovery: 'git checkout main' });
    const html = render(<OperationProgress operationId={bad.id} />, { operations: { [bad.id]: { id: bad.id, operation: bad, logs: {}, stepStartedAt: {}, pendingSteps: [] } } });
    expect(html).toMatch(/role="alert"/);
    expect(html).toContain('git checkout main');
  });
});

describe('Plan view: rollback-loop protection', () => {
  it('explains a ROLLBACK_LOOP refusal and offers "Upgrade anyway…"', () => {
    const error = {
      code: 'ROLLBACK_LOOP',
      message: '3 automatic rollbacks of core in the last hour; Upshift stops here and leaves core as it is — fix the cause, then retry after 11:15 UTC or pass --force.',
      retryable: false,
      details: { project: 'core', rollbacks: 3, max: 3, retryAfter: '2026-11-21T11:15:00.000Z' },
    };
    const html = render(<PlanView project="core" to="1.3.0" />, {
      ...ready,
      app: appState(),
      plan: { project: 'core', to: '1.3.0', status: 'ready', plan: plan(), error: null },
      upgradeRefused: { project: 'core', error },
    });
    expect(html).toMatch(/<div class="banner banner-error" role="alert" aria-labelledby="[^"]+"><p><strong id="[^"]+">Upgrades of core are paused after repeated automatic rollbacks\.<\/strong>/);
    expect(html).toContain('3 automatic rollbacks of core in the last hour');
    expect(html).toMatch(/<button type="button" class="button button-danger">Upgrade anyway…<\/button>/);
    // Another project's refusal is not shown here.
    const other = render(<PlanView project="core" to="1.3.0" />, {
      ...ready,
      app: appState(),
      plan: { project: 'core', to: '1.3.0', status: 'ready', plan: plan(), error: null },
      upgradeRefused: { project: 'finance', error },
    });
    expect(other).not.toContain('Upgrade anyway');
  });
});

describe('History view', () => {
  it('has the heading, filters, legend and an empty detail panel', () => {
    const html = render(<HistoryView />, { ...ready, app: appState() });
    expect(html).toMatch(/<h1[^>]*>History<\/h1>/);
    for (const label of ['Project', 'Status', 'Kind', 'From', 'To']) expect(html).toMatch(new RegExp(`<label for="[^"]+">${label}</label>`));
    expect(html).toContain('role="search"');
    expect(html).toContain('Select an operation');
    expect(html).toContain('Rolled back');
  });

  it('says when there is nothing, with or without filters', () => {
    const base = createAppStore(fakeTransport()).getState().history;
    expect(render(<HistoryView />, { ...ready, app: appState(), history: { ...base, total: 0 } })).toContain('No operations yet');
    const filtered = render(<HistoryView />, { ...ready, app: appState(), history: { ...base, total: 0, filters: { ...base.filters, status: 'failed' } } });
    expect(filtered).toContain('No operations match these filters');
    expect(filtered).toMatch(/>Clear filters<\/button>/);
  });

  it('shows a detail panel with step durations, logs and Roll back', () => {
    const base = createAppStore(fakeTransport()).getState().history;
    const op = operation({ status: 'succeeded', durationMs: 5000, steps: [step('smoke', 'succeeded', { title: 'Run smoke tests', durationMs: 3000 })] });
    const html = render(<HistoryView />, {
      ...ready,
      app: appState(),
      history: { ...base, total: 1, selectedId: op.id, detail: { status: 'ready', data: { operation: op, logs: { smoke: 'all good' } }, error: null } },
    });
    expect(html).toMatch(/<h2 id="history-detail-title">Details<\/h2>/);
    expect(html).toMatch(/<button[^>]*>Roll back<\/button>/);
    expect(html).toContain('<span class="duration-text">3 s</span>');
    expect(html).toContain('Log of Run smoke tests');
    expect(html).toContain('all good');
  });
});

describe('Projects & settings view', () => {
  it('adds a project by path; the folder picker appears only where the shell offers it', () => {
    const html = render(<SettingsView />, { ...ready, app: appState() });
    expect(html).toMatch(/<h1[^>]*>Projects &amp; settings<\/h1>/);
    expect(html).toMatch(/<label for="[^"]+">Project path<\/label>/);
    expect(html).toMatch(/<button type="submit"[^>]*>Add project<\/button>/);
    expect(html).not.toContain('Choose folder…');
    const shell = { ...fakeTransport({}, 'electron'), pickFolder: async () => '/src/x' };
    const withPicker = render(<SettingsView />, { ...ready, app: appState() }, shell);
    expect(withPicker).toMatch(/<button[^>]*>Choose folder…<\/button>/);
    expect(withPicker).toContain('Start Upshift when I log in');
  });

  it('has per-project channel and gates, Remove, the poll interval, notifications and pause', () => {
    const html = render(<SettingsView />, { ...ready, app: appState() });
    for (const label of ['Channel', 'Patch updates', 'Minor updates', 'Major updates', 'Prereleases', 'Check every (minutes)']) {
      expect(html).toMatch(new RegExp(`<label for="[^"]+">${label.replace(/[()]/g, '\\$&')}</label>`));
    }
    expect(html).toMatch(/<button[^>]*>Remove<\/button>/);
    expect(html).toMatch(/<button[^>]*>Pause checks<\/button>/);
    expect(html).toContain('Notify me when a new release is out');
    expect(html).toContain('value="60"');
  });
  it('GitHub token in browser mode: where it comes from, and the field disabled with the reason', () => {
    const reason = 'Only the Upshift desktop app can keep a GitHub token, in the system keychain.';
    const html = render(<SettingsView />, { ...ready, app: appState(), githubToken: { status: { source: 'env', keychainAvailable: false, canStore: false, stored: false, reason }, error: null } });
    expect(html).toMatch(/<h2 id="settings-github-token">GitHub token<\/h2>/);
    expect(html).toContain('In use: GITHUB_TOKEN or GH_TOKEN from the environment');
    expect(html).toMatch(/<label for="([^"]+)">Token to keep in the system keychain<\/label><div class="field-row"><input id="\1" type="password"[^>]*disabled=""/);
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Save<\/button><button type="button" class="button" disabled="">Remove<\/button>/);
    expect(referenced(html, /<input[^>]*type="password"[^>]*>/, 'aria-describedby')).toBe(reason);
  });

  it('GitHub token in the app: Save enabled once typed, Remove when one is saved', () => {
    const html = render(<SettingsView />, { ...ready, app: appState(), githubToken: { status: { source: 'keychain', keychainAvailable: true, canStore: true, stored: true, reason: null }, error: null } }, fakeTransport({}, 'electron'));
    expect(html).toContain('In use: the token saved here, encrypted by the system keychain.');
    expect(html).not.toMatch(/<input[^>]*type="password"[^>]*disabled=""/);
    expect(html).toMatch(/>Save<\/button><button type="button" class="button">Remove<\/button>/);
    expect(githubTokenProblem('ghp_two words')).toMatch(/no spaces/);
    expect(githubTokenProblem('ghp_ok')).toBeNull();
  });
  it('has the offline toggle, and the sidebar shows an Offline badge while it is on', () => {
    const html = render(<SettingsView />, { ...ready, app: appState() });
    expect(html).toMatch(/<input id="([^"]+)" type="checkbox" aria-describedby="[^"]+"\/><label for="\1">Offline \(no network use\)<\/label>/);
    expect(render(<Nav route={{ view: 'settings' }} />, { ...ready, app: appState() })).not.toContain('>Offline</a>');
    const offline = { ...appState(), settings: { ...appState().settings, offline: true } };
    expect(render(<SettingsView />, { ...ready, app: offline })).toMatch(/<input id="[^"]+" type="checkbox" aria-describedby="[^"]+" checked=""\/><label[^>]*>Offline \(no network use\)/);
    expect(render(<Nav route={{ view: 'settings' }} />, { ...ready, app: offline })).toMatch(/<a href="#\/settings" class="badge badge-warning offline-badge" title="Offline: no network use[^"]*">Offline<\/a>/);
  });
});
