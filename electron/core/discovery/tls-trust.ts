import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/**
 * Which certificates an https:// remote is checked against, decided as git decides it
 * (https://git-scm.com/docs/git-config#Documentation/git-config.txt-httpsslCAInfo): `GIT_SSL_CAINFO`, else
 * `http.sslCAInfo`, replaces the trusted authorities (curl's CAINFO); `GIT_SSL_NO_VERIFY`, else `http.sslVerify=false`,
 * turns verification off — only because git's own settings say so, and every listing then carries a warning.
 * The same trust applies to HTTP/1.1 and HTTP/2 (one TLS connection decides both).
 */
export interface TlsTrust {
  /** The certificate file that replaces the system's authorities, or null for the system's. */
  caFile: string | null;
  /** Where caFile came from, for messages: `GIT_SSL_CAINFO` or `http.sslCAInfo`. */
  caFrom: string | null;
  verify: boolean;
  /** Where verify=false came from: `GIT_SSL_NO_VERIFY` or `http.sslVerify`. */
  verifyFrom: string | null;
}

/** The two `http.*` keys native discovery interprets; any other `http.*` key still sends the project to git. */
export interface HttpTlsConfig {
  sslCAInfo?: string | null;
  sslVerify?: string | null;
  /** The directory git would resolve a relative sslCAInfo against (the project's, where git runs). */
  cwd: string;
}

export const SYSTEM_TRUST: TlsTrust = { caFile: null, caFrom: null, verify: true, verifyFrom: null };

/** git's boolean values (https://git-scm.com/docs/git-config#_values); a key without a value is true. */
function gitBool(v: string | null): boolean | null {
  if (v === null) return true;
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(s)) return true;
  if (['false', 'no', 'off', '0', ''].includes(s)) return false;
  return null;
}

/** git's pathname values: a leading `~/` is the home directory. */
function gitPath(v: string, cwd: string): string {
  const p = v.startsWith('~/') ? `${homedir()}${v.slice(1)}` : v;
  return isAbsolute(p) ? p : resolve(cwd, p);
}

/**
 * The trust for one remote from the environment and the configuration (user and project, the project's last).
 * Returns a string when the configuration holds something git reads differently (a sslVerify git would reject):
 * the caller then lets git decide.
 */
export function resolveTrust(env: NodeJS.ProcessEnv, config: HttpTlsConfig): TlsTrust | string {
  let caFile: string | null = null;
  let caFrom: string | null = null;
  const envCa = env.GIT_SSL_CAINFO?.trim();
  if (envCa) {
    caFile = envCa;
    caFrom = 'GIT_SSL_CAINFO';
  } else if (config.sslCAInfo) {
    caFile = gitPath(config.sslCAInfo, config.cwd);
    caFrom = 'http.sslCAInfo';
  }
  let verify = true;
  let verifyFrom: string | null = null;
  // git: any value of GIT_SSL_NO_VERIFY, even empty, turns verification off (getenv only).
  if (env.GIT_SSL_NO_VERIFY !== undefined) {
    verify = false;
    verifyFrom = 'GIT_SSL_NO_VERIFY';
  } else if (config.sslVerify !== undefined) {
    const b = gitBool(config.sslVerify);
    if (b === null) return `http.sslVerify has a value git reads as an error (${JSON.stringify(config.sslVerify)})`;
    if (!b) {
      verify = false;
      verifyFrom = 'http.sslVerify';
    }
  }
  return { caFile, caFrom, verify, verifyFrom };
}

/** The warning every listing without certificate checks carries (shown by `check` with the project). */
export function noVerifyWarning(trust: TlsTrust, shown: string): string | null {
  if (trust.verify) return null;
  return `${shown}: TLS certificates are not verified, because ${trust.verifyFrom === 'GIT_SSL_NO_VERIFY' ? 'GIT_SSL_NO_VERIFY is set' : 'git\'s http.sslVerify is false'}; anyone on the network path can pose as this remote. Remove that setting once the server's certificate authority is trusted (http.sslCAInfo or GIT_SSL_CAINFO).`;
}

/** A CA file that cannot be read: an error of the user's setting, named, not a network failure. */
export class CaFileError extends Error {
  constructor(
    readonly trust: TlsTrust,
    failure: Error,
  ) {
    super(`${trust.caFrom} names ${trust.caFile}, which cannot be read (${(failure as NodeJS.ErrnoException).code ?? failure.message})`);
  }
}

const caCache = new Map<string, string>();

/** The CA file's text, read once per file per process. */
export function caText(trust: TlsTrust): string | undefined {
  if (!trust.caFile) return undefined;
  let text = caCache.get(trust.caFile);
  if (text === undefined) {
    try {
      text = readFileSync(trust.caFile, 'utf8');
    } catch (e) {
      throw new CaFileError(trust, e as Error);
    }
    caCache.set(trust.caFile, text);
  }
  return text;
}

/** The TLS options both transports use: the CA that replaces the system's, and verification as git's settings say. */
export function tlsOptions(trust: TlsTrust): { ca?: string; rejectUnauthorized: boolean } {
  const ca = caText(trust);
  return { ...(ca ? { ca } : {}), rejectUnauthorized: trust.verify };
}

/** A pool key part: connections made under different trust are never shared. */
export function trustKey(trust: TlsTrust): string {
  return `${trust.caFile ?? ''}|${trust.verify ? 'verify' : 'no-verify'}`;
}

/** For tests: forget CA files read (a test writes a new one at the same path). */
export function resetCaCache(): void {
  caCache.clear();
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True for a TLS failure of the server's certificate (as opposed to a refused connection or a timeout). */
export function isUntrustedCertificate(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && UNTRUSTED.has(code);
}
