import { runGit } from '../git/core.js';
import { resolveToken } from '../source/github/token.js';

/** A user name and password (or token) for HTTP Basic authentication. Never logged. */
export interface Credential {
  username: string;
  password: string;
  /** Where it came from: git's credential helpers (told whether it worked) or Upshift's GitHub token chain. */
  from: 'git' | 'token';
}

/**
 * Credentials for smart-HTTP discovery, asked only after a server answered 401, and once per host per run (as git
 * asks once per host with credential.useHttpPath off, its default): first git's own helpers (`git credential fill`,
 * which never prompts: GIT_TERMINAL_PROMPT=0 and no askpass), then, for github.com, the token the GitHub source
 * uses (GITHUB_TOKEN, GH_TOKEN, `gh auth token`).
 */
export class CredentialCache {
  private readonly byHost = new Map<string, Promise<Credential | null>>();
  private readonly approved = new Set<string>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(url: URL, cwd: string): Promise<Credential | null> {
    const key = `${url.protocol}//${url.host}`;
    let p = this.byHost.get(key);
    if (!p) {
      p = this.ask(url, cwd);
      this.byHost.set(key, p);
    }
    return p;
  }

  private async ask(url: URL, cwd: string): Promise<Credential | null> {
    const fromGit = await fill(url, cwd);
    if (fromGit) return fromGit;
    if (url.hostname === 'github.com') {
      const token = await resolveToken(this.env).catch(() => null);
      if (token) return { username: 'x-access-token', password: token.token, from: 'token' };
    }
    return null;
  }

  /**
   * Tells git's helpers how the credential fared (`approve` stores it, `reject` erases it), as git itself does. A
   * refused credential is forgotten here too, so a long-lived process asks again at its next check.
   */
  async report(url: URL, cwd: string, cred: Credential, ok: boolean): Promise<void> {
    const key = `${url.protocol}//${url.host}`;
    if (!ok) {
      this.byHost.delete(key);
      this.approved.delete(key);
    }
    if (cred.from !== 'git') return;
    // Approved once per host, not once per remote on it.
    if (ok) {
      if (this.approved.has(key)) return;
      this.approved.add(key);
    }
    await runGit(['credential', ok ? 'approve' : 'reject'], { cwd, stdin: describe(url, cred), timeoutMs: 10_000 }).catch(() => undefined);
  }
}

function describe(url: URL, cred?: Credential): string {
  const lines = [`protocol=${url.protocol.slice(0, -1)}`, `host=${url.host}`];
  const user = cred?.username ?? (url.username ? decodeURIComponent(url.username) : '');
  if (user) lines.push(`username=${user}`);
  if (cred) lines.push(`password=${cred.password}`);
  return `${lines.join('\n')}\n\n`;
}

async function fill(url: URL, cwd: string): Promise<Credential | null> {
  try {
    const r = await runGit(['credential', 'fill'], { cwd, stdin: describe(url), timeoutMs: 30_000 });
    const fields = new Map<string, string>();
    for (const line of r.stdout.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
    }
    const username = fields.get('username');
    const password = fields.get('password');
    return username !== undefined && password !== undefined ? { username, password, from: 'git' } : null;
  } catch {
    // No helper and no prompt allowed: git exits 128 ("terminal prompts disabled").
    return null;
  }
}
