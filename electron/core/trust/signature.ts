/**
 * Who signed a release tag, checked with git itself (`git verify-tag --raw`) before Upshift checks it out
 * (issue 10 §5). SSH signatures are checked against an allowed-signers file (git's `gpg.ssh.allowedSignersFile`,
 * format in ssh-keygen(1) "ALLOWED SIGNERS"); OpenPGP signatures against a keyring copied into a throwaway
 * GNUPGHOME, so neither the user's own keyring nor its trust database decides what is allowed.
 * See https://git-scm.com/docs/git-verify-tag and https://git-scm.com/docs/git-config#Documentation/git-config.txt-gpgsshallowedSignersFile
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TagVerification } from '../../../shared/api/trust.js';
import { runGit } from '../git/core.js';

/** The manifest's `verify:` section with its paths made absolute. */
export interface VerifySpec {
  ssh?: { allowedSigners: string } | undefined;
  gpg?: { keyring: string } | undefined;
}

/** True when the gpg program is on PATH (OpenPGP verification needs it; SSH needs only ssh-keygen). */
export function gpgAvailable(): boolean {
  try {
    return spawnSync('gpg', ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  } catch {
    return false;
  }
}

/**
 * A GNUPGHOME holding only the keys of `keyring`: a directory is copied, a key file (exported `.asc`/`.gpg`, or a
 * `pubring.kbx`) imported. The caller removes it with {@link disposeGnupgHome}.
 */
export function tempGnupgHome(keyring: string): string {
  const home = mkdtempSync(join(tmpdir(), 'upshift-gnupg-'));
  if (statSync(keyring).isDirectory()) {
    cpSync(keyring, home, { recursive: true, filter: (src) => !/S\.gpg-agent|\.lock$|random_seed/.test(src) });
  } else if (keyring.endsWith('.kbx')) {
    copyFileSync(keyring, join(home, 'pubring.kbx'));
  } else {
    const r = spawnSync('gpg', ['--batch', '--quiet', '--homedir', home, '--import', keyring], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) {
      disposeGnupgHome(home);
      throw new Error(`gpg could not import the keyring ${keyring}: ${(r.stderr || '').trim().split('\n')[0] ?? ''}`);
    }
  }
  return home;
}

export function disposeGnupgHome(home: string): void {
  spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore', timeout: 10_000 });
  rmSync(home, { recursive: true, force: true });
}

/**
 * Reads `git verify-tag --raw` output into who signed and whether that signer is allowed. Pure, so the wording of
 * each git/ssh-keygen/gpg outcome is tested on captured output.
 */
export function readVerifyOutput(tag: string, exitCode: number, output: string): Omit<TagVerification, 'tag' | 'method'> {
  const text = output.trim();
  if (/no signature found/i.test(text)) return { status: 'unsigned', signer: null, key: null, message: `tag ${tag} is not signed: nobody signed it` };
  if (/cannot verify a non-tag object/i.test(text)) return { status: 'unsigned', signer: null, key: null, message: `${tag} is a lightweight tag: it carries no signature, so nobody signed it` };
  // SSH: `Good "git" signature for alice@example.com with ED25519 key SHA256:…` (allowed) or without "for …" and
  // `No principal matched.` (a valid signature by a key that is not in the allowed-signers file).
  const ssh = /Good "git" signature(?: for (.+?))? with (\S+) key (SHA256:\S+)/.exec(text);
  if (ssh) {
    const key = `${ssh[2]} ${ssh[3]}`;
    if (exitCode === 0 && ssh[1]) return { status: 'good', signer: ssh[1], key, message: `tag ${tag} is signed by ${ssh[1]} (${key})` };
    return { status: 'untrusted', signer: ssh[1] ?? null, key, message: `tag ${tag} is signed by ${key}, which is not an allowed signer` };
  }
  // OpenPGP status lines (--raw): GOODSIG/VALIDSIG for a key in the keyring, NO_PUBKEY/ERRSIG for one that is not.
  const fpr = /\[GNUPG:\] VALIDSIG (\S+)/.exec(text)?.[1] ?? null;
  const good = /\[GNUPG:\] GOODSIG (\S+) (.*)/.exec(text);
  if (good && exitCode === 0) return { status: 'good', signer: good[2]!.trim(), key: fpr ?? good[1]!, message: `tag ${tag} is signed by ${good[2]!.trim()} (${fpr ?? good[1]})` };
  const bad = /\[GNUPG:\] BADSIG (\S+) (.*)/.exec(text);
  if (bad) return { status: 'bad', signer: bad[2]!.trim(), key: bad[1]!, message: `tag ${tag} has a BAD signature claiming to be by ${bad[2]!.trim()} (${bad[1]}): the tag was altered after signing` };
  // ERRSIG <keyid> <algo> <hash> <class> <time> <rc> [<fingerprint>] (GnuPG ≥ 2.2.7 adds the signer's fingerprint).
  const errsig = /\[GNUPG:\] ERRSIG (\S+)(?: \S+){5}(?: ([0-9A-F]{40,64}))?/.exec(text);
  const missing = errsig ?? /\[GNUPG:\] NO_PUBKEY (\S+)/.exec(text);
  if (missing) {
    const key = errsig?.[2] ?? missing[1]!;
    return { status: 'untrusted', signer: null, key, message: `tag ${tag} is signed by OpenPGP key ${key}, which is not in the allowed keyring` };
  }
  if (exitCode === 0) return { status: 'good', signer: null, key: null, message: `tag ${tag} has a good signature` };
  const first = text.split('\n').find((l) => l.trim() !== '') ?? `git verify-tag exited ${exitCode}`;
  return { status: 'bad', signer: null, key: null, message: `tag ${tag} could not be verified: ${first}` };
}

/** Whether a signature is by a key that `verify:` allows: the tag must be local (fetched) already. */
export async function verifyTag(cwd: string, tag: string, spec: VerifySpec, signal?: AbortSignal): Promise<TagVerification> {
  const config: string[] = [];
  let gnupg: string | null = null;
  const methods: Array<'ssh' | 'gpg'> = [];
  if (spec.ssh) {
    config.push('-c', `gpg.ssh.allowedSignersFile=${spec.ssh.allowedSigners}`);
    methods.push('ssh');
  }
  if (spec.gpg) {
    methods.push('gpg');
    if (!gpgAvailable()) {
      if (!spec.ssh) return { tag, method: 'gpg', status: 'bad', signer: null, key: null, message: `tag ${tag} could not be verified: gpg is not installed, and verify.gpg needs it` };
    } else {
      try {
        gnupg = tempGnupgHome(spec.gpg.keyring);
      } catch (err) {
        return { tag, method: 'gpg', status: 'bad', signer: null, key: null, message: `tag ${tag} could not be verified: ${(err as Error).message}` };
      }
    }
  }
  try {
    const r = await runGit([...config, 'verify-tag', '--raw', '--', tag], {
      cwd,
      expectedExitCodes: [0, 1, 128],
      env: gnupg ? { GNUPGHOME: gnupg } : {},
      ...(signal ? { signal } : {}),
    });
    const read = readVerifyOutput(tag, r.exitCode, `${r.stdout}\n${r.stderr}`);
    const method = /\[GNUPG:\]/.test(r.stderr) ? 'gpg' : /"git" signature/.test(r.stderr) ? 'ssh' : methods.length === 1 ? methods[0]! : 'any';
    // A valid OpenPGP signature when only SSH signers are allowed (or the reverse) is not an allowed one.
    if (read.status === 'good' && method !== 'any' && !methods.includes(method)) {
      return { tag, method, ...read, status: 'untrusted', message: `tag ${tag} is signed with ${method} (${read.key ?? 'unknown key'}), but only ${methods.join(' and ')} signers are allowed` };
    }
    return { tag, method, ...read };
  } finally {
    if (gnupg) disposeGnupgHome(gnupg);
  }
}
