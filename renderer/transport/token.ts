/**
 * Browser mode: `upshift serve` prints `http://127.0.0.1:PORT/#token=…`. The token is read once, kept in
 * sessionStorage (so a reload of this tab keeps working) and removed from the address bar, so it does not end up
 * in bookmarks, screenshots or the history list.
 */
export interface SplitHash {
  token: string | null;
  /** The hash without the token, '' when nothing is left. */
  hash: string;
}

/** Accepts `#token=T`, `#token=T&/plan/core` and `#/plan/core?token=T` (and `&token=T`). */
export function splitTokenFromHash(hash: string): SplitHash {
  const raw = hash.replace(/^#/, '');
  if (raw.startsWith('token=')) {
    const amp = raw.indexOf('&');
    const value = amp === -1 ? raw.slice(6) : raw.slice(6, amp);
    const rest = amp === -1 ? '' : raw.slice(amp + 1);
    return { token: decode(value) || null, hash: rest ? `#${rest}` : '' };
  }
  const q = raw.indexOf('?');
  if (q !== -1) {
    const params = new URLSearchParams(raw.slice(q + 1));
    const token = params.get('token');
    if (token) {
      params.delete('token');
      const query = params.toString();
      return { token, hash: `#${raw.slice(0, q)}${query ? `?${query}` : ''}` };
    }
  }
  return { token: null, hash: hash.startsWith('#') || hash === '' ? hash : `#${hash}` };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const STORAGE_KEY = 'upshift.token';

/** Reads the token from the address bar (then strips it) or from this tab's session storage. */
export function takeToken(): string | null {
  const { token, hash } = splitTokenFromHash(location.hash);
  if (token) {
    try {
      sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // Storage disabled: the token still works until the tab is reloaded.
    }
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash || '#/updates'}`);
    return token;
  }
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
