// Issue 10 §4, §5 through the real CLI on real repositories: tags signed in the test with ssh-keygen keys (an allowed
// signer, a stranger, nobody), a release tag re-pointed on the remote (trust on first use) refused until `upshift
// trust`, support windows with EOL dates relative to today, and `upshift doctor` on a healthy and a broken setup.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

function key(dir: string, name: string): string {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return file;
}

function fingerprint(file: string): string {
  return execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
}

/** Publishes `tag` on the remote from a scratch clone, signed with `signer` (an ssh key file) or unsigned (annotated). */
function publish(remote: string, tag: string, signer: string | null, content = `${tag}\n`): string {
  const pub = makeTempDir('upshift-pub-');
  git(pub, 'clone', '-q', '--branch', 'main', remote, 'c');
  const c = path.join(pub, 'c');
  writeFileSync(path.join(c, 'app.txt'), content);
  git(c, 'commit', '-qam', `Release ${tag}`);
  if (signer) git(c, '-c', 'gpg.format=ssh', '-c', `user.signingkey=${signer}`, 'tag', '-s', '-m', `Release ${tag}`, tag);
  else git(c, 'tag', '-a', '-m', `Release ${tag}`, tag);
  git(c, 'push', '-q', 'origin', 'main', tag);
  return git(c, 'rev-parse', 'HEAD');
}

function signedProject() {
  const keys = makeTempDir('upshift-keys-');
  const alice = key(keys, 'alice');
  const mallory = key(keys, 'mallory');
  const allowed = path.join(keys, 'allowed_signers');
  writeFileSync(allowed, `alice@example.com ${execFileSync('cat', [`${alice}.pub`], { encoding: 'utf8' })}`);
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': `verify:\n  ssh:\n    allowedSigners: ${allowed}\n`, 'app.txt': 'v0\n' },
    releases: [{ version: '1.0.0', files: { 'app.txt': '1.0.0\n' } }],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
  const at = () => git(fx.work, 'rev-parse', 'HEAD');
  return { fx, cli, alice, mallory, allowed, at };
}

describe('verified releases (verify: ssh)', () => {
  it('upgrades to a tag signed by an allowed key, showing who signed it in the plan and running the verify step', () => {
    const { fx, cli, alice } = signedProject();
    const sha = publish(fx.remote, 'v1.0.1', alice);
    const plan = cli.run('plan', 'p', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = plan.json<UpgradePlan>();
    expect(p.verification).toMatchObject({ status: 'good', signer: 'alice@example.com', method: 'ssh' });
    expect(p.verification!.key).toContain(fingerprint(alice));
    expect(p.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['fetch', 'verify', 'checkout']));
    expect(p.steps.findIndex((s) => s.id === 'verify')).toBe(p.steps.findIndex((s) => s.id === 'checkout') - 1);
    expect(cli.run('plan', 'p').stdout).toContain('Signature: verified — tag v1.0.1 is signed by alice@example.com');
    const up = cli.run('upgrade', 'p', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(sha);
  });

  it('refuses an unsigned tag (exit 3, nothing changed) saying nobody signed it', () => {
    const { fx, cli, at } = signedProject();
    const before = at();
    publish(fx.remote, 'v1.0.1', null);
    const plan = cli.run('plan', 'p', '--to', '1.0.1', '--json');
    expect(plan.code).toBe(3);
    expect(plan.json<UpgradePlan>().verification).toMatchObject({ status: 'unsigned', signer: null });
    const up = cli.run('upgrade', 'p', '--to', '1.0.1', '--yes');
    expect(up.code).toBe(3);
    expect(up.stderr).toContain('nobody signed it');
    expect(at()).toBe(before);
    expect(git(fx.work, 'status', '--porcelain')).toBe('');
  });

  it('refuses a tag signed by a key that is not allowed, naming its fingerprint', () => {
    const { fx, cli, mallory, at } = signedProject();
    const before = at();
    publish(fx.remote, 'v1.0.1', mallory);
    const up = cli.run('upgrade', 'p', '--to', '1.0.1', '--yes', '--json');
    expect(up.code).toBe(3);
    const err = up.json<{ error: { message: string } }>().error.message;
    expect(err).toContain(fingerprint(mallory));
    expect(err).toContain('not an allowed signer');
    expect(at()).toBe(before);
  });
});

describe('trust on first use (tag → commit)', () => {
  it('flags a re-pointed tag in check and plan, refuses it, and upgrades once `upshift trust` accepts it', () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'app.txt': 'v0\n' }, releases: [{ version: '1.0.0' }, { version: '1.0.1', files: { 'app.txt': 'one\n' } }], checkout: 'v1.0.0' });
    // A log-file channel: the check tells the channels about a moved tag once (the CLI loads them only then).
    const notified = path.join(makeTempDir('upshift-notify-'), 'notify.jsonl');
    const told = () => (existsSync(notified) ? readFileSync(notified, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; project: string; tag?: string }) : []);
    const cli = new CliHarness({ UPSHIFT_NOTIFY_URLS: `file://${notified}` });
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    const first = cli.run('check', 'p', '--json').json<CheckResult>();
    expect(first.projects[0]!.tagMoves).toBeUndefined();
    expect(told()).toEqual([]);
    const was = fx.sha('v1.0.1');
    // The remote's v1.0.1 is force-moved to another commit.
    git(fx.remote, 'tag', '-d', 'v1.0.1');
    const moved = publish(fx.remote, 'v1.0.1', null, 'evil\n');
    const check = cli.run('check', 'p', '--json');
    expect(check.code).toBe(0);
    const c = check.json<CheckResult>().projects[0]!;
    expect(c.tagMoves).toEqual([expect.objectContaining({ tag: 'v1.0.1', was, now: moved, fresh: true })]);
    expect(told()).toEqual([expect.objectContaining({ type: 'tag_moved', project: 'p' })]);
    expect(c.offered).toBeNull();
    expect(cli.run('check', 'p').stdout).toContain('TAG MOVED: v1.0.1');
    // Seen again: still flagged, no longer fresh (notified once).
    expect(cli.run('check', 'p', '--json').json<CheckResult>().projects[0]!.tagMoves![0]!.fresh).toBe(false);
    expect(told()).toHaveLength(1);
    const plan = cli.run('plan', 'p', '--to', '1.0.1', '--json');
    expect(plan.code).toBe(3);
    expect(plan.json<UpgradePlan>().blockers.join(' ')).toContain('TAG MOVED: v1.0.1');
    const up = cli.run('upgrade', 'p', '--to', '1.0.1', '--yes');
    expect(up.code).toBe(3);
    expect(git(fx.work, 'describe', '--tags')).toBe('v1.0.0');
    const trust = cli.run('trust', 'p', 'v1.0.1', '--json');
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.json()).toMatchObject({ tag: 'v1.0.1', accepted: { sha: moved, previousSha: was } });
    expect(trust.json<{ accepted: { by: string; at: string } }>().accepted.by).toBeTruthy();
    expect(cli.run('check', 'p', '--json').json<CheckResult>().projects[0]!.tagMoves).toBeUndefined();
    expect(cli.run('trust', 'p', 'v1.0.1').code).toBe(4);
    const after = cli.run('upgrade', 'p', '--to', '1.0.1', '--yes');
    expect(after.code, after.stderr).toBe(0);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(moved);
  });
});

describe('support windows', () => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  it('flags the current version becoming EOL within 30 days, skips an EOL target unless asked for, lists them in supported', () => {
    const manifest = `support:\n  eol:\n    "1.0.x": "${day(10)}"\n    "1.1.x": "${day(-1)}"\n    "1.2.x": "${day(400)}"\n`;
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': manifest, 'app.txt': 'v0\n' },
      releases: ['1.0.0', '1.1.0', '1.2.0'].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    const c = cli.run('check', 'p', '--json').json<CheckResult>().projects[0]!;
    expect(c.support).toMatchObject({ version: '1.0.0', eol: false, soon: true, daysLeft: 10, eolDate: day(10) });
    const eolCandidate = c.candidates!.find((r) => r.version === '1.1.0')!;
    expect(eolCandidate.blocked).toBe(true);
    expect(eolCandidate.reason).toContain('END OF LIFE');
    expect(cli.run('check', 'p').stdout).toContain('[EOL soon]');
    // The default target is 1.2.0 (minor, review); 1.1.0 is EOL: blocked unless asked for.
    const asked = cli.run('plan', 'p', '--to', '1.1.0', '--json');
    expect(asked.code, asked.stderr).toBe(0);
    const p = asked.json<UpgradePlan>();
    expect(p.blocked).toBe(false);
    expect(p.support!.target).toMatchObject({ eol: true });
    expect(p.warnings!.join(' ')).toContain('installed only because you asked for it');
    const sup = cli.run('supported', 'p', '--json');
    expect(sup.code).toBe(0);
    const lines = sup.json<{ projects: Array<{ lines: Array<{ line: string; status: { eol: boolean } }> }> }>().projects[0]!.lines;
    expect(lines.map((l) => [l.line, l.status.eol])).toEqual([
      ['1.2.x', false],
      ['1.1.x', true],
      ['1.0.x', false],
    ]);
  });
});

describe('upshift doctor', () => {
  it('is healthy with a valid project and signers, and fails (exit 1) on a broken setup, saying what to fix', () => {
    const { fx, cli, allowed } = signedProject();
    const ok = cli.run('doctor', '--json');
    const doc = ok.json<{ ok: boolean; checks: Array<{ area: string; level: string; message: string; fix: string | null }> }>();
    expect(ok.code, JSON.stringify(doc.checks.filter((x) => x.level === 'fail'))).toBe(0);
    expect(doc.checks.find((x) => x.area === 'git')!.level).toBe('ok');
    expect(doc.checks.find((x) => x.area === 'signers p')).toMatchObject({ level: 'ok' });
    expect(doc.checks.find((x) => x.message.startsWith('database quick_check'))!.level).toBe('ok');
    expect(JSON.stringify(doc)).not.toMatch(/gh[pousr]_[A-Za-z0-9]{20,}/);
    writeFileSync(allowed, 'alice@example.com not-a-key\n');
    git(fx.work, 'remote', 'remove', 'origin');
    const bad = cli.run('doctor');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL signers p\s+.*no key type/);
    expect(bad.stdout).toMatch(/WARN project p\s+.*no remote "origin"/);
    rmSync(fx.work, { recursive: true, force: true });
    expect(cli.run('doctor').stdout).toMatch(/FAIL project p\s+.*does not exist/);
  });
});
