/**
 * Reads an allowed-signers file (ssh-keygen(1), "ALLOWED SIGNERS") only to say whether it is usable: `upshift doctor`
 * reports a file that is missing, unreadable or has lines ssh-keygen would reject, before an upgrade is refused for it.
 * Each line: principals, optional options (cert-authority, namespaces="…", valid-after=…, valid-before=…), key type,
 * base64 key, comment.
 */
import { readFileSync } from 'node:fs';

export interface AllowedSigners {
  principals: string[];
  problems: string[];
}

const KEY_TYPE = /^(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com|[a-z0-9-]+-cert-v01@openssh\.com)$/;

/** Parses the text of an allowed-signers file: every principal, and each line that is not a valid entry. */
export function parseAllowedSigners(text: string): AllowedSigners {
  const principals: string[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // Quoted option values may hold spaces: split on whitespace outside double quotes.
    const words = line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
    const typeAt = words.findIndex((w, j) => j > 0 && KEY_TYPE.test(w));
    if (typeAt < 0) {
      problems.push(`line ${i + 1}: no key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-…) after the principals`);
      return;
    }
    const key = words[typeAt + 1];
    if (!key || !/^[A-Za-z0-9+/]+=*$/.test(key)) {
      problems.push(`line ${i + 1}: the ${words[typeAt]} key is missing or not base64`);
      return;
    }
    principals.push(...words[0]!.split(','));
  });
  return { principals, problems };
}

/** The file read and parsed; a read failure is one problem naming the file. */
export function readAllowedSigners(file: string): AllowedSigners {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { principals: [], problems: [`${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
  }
  const parsed = parseAllowedSigners(text);
  if (parsed.principals.length === 0 && parsed.problems.length === 0) parsed.problems.push(`${file} lists no signer`);
  return parsed;
}
