import { GitError } from '../git/errors.js';
import type { CredentialCache, Credential } from './credentials.js';
import { v2Origins } from './http-pool.js';
import { DELIM, FLUSH, parsePktLines, pktLine, pktText, PktLineError, type Pkt } from './pkt-line.js';
import { CaFileError, isUntrustedCertificate, SYSTEM_TRUST, type TlsTrust } from './tls-trust.js';
import { USER_AGENT, type Reply } from './reply.js';
import { httpRequest, TooLarge, type RequestContext } from './transport.js';

/**
 * `git ls-remote --tags <https-url>` spoken by Upshift itself: git's smart HTTP protocol
 * (https://git-scm.com/docs/http-protocol), version 2's `ls-refs` with `ref-prefix refs/tags/` and `peel`
 * (https://git-scm.com/docs/protocol-v2#_ls_refs) when the server offers it, else the version 0/1 advertisement.
 * Two small requests (one, once the host is known to speak v2) on a pooled keep-alive connection or an HTTP/2
 * stream instead of a git process, a TLS handshake and a fork.
 * Returns ls-remote's text so one parser applies the hostile-name rules, or `fallback` when only git can answer
 * (a dumb HTTP server, framing that is not git's).
 */
export type SmartHttpResult = { text: string; protocol: 'v2' | 'v0' } | { fallback: string };

export interface SmartHttpOptions {
  /** The project's directory: git's credential helpers run there, so its configuration applies. */
  cwd: string;
  /** The remote as the user named it, for messages. */
  remote: string;
  timeoutMs: number;
  /** Cap on all bytes read from the server for this remote. */
  maxBytes: number;
  signal?: AbortSignal | undefined;
  credentials: CredentialCache;
  env?: NodeJS.ProcessEnv;
  /** Which certificates https:// is checked against (tls-trust.ts); the system's by default. */
  trust?: TlsTrust;
}

const MAX_REDIRECTS = 5;
const SERVICE_SUFFIX = '/info/refs?service=git-upload-pack';

/** The URL without user name and password, for messages. */
export function displayUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return u.href;
}

function unreachable(remote: string, message: string, details?: Record<string, unknown>): GitError {
  return new GitError({ kind: 'remote-unreachable', args: ['ls-remote', '--tags', '--', remote], exitCode: null, stderr: '', message, ...(details ? { details } : {}) });
}

export async function lsRemoteTagsHttp(start: URL, opts: SmartHttpOptions): Promise<SmartHttpResult> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, opts.timeoutMs);
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const shown = displayUrl(start);
  const trust = opts.trust ?? SYSTEM_TRUST;
  const ctx: RequestContext = { signal: ac.signal, budget: { left: opts.maxBytes }, env: opts.env ?? process.env, trust };
  try {
    return await exchange(start, opts, ctx);
  } catch (e) {
    if (e instanceof GitError) throw e;
    if (opts.signal?.aborted) throw new GitError({ kind: 'aborted', args: ['ls-remote', '--tags', '--', opts.remote], exitCode: null, stderr: '', message: 'Release discovery was cancelled. Nothing was changed.' });
    if (timedOut) {
      throw unreachable(opts.remote, `The remote ${shown} did not answer in time (${Math.round(opts.timeoutMs / 1000)} s). Nothing was changed. Check the network connection and the remote URL (\`git remote -v\`), then try again.`);
    }
    if (e instanceof TooLarge) {
      throw new GitError({
        kind: 'output-too-large',
        args: ['ls-remote', '--tags', '--', opts.remote],
        exitCode: null,
        stderr: '',
        message: `The remote ${shown} sent more than ${opts.maxBytes} bytes of refs. Upshift stopped reading rather than pick the latest release from an incomplete list. Nothing was changed.`,
        details: { maxBytes: opts.maxBytes },
      });
    }
    if (e instanceof CaFileError) {
      throw unreachable(opts.remote, `Cannot check the certificate of ${shown}: ${e.message}. Nothing was changed. Fix that setting or unset it to use the system's certificate authorities.`, { caFile: trust.caFile, caFrom: trust.caFrom });
    }
    if (isUntrustedCertificate(e)) {
      const using = trust.caFile ? `the certificate authorities in ${trust.caFile} (${trust.caFrom})` : 'the system\'s certificate authorities';
      throw unreachable(
        opts.remote,
        `The remote ${shown} presented a TLS certificate that ${using} do not trust (${(e as Error).message}). Nothing was changed. If the server uses a private certificate authority, name its certificate file in git's http.sslCAInfo (\`git config --global http.sslCAInfo /path/to/ca.pem\`) or GIT_SSL_CAINFO, as for git itself.`,
        { tls: (e as NodeJS.ErrnoException).code, caFile: trust.caFile },
      );
    }
    throw unreachable(opts.remote, `Cannot reach ${shown}: ${(e as Error).message}. Nothing was changed. Check the network connection and the remote URL (\`git remote -v\`), then try again.`);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

async function exchange(start: URL, opts: SmartHttpOptions, ctx: RequestContext): Promise<SmartHttpResult> {
  let base = new URL(start.href.replace(/\/+$/, ''));
  let cred: Credential | null = start.username ? { username: decodeURIComponent(start.username), password: decodeURIComponent(start.password), from: 'token' } : null;
  base.username = '';
  base.password = '';
  const shown = displayUrl(start);
  let asked = false;

  // Authenticated once per host per run; a 401 with a credential is final (git's helpers are told it failed).
  const send = async (method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body?: Buffer): Promise<Reply> => {
    for (;;) {
      const r = await httpRequest(method, url, { ...headers, ...(cred ? { authorization: `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}` } : {}) }, body, ctx);
      if (r.status !== 401) {
        if (cred && asked) void opts.credentials.report(url, opts.cwd, cred, true);
        asked = false;
        return r;
      }
      if (cred && asked) void opts.credentials.report(url, opts.cwd, cred, false);
      if (cred || asked) break;
      asked = true;
      cred = await opts.credentials.get(url, opts.cwd);
      if (!cred) break;
    }
    throw new GitError({
      kind: 'auth-required',
      args: ['ls-remote', '--tags', '--', opts.remote],
      exitCode: null,
      stderr: '',
      message: `The remote ${shown} asks for credentials, and ${cred ? 'the ones git\'s credential helper gave were refused' : 'no credential helper had any'}. Nothing was changed. Set up a credential helper (\`git config credential.helper\`) or a token, and check that \`git ls-remote ${shown}\` works in a terminal.`,
    });
  };

  // 0. A host that already answered a v2 advertisement with ls-refs this run is asked ls-refs directly: one request
  //    per remote instead of two. Anything but a well-formed ls-refs answer (a v0 repository on that host, another
  //    object format, a redirect) falls through to the full exchange below.
  const origin = `${base.protocol}//${base.host}`;
  if (v2Origins.has(origin)) {
    const res = await send('POST', new URL(`${base.href}/git-upload-pack`), LS_REFS_HEADERS, lsRefsRequest(undefined));
    if (res.status === 200 && res.headers['content-type'] === 'application/x-git-upload-pack-result') {
      const text = strictV2Text(res.body);
      if (text !== null) return { text, protocol: 'v2' };
    }
  }

  // 1. The advertisement. Redirects are followed on this first request only (git's http.followRedirects=initial),
  //    and only on the same host: a server must not send Upshift, and the credentials, elsewhere.
  let info: Reply | null = null;
  let url = new URL(`${base.href}${SERVICE_SUFFIX}`);
  for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
    info = await send('GET', url, { 'git-protocol': 'version=2', accept: '*/*', 'pragma': 'no-cache' });
    if (![301, 302, 303, 307, 308].includes(info.status)) break;
    const location = info.headers.location;
    if (!location) throw unreachable(opts.remote, `The remote ${shown} answered HTTP ${info.status} without a Location. Nothing was changed.`);
    const next = new URL(location, url);
    if (next.host !== url.host || (url.protocol === 'https:' && next.protocol !== 'https:')) {
      throw unreachable(opts.remote, `The remote ${shown} redirects to another host (${displayUrl(new URL(next.origin))}); Upshift does not follow it. Nothing was changed. If the repository moved, update the remote URL (\`git remote set-url\`).`, { redirect: displayUrl(next) });
    }
    if (!next.href.endsWith(SERVICE_SUFFIX)) throw unreachable(opts.remote, `The remote ${shown} redirects to ${displayUrl(next)}, which is not a git repository URL. Nothing was changed.`);
    url = next;
    base = new URL(next.href.slice(0, -SERVICE_SUFFIX.length));
    info = null;
  }
  if (!info) throw unreachable(opts.remote, `The remote ${shown} redirected more than ${MAX_REDIRECTS} times. Nothing was changed.`);
  if (info.status === 404) throw unreachable(opts.remote, `The repository ${shown} was not found (HTTP 404). Nothing was changed. Check the remote URL (\`git remote -v\`).`);
  if (info.status !== 200) throw unreachable(opts.remote, `The remote ${shown} answered HTTP ${info.status}. Nothing was changed. Try again later, or check the remote URL (\`git remote -v\`).`);
  if (info.headers['content-type'] !== 'application/x-git-upload-pack-advertisement') return { fallback: 'not a smart HTTP server' };

  let pkts: Pkt[];
  try {
    pkts = parsePktLines(info.body);
  } catch (e) {
    if (e instanceof PktLineError) return { fallback: 'an advertisement that is not pkt-line' };
    throw e;
  }
  let i = 0;
  if (pktText(pkts[0]!) === '# service=git-upload-pack') {
    i = 1;
    while (i < pkts.length && pkts[i]!.kind !== 'flush') i++;
    i++;
  }
  const first = pkts[i] ? pktText(pkts[i]!) : null;
  if (first === 'version 2') {
    const caps = new Set<string>();
    for (i++; i < pkts.length && pkts[i]!.kind === 'data'; i++) caps.add(pktText(pkts[i]!)!);
    if (!caps.has('ls-refs') && ![...caps].some((c) => c.startsWith('ls-refs='))) return { fallback: 'a v2 server without ls-refs' };
    const format = [...caps].find((c) => c.startsWith('object-format='));
    if (format === undefined || format === 'object-format=sha1') v2Origins.add(origin);
    const res = await send('POST', new URL(`${base.href}/git-upload-pack`), LS_REFS_HEADERS, lsRefsRequest(format));
    if (res.status !== 200) throw unreachable(opts.remote, `The remote ${shown} answered HTTP ${res.status} to ls-refs. Nothing was changed. Try again later.`);
    let refs: Pkt[];
    try {
      refs = parsePktLines(res.body);
    } catch {
      return { fallback: 'an ls-refs answer that is not pkt-line' };
    }
    return { text: v2Text(refs), protocol: 'v2' };
  }
  return { text: v0Text(pkts.slice(first === 'version 1' ? i + 1 : i)), protocol: 'v0' };
}

const LS_REFS_HEADERS = {
  'content-type': 'application/x-git-upload-pack-request',
  accept: 'application/x-git-upload-pack-result',
  'git-protocol': 'version=2',
};

/** `command=ls-refs` for the tags, peeled (https://git-scm.com/docs/protocol-v2#_ls_refs). */
function lsRefsRequest(format: string | undefined): Buffer {
  return Buffer.concat([
    pktLine('command=ls-refs\n'),
    pktLine(`agent=${USER_AGENT}\n`),
    ...(format ? [pktLine(`${format}\n`)] : []),
    DELIM,
    pktLine('peel\n'),
    pktLine('ref-prefix refs/tags/\n'),
    FLUSH,
  ]);
}

/** An ls-refs answer only if it is exactly one: ref lines, then a flush, nothing else. */
function strictV2Text(body: Buffer): string | null {
  let pkts: Pkt[];
  try {
    pkts = parsePktLines(body);
  } catch {
    return null;
  }
  if (pkts.length === 0 || pkts[pkts.length - 1]!.kind !== 'flush') return null;
  for (const p of pkts.slice(0, -1)) {
    const line = pktText(p);
    if (line === null || !V2_LINE.test(line)) return null;
  }
  return v2Text(pkts);
}

const V2_LINE = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S(?:.*?)?)((?: (?:symref-target|peeled):\S+)*)$/;

/** `<oid> <ref>[ symref-target:…][ peeled:<oid>]` lines → ls-remote's `<oid>\t<ref>` and `<peeled>\t<ref>^{}`. */
export function v2Text(pkts: readonly Pkt[]): string {
  let text = '';
  for (const p of pkts) {
    const line = pktText(p);
    if (line === null) continue;
    const m = V2_LINE.exec(line);
    if (!m || !m[2]!.startsWith('refs/tags/')) continue;
    text += `${m[1]}\t${m[2]}\n`;
    const peeled = / peeled:([0-9a-f]{40}|[0-9a-f]{64})/.exec(m[3]!);
    if (peeled) text += `${peeled[1]}\t${m[2]}^{}\n`;
  }
  return text;
}

/** The v0 advertisement (`<oid> <ref>`, capabilities after a NUL on the first line) → ls-remote's tag lines. */
export function v0Text(pkts: readonly Pkt[]): string {
  let text = '';
  for (const p of pkts) {
    if (p.kind !== 'data') continue;
    let line = pktText(p)!;
    const nul = line.indexOf('\0');
    if (nul >= 0) line = line.slice(0, nul);
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const ref = line.slice(sp + 1);
    if (!ref.startsWith('refs/tags/')) continue;
    text += `${line.slice(0, sp)}\t${ref}\n`;
  }
  return text;
}
