/**
 * Who may talk to the host at all, judged from the Host and Origin headers before any route runs.
 *
 * - DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1, after which the browser
 *   treats our server as same-origin with evil.example and sends requests with `Host: evil.example:PORT`.
 *   Refusing every Host that is not one of our own names defeats it (the token would too, but defence in
 *   depth costs one string comparison). See https://en.wikipedia.org/wiki/DNS_rebinding and
 *   the Node inspector's fix for CVE-2018-7160, which does the same
 *   (https://nodejs.org/en/blog/vulnerability/march-2018-security-releases).
 * - CSRF: any page can POST to 127.0.0.1 (a form, or fetch with `mode: 'no-cors'`). Browsers attach an Origin
 *   header to such cross-origin requests, so anything carrying an Origin other than ours is refused, whatever
 *   its token. See https://owasp.org/www-community/attacks/csrf and
 *   https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html.
 * - Fetch metadata: a browser that says a request is `cross-site` or `same-site` (Sec-Fetch-Site) is refused on
 *   /api even if it somehow carried no Origin (https://web.dev/articles/fetch-metadata).
 */
import type { IncomingMessage } from 'node:http';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

/** `name:port` as it appears in a Host header or an origin (IPv6 literals bracketed), lower case. */
export function authority(name: string, port: number): string {
  const bare = name.toLowerCase().replace(/^\[|\]$/g, '');
  return `${isIP(bare) === 6 ? `[${bare}]` : bare}:${port}`;
}

/** Every name this server answers to: loopback names, the bound host, and when bound to a wildcard the machine's own addresses. */
export function ownHostnames(boundHost: string, extra: readonly string[] = []): string[] {
  const names = new Set(['127.0.0.1', 'localhost', '::1', ...extra]);
  if (isWildcardHost(boundHost)) {
    names.add(osHostname());
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (!a.address.includes('%')) names.add(a.address);
    }
  } else {
    names.add(boundHost);
  }
  return [...names].map((n) => n.toLowerCase().replace(/^\[|\]$/g, ''));
}

export class OriginGuard {
  private readonly authorities: Set<string>;
  private readonly origins: Set<string>;

  constructor(hostnames: readonly string[], port: number) {
    this.authorities = new Set(hostnames.map((h) => authority(h, port)));
    // Browsers omit the default port from Host and Origin.
    if (port === 80) for (const h of hostnames) this.authorities.add(authority(h, port).replace(/:80$/, ''));
    this.origins = new Set([...this.authorities].map((a) => `http://${a}`));
  }

  /** The reason a request is refused (403), or null when its Host and Origin are ours. */
  refusal(req: IncomingMessage): { code: string; message: string } | null {
    const host = req.headers.host;
    if (typeof host !== 'string' || !this.authorities.has(host.toLowerCase())) {
      return { code: 'FORBIDDEN_HOST', message: `Refused: the Host header ${JSON.stringify(host ?? '')} is not this server's own address (DNS-rebinding protection). Open the dashboard through the URL \`upshift serve\` printed.` };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) {
      return { code: 'FORBIDDEN_ORIGIN', message: `Refused: requests from ${JSON.stringify(origin)} are not allowed; only the dashboard's own origin may call this server (CSRF protection).` };
    }
    return null;
  }
}

/** True when the browser itself says the request was started by another site (Fetch Metadata). */
export function isCrossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}
