import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeTempDir } from '../../test/helpers/repos.js';
import { createKeychainStore, TOKEN_FILE, type SafeStorageLike } from './keychain-store.js';

afterAll(() => cleanupTempDirs());

const TOKEN = 'ghp_keychainTEST0123456789abcdefABCDEF';

/** Reversible but not the identity (XOR with a key, so neither the token nor its base64 reaches the disk). */
function fakeSafeStorage(opts: { available?: boolean; backend?: string; async?: boolean } = {}): SafeStorageLike & { calls: string[] } {
  const calls: string[] = [];
  const xor = (b: Buffer) => Buffer.from(b.map((x, i) => x ^ (0x5a + (i % 7))));
  const ss: SafeStorageLike & { calls: string[] } = {
    calls,
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString: (text) => {
      calls.push('encrypt');
      if (!(opts.available ?? true)) throw new Error('Encryption is not available.');
      return Buffer.concat([Buffer.from('v10'), xor(Buffer.from(text, 'utf8'))]);
    },
    decryptString: (data) => {
      calls.push('decrypt');
      if (!data.subarray(0, 3).equals(Buffer.from('v10'))) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return xor(data.subarray(3)).toString('utf8');
    },
  };
  if (opts.async) {
    ss.encryptStringAsync = async (text) => (calls.push('encryptAsync'), Buffer.concat([Buffer.from('v10'), xor(Buffer.from(text, 'utf8'))]));
    ss.decryptStringAsync = async (data) => (calls.push('decryptAsync'), { shouldReEncrypt: false, result: xor(data.subarray(3)).toString('utf8') });
  }
  return ss;
}

function everyFileUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('keychain store (safeStorage)', () => {
  it('writes only ciphertext, mode 0600, and reads the token back', async () => {
    const home = makeTempDir('upshift-keychain-');
    const file = join(home, TOKEN_FILE);
    const store = createKeychainStore({ safeStorage: fakeSafeStorage(), file, platform: 'linux' });
    expect(store.available()).toBe(true);
    expect(await store.get()).toBeNull();
    await store.set(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // No plaintext (nor its base64) anywhere under the home, and no temporary file left behind.
    expect(everyFileUnder(home)).toEqual([file]);
    const onDisk = readFileSync(file);
    expect(onDisk.includes(TOKEN)).toBe(false);
    expect(onDisk.toString('latin1')).not.toContain(Buffer.from(TOKEN).toString('base64'));
    expect(await store.get()).toBe(TOKEN);
    // A new store (the next start of the app) decrypts the file.
    expect(await createKeychainStore({ safeStorage: fakeSafeStorage(), file, platform: 'linux' }).get()).toBe(TOKEN);
    await store.clear();
    expect(existsSync(file)).toBe(false);
    expect(await store.get()).toBeNull();
    await store.clear(); // nothing to remove: no error
  });

  it('replaces the file atomically: a second token overwrites the first, still 0600', async () => {
    const home = makeTempDir('upshift-keychain-');
    const file = join(home, 'nested', TOKEN_FILE);
    const store = createKeychainStore({ safeStorage: fakeSafeStorage(), file, platform: 'darwin' });
    await store.set('ghp_first');
    await store.set(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(home, 'nested'))).toEqual([TOKEN_FILE]);
    expect(await createKeychainStore({ safeStorage: fakeSafeStorage(), file, platform: 'darwin' }).get()).toBe(TOKEN);
  });

  it('refuses to store when encryption is unavailable, and says why', async () => {
    const file = join(makeTempDir('upshift-keychain-'), TOKEN_FILE);
    const ss = fakeSafeStorage({ available: false });
    const store = createKeychainStore({ safeStorage: ss, file, platform: 'darwin' });
    expect(store.available()).toBe(false);
    expect(store.unavailableReason()).toMatch(/cannot encrypt .* would not be protected/);
    const err = await store.set(TOKEN).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/would not be protected/);
    expect(err?.message).not.toContain(TOKEN);
    expect(ss.calls).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it("refuses Linux's basic_text backend (a hard-coded key), but not elsewhere", async () => {
    const file = join(makeTempDir('upshift-keychain-'), TOKEN_FILE);
    const linux = createKeychainStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file, platform: 'linux' });
    expect(linux.available()).toBe(false);
    expect(linux.unavailableReason()).toMatch(/GNOME Keyring \/ libsecret or KWallet/);
    await expect(linux.set(TOKEN)).rejects.toThrow(/key anyone can read/);
    expect(existsSync(file)).toBe(false);
    // On macOS and Windows getSelectedStorageBackend is meaningless; the OS store is always real.
    expect(createKeychainStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file, platform: 'win32' }).available()).toBe(true);
  });

  it('validates the token before encrypting it', async () => {
    const file = join(makeTempDir('upshift-keychain-'), TOKEN_FILE);
    const store = createKeychainStore({ safeStorage: fakeSafeStorage(), file });
    await expect(store.set('ghp_two words')).rejects.toThrow(/spaces/);
    await expect(store.set('')).rejects.toThrow(/empty/);
    expect(existsSync(file)).toBe(false);
  });

  it('a file it cannot decrypt reads as no token (and is logged without the token)', async () => {
    const file = join(makeTempDir('upshift-keychain-'), TOKEN_FILE);
    writeFileSync(file, 'garbage', { mode: 0o600 });
    const lines: string[] = [];
    const store = createKeychainStore({ safeStorage: fakeSafeStorage(), file, log: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`) });
    expect(await store.get()).toBeNull();
    expect(lines.join('\n')).toMatch(/cannot be decrypted any more/);
  });

  it('uses the asynchronous safeStorage calls when Electron has them', async () => {
    const file = join(makeTempDir('upshift-keychain-'), TOKEN_FILE);
    const ss = fakeSafeStorage({ async: true });
    const store = createKeychainStore({ safeStorage: ss, file, platform: 'linux' });
    await store.set(TOKEN);
    expect(await createKeychainStore({ safeStorage: ss, file, platform: 'linux' }).get()).toBe(TOKEN);
    expect(ss.calls).toEqual(['encryptAsync', 'decryptAsync']);
  });
});
