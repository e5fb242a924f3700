import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigEntries } from './git-config.js';

/** Where an SSH remote points, as git would hand it to ssh (ssh://[user@]host[:port]/path or scp-like user@host:path). */
export interface SshTarget {
  host: string;
  user?: string;
  port?: string;
}

export type SshSharingDecision = { share: true; command: string; controlPath: string } | { share: false; why: string };

/**
 * Parses the host part of an SSH remote URL, or null when it is not one git would give to ssh. Only plain names
 * are accepted (letters, digits, `.`, `-`, `_`, an IPv6 literal in brackets): anything else keeps git's own handling.
 */
export function parseSshTarget(url: string): SshTarget | null {
  let m = /^(?:ssh|git\+ssh|ssh\+git):\/\/(?:([^@/]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:/]+)(?::(\d+))?\//.exec(url);
  if (!m) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) return null;
    m = /^(?:([^@/:]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:/]+):(?!\/\/)/.exec(url);
    if (!m) return null;
  }
  const host = m[2]!.replace(/^\[|\]$/g, '');
  if (!/^[A-Za-z0-9._:-]+$/.test(host) || host.startsWith('-')) return null;
  const user = m[1];
  if (user !== undefined && !/^[A-Za-z0-9._-]+$/.test(user)) return null;
  return { host, ...(user ? { user } : {}), ...(m[3] ? { port: m[3] } : {}) };
}

/** The key one master serves: ssh's own %C covers host, port and user, and so does this. */
export function targetKey(t: SshTarget): string {
  return `${t.user ?? ''}@${t.host}:${t.port ?? ''}`;
}

/**
 * OpenSSH creates the master's socket as `<ControlPath>.<16 random chars>` and renames it; `%C` is 40 hex digits.
 * sun_path is 104 bytes on macOS/BSD (108 on Linux): the directory must leave room for both.
 */
export const MAX_CONTROL_DIR_LENGTH = 104 - 1 - 1 - 40 - 17;

/**
 * Whether Upshift may add OpenSSH connection sharing to `git ls-remote` over SSH, and how. Pure: the environment,
 * the git configuration (user and project entries, lower-cased keys), the output of `ssh -G` for the target (null
 * when ssh could not answer) and the socket directory to use (null when none is usable, with its reason).
 */
export function decideSshSharing(input: {
  env: NodeJS.ProcessEnv;
  config: ConfigEntries;
  sshG: string | null;
  controlDir: { dir: string } | { why: string };
}): SshSharingDecision {
  const { env, config, sshG } = input;
  if (env.UPSHIFT_SSH_SHARING === 'off') return { share: false, why: 'UPSHIFT_SSH_SHARING=off' };
  // The user's own ssh command wins untouched, whatever it is (a wrapper, plink, options of their own).
  for (const k of ['GIT_SSH_COMMAND', 'GIT_SSH']) if (env[k]) return { share: false, why: `${k} is set` };
  const last = (key: string): string | null | undefined => {
    let v: string | null | undefined;
    for (const [k, val] of config) if (k === key) v = val;
    return v;
  };
  if (last('core.sshcommand') !== undefined) return { share: false, why: 'core.sshCommand is configured' };
  const variant = (env.GIT_SSH_VARIANT || last('ssh.variant') || 'auto').toLowerCase();
  if (variant !== 'auto' && variant !== 'ssh') return { share: false, why: `the SSH variant is ${variant}, not OpenSSH` };
  if (sshG === null) return { share: false, why: 'ssh -G did not answer (not OpenSSH, or no ssh)' };
  const settings = new Map<string, string>();
  for (const line of sshG.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (m && !settings.has(m[1]!.toLowerCase())) settings.set(m[1]!.toLowerCase(), m[2]!);
  }
  const master = settings.get('controlmaster');
  if (master === undefined) return { share: false, why: 'ssh -G printed no controlmaster setting (not an OpenSSH we know)' };
  // The user shares connections already (yes, auto, ask, autoask) or chose a socket path: theirs is respected.
  if (master !== 'false' && master !== 'no') return { share: false, why: `the ssh configuration sets controlmaster ${master}` };
  const path = settings.get('controlpath');
  if (path !== undefined && path !== 'none') return { share: false, why: 'the ssh configuration sets a controlpath' };
  const persist = settings.get('controlpersist');
  if (persist !== undefined && persist !== 'no' && persist !== 'false') return { share: false, why: `the ssh configuration sets controlpersist ${persist}` };
  if ('why' in input.controlDir) return { share: false, why: input.controlDir.why };
  const controlPath = `${input.controlDir.dir}/%C`;
  return { share: true, controlPath, command: `ssh -o ControlMaster=auto -o ControlPath=${controlPath} -o ControlPersist=60` };
}

/**
 * A private directory for the sockets: `$XDG_RUNTIME_DIR/upshift-ssh`, else `<tmpdir>/upshift-ssh-<uid>`, the first
 * short enough for the socket path limit. Made 0700; one that exists must be a directory of ours (not a link), and
 * is tightened to 0700. A path with a space or `%` is not used: it would have to be quoted into the ssh command.
 */
export function controlDirectory(env: NodeJS.ProcessEnv): { dir: string } | { why: string } {
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  if (uid < 0) return { why: 'connection sharing needs a POSIX system' };
  const candidates = [env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'upshift-ssh') : null, join(env.TMPDIR || tmpdir(), `upshift-ssh-${uid}`), `/tmp/upshift-ssh-${uid}`];
  let why = 'no directory for the control sockets is short enough';
  for (const dir of candidates) {
    if (!dir || dir.length > MAX_CONTROL_DIR_LENGTH || /[\s%'"\\$`]/.test(dir)) continue;
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        why = `${dir} could not be created`;
        continue;
      }
    }
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st || !st.isDirectory() || st.uid !== uid) {
      why = `${dir} is not a directory of this user`;
      continue;
    }
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return { dir };
  }
  return { why };
}

/** `ssh -G` for the target: ssh's effective configuration, printed without connecting. */
export function sshEffectiveConfig(t: SshTarget, env: NodeJS.ProcessEnv): Promise<string | null> {
  const args = ['-G', ...(t.port ? ['-p', t.port] : []), ...(t.user ? ['-l', t.user] : []), '--', t.host];
  return new Promise((resolve) => {
    execFile('ssh', args, { env, timeout: 5_000, maxBuffer: 256 * 1024 }, (err, stdout) => resolve(err ? null : stdout));
  });
}

const DECISION_TTL_MS = 60_000;
/** Well inside ControlPersist=60: a master last used longer ago than this may be gone. */
const MASTER_REUSE_MS = 30_000;

/**
 * One decision and one master per host per run. The first `git ls-remote` to a host opens the master (ControlMaster
 * auto, persisting 60 s after its last client); the others to that host wait for it, else they race and each opens
 * its own master.
 */
export class SshSharing {
  private decisions = new Map<string, { at: number; d: Promise<SshSharingDecision> }>();
  private firsts = new Map<string, { p: Promise<void>; settledAt?: number }>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  decide(t: SshTarget, config: ConfigEntries): Promise<SshSharingDecision> {
    // The git configuration is the project's: its core.sshCommand makes its own decision.
    const key = `${targetKey(t)}\0${config.filter(([k]) => k === 'core.sshcommand' || k === 'ssh.variant').map((e) => e.join('=')).join('\n')}`;
    // A long-lived process (the daemon, the app) decides again after a minute: the user's ssh configuration may change.
    const cached = this.decisions.get(key);
    let d = cached && Date.now() - cached.at < DECISION_TTL_MS ? cached.d : undefined;
    if (!d) {
      const env = this.env;
      const pre = decideSshSharing({ env, config, sshG: '', controlDir: { why: '' } });
      // Only ask ssh when nothing before `ssh -G` already decided.
      d = !pre.share && !pre.why.startsWith('ssh -G')
        ? Promise.resolve(pre)
        : sshEffectiveConfig(t, env).then((sshG) => decideSshSharing({ env, config, sshG, controlDir: sshG === null ? { why: '' } : controlDirectory(env) }));
      this.decisions.set(key, { at: Date.now(), d });
    }
    return d;
  }

  /**
   * Runs `fn` with the host's master in place: the first caller runs at once, the others after it has finished —
   * but never waiting longer than `maxWaitMs` (their own deadline): `fn` is told how long it waited, so a stalled
   * first connection does not push the others past their deadline.
   */
  async run<T>(t: SshTarget, fn: (waitedMs: number) => Promise<T>, maxWaitMs = Infinity): Promise<T> {
    const key = targetKey(t);
    const entry = this.firsts.get(key);
    // Once the master may have closed itself (ControlPersist 60 s after its last use), the next caller opens it again.
    const first = entry && (entry.settledAt === undefined || Date.now() - entry.settledAt < MASTER_REUSE_MS) ? entry.p : undefined;
    if (first) {
      const start = Date.now();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([first, new Promise<void>((r) => (timer = setTimeout(r, Math.min(maxWaitMs, 2 ** 31 - 1))))]);
      clearTimeout(timer);
      return fn(Date.now() - start);
    }
    const p = fn(0);
    const e: { p: Promise<void>; settledAt?: number } = { p: p.then(() => undefined, () => undefined) };
    void e.p.then(() => (e.settledAt = Date.now()));
    this.firsts.set(key, e);
    return p;
  }
}
