import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../../test/helpers/fake-github.js';
import { cleanupTempDirs, createRemoteWithReleases } from '../../../test/helpers/repos.js';
import { closeServices, openService, rejection } from '../../../test/helpers/service.js';
import type { SecretStore } from '../source/github/secret-store.js';
import { resetTokenCache } from '../source/github/token.js';

const TOKEN = 'ghp_serviceTEST_0123456789abcdefXYZ';
/** No GITHUB_TOKEN, no GH_TOKEN, no `gh` on PATH: only the keychain store can provide a token. */
const BARE_ENV: NodeJS.ProcessEnv = { PATH: '' };

/** An in-memory store standing in for the app's safeStorage one. */
function memoryStore(opts: { available?: boolean } = {}): SecretStore & { value: string | null } {
  const store = {
    value: null as string | null,
    available: () => opts.available ?? true,
    unavailableReason: () => ((opts.available ?? true) ? null : 'no secret service (GNOME Keyring / libsecret or KWallet) was found'),
    get: async () => store.value,
    set: async (t: string) => void (store.value = t),
    clear: async () => void (store.value = null),
  };
  return store;
}

let gh: FakeGitHub;
beforeEach(async () => {
  resetTokenCache();
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await closeServices();
  await gh.close();
});
afterAll(() => cleanupTempDirs());

describe('GitHub token through the service', () => {
  it('browser mode and the CLI have no keychain: status says so, saving is KEYCHAIN_UNAVAILABLE', async () => {
    const { service } = await openService({ env: BARE_ENV });
    expect(await service.githubTokenStatus({})).toEqual({
      source: null,
      keychainAvailable: false,
      canStore: false,
      stored: false,
      reason: expect.stringMatching(/^Only the Upshift desktop app can keep a GitHub token/),
    });
    const err = await rejection(service.setGithubToken({ token: TOKEN }));
    expect(err).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', retryable: false });
    expect(err.message).toMatch(/Nothing was saved\.$/);
    expect((await rejection(service.clearGithubToken({}))).code).toBe('KEYCHAIN_UNAVAILABLE');
  });

  it('the environment wins over the keychain, and is reported as the source', async () => {
    const store = memoryStore();
    store.value = TOKEN;
    const { service } = await openService({ env: { PATH: '', GITHUB_TOKEN: 'ghp_fromEnv' }, secretStore: store });
    expect(await service.githubTokenStatus({})).toEqual({ source: 'env', keychainAvailable: true, canStore: true, stored: true, reason: null });
  });

  it('refuses to save when the keychain cannot protect the token, saying why', async () => {
    const store = memoryStore({ available: false });
    const { service } = await openService({ env: BARE_ENV, secretStore: store });
    const status = await service.githubTokenStatus({});
    expect(status).toMatchObject({ keychainAvailable: true, canStore: false, reason: expect.stringMatching(/^Upshift will not save a token here: no secret service .*\.$/) });
    const err = await rejection(service.setGithubToken({ token: TOKEN }));
    expect(err.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(err.message).toMatch(/libsecret or KWallet/);
    expect(store.value).toBeNull();
  });

  it('validates the token (1..255 printable characters, no whitespace) without echoing it', async () => {
    const store = memoryStore();
    const { service } = await openService({ env: BARE_ENV, secretStore: store });
    for (const token of ['', 'ghp_two words', 'ghp_tab\there', 'ghp_newline\n', 'x'.repeat(256), 'ghp_ünïcode']) {
      const err = await rejection(service.call('setGithubToken', { token }));
      expect(err, JSON.stringify(token)).toMatchObject({ code: 'BAD_INPUT', details: { field: 'token' } });
      if (token.length > 0) expect(JSON.stringify(err)).not.toContain(token);
    }
    expect((await rejection(service.call('setGithubToken', {}))).code).toBe('BAD_INPUT');
    expect(store.value).toBeNull();
  });

  it('a saved token authenticates GitHub requests, and never appears in a result, event or error', async () => {
    const store = memoryStore();
    const h = await openService({ env: BARE_ENV, secretStore: store });
    const outputs: unknown[] = [];
    h.service.subscribe((e) => outputs.push(e));
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': `source:\n  type: github\n  repo: o/r\n  apiUrl: ${gh.url}\n`, 'app.txt': 'v0\n' },
      releases: [
        { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
        { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      ],
      checkout: 'v1.0.0',
    });
    gh.setReleases('o/r', [{ tag: 'v1.1.0', body: 'notes' }, { tag: 'v1.0.0' }]);

    outputs.push(await h.service.githubTokenStatus({}));
    const saved = await h.service.setGithubToken({ token: TOKEN });
    outputs.push(saved);
    expect(saved).toEqual({ source: 'keychain', keychainAvailable: true, canStore: true, stored: true, reason: null });
    expect(store.value).toBe(TOKEN);

    outputs.push(await h.service.addProject({ path: fx.work, name: 'core' }));
    await h.service.idle();
    const check = await h.service.checkNow({});
    outputs.push(check);
    expect(check.projects[0]).toMatchObject({ error: null, latest: { version: '1.1.0' } });
    expect(gh.authorizations.length).toBeGreaterThan(0);
    expect(gh.authorizations.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
    outputs.push(await h.service.getPlan({ project: 'core' }));
    outputs.push(await h.service.getState({}));
    outputs.push(await h.service.getSettings({}));
    outputs.push(await rejection(h.service.setGithubToken({ token: `${TOKEN} ` })));

    const cleared = await h.service.clearGithubToken({});
    outputs.push(cleared);
    expect(cleared).toMatchObject({ source: null, stored: false });
    expect(JSON.stringify(outputs)).not.toContain(TOKEN);
    expect(JSON.stringify(outputs)).not.toContain(TOKEN.slice(4));

    // Without it, requests go unauthenticated.
    gh.authorizations.length = 0;
    await h.service.checkNow({});
    expect(gh.authorizations.length).toBeGreaterThan(0);
    expect(gh.authorizations.every((a) => a === null)).toBe(true);
  });
});
