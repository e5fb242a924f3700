/**
 * The reusable GitHub Action (.github/actions/upshift-gate/action.yml) and the workflow in docs/ci-gate.md: both are
 * valid YAML of the expected shape, and the action's gate step — its real bash script, with the environment GitHub
 * would give it — runs the built CLI, writes JUnit and the job summary, sets its outputs and fails a blocked release.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI } from './helpers/cli.js';
import { makeGateCore, realVerticalsDir } from './helpers/gate-fixture.js';
import { makeTempDir, testGitEnv } from './helpers/repos.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ACTION = path.join(ROOT, '.github/actions/upshift-gate/action.yml');

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const action = parse(readFileSync(ACTION, 'utf8')) as { inputs: Record<string, { default?: string; required?: boolean }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } };

describe('the upshift-gate action', () => {
  it('is a composite action that sets up Node, builds the CLI and runs upshift ci with --junit', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps[0]!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(action.runs.steps[1]!.run).toContain('node build/postbuild.mjs');
    const gate = action.runs.steps.find((s) => s.id === 'gate')!;
    expect(gate.run).toContain('args=(ci --core "$GATE_CORE" --version "$version" --junit "$GATE_JUNIT" --json)');
    expect(action.inputs.verticals!.required).toBe(true);
    expect(action.outputs.blocked!.value).toBe('${{ steps.gate.outputs.blocked }}');
  });

  const gate = action.runs.steps.find((s) => s.id === 'gate')!;
  const runGateStep = (env: Record<string, string>) => {
    const dir = makeTempDir();
    const output = path.join(dir, 'output');
    const summary = path.join(dir, 'summary.md');
    writeFileSync(output, '');
    const r = spawnSync('bash', ['-e', '-c', gate.run!], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...testGitEnv(), NO_COLOR: '1', UPSHIFT_HOME: path.join(dir, 'home'), UPSHIFT_CLI: CLI, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GATE_AT: '', GATE_JUNIT: 'out/gate.xml', GATE_REPORT: 'gate.json', GATE_VERSION: '', ...env },
    });
    const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]));
    return { code: r.status, stdout: r.stdout, outputs, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '', junit: path.join(dir, 'out/gate.xml'), report: path.join(dir, 'gate.json') };
  };

  it('on a tag push of a release the verticals refuse: exit 1, blocked=true, JUnit written, the summary lists every vertical', () => {
    const core = makeGateCore();
    const verticals = realVerticalsDir();
    const r = runGateStep({ GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.3.0', GATE_CORE: core.path, GATE_VERTICALS: `  ${verticals}/*.yaml  \n\n` });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ report: 'gate.json', blocked: 'true' });
    expect(readFileSync(r.junit, 'utf8')).toContain('<testsuite name="upshift ci: core 1.3.0 (tag v1.3.0)" tests="3" failures="3"');
    expect(JSON.parse(readFileSync(r.report, 'utf8'))).toMatchObject({ blocked: true, total_verticals: 3 });
    expect(r.summary).toContain('### Upshift release gate: BLOCKED');
    expect(r.summary.split('\n').filter((l) => l.startsWith('| ❌ |'))).toHaveLength(3);
    expect(r.stdout).toContain('::error::upshift-gate: the release is blocked');
  });

  it('an explicit version the verticals accept: exit 0, blocked=false', () => {
    const core = makeGateCore();
    const r = runGateStep({ GATE_VERSION: '1.2.1', GATE_CORE: core.path, GATE_VERTICALS: realVerticalsDir() });
    expect(r.code).toBe(0);
    expect(r.outputs.blocked).toBe('false');
    expect(r.summary).toContain('### Upshift release gate: passed');
  });

  it('no version and not a tag push: a clear error, exit 2', () => {
    const r = runGateStep({ GATE_CORE: '.', GATE_VERTICALS: 'x' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("::error::upshift-gate: no version: set the 'version' input or run on a tag push");
  });
});

describe('the workflow in docs/ci-gate.md', () => {
  it('runs the action on tag push with the tags fetched, and keeps the reports', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/ci-gate.md'), 'utf8');
    const block = /```yaml\n(name: Release gate[\s\S]*?)```/.exec(doc)![1]!;
    const wf = parse(block) as { on: { push: { tags: string[] } }; jobs: { gate: { steps: Step[] } } };
    expect(wf.on.push.tags).toEqual(['v*.*.*']);
    const steps = wf.jobs.gate.steps;
    expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    expect(steps.find((s) => s.id === 'gate')!.uses).toMatch(/\/\.github\/actions\/upshift-gate@/);
    expect(steps.at(-1)!.with!.path).toContain('upshift-gate.xml');
  });
});
