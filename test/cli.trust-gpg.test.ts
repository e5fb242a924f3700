// Issue 10 §5 with OpenPGP, end to end through the real CLI: keys made in the test (gpg --quick-gen-key, no passphrase,
// each in its own GNUPGHOME under a temp dir), tags signed with them, and `verify: gpg: keyring:` holding only the
// allowed key. A tag signed by it is installed; an unsigned tag and one signed by another key are refused with exit 3,
// nothing changed, the refusal naming who signed it (the key's fingerprint) or that nobody did.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir, testGitEnv } from './helpers/repos.js';

const hasGpg = spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasGpg) console.log('test/cli.trust-gpg.test.ts skipped: gpg is not installed here (.ci/run installs gnupg).');

interface Key {
  home: string;
  fpr: string;
}

const homes: string[] = [];

function makeKey(root: string, uid: string): Key {
  const home = path.join(root, uid.replace(/\W+/g, '-'));
  mkdirSync(home, { recursive: true });
  chmodSync(home, 0o700);
  homes.push(home);
  execFileSync('gpg', ['--batch', '--homedir', home, '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'], { stdio: 'ignore' });
  const colons = execFileSync('gpg', ['--batch', '--homedir', home, '--with-colons', '--list-keys'], { encoding: 'utf8' });
  return { home, fpr: /^fpr:+([0-9A-F]+):/m.exec(colons)![1]! };
}

/** Publishes `tag` on the remote from a scratch clone: signed by `key` (an OpenPGP key) or unsigned (annotated). */
function publish(remote: string, tag: string, key: Key | null): string {
  const pub = makeTempDir('upshift-pub-');
  git(pub, 'clone', '-q', '--branch', 'main', remote, 'c');
  const c = path.join(pub, 'c');
  writeFileSync(path.join(c, 'app.txt'), `${tag}\n`);
  git(c, 'commit', '-qam', `Release ${tag}`);
  const args = key ? ['-c', `user.signingkey=${key.fpr}`, 'tag', '-s', '-m', `Release ${tag}`, tag] : ['tag', '-a', '-m', `Release ${tag}`, tag];
  execFileSync('git', args, { cwd: c, env: testGitEnv(key ? { GNUPGHOME: key.home } : {}), stdio: 'ignore' });
  git(c, 'push', '-q', 'origin', 'main', tag);
  return git(c, 'rev-parse', 'HEAD');
}

let alice: Key;
let mallory: Key;
let keyring: string;

beforeAll(() => {
  if (!hasGpg) return;
  const root = makeTempDir('upshift-gpg-');
  alice = makeKey(root, 'Alice Release <alice@example.com>');
  mallory = makeKey(root, 'Mallory <mallory@example.com>');
  // The allowed keyring: Alice's public key, exported as users publish it.
  keyring = path.join(root, 'release-keys.asc');
  writeFileSync(keyring, execFileSync('gpg', ['--batch', '--homedir', alice.home, '--armor', '--export', alice.fpr]));
});

afterAll(() => {
  // Each GNUPGHOME started its own gpg-agent: stop them before their directories go.
  for (const home of homes) spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
  cleanupTempDirs();
});

function project() {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': `verify:\n  gpg:\n    keyring: ${keyring}\n`, 'app.txt': 'v0\n' },
    releases: [{ version: '1.0.0', files: { 'app.txt': '1.0.0\n' } }],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
  return { fx, cli, head: () => git(fx.work, 'rev-parse', 'HEAD') };
}

describe.skipIf(!hasGpg)('verified releases (verify: gpg), end to end', () => {
  it('installs a tag signed by a key of the allowed keyring, naming the signer in the plan', () => {
    const { fx, cli, head } = project();
    const sha = publish(fx.remote, 'v1.0.1', alice);
    const plan = cli.run('plan', 'p', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.json<UpgradePlan>().verification).toMatchObject({ status: 'good', method: 'gpg', signer: 'Alice Release <alice@example.com>', key: alice.fpr });
    expect(cli.run('plan', 'p').stdout).toContain('Signature: verified — tag v1.0.1 is signed by Alice Release <alice@example.com>');
    const up = cli.run('upgrade', 'p', '--yes');
    expect(up.code, up.stderr).toBe(0);
    expect(head()).toBe(sha);
  });

  it('refuses an unsigned tag with exit 3, saying nobody signed it; nothing changed', () => {
    const { fx, cli, head } = project();
    const before = head();
    publish(fx.remote, 'v1.0.1', null);
    const plan = cli.run('plan', 'p', '--to', '1.0.1', '--json');
    expect(plan.code).toBe(3);
    expect(plan.json<UpgradePlan>().verification).toMatchObject({ status: 'unsigned', signer: null });
    const up = cli.run('upgrade', 'p', '--to', '1.0.1', '--yes');
    expect(up.code).toBe(3);
    expect(up.stderr).toContain('nobody signed it');
    expect(head()).toBe(before);
    expect(git(fx.work, 'status', '--porcelain')).toBe('');
  });

  it('refuses a tag signed by a key outside the keyring with exit 3, naming that key; the default target skips it', () => {
    const { fx, cli, head } = project();
    const before = head();
    publish(fx.remote, 'v1.0.1', mallory);
    const up = cli.run('upgrade', 'p', '--to', '1.0.1', '--yes', '--json');
    expect(up.code).toBe(3);
    const message = up.json<{ error: { message: string } }>().error.message;
    expect(message).toContain(`signed by OpenPGP key ${mallory.fpr}, which is not in the allowed keyring`);
    expect(head()).toBe(before);
    // Without a target nothing is offered: the only newer release is refused.
    const plan = cli.run('plan', 'p', '--json');
    expect(plan.code).toBe(3);
    expect(plan.json<UpgradePlan>().verification).toMatchObject({ status: 'untrusted', key: mallory.fpr });
    expect(cli.run('plan', 'p').stdout).toContain(`Signature: REFUSED — tag v1.0.1 is signed by OpenPGP key ${mallory.fpr}`);
  });
});
