import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from './secret-store.js';

/** Where a token can come from, in order. The token itself is never returned in anything printable. */
export type TokenProvider = () => Promise<string | null>;

/** Finds an executable on PATH without a shell; null when absent. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** `gh auth token`, spawned without a shell, only when `gh` is installed; null on any failure. */
function ghAuthToken(env: NodeJS.ProcessEnv): Promise<string | null> {
  const gh = findOnPath('gh', env);
  if (!gh) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(gh, ['auth', 'token'], { env: { ...env, GH_PROMPT_DISABLED: '1', NO_COLOR: '1' }, timeout: 5_000, maxBuffer: 64 * 1024, shell: false, windowsHide: true }, (err, stdout) => {
      const token = String(stdout ?? '').trim();
      resolve(err || !/^[\x21-\x7e]{1,1024}$/.test(token) ? null : token);
    });
  });
}

let cached: Promise<string | null> | null = null;

/**
 * The token for api.github.com: `GITHUB_TOKEN`, else `GH_TOKEN`, else `gh auth token` (asked once per process).
 * Null means unauthenticated requests (60 an hour on github.com).
 */
export function tokenFromEnvironment(env: NodeJS.ProcessEnv = process.env): TokenProvider {
  return tokenChain(env);
}

/** Where the token in use came from: the environment, the GitHub CLI, or the app's keychain store. */
export type TokenSource = 'env' | 'gh' | 'keychain';

/**
 * The token and where it came from, asking in order: `GITHUB_TOKEN`, `GH_TOKEN`, `gh auth token` (asked once per
 * process), then the keychain store when one is given. Explicit configuration wins over what the app remembers,
 * as `gh` itself lets GH_TOKEN win over its stored login. Null: unauthenticated requests.
 */
export async function resolveToken(env: NodeJS.ProcessEnv, store?: SecretStore | null): Promise<{ token: string; source: TokenSource } | null> {
  const direct = env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim();
  if (direct) return { token: direct, source: 'env' };
  cached ??= ghAuthToken(env);
  const fromGh = await cached;
  if (fromGh) return { token: fromGh, source: 'gh' };
  if (!store) return null;
  const stored = await store.get().catch(() => null);
  return stored ? { token: stored, source: 'keychain' } : null;
}

/** The provider chain the engine's GitHub source uses: {@link resolveToken} without the source. */
export function tokenChain(env: NodeJS.ProcessEnv, store?: SecretStore | null): TokenProvider {
  return async () => (await resolveToken(env, store))?.token ?? null;
}

/** For tests: forget the cached `gh auth token` answer. */
export function resetTokenCache(): void {
  cached = null;
}

/** Replaces every occurrence of `secret` (and of its Bearer header form) in `text`. */
export function redact(text: string, secret: string | null): string {
  if (!secret) return text;
  return text.split(secret).join('[redacted]');
}
