/**
 * The app's GitHub token in the OS keychain, through Electron's safeStorage (macOS Keychain, Windows DPAPI,
 * libsecret or KWallet on Linux). Only the ciphertext is written, to one file under the Upshift home (mode 0600,
 * replaced atomically); the key stays in the keychain. Where safeStorage would only obfuscate — encryption not
 * available, or Linux's `basic_text` backend with its hard-coded key — nothing is stored and the reason is given.
 * Written against a minimal safeStorage shape so tests run it under plain Node; main.ts passes the real one.
 * https://www.electronjs.org/docs/latest/api/safe-storage
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretStore } from '../core/source/github/secret-store.js';
import { tokenProblem } from '../core/source/github/secret-store.js';

/**
 * The part of Electron's safeStorage this module uses. The asynchronous calls (Electron 38+) are preferred when
 * present: the synchronous ones are deprecated and can block the main process while the OS asks for keychain access.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  encryptStringAsync?(plainText: string): Promise<Buffer>;
  decryptStringAsync?(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export interface KeychainStoreOptions {
  safeStorage: SafeStorageLike;
  /** The ciphertext file, e.g. `<UPSHIFT_HOME>/github-token.enc`. */
  file: string;
  platform?: NodeJS.Platform;
  /** Told when a stored token cannot be read back (never the token). */
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export const TOKEN_FILE = 'github-token.enc';

/** A SecretStore over safeStorage; the decrypted token is kept in memory after the first read. */
export function createKeychainStore(opts: KeychainStoreOptions): SecretStore {
  const platform = opts.platform ?? process.platform;
  let cache: { token: string | null } | null = null;
  const ss = opts.safeStorage;
  const encrypt = async (text: string): Promise<Buffer> => (ss.encryptStringAsync ? ss.encryptStringAsync(text) : ss.encryptString(text));
  const decrypt = async (data: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> =>
    ss.decryptStringAsync ? ss.decryptStringAsync(data) : { shouldReEncrypt: false, result: ss.decryptString(data) };

  const unavailableReason = (): string | null => {
    let available = false;
    try {
      // Deprecated in favour of isAsyncEncryptionAvailable, but SecretStore.available() is synchronous.
      available = ss.isEncryptionAvailable();
    } catch {
      available = false;
    }
    if (!available) return 'the system keychain cannot encrypt it (no keychain or secret service is available to this app), so the token would not be protected';
    if (platform === 'linux' && ss.getSelectedStorageBackend?.() === 'basic_text') {
      return 'no secret service (GNOME Keyring / libsecret or KWallet) was found, and without one the token would be encrypted with a key anyone can read';
    }
    return null;
  };

  return {
    available: () => unavailableReason() === null,
    unavailableReason,

    async get() {
      if (cache) return cache.token;
      let encrypted: Buffer;
      try {
        encrypted = readFileSync(opts.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') opts.log?.('could not read the saved GitHub token', { file: opts.file, code: (err as NodeJS.ErrnoException).code });
        return null; // Not cached: a file that appears later (another write) is read then.
      }
      let decrypted: { shouldReEncrypt: boolean; result: string };
      try {
        decrypted = await decrypt(encrypted);
      } catch {
        // The keychain entry changed (another user, a reinstalled OS keyring): the ciphertext is useless now.
        opts.log?.('the saved GitHub token cannot be decrypted any more; save it again', { file: opts.file });
        return null;
      }
      const token = tokenProblem(decrypted.result) === null ? decrypted.result : null;
      cache = { token };
      if (token !== null && decrypted.shouldReEncrypt) {
        // The keychain rotated its key: keep the ciphertext under the new one (best effort: the old one still reads).
        try {
          writeAtomically(opts.file, await encrypt(token));
        } catch {
          opts.log?.('could not re-encrypt the saved GitHub token under the new keychain key', { file: opts.file });
        }
      }
      return token;
    },

    async set(token) {
      const problem = tokenProblem(token);
      if (problem) throw new Error(problem);
      const why = unavailableReason();
      if (why) throw new Error(why);
      writeAtomically(opts.file, await encrypt(token));
      cache = { token };
    },

    async clear() {
      rmSync(opts.file, { force: true });
      cache = { token: null };
    },
  };
}

/** Writes `data` to a new 0600 file beside `file`, flushes it, and renames it over `file` (never a partial file). */
function writeAtomically(file: string, data: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  // 'wx': a new file, created with mode 0600 from the start (no window where it is readable by others).
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
