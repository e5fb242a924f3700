/**
 * The shell's security decisions as pure functions, unit-tested without Electron: which IPC senders are trusted,
 * which links may leave the app, and the Content-Security-Policy of the app's pages.
 *
 * The renderer is served from a custom `app://upshift/` origin rather than file:// (Electron's security checklist,
 * "Avoid usage of the file:// protocol and prefer usage of custom protocols": a file:// page shares its origin with
 * every file on disk), so a sender is checked by exact origin, and the CSP arrives as a real response header.
 */

/** The app's own origin: `app://upshift`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'upshift';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The CSP of every app:// response. Only our own scripts and styles (no inline code: the renderer's index.html has
 * none and its build refuses any), no plugins, no framing, no <base>, no form posts, no workers. The renderer talks to
 * the engine over IPC, so it needs no network: connect-src is 'self' only for source maps in devtools.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What the main process knows about the sender of an IPC message (from IpcMainInvokeEvent). */
export interface SenderInfo {
  /** `event.sender.id`. */
  webContentsId: number;
  /** `event.senderFrame.url`; null when the frame is gone (navigated away or destroyed). */
  frameUrl: string | null;
  /** `event.senderFrame.parent === null`: only the top frame may call. */
  isMainFrame: boolean;
}

export interface TrustPolicy {
  /** The webContents of our window; any other (a devtools extension page, a stray window) is refused. */
  windowWebContentsId: number | null;
  /** The Vite dev server (`UPSHIFT_DEV_URL`), honoured only when the app is not packaged. */
  devUrl?: string | null;
}

/**
 * True when an IPC message comes from our window's top frame showing our app: `app://upshift/…`, or the dev
 * server's exact origin in development. Checked before any handler runs (Electron security checklist,
 * "Validate the sender of all IPC messages").
 */
export function isTrustedSender(sender: SenderInfo, policy: TrustPolicy): boolean {
  if (policy.windowWebContentsId === null || sender.webContentsId !== policy.windowWebContentsId) return false;
  if (!sender.isMainFrame || sender.frameUrl === null) return false;
  const url = parseUrl(sender.frameUrl);
  if (!url || url.username !== '' || url.password !== '') return false;
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return url.pathname === '/' || url.pathname === '/index.html';
  if (policy.devUrl) {
    const dev = parseUrl(policy.devUrl);
    if (dev && (dev.protocol === 'http:' || dev.protocol === 'https:') && url.origin === dev.origin) return true;
  }
  return false;
}

/** True for URLs the app itself serves (navigation inside the app, never opened outside). */
export function isAppUrl(raw: string, devUrl?: string | null): boolean {
  const url = parseUrl(raw);
  if (!url) return false;
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true;
  const dev = devUrl ? parseUrl(devUrl) : null;
  return dev !== null && url.origin === dev.origin;
}

export interface ExternalLinkPolicy {
  /** Allowed schemes; default `https:` only (no http, file, javascript, data, custom protocol handlers). */
  protocols?: readonly string[];
  /** When given, only these hosts (and their subdomains). Default: any public host name. */
  hosts?: readonly string[] | null;
}

/**
 * Whether a link (from release notes, say) may be opened in the user's browser with shell.openExternal. Only
 * https by default: openExternal hands the URL to the OS, where other schemes can start programs
 * (Electron security checklist, "Do not use shell.openExternal with untrusted content"). Credentials in the URL,
 * loopback and local names are refused too: a release note has no business pointing at the user's own machine.
 */
export function isAllowedExternalUrl(raw: string, policy: ExternalLinkPolicy = {}): boolean {
  if (typeof raw !== 'string' || raw.length > 2048) return false;
  const url = parseUrl(raw);
  if (!url) return false;
  const protocols = policy.protocols ?? ['https:'];
  if (!protocols.includes(url.protocol)) return false;
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === '' || isLocalHost(host)) return false;
  if (policy.hosts) return policy.hosts.some((h) => host === h.toLowerCase() || host.endsWith(`.${h.toLowerCase()}`));
  return true;
}

function isLocalHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || (!host.includes('.') && !host.startsWith('['))) return true;
  if (/^127\./.test(host) || host === '0.0.0.0' || /^10\./.test(host) || /^192\.168\./.test(host) || /^169\.254\./.test(host)) return true;
  if (/^172\.(1[6-9]|2\d|3[01])\./.test(host)) return true;
  if (host.startsWith('[')) return true; // IPv6 literals: loopback, link-local and ULA are not worth telling apart here.
  return false;
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
