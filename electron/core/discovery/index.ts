import { createHash } from 'node:crypto';
import { DEFAULT_LS_REMOTE_TIMEOUT_MS, DEFAULT_MAX_TAGS, listRemoteTags, parseLsRemoteTags, type ListRemoteTagsOptions, type RemoteTagList } from '../git/ls-remote.js';
import { DEFAULT_MAX_OUTPUT_BYTES } from '../git/core.js';
import { GitError } from '../git/errors.js';
import { assertRemote, displayName } from '../git/refname.js';
import { CredentialCache } from './credentials.js';
import { LocalRefsTooLarge, readLocalTagRefs } from './local-refs.js';
import { routeRemote } from './route.js';
import { displayUrl, lsRemoteTagsHttp } from './smart-http.js';
import { SshSharing } from './ssh-share.js';
import { noVerifyWarning } from './tls-trust.js';

export { CredentialCache } from './credentials.js';
export { closeHttpPool } from './transport.js';
export { SshSharing } from './ssh-share.js';

/** How a listing was read: Upshift's smart-HTTP client (v2 ls-refs or the v0 advertisement), the files, or git. */
export type DiscoveryVia = 'http-v2' | 'http-v0' | 'files' | 'git';

export interface RemoteAdvertisement extends RemoteTagList {
  /**
   * SHA-256 of the tag advertisement (ls-remote's text of the tag refs and their peeled commits): equal hashes mean
   * the remote's tags are exactly as before, so nothing computed from them can have changed.
   */
  hash: string;
  via: DiscoveryVia;
  /** Why git was asked, when it was. */
  fallback?: string;
  /** Said with the project's check: TLS certificates not verified because git's settings say so. */
  warnings?: string[];
}

export interface NativeListOptions extends ListRemoteTagsOptions {
  credentials?: CredentialCache;
  env?: NodeJS.ProcessEnv;
  /** Force `git ls-remote` (tests and benches compare the two). */
  forceGit?: boolean;
  /** SSH connection sharing for this run (one master per host); default one per process. */
  sshSharing?: SshSharing;
}

const sharedCredentials = new CredentialCache();
let processSshSharing: SshSharing | undefined;

/**
 * `git ls-remote --tags` without starting git where possible: HTTP(S) remotes through the smart-HTTP client on
 * pooled connections, repositories on this machine read from their files; SSH, unusual configuration and every
 * case only git can answer exactly go to `git ls-remote` (listRemoteTags). The same caps (bytes and tag count),
 * deadline and hostile-name rules apply on every route, because every route yields ls-remote's text and
 * parseLsRemoteTags reads it.
 */
export async function listRemoteTagsNative(cwd: string, remote: string, opts: NativeListOptions = {}): Promise<RemoteAdvertisement> {
  assertRemote(remote, cwd);
  if (opts.signal?.aborted) throw new GitError({ kind: 'aborted', args: ['ls-remote', '--tags', '--', remote], exitCode: null, stderr: '', cwd, message: 'Release discovery was cancelled. Nothing was changed.' });
  const maxTags = opts.maxTags ?? DEFAULT_MAX_TAGS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const route = opts.forceGit ? { kind: 'git' as const, why: 'forced' } : await routeRemote(cwd, remote, opts.env);
  let text: string | null = null;
  let via: DiscoveryVia = 'git';
  let fallback: string = route.kind === 'git' ? route.why : '';
  let warning: string | null = null;
  if (route.kind === 'http') {
    if (route.trust) warning = noVerifyWarning(route.trust, displayUrl(route.url));
    const r = await lsRemoteTagsHttp(route.url, {
      cwd,
      remote,
      timeoutMs: opts.timeoutMs ?? DEFAULT_LS_REMOTE_TIMEOUT_MS,
      maxBytes,
      signal: opts.signal,
      credentials: opts.credentials ?? sharedCredentials,
      ...(opts.env ? { env: opts.env } : {}),
      ...(route.trust ? { trust: route.trust } : {}),
    });
    if ('text' in r) {
      text = r.text;
      via = r.protocol === 'v2' ? 'http-v2' : 'http-v0';
    } else fallback = r.fallback;
  } else if (route.kind === 'path') {
    try {
      const r = readLocalTagRefs(route.dir, { maxBytes, maxTags });
      if ('text' in r) {
        text = r.text;
        via = 'files';
      } else fallback = r.fallback;
    } catch (e) {
      if (!(e instanceof LocalRefsTooLarge)) throw e;
      if (e.what === 'tags') throw tooManyTags(cwd, remote, e.found, maxTags);
      throw new GitError({ kind: 'output-too-large', args: ['ls-remote', '--tags', '--', remote], exitCode: null, stderr: '', cwd, message: `The refs of ${displayName(remote)} are over the ${maxBytes}-byte limit. Upshift stopped reading rather than pick the latest release from an incomplete list. Nothing was changed.`, details: { maxBytes } });
    }
  }
  if (text === null) {
    // git prints the same text; the listing is parsed again here only to hash it alike.
    if (route.kind === 'git' && route.ssh) {
      const sharing = opts.sshSharing ?? (processSshSharing ??= new SshSharing());
      const { target, config } = route.ssh;
      const decision = await sharing.decide(target, config);
      if (decision.share) {
        const timeoutMs = opts.timeoutMs ?? DEFAULT_LS_REMOTE_TIMEOUT_MS;
        // Waiting for the host's first connection counts against this remote's own deadline (at least a second is left to git).
        const listed = await sharing.run(target, (waited) => listRemoteTags(cwd, remote, { ...opts, timeoutMs: Math.max(1000, timeoutMs - waited), gitEnv: { GIT_SSH_COMMAND: decision.command } }), timeoutMs);
        return { ...listed, hash: hashTags(listed), via: 'git', fallback: `${fallback}; connection shared` };
      }
      fallback = `${fallback}; no connection sharing: ${decision.why}`;
    }
    const listed = await listRemoteTags(cwd, remote, opts);
    return { ...listed, hash: hashTags(listed), via: 'git', fallback };
  }
  if (text.length > maxBytes) throw new GitError({ kind: 'output-too-large', args: ['ls-remote', '--tags', '--', remote], exitCode: null, stderr: '', cwd, message: `The refs of ${displayName(remote)} are over the ${maxBytes}-byte limit. Nothing was changed.`, details: { maxBytes } });
  const parsed = parseLsRemoteTags(text);
  if (parsed.tags.length > maxTags) throw tooManyTags(cwd, remote, parsed.tags.length, maxTags);
  // A listing without certificate checks hashes apart from a verified one: a check remembered from before the user
  // turned verification off (or on) is not reused, so the warning appears (or goes) at once.
  return { ...parsed, hash: hashTags(parsed, warning ? 'tls-unverified' : ''), via, ...(warning ? { warnings: [warning] } : {}) };
}

function tooManyTags(cwd: string, remote: string, count: number, maxTags: number): GitError {
  return new GitError({
    kind: 'output-too-large',
    args: ['ls-remote', '--tags', '--', remote],
    exitCode: 0,
    stderr: '',
    cwd,
    message: `The remote ${displayName(remote)} lists ${count} tags, more than the limit of ${maxTags}. Upshift stopped rather than pick the latest release from an incomplete list. Nothing was changed; raise the limit for this project if the remote is genuine.`,
    details: { tagCount: count, maxTags },
  });
}

/** The advertisement's hash, over the parsed tags in name order so every route (and ref order) hashes alike. */
export function hashTags(list: RemoteTagList, qualifier = ''): string {
  const sorted = [...list.tags].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  // One update of the whole text: an update per tag costs more than the hashing itself at 200 × 30 tags.
  let text = '';
  for (const t of sorted) text += `${t.objectSha} ${t.sha} ${t.tag}\n`;
  return createHash('sha256').update(`${text}dropped ${list.droppedCount}\n${qualifier ? `${qualifier}\n` : ''}`).digest('hex');
}
