// Issue 9 §2–§3 through the real CLI and real processes: `upshift schedule --json`, the approval lifecycle (approve,
// then the daemon's next tick upgrades; a newer release supersedes an approval), the daemon unit files, and the daemon
// started and stopped with SIGTERM.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../shared/api/types.js';
import type { Schedule } from '../shared/policy/index.js';
import { launchdPlist, systemdUnit } from '../electron/core/scheduler/daemon-unit.js';
import { CliHarness, waitFor } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir, pushTag } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

function project(newer: string[]) {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
    releases: ['1.0.0', ...newer].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness({ HOME: makeTempDir('upshift-user-') });
  expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
  expect(cli.run('check', '--json').code).toBe(0);
  expect(cli.run('policy', 'enabled', 'true').code).toBe(0);
  return { fx, cli, at: () => git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD') };
}

describe('automation in the CLI', () => {
  it('schedule --json: per project the next action, every release with its reasons; a review gate waits for approval', () => {
    const { cli } = project(['1.1.0']);
    const r = cli.run('schedule', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<{ schedule: Schedule; problems: string[]; scheduler: unknown }>();
    expect(doc.scheduler).toBeNull();
    expect(doc.problems).toEqual([]);
    expect(Object.keys(doc.schedule).sort()).toEqual(['due', 'now', 'paused', 'projects', 'timeZone', 'wakeAt']);
    const p = doc.schedule.projects[0]!;
    expect(p).toMatchObject({ project: 'p', current: '1.0.0', next: null });
    expect(p.releases[0]).toMatchObject({ version: '1.1.0', status: 'waiting', reasons: [{ code: 'awaiting-approval', kind: 'waiting' }] });
    expect(p.summary).toContain('`upshift approve p 1.1.0`');
    const human = cli.run('schedule');
    expect(human.stdout).toContain('p: nothing scheduled — p 1.1.0: waiting for approval');
    expect(human.stdout).toContain('No scheduler is running');
  });

  it('policy: a value is checked before it is written', () => {
    const { cli } = project([]);
    const bad = cli.run('policy', 'windows', '[{"name":"n","start":"25:00","end":"05:00"}]', '--json');
    expect(bad.code).toBe(2);
    expect(bad.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(cli.run('policy', 'maxConcurrent', '--json').json<{ value: unknown }>().value).toBeNull();
    expect(cli.run('policy', 'maxConcurrent', '2').code).toBe(0);
    expect(cli.run('policy', 'maxConcurrent', '--json').json<{ value: unknown }>().value).toBe(2);
  });

  it('approve --now, then the daemon upgrades on its next tick, marked unattended with who approved; SIGTERM stops it with exit 0', async () => {
    const { cli, at } = project(['1.1.0']);
    const approved = cli.run('approve', 'p', '--now', '--json');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json<{ approval: { state: string; timing: string; decidedBy: string; version: string } }>().approval).toMatchObject({ state: 'approved', timing: 'now', version: '1.1.0' });
    expect(cli.run('schedule', '--json').json<{ schedule: Schedule }>().schedule.due).toEqual([expect.objectContaining({ project: 'p', version: '1.1.0', trigger: 'approval' })]);

    const daemon = cli.start('daemon');
    await waitFor(() => cli.run('history', 'p', '--json').json<HistoryResult>().operations.some((o) => o.status === 'succeeded'), 30_000, 'the unattended upgrade');
    expect(at()).toBe('v1.1.0');
    const [op] = cli.run('history', 'p', '--json').json<HistoryResult>().operations;
    expect(op!.startedBy).toMatchObject({ by: 'policy', trigger: 'approval', approvedBy: expect.stringContaining('@') });
    expect(op!.startedBy!.scheduler).toMatch(/^daemon \(pid \d+/);
    // The scheduler's run log: what that evaluation tried and what came of it.
    const runs = cli.run('schedule', '--json').json<{ runs: Array<{ scheduler: string; outcomes: unknown[] }> }>().runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.scheduler).toBe(op!.startedBy!.scheduler);
    expect(runs[0]!.outcomes).toEqual([{ project: 'p', version: '1.1.0', operation: { id: op!.id, status: 'succeeded' }, refused: null }]);
    expect(cli.run('schedule').stdout).toMatch(new RegExp(`Recent unattended runs:\\n.* p 1\\.1\\.0: succeeded \\(${op!.id}\\)`));
    const status = cli.run('daemon', 'status', '--json').json<{ scheduler: { role: string; pid: number } | null }>();
    expect(status.scheduler).toMatchObject({ role: 'daemon', pid: daemon.child.pid });

    daemon.child.kill('SIGTERM');
    const done = await daemon.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain('upshift daemon: scheduler leader');
    expect(done.stderr).toContain('upshift daemon: stopped');
    expect(cli.run('daemon', 'status', '--json').json<{ scheduler: unknown }>().scheduler).toBeNull();
  });

  it('a newer release supersedes an approval: it expires and says which; a rejection stays settled', () => {
    const { fx, cli } = project(['1.1.0']);
    expect(cli.run('approve', 'p', '1.1.0').stdout).toContain('Approved p 1.1.0');
    pushTag(fx.remote, 'v1.2.0', { 'app.txt': '1.2.0\n' });
    expect(cli.run('check', '--json').code).toBe(0);
    const s = cli.run('schedule', '--json').json<{ schedule: Schedule }>().schedule;
    expect(s.projects[0]!.releases.map((r) => [r.version, r.reasons[0]?.code])).toEqual([
      ['1.2.0', 'awaiting-approval'],
      ['1.1.0', 'awaiting-approval'],
    ]);
    const again = cli.run('approve', 'p', '1.1.0', '--json');
    expect(again.code).toBe(2);
    expect(again.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'APPROVAL_EXPIRED', message: expect.stringContaining('superseded by 1.2.0') });
    const rejected = cli.run('reject', 'p', '--json');
    expect(rejected.json<{ approval: { version: string; state: string } }>().approval).toMatchObject({ version: '1.2.0', state: 'rejected' });
    expect(cli.run('check', '--json').code).toBe(0);
    const after = cli.run('schedule', '--json').json<{ schedule: Schedule }>().schedule;
    expect(after.projects[0]!.releases[0]!.reasons.map((r) => r.code)).toContain('rejected');
  });

  it('a release the user skipped is never installed unattended, even approved; unskip offers it again', () => {
    const { cli } = project(['1.1.0']);
    expect(cli.run('approve', 'p', '1.1.0', '--now').code).toBe(0);
    const due = () => cli.run('schedule', '--json').json<{ schedule: Schedule }>().schedule;
    expect(due().due).toEqual([expect.objectContaining({ project: 'p', version: '1.1.0' })]);

    const skipped = cli.run('skip', 'p', '1.1.0');
    expect(skipped.code, skipped.stderr).toBe(0);
    const s = due();
    expect(s.due).toEqual([]);
    const release = s.projects[0]!.releases[0]!;
    expect(release).toMatchObject({ version: '1.1.0', status: 'refused' });
    expect(release.reasons).toContainEqual(expect.objectContaining({ code: 'user-skip', text: expect.stringContaining('`upshift unskip p 1.1.0`') }));

    expect(cli.run('unskip', 'p', '1.1.0').code).toBe(0);
    expect(due().due).toEqual([expect.objectContaining({ project: 'p', version: '1.1.0' })]);
  });

  it('daemon install writes the unit and prints the command; uninstall removes it (systemctl is never run)', () => {
    const { cli } = project([]);
    const installed = cli.run('daemon', 'install', '--json').json<{ installed: string; enable: string }>();
    const file = process.platform === 'darwin' ? join(cli.env.HOME!, 'Library/LaunchAgents/dev.upshift.daemon.plist') : join(cli.env.HOME!, '.config/systemd/user/upshift.service');
    expect(installed.installed).toBe(file);
    expect(readFileSync(file, 'utf8')).toContain('daemon');
    expect(installed.enable).toMatch(/systemctl --user|launchctl bootstrap/);
    expect(cli.run('daemon', 'uninstall').code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });
});

describe('daemon unit files', () => {
  const input = { node: '/usr/bin/node', cli: '/opt/upshift/dist/upshift.mjs', stateHome: '/home/a b/.upshift', home: '/home/a' };
  it('systemd --user unit', () => {
    const u = systemdUnit(input);
    expect(u.path).toBe('/home/a/.config/systemd/user/upshift.service');
    expect(u.content).toBe(
      [
        '[Unit]',
        'Description=Upshift: keeps git checkouts up to date, unattended within the automation policy',
        'After=network-online.target',
        '',
        '[Service]',
        'Type=simple',
        'ExecStart=/usr/bin/node /opt/upshift/dist/upshift.mjs daemon',
        'Environment="UPSHIFT_HOME=/home/a b/.upshift"',
        'KillSignal=SIGTERM',
        'TimeoutStopSec=120',
        'Restart=on-failure',
        'RestartSec=30',
        '',
        '[Install]',
        'WantedBy=default.target',
        '',
      ].join('\n'),
    );
    expect(u.enable).toBe('systemctl --user daemon-reload && systemctl --user enable --now upshift.service');
  });
  it('launchd agent plist', () => {
    const u = launchdPlist({ ...input, home: '/Users/a', stateHome: null });
    expect(u.path).toBe('/Users/a/Library/LaunchAgents/dev.upshift.daemon.plist');
    expect(u.content).toContain('<key>Label</key>\n  <string>dev.upshift.daemon</string>');
    expect(u.content).toContain('<array>\n    <string>/usr/bin/node</string>\n    <string>/opt/upshift/dist/upshift.mjs</string>\n    <string>daemon</string>\n  </array>');
    expect(u.content).toContain('<key>RunAtLoad</key>\n  <true/>');
    expect(u.content).not.toContain('UPSHIFT_HOME');
    expect(u.enable).toBe('launchctl bootstrap gui/$(id -u) /Users/a/Library/LaunchAgents/dev.upshift.daemon.plist');
  });
});
