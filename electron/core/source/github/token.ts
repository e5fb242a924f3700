import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

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
  return () => {
    const direct = env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim();
    if (direct) return Promise.resolve(direct);
    cached ??= ghAuthToken(env);
    return cached;
  };
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
