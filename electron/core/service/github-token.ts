/**
 * The GitHub token as the dashboard manages it: where the token in use comes from, and saving or removing the one
 * the app keeps in the OS keychain. No answer and no error ever carries a token.
 */
import type { GithubTokenStatus } from '../../../shared/api/contract.js';
import type { SecretStore } from '../source/github/secret-store.js';
import { redact, resolveToken } from '../source/github/token.js';
import { serviceError } from './errors.js';

const NO_STORE =
  'Only the Upshift desktop app can keep a GitHub token, in the system keychain. Here, set GITHUB_TOKEN (or GH_TOKEN), or run `gh auth login`, before starting Upshift.';

export class GithubTokenSettings {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly store: SecretStore | null,
  ) {}

  async status(): Promise<GithubTokenStatus> {
    const resolved = await resolveToken(this.env, this.store);
    const canStore = this.store?.available() ?? false;
    const stored = this.store ? (await this.store.get().catch(() => null)) !== null : false;
    return {
      source: resolved?.source ?? null,
      keychainAvailable: this.store !== null,
      canStore,
      stored,
      reason: this.store === null ? NO_STORE : canStore ? null : sentence(`Upshift will not save a token here: ${this.whyNot(this.store)}`),
    };
  }

  /** Saves `token` (already validated by the contract) in the keychain; KEYCHAIN_UNAVAILABLE when it cannot be protected. */
  async set(token: string): Promise<GithubTokenStatus> {
    const store = this.requireStore();
    try {
      await store.set(token);
    } catch (err) {
      const why = redact(err instanceof Error ? err.message : String(err), token);
      throw serviceError('KEYCHAIN_FAILED', `The token could not be saved in the system keychain: ${why}. Nothing was saved.`);
    }
    return this.status();
  }

  async clear(): Promise<GithubTokenStatus> {
    if (!this.store) throw serviceError('KEYCHAIN_UNAVAILABLE', `${NO_STORE} Nothing was changed.`);
    await this.store.clear();
    return this.status();
  }

  private requireStore(): SecretStore {
    if (!this.store) throw serviceError('KEYCHAIN_UNAVAILABLE', `${NO_STORE} Nothing was saved.`);
    if (!this.store.available()) {
      throw serviceError('KEYCHAIN_UNAVAILABLE', `Upshift will not save the token: ${this.whyNot(this.store)}. Nothing was saved; set GITHUB_TOKEN or run \`gh auth login\` instead.`);
    }
    return this.store;
  }

  private whyNot(store: SecretStore): string {
    return store.unavailableReason() ?? 'the system keychain is not available';
  }
}

function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}
