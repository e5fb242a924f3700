/** Sample engine data for the renderer's unit tests (plain data: no test-runner imports). */
import type { AppState, ProjectView } from '../../shared/api/contract.js';
import { DEFAULT_SETTINGS } from '../../shared/api/contract.js';
import type { Operation, OperationStep, UpgradePlan } from '../../shared/api/types.js';

export function step(id: string, status: OperationStep['status'] = 'pending', extra: Partial<OperationStep> = {}): OperationStep {
  return { id, title: `Step ${id}`, status, startedAt: null, finishedAt: null, durationMs: null, command: null, error: null, outputExcerpt: null, logPath: null, ...extra };
}

export function operation(extra: Partial<Operation> = {}): Operation {
  return {
    id: 'op_20261121T101500Z_ab12cd',
    project: 'core',
    kind: 'upgrade',
    status: 'running',
    from: { version: '1.2.0', tag: 'v1.2.0', sha: 'a'.repeat(40) },
    to: { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40) },
    steps: [step('preflight'), step('snapshot'), step('smoke')],
    error: null,
    target: null,
    startedAt: '2026-11-21T10:15:00.000Z',
    finishedAt: null,
    durationMs: null,
    host: 'devbox',
    user: 'dev',
    pid: 4242,
    logDir: null,
    manualRecovery: null,
    ...extra,
  };
}

export function projectView(name: string, extra: Partial<ProjectView> = {}): ProjectView {
  return {
    name,
    path: `/src/${name}`,
    core: null,
    manifest: 'upshift.yml',
    channel: 'stable',
    addedAt: '2026-11-01T00:00:00.000Z',
    check: {
      name,
      path: `/src/${name}`,
      current: { version: '1.2.0', tag: 'v1.2.0', sha: 'a'.repeat(40), source: 'tag' },
      latest: { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40), prerelease: false },
      latestCompatible: { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40), prerelease: false },
      updateAvailable: true,
      bump: 'minor',
      gate: 'review',
      risk: { level: 'medium', reasons: ['minor update'] },
      compatible: true,
      blockers: [],
      error: null,
      checkedAt: '2026-11-21T10:00:00.000Z',
    },
    decision: { skipped: [], snoozedUntil: null },
    operationInProgress: null,
    ...extra,
  };
}

export function appState(projects: ProjectView[] = [projectView('core')]): AppState {
  return {
    projects,
    poller: { paused: false, lastCheckAt: '2026-11-21T10:00:00.000Z', nextCheckAt: '2026-11-21T11:00:00.000Z', failures: 0 },
    settings: DEFAULT_SETTINGS,
  };
}

export function plan(extra: Partial<UpgradePlan> = {}): UpgradePlan {
  return {
    project: 'core',
    path: '/src/core',
    from: { version: '1.2.0', tag: 'v1.2.0', sha: 'a'.repeat(40) },
    to: { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40) },
    bump: 'minor',
    gate: 'review',
    risk: { level: 'medium', reasons: ['minor update', '1 breaking change'] },
    compatibility: {
      compatible: true,
      dependents: [{ project: 'finance', compatible: true, reason: 'requires core >=1.0.0 <=1.x.x; target is 1.3.0' }],
    },
    releaseNotes: [
      {
        version: '1.3.0',
        tag: 'v1.3.0',
        body: '## Features\n\n- New **thing** <script>alert(1)</script>\n\n[docs](https://example.com) [bad](javascript:alert(1))',
        source: 'metadata',
        breaking: ['config key renamed'],
        date: '2026-11-20T00:00:00.000Z',
      },
    ],
    commits: { count: 3, items: [{ sha: 'c'.repeat(40), subject: 'feat: new thing' }] },
    diffstat: { filesChanged: 2, insertions: 10, deletions: 3, text: ' a.ts | 10 ++++++++--\n b.ts |  3 +--' },
    steps: [
      { id: 'preflight', title: 'Refuse a dirty tree', command: 'git status --porcelain' },
      { id: 'smoke', title: 'Run smoke tests', command: 'npm test' },
      { id: 'finalize', title: 'Record the upgrade', command: null },
    ],
    estimatedSeconds: 42,
    blocked: false,
    blockers: [],
    candidates: [
      { version: '2.0.0', tag: 'v2.0.0', sha: 'd'.repeat(40), prerelease: false, blocked: true, reason: 'finance requires core <=1.x.x' },
      { version: '1.3.0', tag: 'v1.3.0', sha: 'b'.repeat(40), prerelease: false, blocked: false, reason: null },
    ],
    ...extra,
  };
}
