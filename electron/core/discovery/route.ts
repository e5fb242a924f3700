import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { proxyFor } from '../source/github/http.js';
import { readConfigFile, userGitConfig, type ConfigEntries } from './git-config.js';
import { parseSshTarget, type SshTarget } from './ssh-share.js';
import { resolveTrust, type TlsTrust } from './tls-trust.js';

/**
 * How a remote's tags are read: over smart HTTP by Upshift itself, from the files of a repository on this machine,
 * or by `git ls-remote` (SSH, git://, helpers, and every configuration native discovery does not interpret).
 */
export type DiscoveryRoute =
  /** `trust`: the certificates https:// is checked against, from GIT_SSL_* and http.sslCAInfo / http.sslVerify. */
  | { kind: 'http'; url: URL; trust?: TlsTrust }
  | { kind: 'path'; dir: string }
  /** `ssh`, for an SSH remote: its target and the git configuration that decides connection sharing (ssh-share.ts). */
  | { kind: 'git'; why: string; ssh?: { target: SshTarget; config: ConfigEntries } };

/**
 * Settings that change how git reaches or lists a remote. Any of them (in the project's or the user's
 * configuration) sends the project to `git ls-remote`, which interprets them exactly; cheap discovery that reaches
 * a different URL, skips a proxy or ignores hidden refs would not be the same discovery.
 */
const GIT_ONLY = [
  /^include\./,
  /^includeif\./,
  /^http\./,
  /^core\.gitproxy$/,
  /^protocol\./,
  /^transfer\.hiderefs$/,
  /^uploadpack\./,
  /^extensions\.refstorage$/,
];

/** The `http.*` keys native discovery applies itself, as git does (tls-trust.ts); not their `http.<url>.*` forms. */
const NATIVE_HTTP_KEYS = new Set(['http.sslcainfo', 'http.sslverify']);

function gitOnlyKey(entries: ConfigEntries): string | null {
  for (const [key] of entries) if (GIT_ONLY.some((re) => re.test(key)) && !NATIVE_HTTP_KEYS.has(key)) return key;
  return null;
}

/** The last value of `key` (git's rule for single-valued keys), or undefined. */
function lastValue(entries: ConfigEntries, key: string): string | null | undefined {
  let v: string | null | undefined;
  for (const [k, value] of entries) if (k === key) v = value;
  return v;
}

/**
 * Environment git reads for HTTP that native discovery does not: those runs go through git. GIT_SSL_CAINFO and
 * GIT_SSL_NO_VERIFY it applies itself (tls-trust.ts).
 */
const GIT_ONLY_ENV = ['GIT_SSL_CAPATH', 'GIT_SSL_CERT', 'GIT_SSL_KEY', 'GIT_CURL_VERBOSE', 'GIT_TRACE_CURL', 'GIT_HTTP_USER_AGENT', 'GIT_PROXY_SSL_CERT', 'ALL_PROXY', 'all_proxy', 'GIT_PROTOCOL', 'GIT_NAMESPACE', 'GIT_ALLOW_PROTOCOL', 'GIT_PROTOCOL_FROM_USER'];

/**
 * Decides how `remote` (a configured name, a URL or a path, as given to `git ls-remote` in `cwd`) is read. Reads
 * the project's `.git/config` itself; anything unusual (a worktree's `.git` file, legacy `.git/remotes`, several
 * URLs, a setting from GIT_ONLY) routes to git.
 */
export async function routeRemote(cwd: string, remote: string, env: NodeJS.ProcessEnv = process.env): Promise<DiscoveryRoute> {
  // A setting only git interprets sends the project to git; the URL is still resolved when the configuration is
  // complete without includes, so that an SSH remote keeps its connection sharing (those settings do not touch ssh).
  let block: string | null = null;
  const envKey = GIT_ONLY_ENV.find((k) => env[k] !== undefined && env[k] !== '');
  if (envKey) block = `${envKey} is set`;
  const user = await userGitConfig();
  if (user === null) return { kind: 'git', why: 'the user configuration could not be read' };
  const userInclude = user.find(([k]) => isInclude(k));
  if (userInclude) return { kind: 'git', why: `${userInclude[0]} in the user configuration` };
  const userKey = gitOnlyKey(user);
  block ??= userKey ? `${userKey} in the user configuration` : null;

  let url = remote;
  const gitDir = join(cwd, '.git');
  const local = statSync(gitDir, { throwIfNoEntry: false })?.isDirectory() ? readConfigFile(join(gitDir, 'config')) : existsSync(gitDir) ? null : [];
  if (local === null) return { kind: 'git', why: 'the project configuration is not plain' };
  const localInclude = local.find(([k]) => isInclude(k));
  if (localInclude) return { kind: 'git', why: `${localInclude[0]} in the project configuration` };
  const localKey = gitOnlyKey(local);
  block ??= localKey ? `${localKey} in the project configuration` : null;
  if (local.some(([k]) => k === 'extensions.worktreeconfig')) return { kind: 'git', why: 'per-worktree configuration' };
  const prefix = `remote.${remote}.`;
  const own = [...user, ...local].filter(([k]) => k.startsWith(prefix));
  if (own.length > 0) {
    const urls = own.filter(([k]) => k === `${prefix}url`).map(([, v]) => v);
    if (urls.length !== 1 || urls[0] === null) return { kind: 'git', why: `remote ${remote} has ${urls.length} URLs` };
    if (own.some(([k]) => k === `${prefix}uploadpack` || k === `${prefix}vcs` || k === `${prefix}proxy`)) return { kind: 'git', why: `remote ${remote} has transport settings` };
    url = urls[0]!;
  } else if (/^[A-Za-z0-9._-]+$/.test(remote) && (existsSync(join(gitDir, 'remotes', remote)) || existsSync(join(gitDir, 'branches', remote)))) {
    return { kind: 'git', why: 'a legacy remotes file' };
  }
  const resolved = rewriteUrl(url, [...user, ...local]);
  const route = classifyUrl(resolved, cwd);
  if (route.kind === 'git' || block) {
    const target = parseSshTarget(resolved);
    const why = block ?? (route.kind === 'git' ? route.why : '');
    return target ? { kind: 'git', why, ssh: { target, config: [...user, ...local] } } : { kind: 'git', why };
  }
  // Plain http through a proxy is a forward-proxy request for git (curl), not a CONNECT tunnel: git does it.
  if (route.kind === 'http' && route.url.protocol === 'http:') {
    try {
      if (proxyFor(route.url, env)) return { kind: 'git', why: 'plain http through a proxy' };
    } catch {
      return { kind: 'git', why: 'a proxy setting git reports on' };
    }
  }
  if (route.kind === 'http' && route.url.protocol === 'https:') {
    try {
      proxyFor(route.url, env);
    } catch {
      return { kind: 'git', why: 'a proxy setting git reports on' };
    }
    const all = [...user, ...local];
    const caInfo = lastValue(all, 'http.sslcainfo');
    const verify = lastValue(all, 'http.sslverify');
    const trust = resolveTrust(env, { cwd, ...(caInfo !== undefined ? { sslCAInfo: caInfo } : {}), ...(verify !== undefined ? { sslVerify: verify } : {}) });
    if (typeof trust === 'string') return { kind: 'git', why: trust };
    return { ...route, trust };
  }
  return route;
}

/** Includes may hold anything (a remote's URL, core.sshCommand): with one, nothing is resolved here. */
function isInclude(key: string): boolean {
  return key.startsWith('include.') || key.startsWith('includeif.');
}

/** git's reading of a URL (urlmatch and transport_get): scheme URLs, `transport::address`, scp-like, else a path. */
export function classifyUrl(url: string, cwd: string): DiscoveryRoute {
  if (/^https?:\/\//i.test(url)) {
    try {
      const u = new URL(url);
      return { kind: 'http', url: u };
    } catch {
      return { kind: 'git', why: 'a URL Node cannot parse' };
    }
  }
  if (/^file:\/\//i.test(url)) {
    if (!/^file:\/\/\//i.test(url)) return { kind: 'git', why: 'a file:// URL with a host' };
    try {
      return { kind: 'path', dir: fileURLToPath(url) };
    } catch {
      return { kind: 'git', why: 'a file:// URL Node cannot parse' };
    }
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) || /^[A-Za-z0-9+.-]+::/.test(url)) return { kind: 'git', why: 'a transport git handles (ssh, git, a helper)' };
  // scp-like `host:path`: a colon before any slash.
  const colon = url.indexOf(':');
  const slash = url.indexOf('/');
  if (colon > 0 && (slash < 0 || colon < slash)) return { kind: 'git', why: 'an SSH remote' };
  return { kind: 'path', dir: isAbsolute(url) ? url : resolve(cwd, url) };
}

/**
 * git's `url.<base>.insteadOf` (https://git-scm.com/docs/git-config#Documentation/git-config.txt-urlltbasegtinsteadOf):
 * the longest matching prefix is replaced by its base, for configured remotes and URLs given directly alike.
 */
export function rewriteUrl(url: string, entries: ConfigEntries): string {
  let best: { base: string; prefix: string } | null = null;
  for (const [key, value] of entries) {
    const m = /^url\.(.*)\.insteadof$/.exec(key);
    if (!m || value === null || value === '' || !url.startsWith(value)) continue;
    if (!best || value.length > best.prefix.length) best = { base: m[1]!, prefix: value };
  }
  return best ? best.base + url.slice(best.prefix.length) : url;
}
