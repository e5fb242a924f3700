/**
 * Issue 10 §4, §5 in Chromium against `upshift serve`: the Updates view flags the running version's end of life (from
 * its release metadata) and a release tag that moved since first seen, whose "Trust …" button, after a confirmation
 * naming the new commit, accepts it through the contract (acceptTag) — the CLI's record says so; the plan shows who
 * signed the target tag (verify: ssh). Selectors are roles and accessible names; waits are on visible state.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CliHarness } from '../test/helpers/cli.js';
import { createRemoteWithReleases, git, makeTempDir } from '../test/helpers/repos.js';
import { chromiumAvailable, screenshot, useDashboard } from './support.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Publishes `tag` on `remote` from a scratch clone (moved with --force when it exists), optionally SSH-signed. */
function publish(remote: string, tag: string, opts: { signer?: string; force?: boolean } = {}): string {
  const dir = makeTempDir('upshift-pub-');
  git(dir, 'clone', '-q', '--branch', 'main', remote, 'c');
  const c = path.join(dir, 'c');
  writeFileSync(path.join(c, 'app.txt'), `${tag} (published ${opts.force ? 'again' : 'once'})\n`);
  git(c, 'commit', '-qam', `Release ${tag}`);
  if (opts.signer) git(c, '-c', 'gpg.format=ssh', '-c', `user.signingkey=${opts.signer}`, 'tag', '-s', '-m', `Release ${tag}`, tag);
  else git(c, 'tag', ...(opts.force ? ['-f'] : []), tag);
  git(c, 'push', '-q', ...(opts.force ? ['--force'] : []), 'origin', 'main', tag);
  return git(c, 'rev-parse', 'HEAD');
}

const suite = chromiumAvailable ? describe : describe.skip;

suite('release trust and end of life in the dashboard (browser mode)', () => {
  const dashboard = useDashboard();

  async function start(cli: CliHarness): Promise<Page> {
    return (await dashboard.start({ GITHUB_TOKEN: '', GH_TOKEN: '' }, cli.home)).page;
  }

  it('Updates: an EOL badge for the running version and a moved tag, trusted with the Trust button after a confirmation', async () => {
    // 1.0.0 says of itself that it reaches end of life in 12 days; 1.1.0 is then re-pointed on the remote.
    const core = createRemoteWithReleases({
      initialFiles: { 'app.txt': 'v0\n' },
      releases: [
        { version: '1.0.0', files: { 'release_metadata.json': JSON.stringify({ version: '1.0.0', eol_date: day(12), replacement: '1.1.x' }) } },
        { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      ],
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
    expect(cli.run('check', 'core').code).toBe(0);
    const was = core.sha('v1.1.0');
    const moved = publish(core.remote, 'v1.1.0', { force: true });

    const page = await start(cli);
    await page.getByRole('button', { name: 'Check now' }).click();
    const row = page.getByRole('row', { name: 'core', exact: true });
    const flag = row.getByRole('group', { name: 'Tag v1.1.0 of core moved' });
    await flag.waitFor();
    await flag.getByText(`${was.slice(0, 7)}`).waitFor();
    await flag.getByText(`${moved.slice(0, 7)}`).waitFor();
    await row.getByText('End of life in 12 days').waitFor();
    await row.getByText(new RegExp(`1\\.0\\.0 reaches end of life on ${day(12)}.*its replacement is 1\\.1\\.x`)).waitFor();
    await screenshot(page, 'trust-updates-moved-eol');

    // Cancel changes nothing; Trust after the confirmation records it, and the flag goes.
    await flag.getByRole('button', { name: 'Trust v1.1.0…' }).click();
    await flag.getByRole('button', { name: 'Cancel' }).click();
    await flag.getByRole('button', { name: 'Trust v1.1.0…' }).click();
    await flag.getByText(/Check that commit first/).waitFor();
    await flag.getByRole('button', { name: `Trust v1.1.0 at ${moved.slice(0, 7)}` }).click();
    await page.getByText('Trusted core v1.1.0').waitFor();
    await flag.waitFor({ state: 'detached' });
    const listed = cli.run('trust', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json<{ moved: unknown[] }>().moved).toEqual([]);
    // The EOL badge stays: the running version is still about to reach its end of life.
    await row.getByText('End of life in 12 days').waitFor();
  });

  it('Plan: who signed the target tag, and the running version’s end of life', async () => {
    const keys = makeTempDir('upshift-keys-');
    const alice = path.join(keys, 'alice');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', alice]);
    const allowed = path.join(keys, 'allowed_signers');
    writeFileSync(allowed, `alice@example.com ${readFileSync(`${alice}.pub`, 'utf8')}`);
    const core = createRemoteWithReleases({
      initialFiles: {
        'upshift.yml': `verify:\n  ssh:\n    allowedSigners: ${allowed}\nsupport:\n  eol:\n    "1.0.x": "${day(5)}"\n`,
        'app.txt': 'v0\n',
      },
      releases: [{ version: '1.0.0', files: { 'app.txt': '1.0.0\n' } }],
      checkout: 'v1.0.0',
    });
    publish(core.remote, 'v1.0.1', { signer: alice });
    const cli = new CliHarness();
    expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);

    const page = await start(cli);
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByRole('row', { name: 'core', exact: true }).getByRole('button', { name: 'Upgrade' }).click();
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    const trust = page.getByRole('group', { name: 'Release trust' });
    await trust.getByText('Signed by alice@example.com', { exact: true }).waitFor();
    await trust.getByText(/tag v1\.0\.1 is signed by alice@example\.com \(ED25519 SHA256:/).waitFor();
    await trust.getByText('Current 1.0.0: End of life in 5 days').waitFor();
    await screenshot(page, 'trust-plan-signature');
  });
});
