/**
 * "GitHub token" in Projects & settings: where the token in use comes from, and a token to keep in the system
 * keychain (the desktop app only). The token is sent once, when saved, and never shown or read back.
 */
import { useEffect, useId, useState } from 'react';
import type { GithubTokenStatus } from '../../shared/api/contract.js';
import { useActions, useApp } from '../store/context.js';

/** What the contract would refuse, said before sending (the engine validates again). */
export function githubTokenProblem(token: string): string | null {
  if (token.length === 0) return 'Paste a token first.';
  if (token.length > 255) return 'A GitHub token is at most 255 characters.';
  if (!/^[\x21-\x7e]+$/.test(token)) return 'A GitHub token has no spaces, line breaks or accented characters: paste only the token.';
  return null;
}

/** One sentence: which token Upshift uses now. */
export function githubTokenSourceText(status: GithubTokenStatus): string {
  switch (status.source) {
    case 'env':
      return `In use: GITHUB_TOKEN or GH_TOKEN from the environment Upshift was started in.${status.stored ? ' The token saved here is kept, but not used while that is set.' : ''}`;
    case 'gh':
      return `In use: the GitHub CLI's login (gh auth token).${status.stored ? ' The token saved here is kept, but not used while gh is logged in.' : ''}`;
    case 'keychain':
      return 'In use: the token saved here, encrypted by the system keychain.';
    default:
      return 'No token: GitHub allows 60 requests an hour without one, and no private repositories.';
  }
}

export function GitHubTokenSettings() {
  const { status, error } = useApp((s) => s.githubToken);
  const { loadGithubToken, saveGithubToken, removeGithubToken } = useActions();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const reasonId = useId();
  const problemId = useId();

  useEffect(() => {
    void loadGithubToken();
  }, [loadGithubToken]);

  const canStore = status?.canStore === true;
  const described = [!canStore && status?.reason ? reasonId : null, problem ? problemId : null].filter(Boolean).join(' ') || undefined;

  const save = async () => {
    const p = githubTokenProblem(token);
    setProblem(p);
    if (p) return;
    setBusy(true);
    if (await saveGithubToken(token)) setToken('');
    setBusy(false);
  };

  return (
    <section className="panel" aria-labelledby="settings-github-token">
      <h2 id="settings-github-token">GitHub token</h2>
      <p className="muted small">
        For projects whose releases come from GitHub: a token raises the API limit to 5,000 requests an hour and lets Upshift read private
        repositories. Upshift asks GITHUB_TOKEN, GH_TOKEN and the GitHub CLI first.
      </p>
      <p role="status">{status ? githubTokenSourceText(status) : error ? `Could not tell where the token comes from: ${error.message}` : 'Looking for a token…'}</p>
      <form
        className="field"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={fieldId}>Token to keep in the system keychain</label>
        <div className="field-row">
          <input
            id={fieldId}
            type="password"
            autoComplete="off"
            spellCheck={false}
            maxLength={255}
            value={token}
            disabled={!canStore || busy}
            onChange={(e) => {
              setToken(e.target.value);
              if (problem) setProblem(null);
            }}
            aria-invalid={problem !== null}
            aria-describedby={described}
          />
          <button type="submit" className="button button-primary" disabled={!canStore || busy || token === ''} aria-describedby={described}>
            Save
          </button>
          <button
            type="button"
            className="button"
            disabled={!status?.keychainAvailable || !status.stored || busy}
            onClick={async () => {
              setBusy(true);
              await removeGithubToken();
              setBusy(false);
            }}
          >
            Remove
          </button>
        </div>
        {problem && (
          <p id={problemId} className="invalid">
            {problem}
          </p>
        )}
        {!canStore && status?.reason && (
          <p id={reasonId} className="muted small">
            {status.reason}
          </p>
        )}
      </form>
    </section>
  );
}
