/**
 * Browser mode: `upshift serve` prints `http://127.0.0.1:PORT/#token=…`. The fragment never reaches the server nor a
 * Referer; the page reads it once and exchanges it for a session cookie (http.ts).
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

/**
 * Reads the token from the address bar and strips it from there (so it is not left in the history list, bookmarks or
 * screenshots). The token is not stored: it is exchanged once for the session cookie (http.ts), which every tab
 * of this browser then shares.
 */
export function takeToken(): string | null {
  forgetStaleCopy();
  const { token, hash } = splitTokenFromHash(location.hash);
  if (!token) return null;
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash || '#/updates'}`);
  return token;
}

/**
 * Earlier versions kept the token per tab; a stale copy must not linger. Once the page is idle, not before its first
 * paint: a page's first use of sessionStorage waits on the browser process (49 ms measured on a loaded machine).
 */
function forgetStaleCopy(): void {
  const forget = () => {
    try {
      sessionStorage.removeItem('upshift.token');
    } catch {
      // Storage disabled: nothing to remove.
    }
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(forget, { timeout: 5000 });
  else setTimeout(forget, 1000);
}
