/**
 * Where the Upshift app keeps a GitHub token the user typed in: a port, so the engine never imports 'electron'.
 * The app implements it with Electron's safeStorage (the OS keychain: macOS Keychain, Windows DPAPI, libsecret or
 * KWallet on Linux); the CLI and browser mode have none, and ask the environment and `gh` only.
 */
export interface SecretStore {
  /** True when a token set now would be protected by the OS (encryption available, not a plain-text fallback). */
  available(): boolean;
  /** Why `available()` is false, in words for the user; null when it is available. */
  unavailableReason(): string | null;
  /** The stored token, or null (none stored, or it cannot be decrypted any more). Never throws. */
  get(): Promise<string | null>;
  /** Stores the token; rejects (without the token in the message) when it cannot be protected. */
  set(token: string): Promise<void>;
  /** Forgets the stored token; no error when there is none. */
  clear(): Promise<void>;
}

/** Longest token accepted; GitHub's own tokens are well under 100 characters. */
export const MAX_TOKEN_LENGTH = 255;

/** Printable ASCII without spaces: every GitHub token format (classic, fine-grained, app, OAuth) fits. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/**
 * Why `token` is not something to store as a GitHub token, or null when it is acceptable. The answer never
 * quotes the token.
 */
export function tokenProblem(token: string): string | null {
  if (token.length === 0) return 'the token is empty';
  if (token.length > MAX_TOKEN_LENGTH) return `the token is longer than ${MAX_TOKEN_LENGTH} characters`;
  if (!TOKEN_CHARS.test(token)) return 'the token contains spaces, control or non-ASCII characters (paste only the token)';
  return null;
}
